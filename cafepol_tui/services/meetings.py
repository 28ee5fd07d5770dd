"""Read meetings as plain data for screens, CLI and documents."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

import peewee

from cafepol_tui.db.models import (
    Commissariat,
    Commune,
    Meeting,
    MeetingPartner,
    MeetingTheme,
    Officer,
    Partner,
    Registration,
    Theme,
    utcnow,
)
from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.validation import NotFoundError
from cafepol_tui.statuses import MeetingStatus, RegistrationStatus

_ = translator("texts")


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    starts_at: datetime
    duration_min: int
    commune: str
    place: str
    address: str
    capacity: int
    seats_taken: int
    status: str
    event_url: str | None

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_min)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


@dataclass(frozen=True)
class MeetingDetail(MeetingSummary):
    officer_name: str
    officer_phone: str
    commissariat: str
    partners: tuple[str, ...]
    themes: tuple[str, ...]
    interested_count: int
    description: str
    cancel_reason: str
    waitlist_count: int
    # What a citizen is shown (`get_meeting` fills them; `themes` and `officer_name` stay the
    # zone-language names the exports write): the officer's grade and gender (f, m, x or ""),
    # and the theme names in the current language (the zone-language name where untranslated).
    officer_grade: str = ""
    officer_gender: str = ""
    themes_shown: tuple[str, ...] = ()
    # Printed matter (`get_meeting` fills them): the commissariat of the meeting's commune
    # (its address, phone and hours), the meeting that replaces a cancelled one, and each
    # theme's name in every language ((lang, name) pairs, the zone-language name where
    # untranslated) so that a document in any language names them in its own.
    station: Station | None = None
    replacement: MeetingRef | None = None
    theme_names: tuple[tuple[tuple[str, str], ...], ...] = ()
    # The officer's photo from the zone file (PNG or JPEG bytes), printed on the A5 flyer.
    officer_photo: bytes | None = field(default=None, repr=False)

    def themes_in(self, lang: str) -> tuple[str, ...]:
        """The themes' names in `lang` (else as `themes_shown`, else the zone's)."""
        if not self.theme_names:
            return self.themes_shown or self.themes
        return tuple(dict(names).get(lang) or name
                     for names, name in zip(self.theme_names, self.themes, strict=False))


@dataclass(frozen=True)
class Station:
    """A commissariat as printed: where it is, its number (E.164) and its opening hours."""

    name: str
    address: str = ""
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class MeetingRef:
    """Another meeting, named on paper (a cancelled meeting's replacement)."""

    id: int
    starts_at: datetime
    duration_min: int
    place: str
    commune: str
    cancelled: bool = False

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_min)


SUMMARY_FIELDS = (
    Meeting.id,
    Meeting.starts_at,
    Meeting.duration_min,
    Commune.name,
    Meeting.place,
    Meeting.address,
    Meeting.capacity,
    Meeting.seats_taken,
    Meeting.status,
    Meeting.event_url,
)


def summary_from_row(row: Any) -> MeetingSummary:
    return MeetingSummary(*row)


def list_upcoming(
    *,
    now: datetime | None = None,
    commune: str | None = None,
    include_cancelled: bool = True,
    limit: int | None = None,
) -> list[MeetingSummary]:
    """Meetings not yet started, soonest first. One indexed query, no per-row lookups."""
    now = now or utcnow()
    query = (
        Meeting.select(*SUMMARY_FIELDS)
        .join(Commune)
        .where(Meeting.starts_at > now)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if commune:
        query = query.where(peewee.fn.LOWER(Commune.name) == commune.lower())
    if not include_cancelled:
        query = query.where(Meeting.status == MeetingStatus.SCHEDULED)
    if limit:
        query = query.limit(limit)
    return [summary_from_row(row) for row in query.tuples()]


def list_between(start: datetime, end: datetime, commune: str | None = None) -> list[MeetingSummary]:
    query = (
        Meeting.select(*SUMMARY_FIELDS)
        .join(Commune)
        .where((Meeting.starts_at >= start) & (Meeting.starts_at < end))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if commune:
        query = query.where(peewee.fn.LOWER(Commune.name) == commune.lower())
    return [summary_from_row(row) for row in query.tuples()]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """First and last instant (exclusive) of the month in Brussels, as aware datetimes."""
    from cafepol_tui.services.formatting import BRUSSELS  # Babel: only when a month is asked

    start = datetime.combine(month.replace(day=1), time(0, 0), tzinfo=BRUSSELS)
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, datetime.combine(nxt, time(0, 0), tzinfo=BRUSSELS)


def programme_meetings(month: date, commune: str | None = None) -> list[MeetingDetail]:
    """The month's meetings in detail, for the printed programme (call inside a database
    connection). `commune` is matched like `find_commune`."""
    if commune:
        commune = find_commune(commune).name
    start, end = month_bounds(month)
    return [get_meeting(m.id) for m in list_between(start, end, commune)]


def commune_names(also: str = "") -> list[str]:
    """The communes offered for a meeting: the active ones (a zone import deactivates what
    left its file), and `also` (the meeting's own, when it is edited) whatever its state."""
    query = Commune.select(Commune.name).order_by(Commune.name)
    return [c.name for c in query.where(Commune.active | (Commune.name == also))]


def find_commune(name: str) -> Commune:
    commune = Commune.get_or_none(peewee.fn.LOWER(Commune.name) == name.strip().lower())
    if commune is None:
        known = ", ".join(commune_names()) or _("aucune")
        raise NotFoundError(_("commune inconnue « {name} » (connues : {known})").format(name=name, known=known))
    return commune


def get_meeting(meeting_id: int) -> MeetingDetail:
    meeting = (
        Meeting.select(Meeting, Commune, Officer)
        .join(Commune)
        .switch(Meeting)
        .join(Officer, peewee.JOIN.LEFT_OUTER)
        .where(Meeting.id == meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
    partners = tuple(
        p.name
        for p in Partner.select(Partner.name)
        .join(MeetingPartner)
        .where(MeetingPartner.meeting == meeting_id)
        .order_by(Partner.name)
    )
    theme_rows = list(
        Theme.select()
        .join(MeetingTheme)
        .where(MeetingTheme.meeting == meeting_id)
        .order_by(Theme.name)
    )
    themes = tuple(t.name for t in theme_rows)
    themes_shown = tuple(theme_name(t) for t in theme_rows)
    waitlist = (
        Registration.select()
        .where(
            (Registration.meeting == meeting_id)
            & (Registration.status == RegistrationStatus.WAITLISTED)
        )
        .count()
    )
    officer = meeting.officer
    return MeetingDetail(
        id=meeting.id,
        starts_at=meeting.starts_at,
        duration_min=meeting.duration_min,
        commune=meeting.commune.name,
        place=meeting.place,
        address=meeting.address,
        capacity=meeting.capacity,
        seats_taken=meeting.seats_taken,
        status=meeting.status,
        event_url=meeting.event_url,
        officer_name=officer.name if officer else "",
        officer_phone=officer.phone if officer else "",
        commissariat=officer.commissariat if officer else "",
        partners=partners,
        themes=themes,
        interested_count=meeting.interested_count,
        description=meeting.description,
        cancel_reason=meeting.cancel_reason,
        waitlist_count=waitlist,
        officer_grade=officer.grade if officer else "",
        officer_gender=officer.gender if officer else "",
        officer_photo=bytes(officer.photo) if officer and officer.photo is not None else None,
        themes_shown=themes_shown,
        station=_station(meeting.commune, officer),
        replacement=_replacement(meeting.replacement_id),
        theme_names=tuple(
            tuple((lang, theme_name(t, lang)) for lang in ("fr", "nl", "de", "en"))
            for t in theme_rows
        ),
    )


def _station(commune: Commune, officer: Officer | None) -> Station | None:
    """The commune's commissariat, else the one the officer's row names."""
    row = None
    if commune.commissariat_id is not None:
        row = Commissariat.get_or_none(Commissariat.id == commune.commissariat_id)
    if row is None and officer is not None and officer.commissariat:
        row = Commissariat.get_or_none(
            peewee.fn.LOWER(Commissariat.name) == officer.commissariat.lower()
        )
    if row is None:
        return None
    return Station(row.name, row.address, row.phone, row.hours)


def _replacement(meeting_id: int | None) -> MeetingRef | None:
    if meeting_id is None:
        return None
    row = (
        Meeting.select(Meeting, Commune).join(Commune).where(Meeting.id == meeting_id).first()
    )
    if row is None:
        return None
    return MeetingRef(row.id, row.starts_at, row.duration_min, row.place, row.commune.name,
                      row.status == MeetingStatus.CANCELLED)


def theme_name(theme: Theme, lang: str | None = None) -> str:
    """The theme's name in `lang` (the current language by default), else its zone-language
    name."""
    lang = lang or current_language()
    return str(getattr(theme, f"name_{lang}", "") or "") or theme.name


def _rows(query: Any) -> list[Any]:
    """A query's rows as tuples."""
    return list(query.tuples())


def _names_by_meeting(
    link: type[peewee.Model], target: type[peewee.Model], ids: list[int]
) -> dict[int, list[str]]:
    """The names of the partners (or themes) of each meeting in `ids`, sorted."""
    found: dict[int, list[str]] = {}
    for meeting_id, name in _rows(
        link.select(link.meeting, target.name)  # type: ignore[attr-defined]
        .join(target)
        .where(link.meeting.in_(ids))  # type: ignore[attr-defined]
        .order_by(target.name)  # type: ignore[attr-defined]
    ):
        found.setdefault(meeting_id, []).append(name)
    return found


def details_of(rows: list[MeetingSummary]) -> list[MeetingDetail]:
    """`rows` in detail (as `get_meeting` gives them), in a few queries per 500 meetings rather
    than four per meeting (call inside a database connection)."""
    details: list[MeetingDetail] = []
    for first in range(0, len(rows), 500):
        chunk = rows[first : first + 500]
        ids = [m.id for m in chunk]
        query = Meeting.select(
            Meeting.id, Officer.name, Officer.phone, Officer.commissariat,
            Meeting.interested_count, Meeting.description, Meeting.cancel_reason,
            Officer.grade, Officer.gender,
        ).join(Officer, peewee.JOIN.LEFT_OUTER)
        extra: dict[int, tuple[Any, ...]] = {
            row[0]: row[1:] for row in _rows(query.where(Meeting.id.in_(ids)))
        }
        partners = _names_by_meeting(MeetingPartner, Partner, ids)
        themes = _names_by_meeting(MeetingTheme, Theme, ids)
        waitlists: dict[int, int] = dict(_rows(
            Registration.select(Registration.meeting, peewee.fn.COUNT(Registration.id))
            .where(
                Registration.meeting.in_(ids)
                & (Registration.status == RegistrationStatus.WAITLISTED)
            )
            .group_by(Registration.meeting)
        ))
        for m in chunk:
            name, phone, commissariat, interested, description, reason, grade, gender = (
                extra[m.id]
            )
            details.append(
                MeetingDetail(
                    **{f.name: getattr(m, f.name) for f in fields(MeetingSummary)},
                    officer_name=name or "",
                    officer_phone=phone or "",
                    commissariat=commissariat or "",
                    partners=tuple(partners.get(m.id, ())),
                    themes=tuple(themes.get(m.id, ())),
                    interested_count=interested,
                    description=description,
                    cancel_reason=reason,
                    waitlist_count=waitlists.get(m.id, 0),
                    officer_grade=grade or "",
                    officer_gender=gender or "",
                )
            )
    return details


def meeting_as_json(m: MeetingSummary) -> dict[str, object]:
    """The `cafepol meetings --json` / export shape; keys are a contract, add but don't rename.

    A `MeetingDetail` (`cafepol meetings --json`, `cafepol meeting add --json`) adds its
    officer, partners, themes, « interested » count, duration and cancel reason; the export's
    summaries keep their shape."""
    from cafepol_tui.services.formatting import local

    shape: dict[str, object] = {
        "id": m.id,
        "starts_at": local(m.starts_at).isoformat(),
        "ends_at": local(m.ends_at).isoformat(),
        "commune": m.commune,
        "place": m.place,
        "address": m.address,
        "capacity": m.capacity,
        "seats_taken": m.seats_taken,
        "seats_left": m.seats_left,
        "status": m.status,
        "event_url": m.event_url,
    }
    if isinstance(m, MeetingDetail):
        shape |= {
            "officer": m.officer_name or None,
            "partners": list(m.partners),
            "themes": list(m.themes),
            "interested": m.interested_count,
            "duration_min": m.duration_min,
            "cancel_reason": m.cancel_reason,
        }
    return shape


def availability_text(m: MeetingSummary) -> str:
    """What a citizen reads about seats, in words (never colour alone)."""
    if m.is_cancelled:
        return _("Annulée")
    if m.is_full:
        return _("Complet – liste d'attente")
    return _.plural("{n} place libre", "{n} places libres", m.seats_left).format(n=m.seats_left)


def change_token() -> tuple[object, int]:
    """A cheap fingerprint of everything a citizen sees: the latest change and the row count.

    Every sign-up, cancellation and meeting edit bumps `Meeting.updated_at`, so a kiosk can poll
    this (one indexed aggregate) and reload only when it moves.
    """
    row = Meeting.select(peewee.fn.MAX(Meeting.updated_at), peewee.fn.COUNT(Meeting.id)).tuples().first()
    return (row[0], row[1]) if row else (None, 0)


def meeting_change_token(meeting_id: int) -> tuple[object, ...]:
    """A cheap fingerprint of one meeting as staff see it: its last change, and its
    registrations' count and last change (a staff screen polls it and reloads when it moves)."""
    meeting = (
        Meeting.select(Meeting.updated_at, Meeting.status, Meeting.walkins)
        .where(Meeting.id == meeting_id)
        .tuples()
        .first()
    )
    row = (
        Registration.select(
            peewee.fn.COUNT(Registration.id), peewee.fn.MAX(Registration.updated_at)
        )
        .where(Registration.meeting == meeting_id)
        .tuples()
        .first()
    )
    return (meeting, row)
