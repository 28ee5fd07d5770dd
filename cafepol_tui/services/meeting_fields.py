"""A meeting's fields as staff type them: parse and check them, or fill the editor with them.

`clean_meeting` checks every field of a `MeetingForm` at once and reports every problem; the
dates, hours and numbers are parsed here, the free texts and the event's address by the shared
checks of `services.validation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import peewee

from cafepol_tui.db.models import (
    Commune,
    Meeting,
    MeetingPartner,
    MeetingTheme,
    Officer,
    Partner,
    Theme,
    utcnow,
)
from cafepol_tui.i18n import translator
from cafepol_tui.services.formatting import BRUSSELS, local
from cafepol_tui.services.validation import (
    FormCheck,
    NotFoundError,
    ValidationError,
    clean_event_url,
    clean_text,
)

_ = translator("texts")

MAX_CAPACITY = 500


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


def parse_int(raw: str | int, field_name: str, low: int, high: int, message: str) -> int:
    """A whole number from `low` to `high`; `message` is the field's error otherwise."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError({field_name: message}) from None
    if not low <= value <= high:
        raise ValidationError({field_name: message})
    return value


def parse_interested(raw: str | int) -> int:
    """The Facebook event's « interested » count."""
    return parse_int(
        raw, "interested_count", 0, 100_000, _("Nombre de personnes intéressées : un entier ≥ 0.")
    )


@dataclass(frozen=True)
class MeetingForm:
    """The editor's fields as typed. `clean_meeting()` checks them all and reports every problem."""

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
    # The partners' and themes' names. None: as they are (none for a new meeting); the
    # editor's form leaves them out.
    partners: Sequence[str] | None = None
    themes: Sequence[str] | None = None


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
    partner_ids: tuple[int, ...] | None = None  # None: unchanged
    theme_ids: tuple[int, ...] | None = None

    def columns(self) -> dict[str, object]:
        """The `Meeting` columns these values fill (for `Meeting.create` or `setattr`)."""
        return {
            "commune": self.commune_id,
            "place": self.place,
            "address": self.address,
            "starts_at": self.starts_at,
            "duration_min": self.duration_min,
            "capacity": self.capacity,
            "officer": self.officer_id,
            "event_url": self.event_url,
            "description": self.description,
            "interested_count": self.interested_count,
        }


def link_ids(
    names: Sequence[str] | None, kind: str, *, meeting_id: int | None = None
) -> tuple[int, ...] | None:
    """The ids of the partners (`kind` "partners") or themes ("themes") named, in the order
    given, each once; matched by name whatever the case. An unknown name is refused, and an
    inactive one (a zone import removed it) unless the meeting `meeting_id` already has it.
    None stays None: the links are left as they are."""
    if names is None:
        return None
    model: Any
    link: Any
    column: Any
    if kind == "partners":
        model, link, column = Partner, MeetingPartner, MeetingPartner.partner
        unknown = _("Partenaire inconnu : « {name} ».")
        inactive = _("Le partenaire « {name} » ne fait plus partie de la zone.")
    else:
        model, link, column = Theme, MeetingTheme, MeetingTheme.theme
        unknown = _("Thème inconnu : « {name} ».")
        inactive = _("Le thème « {name} » ne fait plus partie de la zone.")
    kept: set[int] = set()
    if meeting_id is not None:
        kept = {row[0] for row in link.select(column).where(link.meeting == meeting_id).tuples()}
    ids: list[int] = []
    for raw in names:
        name = " ".join(raw.split())
        found = model.get_or_none(peewee.fn.LOWER(model.name) == name.lower()) if name else None
        if found is None:
            raise ValidationError({kind: unknown.format(name=name[:120])})
        if not found.active and found.id not in kept:
            raise ValidationError({kind: inactive.format(name=found.name)})
        if found.id not in ids:
            ids.append(found.id)
    return tuple(ids)


def save_links(meeting_id: int, clean: CleanMeeting) -> None:
    """Make the meeting's partners and themes those of `clean` (unless left as they are).
    Call inside the change's transaction."""
    if clean.partner_ids is not None:
        MeetingPartner.delete().where(MeetingPartner.meeting == meeting_id).execute()
        for partner_id in clean.partner_ids:
            MeetingPartner.create(meeting=meeting_id, partner=partner_id)
    if clean.theme_ids is not None:
        MeetingTheme.delete().where(MeetingTheme.meeting == meeting_id).execute()
        for theme_id in clean.theme_ids:
            MeetingTheme.create(meeting=meeting_id, theme=theme_id)


def clean_meeting(
    form: MeetingForm,
    *,
    require_future: bool = True,
    now: datetime | None = None,
    meeting_id: int | None = None,
) -> CleanMeeting:
    """Every field checked. `meeting_id`: the meeting edited (it may keep its inactive
    partners and themes)."""
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
    check("place", lambda: clean_text(form.place, "place", 160, required=_("Indiquez le lieu.")))
    check("address", lambda: clean_text(form.address, "address", 240))
    check("day", lambda: parse_date(form.day, "day"))
    check("start", lambda: parse_time(form.start, "start"))
    check(
        "duration_min",
        lambda: parse_int(
            form.duration_min, "duration_min", 15, 480, _("Durée : de 15 à 480 minutes.")
        ),
    )
    check(
        "capacity",
        lambda: parse_int(
            form.capacity, "capacity", 1, MAX_CAPACITY, _("Capacité : de 1 à {max} places.").format(max=MAX_CAPACITY)
        ),
    )
    check("officer_id", officer_id)
    check("event_url", lambda: clean_event_url(form.event_url, "event_url"))
    check("description", lambda: clean_text(form.description, "description", 2000))
    check("interested_count", lambda: parse_interested(form.interested_count))
    check("partner_ids", lambda: link_ids(form.partners, "partners", meeting_id=meeting_id))
    check("theme_ids", lambda: link_ids(form.themes, "themes", meeting_id=meeting_id))
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
        partner_ids=out["partner_ids"],  # type: ignore[arg-type]
        theme_ids=out["theme_ids"],  # type: ignore[arg-type]
    )


def form_for(meeting_id: int, *, links: bool = False) -> MeetingForm:
    """The editor pre-filled with a meeting's current values; with `links`, its partners' and
    themes' names too (otherwise None: saving leaves them as they are)."""
    m = Meeting.get_or_none(Meeting.id == meeting_id)
    if m is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
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
        partners=_link_names(meeting_id, "partners") if links else None,
        themes=_link_names(meeting_id, "themes") if links else None,
    )


def _link_names(meeting_id: int, kind: str) -> tuple[str, ...]:
    if kind == "partners":
        query: Any = (
            Partner.select(Partner.name)
            .join(MeetingPartner, on=MeetingPartner.partner == Partner.id)
            .where(MeetingPartner.meeting == meeting_id)
            .order_by(MeetingPartner.id)
        )
    else:
        query = (
            Theme.select(Theme.name)
            .join(MeetingTheme, on=MeetingTheme.theme == Theme.id)
            .where(MeetingTheme.meeting == meeting_id)
            .order_by(MeetingTheme.id)
        )
    return tuple(row.name for row in query)


def link_choices(kind: str, also: Sequence[str] = ()) -> list[str]:
    """The editor's choices of partners (`kind` "partners") or themes: the active ones, and
    `also` (those the meeting edited already has, even inactive)."""
    model: Any = Partner if kind == "partners" else Theme
    query = model.select(model.name).where(model.active | model.name.in_(list(also) or [""]))
    return [row.name for row in query.order_by(model.name)]


def officer_names(also: str = "") -> list[str]:
    """The editor's choices for the officer field: the active officers, and `also` (the
    meeting's own, when it is edited)."""
    query = Officer.select(Officer.name).where(Officer.active | (Officer.name == also))
    return [o.name for o in query.order_by(Officer.name)]
