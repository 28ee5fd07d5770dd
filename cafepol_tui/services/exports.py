"""What `cafepol export` writes, read from the database as plain rows.

Keys are a contract for the zone's scripts (`services.contracts`); `documents.exports` turns
these rows into JSON or CSV without touching the database.
"""

from __future__ import annotations

from typing import Any

from cafepol_tui.db.models import Commune, Meeting, Registration
from cafepol_tui.services.concerns import concerns_for_export
from cafepol_tui.services.formatting import local
from cafepol_tui.services.meetings import SUMMARY_FIELDS, meeting_as_json, summary_from_row


def export_data() -> dict[str, list[dict[str, Any]]]:
    """Every meeting, registration and concern (call inside a database connection)."""
    meetings = [
        meeting_as_json(summary_from_row(row))
        for row in Meeting.select(*SUMMARY_FIELDS).join(Commune).order_by(Meeting.starts_at).tuples()
    ]
    registrations = [
        {
            "meeting_id": r.meeting_id,
            "reference": r.reference,
            "name": r.name,
            "people": r.people,
            "status": r.status,
            "waitlist_position": r.waitlist_position,
            "channel": r.channel,
            "phone": r.phone,
            "email": r.email,
            "topic": r.topic,
            "created_at": local(r.created_at).isoformat(),
        }
        for r in Registration.select().order_by(Registration.meeting, Registration.id)
    ]
    return {"meetings": meetings, "registrations": registrations,
            "concerns": concerns_for_export()}
