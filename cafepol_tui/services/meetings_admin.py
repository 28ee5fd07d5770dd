"""Staff changes to meetings: create, edit, cancel, duplicate, plan a series, interested count.

Every change runs in `write_transaction`, bumps `Meeting.updated_at` (so a running citizen
kiosk reloads within one poll) and writes an audit entry in the same transaction.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import (
    Commune,
    Meeting,
    MeetingPartner,
    MeetingTheme,
    Officer,
    Registration,
    utcnow,
)
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit
from cafepol_tui.services.formatting import BRUSSELS, local
from cafepol_tui.services.locking import lock_meeting
from cafepol_tui.services.registrations import RegistrationView, list_for_meeting, promote_waitlist
from cafepol_tui.services.validation import (
    FormCheck,
    NotFoundError,
    RefusedError,
    ValidationError,
    clean_url,
    has_control_chars,
)
from cafepol_tui.statuses import MeetingStatus, RegistrationStatus

_ = translator("messages")

MAX_CAPACITY = 500
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _weekday_names() -> list[str]:
    """Monday … Sunday in the current language (« maandag », « Montag »…), lower case."""
    from babel.dates import get_day_names

    from cafepol_tui.services.formatting import babel_locale

    names = get_day_names("wide", locale=babel_locale())
    return [names[i].lower() for i in range(7)]


class CapacityConflict(ValidationError):
    """The new capacity is below the confirmed seats: say who moves to the waiting list."""

    def __init__(self, capacity: int, seats_taken: int, confirmed: list[RegistrationView]):
        self.capacity = capacity
        self.seats_taken = seats_taken
        self.confirmed = confirmed
        super().__init__(
            {
                "capacity": (
                    _.plural(
                        "{taken} places sont déjà confirmées : choisissez qui passe en liste "
                        "d'attente pour libérer au moins {n} place.",
                        "{taken} places sont déjà confirmées : choisissez qui passe en liste "
                        "d'attente pour libérer au moins {n} places.",
                        seats_taken - capacity,
                    ).format(taken=seats_taken, n=seats_taken - capacity)
                )
            }
        )


def parse_date(raw: str, field_name: str = "date") -> date:
    """« 12/01/2027 », « 12-1-2027 » or « 2027-01-12 »."""
    text = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match:
            d, m, y = (int(g) for g in match.groups())
            return date(y, m, d)
    except ValueError:
        pass
    raise ValidationError({field_name: _("Date invalide : écrivez JJ/MM/AAAA (ex. 12/01/2027).")})


def parse_time(raw: str, field_name: str = "time") -> time:
    """« 10:30 », « 10h30 », « 10 h » ."""
    match = re.fullmatch(r"(\d{1,2})\s*[:hH]\s*(\d{2})?", raw.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValidationError({field_name: _("Heure invalide : écrivez HH:MM (ex. 10:00).")})


def _int(raw: str | int, field_name: str, low: int, high: int, message: str) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError({field_name: message}) from None
    if not low <= value <= high:
        raise ValidationError({field_name: message})
    return value


def _text(raw: str, field_name: str, max_len: int, *, required: str | None = None) -> str:
    text = " ".join(raw.split()) if "\n" not in raw else raw.strip()
    if required and not text:
        raise ValidationError({field_name: required})
    if has_control_chars(text.replace("\n", "")):
        raise ValidationError({field_name: _("Le texte contient des caractères non autorisés.")})
    if len(text) > max_len:
        raise ValidationError({field_name: _("Trop long ({max} caractères au maximum).").format(max=max_len)})
    return text


@dataclass(frozen=True)
class MeetingForm:
    """The editor's fields as typed. `clean()` checks them all and reports every problem."""

    commune: str = ""
    place: str = ""
    address: str = ""
    day: str = ""
    start: str = "10:00"
    duration_min: str | int = 90
    capacity: str | int = 45
    officer: str = ""
    event_url: str = ""
    description: str = ""
    interested_count: str | int = 0


@dataclass(frozen=True)
class CleanMeeting:
    commune_id: int
    place: str
    address: str
    starts_at: datetime
    duration_min: int
    capacity: int
    officer_id: int | None
    event_url: str | None
    description: str
    interested_count: int


def clean_meeting(
    form: MeetingForm, *, require_future: bool = True, now: datetime | None = None
) -> CleanMeeting:
    now = now or utcnow()
    fields = FormCheck()
    errors, out, check = fields.errors, fields.values, fields.check

    def commune_id() -> int:
        commune = Commune.get_or_none(peewee.fn.LOWER(Commune.name) == form.commune.strip().lower())
        if commune is None:
            raise ValidationError({"commune": _("Choisissez la commune.")})
        return commune.id

    def officer_id() -> int | None:
        if not form.officer.strip():
            return None
        officer = Officer.get_or_none(peewee.fn.LOWER(Officer.name) == form.officer.strip().lower())
        if officer is None:
            raise ValidationError({"officer": _("Policier inconnu : choisissez dans la liste.")})
        return officer.id

    check("commune_id", commune_id)
    check("place", lambda: _text(form.place, "place", 160, required=_("Indiquez le lieu.")))
    check("address", lambda: _text(form.address, "address", 240))
    check("day", lambda: parse_date(form.day, "day"))
    check("start", lambda: parse_time(form.start, "start"))
    check(
        "duration_min",
        lambda: _int(form.duration_min, "duration_min", 15, 480, _("Durée : de 15 à 480 minutes.")),
    )
    check(
        "capacity",
        lambda: _int(
            form.capacity, "capacity", 1, MAX_CAPACITY, _("Capacité : de 1 à {max} places.").format(max=MAX_CAPACITY)
        ),
    )
    check("officer_id", officer_id)
    check("event_url", lambda: clean_url(form.event_url, "event_url"))
    check("description", lambda: _text(form.description, "description", 2000))
    check(
        "interested_count",
        lambda: _int(
            form.interested_count,
            "interested_count",
            0,
            100_000,
            _("Nombre de personnes intéressées : un entier ≥ 0."),
        ),
    )
    starts_at = None
    if "day" in out and "start" in out:
        starts_at = datetime.combine(out["day"], out["start"], BRUSSELS)  # type: ignore[arg-type]
        if require_future and starts_at <= now:
            errors["day"] = _("La rencontre doit avoir lieu dans le futur.")
    if errors:
        raise ValidationError(errors)
    return CleanMeeting(
        commune_id=out["commune_id"],  # type: ignore[arg-type]
        place=out["place"],  # type: ignore[arg-type]
        address=out["address"],  # type: ignore[arg-type]
        starts_at=starts_at,  # type: ignore[arg-type]
        duration_min=out["duration_min"],  # type: ignore[arg-type]
        capacity=out["capacity"],  # type: ignore[arg-type]
        officer_id=out["officer_id"],  # type: ignore[arg-type]
        event_url=out["event_url"],  # type: ignore[arg-type]
        description=out["description"],  # type: ignore[arg-type]
        interested_count=out["interested_count"],  # type: ignore[arg-type]
    )


def form_for(meeting_id: int) -> MeetingForm:
    """The editor pre-filled with a meeting's current values."""
    m = Meeting.get_or_none(Meeting.id == meeting_id)
    if m is None:
        raise NotFoundError(_("no meeting with id {id}").format(id=meeting_id))
    start = local(m.starts_at)
    return MeetingForm(
        commune=m.commune.name,
        place=m.place,
        address=m.address,
        day=start.strftime("%d/%m/%Y"),
        start=start.strftime("%H:%M"),
        duration_min=str(m.duration_min),
        capacity=str(m.capacity),
        officer=m.officer.name if m.officer is not None else "",
        event_url=m.event_url or "",
        description=m.description,
        interested_count=str(m.interested_count),
    )


def _fields(clean: CleanMeeting) -> dict[str, object]:
    return {
        "commune": clean.commune_id,
        "place": clean.place,
        "address": clean.address,
        "starts_at": clean.starts_at,
        "duration_min": clean.duration_min,
        "capacity": clean.capacity,
        "officer": clean.officer_id,
        "event_url": clean.event_url,
        "description": clean.description,
        "interested_count": clean.interested_count,
    }


def create_meeting(form: MeetingForm, actor: str, *, now: datetime | None = None) -> int:
    now = now or utcnow()
    clean = clean_meeting(form, now=now)
    with write_transaction(database_proxy.obj):
        meeting = Meeting.create(**_fields(clean), created_at=now, updated_at=now)
        audit.record(
            actor,
            "meeting-create",
            f"meeting:{meeting.id}",
            local(clean.starts_at).isoformat(),
            now=now,
        )
    return meeting.id


def update_meeting(
    meeting_id: int,
    form: MeetingForm,
    actor: str,
    *,
    to_waitlist: tuple[int, ...] = (),
    now: datetime | None = None,
) -> list[str]:
    """Save the editor. Returns the references promoted from the waiting list, if any.

    When the capacity drops below the confirmed seats the caller must name, in `to_waitlist`,
    the registrations (ids) that go back to the head of the waiting list; otherwise
    `CapacityConflict` is raised and nothing changes.
    """
    now = now or utcnow()
    clean = clean_meeting(form, require_future=False, now=now)
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise RefusedError(_("Cette rencontre est annulée : elle ne peut plus être modifiée."))
        if clean.starts_at != meeting.starts_at and clean.starts_at <= now:
            raise ValidationError({"day": _("La nouvelle date doit être dans le futur.")})
        seats = meeting.seats_taken
        if clean.capacity < seats:
            movers = list(
                Registration.select().where(
                    (Registration.meeting == meeting_id)
                    & (Registration.id.in_(list(to_waitlist) or [0]))
                    & (Registration.status == RegistrationStatus.CONFIRMED)
                )
            )
            freed = sum(r.people for r in movers)
            if seats - freed > clean.capacity:
                confirmed = [
                    r
                    for r in list_for_meeting(meeting_id)
                    if r.status == RegistrationStatus.CONFIRMED
                ]
                raise CapacityConflict(clean.capacity, seats, confirmed)
            _move_to_waitlist_head(meeting, movers, now)
            meeting.seats_taken = seats - freed
            audit.record(
                actor,
                "waitlist-demote",
                f"meeting:{meeting_id}",
                "capacité réduite : " + ", ".join(r.reference for r in movers),
                now=now,
            )
        for key, value in _fields(clean).items():
            setattr(meeting, key, value)
        meeting.updated_at = now
        meeting.save()
        promoted = promote_waitlist(meeting, now)
        audit.record(
            actor,
            "meeting-edit",
            f"meeting:{meeting_id}",
            f"capacité {clean.capacity}, début {local(clean.starts_at).isoformat()}",
            now=now,
        )
    return promoted


def _move_to_waitlist_head(meeting: Meeting, movers: list[Registration], now: datetime) -> None:
    first = (
        Registration.select(peewee.fn.MIN(Registration.waitlist_position))
        .where(
            (Registration.meeting == meeting.id)
            & (Registration.status == RegistrationStatus.WAITLISTED)
        )
        .scalar()
    )
    position = (first if first is not None else 1) - len(movers)
    for r in sorted(movers, key=lambda r: (r.created_at, r.id)):
        r.status = RegistrationStatus.WAITLISTED
        r.waitlist_position = position
        r.updated_at = now
        r.save()
        position += 1


def cancel_meeting(
    meeting_id: int, reason: str, actor: str, *, now: datetime | None = None
) -> list[RegistrationView]:
    """Cancel with a reason. Returns the people to warn (confirmed and waitlisted, with contacts)."""
    now = now or utcnow()
    text = _text(reason, "reason", 500, required=_("Indiquez la raison de l'annulation."))
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise RefusedError(_("Cette rencontre est déjà annulée."))
        Meeting.update(status=MeetingStatus.CANCELLED, cancel_reason=text, updated_at=now).where(
            Meeting.id == meeting_id
        ).execute()
        audit.record(actor, "meeting-cancel", f"meeting:{meeting_id}", text, now=now)
    return people_to_warn(meeting_id)


def people_to_warn(meeting_id: int) -> list[RegistrationView]:
    return [
        r
        for r in list_for_meeting(meeting_id)
        if r.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    ]


def _copy_links(source_id: int, target_id: int) -> None:
    for link in MeetingPartner.select().where(MeetingPartner.meeting == source_id):
        MeetingPartner.create(meeting=target_id, partner=link.partner_id)
    for theme_link in MeetingTheme.select().where(MeetingTheme.meeting == source_id):
        MeetingTheme.create(meeting=target_id, theme=theme_link.theme_id)


def _clone(source: Meeting, starts_at: datetime, now: datetime) -> Meeting:
    meeting = Meeting.create(
        commune=source.commune_id,
        place=source.place,
        address=source.address,
        starts_at=starts_at,
        duration_min=source.duration_min,
        officer=source.officer_id,
        capacity=source.capacity,
        event_url=None,
        description=source.description,
        created_at=now,
        updated_at=now,
    )
    _copy_links(source.id, meeting.id)
    return meeting


def duplicate_meeting(
    meeting_id: int, day: str, actor: str, *, start: str = "", now: datetime | None = None
) -> int:
    """Same place, officer, partners and themes on another date (same hour unless given).

    The Facebook event URL is not copied: each date has its own event.
    """
    now = now or utcnow()
    new_day = parse_date(day, "day")
    source = Meeting.get_or_none(Meeting.id == meeting_id)
    if source is None:
        raise NotFoundError(_("no meeting with id {id}").format(id=meeting_id))
    clock = parse_time(start, "start") if start.strip() else local(source.starts_at).time()
    starts_at = datetime.combine(new_day, clock, BRUSSELS)
    if starts_at <= now:
        raise ValidationError({"day": _("La rencontre doit avoir lieu dans le futur.")})
    with write_transaction(database_proxy.obj):
        meeting = _clone(source, starts_at, now)
        audit.record(
            actor,
            "meeting-duplicate",
            f"meeting:{meeting.id}",
            f"copie de meeting:{meeting_id}",
            now=now,
        )
    return meeting.id


def nth_weekdays(first_month: date, months: int, weekday: int, nths: tuple[int, ...]) -> list[date]:
    """E.g. every 1st and 3rd Tuesday (weekday=1, nths=(1, 3)) for `months` months.

    nth 5 or -1 means the last such weekday of the month.
    """
    days: list[date] = []
    year, month = first_month.year, first_month.month
    for _ in range(months):
        matching = [
            date(year, month, d)
            for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday
        ]
        for n in sorted(set(nths), key=lambda n: 99 if n < 0 else n):
            if n == -1 or n == 5:
                if matching:
                    days.append(matching[-1])
            elif 1 <= n <= len(matching):
                days.append(matching[n - 1])
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return sorted(set(days))


def parse_series(
    weekday: str | int, nths: str | tuple[int, ...], months: str | int
) -> tuple[int, tuple[int, ...], int]:
    errors: dict[str, str] = {}
    wd = -1
    text = str(weekday).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        wd = int(text)
    elif text in WEEKDAYS_FR:
        wd = WEEKDAYS_FR.index(text)
    elif text in (local_names := _weekday_names()):
        wd = local_names.index(text)
    else:
        errors["weekday"] = _("Jour de la semaine : lundi, mardi, … dimanche.")
    try:
        parts = (
            nths
            if isinstance(nths, tuple)
            else tuple(int(p) for p in re.split(r"[,\s;]+", str(nths).strip()) if p)
        )
        if not parts or any(p not in (1, 2, 3, 4, 5, -1) for p in parts):
            raise ValueError
    except ValueError:
        errors["nths"] = _("Semaines du mois : ex. « 1,3 » (1er et 3e), 5 = dernier.")
        parts = ()
    try:
        count = _int(months, "months", 1, 12, _("Durée : de 1 à 12 mois."))
    except ValidationError as exc:
        errors.update(exc.errors)
        count = 0
    if errors:
        raise ValidationError(errors)
    return wd, parts, count


def plan_series(
    form: MeetingForm,
    weekday: str | int,
    nths: str | tuple[int, ...],
    months: str | int,
    actor: str,
    *,
    now: datetime | None = None,
) -> list[int]:
    """Create one meeting per matching date, from the form's date's month; past dates skipped.

    The form's date gives the first month; its hour applies to every meeting.
    """
    now = now or utcnow()
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
    ids: list[int] = []
    with write_transaction(database_proxy.obj):
        for starts_at in dates:
            fields = _fields(clean) | {"starts_at": starts_at}
            meeting = Meeting.create(**fields, created_at=now, updated_at=now)
            ids.append(meeting.id)
        audit.record(
            actor,
            "meeting-series",
            f"meetings:{ids[0]}-{ids[-1]}",
            f"{len(ids)} rencontres, {WEEKDAYS_FR[wd]} n° {','.join(map(str, parts))}",
            now=now,
        )
    return ids


def set_interested(
    meeting_id: int, count: str | int, actor: str, *, now: datetime | None = None
) -> int:
    """The Facebook event's « interested » count, entered by hand."""
    now = now or utcnow()
    value = _int(
        count, "interested_count", 0, 100_000, _("Nombre de personnes intéressées : un entier ≥ 0.")
    )
    with write_transaction(database_proxy.obj):
        updated = (
            Meeting.update(interested_count=value, updated_at=now)
            .where(Meeting.id == meeting_id)
            .execute()
        )
        if not updated:
            raise NotFoundError(_("no meeting with id {id}").format(id=meeting_id))
        audit.record(actor, "meeting-interested", f"meeting:{meeting_id}", str(value), now=now)
    return value


def officer_names() -> list[str]:
    return [o.name for o in Officer.select(Officer.name).order_by(Officer.name)]
