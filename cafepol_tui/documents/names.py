"""File names of the PDFs kept in the output folder: one place, so the CLI and the screens agree.

The retention purge reads them back (`personal_reference`, `personal_meeting`) to delete a
document once the personal data it shows is erased from the database.
"""

from __future__ import annotations

import re
from datetime import date

# Documents without personal data (posters): the retention purge leaves them.
PUBLIC_PREFIXES = ("flyer-", "programme-")

_BY_REFERENCE = re.compile(r"^(?:slip|confirmation)-([A-Za-z0-9]+)\.pdf$")
_BY_MEETING = re.compile(r"^attendance-(\d{1,18})\.pdf$")


def flyer_name(meeting_id: int, layout: str) -> str:
    return f"flyer-{meeting_id}-{layout}.pdf"


def programme_name(month: date, commune: str | None = None) -> str:
    suffix = f"-{commune.lower()}" if commune else ""
    return f"programme-{month:%Y-%m}{suffix}.pdf"


def slip_name(reference: str) -> str:
    return f"slip-{reference}.pdf"


def confirmation_name(reference: str) -> str:
    """The slip the kiosk prints for the citizen after a sign-up."""
    return f"confirmation-{reference}.pdf"


def attendance_name(meeting_id: int) -> str:
    return f"attendance-{meeting_id}.pdf"


def personal_reference(file_name: str) -> str | None:
    """The registration reference a slip or confirmation file is named after, else None."""
    match = _BY_REFERENCE.match(file_name)
    return match.group(1) if match else None


def personal_meeting(file_name: str) -> int | None:
    """The meeting an attendance sheet file is named after, else None."""
    match = _BY_MEETING.match(file_name)
    return int(match.group(1)) if match else None
