"""File names of the PDFs kept in the output folder: one place, so the CLI and the screens agree."""

from __future__ import annotations

from datetime import date


def flyer_name(meeting_id: int, layout: str) -> str:
    return f"flyer-{meeting_id}-{layout}.pdf"


def programme_name(month: date, commune: str | None = None) -> str:
    suffix = f"-{commune.lower()}" if commune else ""
    return f"programme-{month:%Y-%m}{suffix}.pdf"


def slip_name(reference: str) -> str:
    return f"slip-{reference}.pdf"


def attendance_name(meeting_id: int) -> str:
    return f"attendance-{meeting_id}.pdf"
