"""JSON and CSV exports. Keys and column names are a contract for the zone's scripts: the
columns live in `services.contracts`, and nothing here is translated."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cafepol_tui.db.models import Commune, Meeting, Registration
from cafepol_tui.services.contracts import CONCERN_COLUMNS, REGISTRATION_COLUMNS
from cafepol_tui.services.formatting import local
from cafepol_tui.services.meetings import SUMMARY_FIELDS, meeting_as_json, summary_from_row


def export_data() -> dict[str, list[dict[str, Any]]]:
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
    from cafepol_tui.services.concerns import concerns_for_export

    return {"meetings": meetings, "registrations": registrations,
            "concerns": concerns_for_export()}


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def registrations_csv(data: dict[str, Any]) -> str:
    """CSV with a UTF-8 BOM so spreadsheet programs keep the accents."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=REGISTRATION_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(data["registrations"])
    return buffer.getvalue()



def concerns_csv(data: dict[str, Any]) -> str:
    """Concerns (without citizen contacts), UTF-8 with BOM like the registrations."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=CONCERN_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(data.get("concerns", []))
    return buffer.getvalue()
