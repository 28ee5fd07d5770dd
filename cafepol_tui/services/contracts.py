"""Names that other programs depend on: never translated, never renamed.

The CSV columns the zone's scripts read, and the iCalendar identifiers calendars use to
recognise an event they already have. Kept apart from the documents (whose words are all
translated) so the difference is plain.
"""

from __future__ import annotations

REGISTRATION_COLUMNS = (
    "meeting_id", "reference", "name", "people", "status", "waitlist_position",
    "channel", "phone", "email", "topic", "created_at",
)

# Concerns without the citizen's contact: they're for follow-up, not for export.
CONCERN_COLUMNS = (
    "id", "meeting_id", "commune", "theme", "partner", "place", "description", "status",
    "wants_feedback", "due_on", "overdue", "created_at", "feedback_at", "closed_at",
    "close_reason",
)

ICS_PRODID = "-//Zone de Police Boraine//CafePol//FR"
ICS_UID_DOMAIN = "cafepol.local"
ICS_TIMEZONE = "Europe/Brussels"


def ics_uid(meeting_id: int) -> str:
    """Stable across exports, so calendars update an event instead of duplicating it."""
    return f"cafepol-meeting-{meeting_id}@{ICS_UID_DOMAIN}"
