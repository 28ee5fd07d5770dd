"""Series of meetings: « every 1st and 3rd Tuesday for three months », planned in one go.

The dates come from `dateutil.rrule` (monthly, by the nth weekday); the weekday is a number
(0 = Monday) or its name in any of the kiosk's languages, through Babel's calendars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from babel.dates import get_day_names
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule
from dateutil.rrule import weekday as rrule_weekday

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import Commune, Meeting, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit
from cafepol_tui.services.formatting import BRUSSELS, LOCALES, local
from cafepol_tui.services.meeting_fields import (
    CleanMeeting,
    MeetingForm,
    clean_meeting,
    parse_int,
    save_links,
)
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.validation import ValidationError
from cafepol_tui.statuses import MeetingStatus

_ = translator("texts")

# The weeks of the month a series may name: the 1st to the 4th, and the last (5 or -1).
NTHS = (1, 2, 3, 4, 5, -1)


def weekday_name(day: int, locale: str = "fr_BE") -> str:
    """« mardi » for 1 (0 = Monday), lower case, in Babel's `locale` (French by default)."""
    return str(get_day_names("wide", locale=locale)[day]).lower()


def parse_weekday(raw: str | int) -> int:
    """0 (Monday) … 6 from « 1 », « mardi », « Dinsdag », « Dienstag » or « tuesday »."""
    text = str(raw).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    for locale in LOCALES.values():
        for day in range(7):
            if weekday_name(day, locale) == text:
                return day
    raise ValidationError({"weekday": _("Jour de la semaine : lundi, mardi, … dimanche.")})


def nth_weekdays(first_month: date, months: int, weekday: int, nths: tuple[int, ...]) -> list[date]:
    """E.g. every 1st and 3rd Tuesday (weekday=1, nths=(1, 3)) for `months` months.

    nth 5 or -1 means the last such weekday of the month; other numbers are ignored.
    """
    day = rrule_weekday(weekday)
    weeks = sorted({-1 if n in (5, -1) else n for n in nths if n in NTHS})
    if months < 1 or not weeks:
        return []
    start = datetime.combine(first_month.replace(day=1), time())
    rule = rrule(
        MONTHLY,
        dtstart=start,
        until=start + relativedelta(months=months, days=-1),
        byweekday=[day(n) for n in weeks],
    )
    return [d.date() for d in rule]


def parse_series(
    weekday: str | int, nths: str | tuple[int, ...], months: str | int
) -> tuple[int, tuple[int, ...], int]:
    """The series' weekday, weeks of the month and number of months; every problem at once."""
    errors: dict[str, str] = {}
    wd = -1
    try:
        wd = parse_weekday(weekday)
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        parts = (
            nths
            if isinstance(nths, tuple)
            else tuple(int(p) for p in re.split(r"[,\s;]+", str(nths).strip()) if p)
        )
        if not parts or any(p not in NTHS for p in parts):
            raise ValueError
    except ValueError:
        errors["nths"] = _("Semaines du mois : ex. « 1,3 » (1er et 3e), 5 = dernier.")
        parts = ()
    try:
        count = parse_int(months, "months", 1, 12, _("Durée : de 1 à 12 mois."))
    except ValidationError as exc:
        errors.update(exc.errors)
        count = 0
    if errors:
        raise ValidationError(errors)
    return wd, parts, count


# The concept's aim: two or three meetings a month in each commune.
MONTHLY_AIM = (2, 3)


@dataclass(frozen=True)
class MonthCount:
    """One commune's meetings in one month: those already there (not cancelled) and those the
    series would add, against the aim of `MONTHLY_AIM`."""

    commune: str
    year: int
    month: int
    existing: int
    planned: int

    @property
    def total(self) -> int:
        return self.existing + self.planned

    @property
    def below_aim(self) -> bool:
        return self.total < MONTHLY_AIM[0]

    @property
    def above_aim(self) -> bool:
        return self.total > MONTHLY_AIM[1]


@dataclass(frozen=True)
class SeriesPreview:
    """What `plan_series` would create: the dates (Brussels time) and each month's count."""

    dates: tuple[datetime, ...]
    months: tuple[MonthCount, ...]


def preview_series(
    form: MeetingForm,
    weekday: str | int,
    nths: str | tuple[int, ...],
    months: str | int,
    *,
    now: datetime | None = None,
) -> SeriesPreview:
    """The dates `plan_series` would create, checked as it checks them, and per commune and
    month the meetings there would then be (existing, not cancelled, + planned). Reads only."""
    now = now or utcnow()
    clean, _wd, _parts, dates = _series_dates(form, weekday, nths, months, now)
    commune = Commune.get_by_id(clean.commune_id).name
    counts: list[MonthCount] = []
    for year, month in sorted({(d.year, d.month) for d in dates}):
        first = datetime(year, month, 1, tzinfo=BRUSSELS)
        existing = (
            Meeting.select()
            .where(
                (Meeting.commune == clean.commune_id)
                & (Meeting.status != MeetingStatus.CANCELLED)
                & (Meeting.starts_at >= first)
                & (Meeting.starts_at < first + relativedelta(months=1))
            )
            .count()
        )
        planned = sum(1 for d in dates if (d.year, d.month) == (year, month))
        counts.append(MonthCount(commune, year, month, existing, planned))
    return SeriesPreview(tuple(dates), tuple(counts))


def _series_dates(
    form: MeetingForm,
    weekday: str | int,
    nths: str | tuple[int, ...],
    months: str | int,
    now: datetime,
) -> tuple[CleanMeeting, int, tuple[int, ...], list[datetime]]:
    """The form checked, the series' weekday and weeks, and its dates to come; every problem
    at once."""
    errors: dict[str, str] = {}
    try:
        clean = clean_meeting(form, require_future=False, now=now)
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        wd, parts, count = parse_series(weekday, nths, months)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    first = local(clean.starts_at)
    clock = first.time().replace(tzinfo=None)
    dates = [
        datetime.combine(d, clock, BRUSSELS) for d in nth_weekdays(first.date(), count, wd, parts)
    ]
    dates = [d for d in dates if d >= first and d > now]
    if not dates:
        raise ValidationError({"day": _("Aucune date à venir ne correspond à cette série.")})
    return clean, wd, parts, dates


def plan_series(
    form: MeetingForm,
    weekday: str | int,
    nths: str | tuple[int, ...],
    months: str | int,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> list[int]:
    """Create one meeting per matching date, from the form's date's month; past dates skipped.

    The form's date gives the first month; its hour applies to every meeting. `preview_series`
    shows the same dates first.
    """
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    clean, wd, parts, dates = _series_dates(form, weekday, nths, months, now)
    ids: list[int] = []
    with write_transaction(database_proxy.obj):
        for starts_at in dates:
            fields = clean.columns() | {"starts_at": starts_at}
            meeting = Meeting.create(**fields, created_at=now, updated_at=now)
            save_links(meeting.id, clean)
            ids.append(meeting.id)
        audit.record(
            actor.name,
            "meeting-series",
            f"meetings:{ids[0]}-{ids[-1]}",
            f"{len(ids)} rencontres, {weekday_name(wd)} n° {','.join(map(str, parts))}",
            now=now,
        )
    return ids
