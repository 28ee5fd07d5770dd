"""« Vous nous avez dit… voici ce qui a été fait »: a commune's concerns of the last months.

For everyone to read (the kiosk screen, the A4 sheet handed out at the next meeting): the
theme, the place, the state and what was said publicly (the reply once given, else the last
public update). Never a name, a contact or the description the citizen gave (it can name
people).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import peewee

from cafepol_tui.db.models import Concern, ConcernUpdate, Theme, utcnow
from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.calendar_names import MONTHS as MONTH_NAMES
from cafepol_tui.services.concerns import status_label
from cafepol_tui.services.formatting import BRUSSELS, format_day, local
from cafepol_tui.services.meetings import find_commune, theme_name
from cafepol_tui.statuses import ConcernStatus

_ = translator("texts")

MONTHS_MAX = 36


@dataclass(frozen=True)
class NeighbourhoodItem:
    reference: str
    theme: str
    place: str
    status: str
    status_label: str
    public_text: str  # the reply once given, else the last public update's note, else ""
    created_month: date  # the first of the month it was raised in
    created_month_label: str  # « novembre 2026 », in the current language

    def as_json(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "theme": self.theme,
            "place": self.place,
            "status": self.status,
            "status_label": self.status_label,
            "public_text": self.public_text,
            "created_month": self.created_month.strftime("%Y-%m"),
            "created_month_label": self.created_month_label,
        }


@dataclass(frozen=True)
class NeighbourhoodReport:
    commune: str
    since: date
    since_label: str  # « mercredi 1 juillet 2026 », in the current language
    items: tuple[NeighbourhoodItem, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "commune": self.commune,
            "since": self.since.isoformat(),
            "since_label": self.since_label,
            "items": [item.as_json() for item in self.items],
        }


def month_label(month: date, lang: str | None = None) -> str:
    """« novembre 2026 », « november 2026 »…"""
    names = MONTH_NAMES.get(lang or current_language(), MONTH_NAMES["fr"])
    return f"{names[month.month - 1]} {month.year}"


def months_back(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s month (that month included
    in the span: 6 months back from 15 December is 1 July)."""
    index = day.year * 12 + day.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def neighbourhood_feedback(
    commune: str, *, months: int = 6, now: datetime | None = None
) -> NeighbourhoodReport:
    """The concerns raised in `commune` since the start of the month `months - 1` months ago,
    newest first. NotFoundError for an unknown commune."""
    months = max(1, min(months, MONTHS_MAX))
    town = find_commune(commune)
    now = now or utcnow()
    since = months_back(local(now).date(), months)
    start = datetime(since.year, since.month, since.day, tzinfo=BRUSSELS)
    rows = list(
        Concern.select(Concern, Theme)
        .join(Theme, peewee.JOIN.LEFT_OUTER)
        .where((Concern.commune == town.id) & (Concern.created_at >= start))
        .order_by(Concern.created_at.desc(), Concern.id.desc())
    )
    notes: dict[int, str] = {}
    if rows:
        updates = (
            ConcernUpdate.select(ConcernUpdate.concern, ConcernUpdate.note)
            .where(ConcernUpdate.concern.in_([c.id for c in rows]) & ConcernUpdate.public)
            .order_by(ConcernUpdate.at, ConcernUpdate.id)
        )
        for u in updates:
            if u.note:
                notes[u.concern_id] = u.note  # the last one wins
    items = []
    for c in rows:
        if c.status == ConcernStatus.FEEDBACK_GIVEN and c.reply_text:
            text = c.reply_text
        else:
            text = notes.get(c.id, "")
        created = local(c.created_at).date()
        items.append(
            NeighbourhoodItem(
                reference=c.reference or "",
                theme=theme_name(theme) if (theme := c.theme) is not None else "",
                place=c.place,
                status=c.status,
                status_label=status_label(c.status),
                public_text=text,
                created_month=created.replace(day=1),
                created_month_label=month_label(created),
            )
        )
    return NeighbourhoodReport(
        commune=town.name, since=since, since_label=format_day(start), items=tuple(items)
    )
