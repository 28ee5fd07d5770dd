"""Figures for the zone: meeting rhythm per commune, attendance, concerns and feedback.

Computed from counts that survive anonymisation (people, statuses, walk-ins, concern dates),
so purging personal data never changes a statistic.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime

import peewee

from cafepol_tui.db.models import Commune, Concern, Meeting, Registration, Theme, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services.formatting import local
from cafepol_tui.statuses import ConcernStatus, MeetingStatus, RegistrationStatus

_ = translator("texts")

AIM_MIN, AIM_MAX = 2, 3


@dataclass(frozen=True)
class MonthRow:
    commune: str
    month: str  # YYYY-MM
    meetings: int

    @property
    def verdict(self) -> str:
        if self.meetings < AIM_MIN:
            return "sous l'objectif"
        if self.meetings > AIM_MAX:
            return "au-delà"
        return "objectif atteint"

    @property
    def aim(self) -> str:
        """The language-neutral verdict: "below", "within" or "above" the aim."""
        if self.meetings < AIM_MIN:
            return "below"
        if self.meetings > AIM_MAX:
            return "above"
        return "within"


@dataclass(frozen=True)
class AttendanceRow:
    meeting_id: int
    day: str  # YYYY-MM-DD, local
    commune: str
    place: str
    registered: int  # people confirmed, attended or no-show
    attended: int  # people checked in present, plus walk-ins
    walkins: int
    interested: int  # Facebook "interested"
    # Someone marked a registration attended/no-show or counted walk-ins; a meeting never
    # checked in says nothing about attendance and is left out of averages and rates.
    checked_in: bool = True


@dataclass(frozen=True)
class Stats:
    months: tuple[str, ...]
    per_month: tuple[MonthRow, ...]
    attendance: tuple[AttendanceRow, ...]
    concerns_by_theme: tuple[tuple[str, int], ...]
    concerns_by_commune: tuple[tuple[str, int], ...]
    concerns_total: int
    feedback_given: int
    median_days_to_feedback: float | None
    planned_months: tuple[str, ...] = ()
    planned: tuple[MonthRow, ...] = ()  # scheduled meetings in the coming months

    @property
    def not_checked_in(self) -> int:
        return sum(not r.checked_in for r in self.attendance)

    @property
    def feedback_share(self) -> float | None:
        return self.feedback_given / self.concerns_total if self.concerns_total else None

    @property
    def totals(self) -> dict[str, int]:
        return {
            "registered": sum(r.registered for r in self.attendance),
            "attended": sum(r.attended for r in self.attendance),
            "interested": sum(r.interested for r in self.attendance),
        }

    @property
    def checked_in_totals(self) -> dict[str, object]:
        """Attendance over the meetings that were checked in only."""
        rows = [r for r in self.attendance if r.checked_in]
        registered = sum(r.registered for r in rows)
        attended = sum(r.attended for r in rows)
        shown = sum(r.attended - r.walkins for r in rows)
        return {
            "meetings": len(rows),
            "not_checked_in": self.not_checked_in,
            "registered": registered,
            "attended": attended,
            "walkins": sum(r.walkins for r in rows),
            "average_attended": round(attended / len(rows), 1) if rows else None,
            "show_rate": round(shown / registered, 3) if registered else None,
        }

    def as_json(self) -> dict[str, object]:
        """The `cafepol stats --json` shape; keys are a contract."""
        return {
            "aim_per_month": [AIM_MIN, AIM_MAX],
            "months": list(self.months),
            "meetings_per_commune_month": [
                asdict(r) | {"verdict": r.verdict, "aim": r.aim} for r in self.per_month
            ],
            "planned": {
                "months": list(self.planned_months),
                "meetings_per_commune_month": [asdict(r) | {"aim": r.aim} for r in self.planned],
            },
            "checked_in": self.checked_in_totals,
            "attendance": [asdict(r) for r in self.attendance],
            "totals": self.totals,
            "concerns": {
                "total": self.concerns_total,
                "by_theme": dict(self.concerns_by_theme),
                "by_commune": dict(self.concerns_by_commune),
                # The two keys above name a missing theme/commune with a French placeholder
                # (kept: contract); these counts say the same without a label.
                "without_theme": dict(self.concerns_by_theme).get("(sans thème)", 0),
                "without_meeting_commune": dict(self.concerns_by_commune).get(
                    "(hors rencontre)", 0
                ),
                "feedback_given": self.feedback_given,
                "feedback_share": self.feedback_share,
                "median_days_to_feedback": self.median_days_to_feedback,
            },
        }


def month_keys(until: date, count: int) -> list[str]:
    year, month = until.year, until.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def months_after(start: date, count: int) -> list[str]:
    """The `count` calendar months following the month of `start`, as YYYY-MM."""
    year, month = start.year, start.month
    keys = []
    for _ in range(count):
        month += 1
        if month == 13:
            year, month = year + 1, 1
        keys.append(f"{year:04d}-{month:02d}")
    return keys


PLANNED_MONTHS = 3


def compute(*, now: datetime | None = None, months: int = 6) -> Stats:
    """The last `months` calendar months up to and including the current one, and the
    meetings planned in the `PLANNED_MONTHS` calendar months after it."""
    now = now or utcnow()
    keys = month_keys(local(now).date(), months)
    first = datetime.fromisoformat(f"{keys[0]}-01T00:00").replace(tzinfo=local(now).tzinfo)
    communes = [c.name for c in Commune.select(Commune.name).order_by(Commune.name)]

    held = list(
        Meeting.select(
            Meeting.id,
            Meeting.starts_at,
            Meeting.place,
            Meeting.walkins,
            Meeting.interested_count,
            Commune.name,
        )
        .join(Commune)
        .where((Meeting.status == MeetingStatus.SCHEDULED) & (Meeting.starts_at >= first))
        .order_by(Meeting.starts_at, Meeting.id)
        .objects()
    )
    per: Counter[tuple[str, str]] = Counter()
    for m in held:
        per[(m.name, local(m.starts_at).strftime("%Y-%m"))] += 1
    per_month = tuple(MonthRow(c, k, per.get((c, k), 0)) for c in communes for k in keys)
    ahead = months_after(local(now).date(), PLANNED_MONTHS)
    planned = tuple(MonthRow(c, k, per.get((c, k), 0)) for c in communes for k in ahead)

    people = peewee.fn.COALESCE(peewee.fn.SUM(Registration.people), 0)
    counts: dict[tuple[int, str], int] = {
        (mid, status): n
        for mid, status, n in Registration.select(Registration.meeting, Registration.status, people)
        .where(Registration.status.in_(RegistrationStatus.HOLDING_SEATS))
        .group_by(Registration.meeting, Registration.status)
        .tuples()
    }
    checked = {
        mid
        for (mid, status), n in counts.items()
        if status in (RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)
    }
    attendance = tuple(
        AttendanceRow(
            meeting_id=m.id,
            day=local(m.starts_at).date().isoformat(),
            commune=m.name,
            place=m.place,
            registered=sum(counts.get((m.id, s), 0) for s in RegistrationStatus.HOLDING_SEATS),
            attended=counts.get((m.id, RegistrationStatus.ATTENDED), 0) + m.walkins,
            walkins=m.walkins,
            interested=m.interested_count,
            checked_in=bool(m.walkins or m.id in checked),
        )
        for m in held
        if m.starts_at <= now
    )

    concerns = list(
        Concern.select(
            Concern.status,
            Concern.created_at,
            Concern.feedback_at,
            Theme.name.alias("theme_name"),
            Commune.name.alias("commune_name"),
        )
        .join(Theme, peewee.JOIN.LEFT_OUTER, on=(Concern.theme == Theme.id))
        .switch(Concern)
        .join(Commune, peewee.JOIN.LEFT_OUTER, on=(Concern.commune == Commune.id))
        .dicts()
    )
    by_theme = Counter(c["theme_name"] or "(sans thème)" for c in concerns)
    by_commune = Counter(c["commune_name"] or "(hors rencontre)" for c in concerns)
    delays = [
        (c["feedback_at"] - c["created_at"]).total_seconds() / 86400
        for c in concerns
        if c["status"] == ConcernStatus.FEEDBACK_GIVEN and c["feedback_at"]
    ]
    return Stats(
        months=tuple(keys),
        per_month=per_month,
        attendance=attendance,
        concerns_by_theme=tuple(sorted(by_theme.items(), key=lambda kv: (-kv[1], kv[0]))),
        concerns_by_commune=tuple(sorted(by_commune.items(), key=lambda kv: (-kv[1], kv[0]))),
        concerns_total=len(concerns),
        feedback_given=len(delays),
        median_days_to_feedback=round(statistics.median(delays), 1) if delays else None,
        planned_months=tuple(ahead),
        planned=planned,
    )


def bar(value: float, maximum: float, width: int = 20) -> str:
    """A horizontal bar in block characters (eighths), for terminal charts."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = round(value / maximum * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def format_text(s: Stats) -> str:
    """The plain-text report printed by `cafepol stats`, in the current language."""
    from babel.numbers import format_decimal, format_percent

    from cafepol_tui.services.formatting import babel_locale

    locale = babel_locale()
    lines = [
        _("Rencontres par commune et par mois (objectif {low}–{high})").format(
            low=AIM_MIN, high=AIM_MAX
        )
    ]
    commune_head = _("Commune")
    header = f"  {commune_head:<16}" + "".join(f"{k[2:]:>8}" for k in s.months)
    lines.append(header)
    communes = sorted({r.commune for r in s.per_month})
    for c in communes:
        cells = []
        for r in s.per_month:
            if r.commune == c:
                mark = (
                    ""
                    if AIM_MIN <= r.meetings <= AIM_MAX
                    else ("!" if r.meetings < AIM_MIN else "+")
                )
                cells.append(f"{r.meetings}{mark:<1}".rjust(8))
        lines.append(f"  {c:<16}" + "".join(cells))
    if s.planned_months:
        lines += [
            "",
            _("Rencontres prévues dans les mois à venir (objectif {low}–{high})").format(
                low=AIM_MIN, high=AIM_MAX
            ),
            f"  {commune_head:<16}" + "".join(f"{k[2:]:>8}" for k in s.planned_months),
        ]
        marks = {"below": "!", "within": "", "above": "+"}
        for c in sorted({r.commune for r in s.planned}):
            cells = [f"{r.meetings}{marks[r.aim]:<1}".rjust(8) for r in s.planned if r.commune == c]
            lines.append(f"  {c:<16}" + "".join(cells))
    t = s.totals
    ci = s.checked_in_totals
    lines += [
        "",
        _(
            "Rencontres tenues : {held} — inscrits {registered}, présents {attended}, "
            "intéressés (Facebook) {interested}"
        ).format(
            held=len(s.attendance),
            registered=t["registered"],
            attended=t["attended"],
            interested=t["interested"],
        ),
        _(
            "Pointées : {n} (moyenne {average} présents) ; non pointées, hors moyennes : {missing}"
        ).format(
            n=ci["meetings"],
            average=format_decimal(ci["average_attended"], locale=locale)
            if ci["average_attended"] is not None
            else "—",
            missing=ci["not_checked_in"],
        ),
        "",
        _("Doléances : {n}").format(n=s.concerns_total),
    ]
    top = max((n for _name, n in s.concerns_by_theme), default=0)
    for name, n in s.concerns_by_theme:
        lines.append(f"  {name[:34]:<34} {n:>4} {bar(n, top)}")
    per_commune = ", ".join(f"{c} {n}" for c, n in s.concerns_by_commune)
    lines.append("  " + _("Par commune : {list}").format(list=per_commune))
    share = format_percent(s.feedback_share, locale=locale) if s.feedback_share is not None else "—"
    median = (
        _("{n} j").format(n=format_decimal(s.median_days_to_feedback, locale=locale))
        if s.median_days_to_feedback is not None
        else "—"
    )
    lines.append(
        "  "
        + _("Retour donné : {n} ({share}) ; délai médian : {median}").format(
            n=s.feedback_given, share=share, median=median
        )
    )
    return "\n".join(lines) + "\n"
