"""The files the program keeps in its output folders: their names, the fallback folder, expiry.

One place, so the CLI, the screens and the documents agree on names, and the retention purge can
read them back (`personal_reference`, `personal_meeting`) to delete a document once the personal
data it shows is erased from the database.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Collection
from datetime import date, datetime
from pathlib import Path

# Documents without personal data (posters): the retention purge leaves them.
PUBLIC_PREFIXES = ("flyer-", "programme-")

# Kept names carry the language and the layout (« flyer-12-a5-nl.pdf »): a Dutch flyer never
# overwrites the French one. The older names (without them) are still read back for the purge.
_BY_REFERENCE = re.compile(r"^(?:slip|confirmation)-([A-Za-z0-9]+)(?:-[a-z0-9]+)*\.pdf$")
_BY_MEETING = re.compile(r"^attendance-(\d{1,18})(?:-[a-z0-9]+)*\.pdf$")

# The `[printing.KIND]` table each kept name goes to (settings.PRINTED_KINDS).
_KINDS = (
    ("slip-", "slip"),
    ("confirmation-", "slip"),
    ("flyer-", "flyer"),
    ("programme-", "programme"),
    ("attendance-", "attendance"),
    ("letter-", "letter"),
    ("calls-", "calls"),
    ("neighbourhood-", "neighbourhood"),
    ("warn", "warnlist"),
)


def _suffix(*parts: str) -> str:
    return "".join(f"-{p.lower()}" for p in parts if p)


def flyer_name(meeting_id: int, layout: str, lang: str = "") -> str:
    return f"flyer-{meeting_id}{_suffix(layout, lang)}.pdf"


def programme_name(month: date, commune: str | None = None, lang: str = "") -> str:
    suffix = f"-{commune.lower()}" if commune else ""
    return f"programme-{month:%Y-%m}{suffix}{_suffix(lang)}.pdf"


def slip_name(reference: str, lang: str = "", layout: str = "") -> str:
    return f"slip-{reference}{_suffix(lang, layout)}.pdf"


def confirmation_name(reference: str, lang: str = "", layout: str = "") -> str:
    """The slip the kiosk prints for the citizen after a sign-up."""
    return f"confirmation-{reference}{_suffix(lang, layout)}.pdf"


def attendance_name(meeting_id: int, lang: str = "") -> str:
    return f"attendance-{meeting_id}{_suffix(lang)}.pdf"


def document_kind(file_name: str) -> str:
    """« slip », « flyer »… for a kept file's name ('' when it is none of ours)."""
    base = Path(file_name).name
    return next((kind for prefix, kind in _KINDS if base.startswith(prefix)), "")


def personal_reference(file_name: str) -> str | None:
    """The registration reference a slip or confirmation file is named after, else None."""
    match = _BY_REFERENCE.match(file_name)
    return match.group(1) if match else None


def personal_meeting(file_name: str) -> int | None:
    """The meeting an attendance sheet file is named after, else None."""
    match = _BY_MEETING.match(file_name)
    return int(match.group(1)) if match else None


def fallback_dir() -> Path:
    """Where a PDF goes when the output folder can't be written."""
    return Path(tempfile.gettempdir()) / "cafepol"


# --- retention: documents kept in the output folder ---------------------------------------

# What the output folder may hold besides our PDFs: exports saved there by hand.
KEPT_SUFFIXES = (".pdf", ".csv", ".json")


def expired_documents(
    folders: Collection[Path],
    cutoff: datetime,
    *,
    expired_references: Callable[[set[str]], set[str]],
    ended_meetings: Callable[[set[int]], set[int]],
) -> list[Path]:
    """The documents with personal data in `folders` that the retention period has expired.

    A slip, a confirmation or an attendance sheet goes once the database has erased the people
    it names (`expired_references`, `ended_meetings` answer for the names found); any PDF, CSV
    or JSON file (exports, warn lists, leftovers of an interrupted save) goes once it is older
    than `cutoff`. Flyers and programmes name nobody and stay; other files are not ours.
    """
    candidates: list[Path] = []
    for folder in dict.fromkeys(folders):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            name = path.name
            if (
                path.suffix.lower() in KEPT_SUFFIXES
                and not name.startswith(PUBLIC_PREFIXES)
                and path.is_file()
                and not path.is_symlink()
            ):
                candidates.append(path)
    references = {r for p in candidates if (r := personal_reference(p.name))}
    meetings = {m for p in candidates if (m := personal_meeting(p.name)) is not None}
    gone_refs = expired_references(references) if references else set()
    gone_meetings = ended_meetings(meetings) if meetings else set()
    limit = cutoff.timestamp()
    expired = []
    for path in candidates:
        try:
            old = path.stat().st_mtime < limit
        except OSError:
            continue
        if (
            old
            or personal_reference(path.name) in gone_refs
            or personal_meeting(path.name) in gone_meetings
        ):
            expired.append(path)
    return sorted(expired)
