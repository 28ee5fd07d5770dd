"""Staff changes to meetings: create, edit, cancel, duplicate, interested count.

The fields are parsed and checked in `services.meeting_fields`, series planned in
`services.series`.

Every change runs in `write_transaction`, bumps `Meeting.updated_at` (so a running citizen
kiosk reloads within one poll) and writes an audit entry in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import (
    Meeting,
    MeetingPartner,
    MeetingTheme,
    Registration,
    utcnow,
)
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit, notices
from cafepol_tui.services.formatting import BRUSSELS, local
from cafepol_tui.services.locking import lock_meeting
from cafepol_tui.services.meeting_fields import (
    CleanMeeting,
    MeetingForm,
    clean_meeting,
    form_for,
    parse_date,
    parse_interested,
    parse_time,
    save_links,
)
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.registrations import (
    RegistrationView,
    list_for_meeting,
    promote_waitlist,
    waitlist_rank,
)
from cafepol_tui.services.validation import (
    NotFoundError,
    RefusedError,
    ValidationError,
    clean_text,
)
from cafepol_tui.statuses import MeetingStatus, NoticeKind, RegistrationStatus

_ = translator("texts")


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


class StaleEditError(RefusedError):
    """Someone else changed the meeting since the editor was opened: nothing was saved.

    `fresh` is the editor filled with the meeting's current values, `version` their version
    (give it back as `expected_version` to save over them)."""

    def __init__(self, fresh: MeetingForm, version: str) -> None:
        self.fresh, self.version = fresh, version
        super().__init__(
            _(
                "Cette rencontre a été modifiée ailleurs pendant que vous l'éditiez : rien n'a "
                "été enregistré. Les valeurs actuelles sont rechargées ; refaites vos changements."
            )
        )


class DuplicateMeetingError(RefusedError):
    """Another meeting (not cancelled) is at the same place and start: confirm to go on."""

    def __init__(self, other_id: int) -> None:
        self.other_id = other_id
        super().__init__(
            _("Une rencontre existe déjà à ce lieu et cette heure (n° {id}).").format(id=other_id)
        )


def version_of(meeting: Meeting) -> str:
    """The meeting's version, as the editor remembers it: its last change's time."""
    return meeting.updated_at.isoformat() if meeting.updated_at else ""


def meeting_version(meeting_id: int) -> str:
    """`version_of` the meeting `meeting_id` (what the editor remembers when it opens)."""
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
    return version_of(meeting)


def same_place_and_start(
    place: str, starts_at: datetime, *, exclude: int | None = None
) -> int | None:
    """The id of a meeting (not cancelled) at this place (whatever the case) and start."""
    query = Meeting.select(Meeting.id).where(
        (peewee.fn.LOWER(Meeting.place) == " ".join(place.split()).lower())
        & (Meeting.starts_at == starts_at)
        & (Meeting.status != MeetingStatus.CANCELLED)
    )
    if exclude is not None:
        query = query.where(Meeting.id != exclude)
    found = query.order_by(Meeting.id).first()
    return found.id if found is not None else None


def _refuse_duplicate(clean: CleanMeeting, exclude: int | None = None) -> None:
    other = same_place_and_start(clean.place, clean.starts_at, exclude=exclude)
    if other is not None:
        raise DuplicateMeetingError(other)


def create_meeting(
    form: MeetingForm,
    actor: Actor,
    *,
    now: datetime | None = None,
    allow_duplicate: bool = False,
) -> int:
    """A new meeting. Another one at the same place and start is refused
    (`DuplicateMeetingError`) unless `allow_duplicate`."""
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    clean = clean_meeting(form, now=now)
    with write_transaction(database_proxy.obj):
        if not allow_duplicate:
            _refuse_duplicate(clean)
        meeting = Meeting.create(**clean.columns(), created_at=now, updated_at=now)
        save_links(meeting.id, clean)
        audit.record(
            actor.name,
            "meeting-create",
            f"meeting:{meeting.id}",
            local(clean.starts_at).isoformat(),
            now=now,
        )
    return meeting.id


def update_meeting(
    meeting_id: int,
    form: MeetingForm,
    actor: Actor,
    *,
    to_waitlist: tuple[int, ...] = (),
    now: datetime | None = None,
    expected_version: str | None = None,
    allow_duplicate: bool = False,
) -> list[str]:
    """Save the editor. Returns the references promoted from the waiting list, if any.

    When the capacity drops below the confirmed seats the caller must name, in `to_waitlist`,
    the registrations (ids) that go back to the head of the waiting list; otherwise
    `CapacityConflict` is raised and nothing changes.

    `expected_version`: the meeting's `version_of` when the editor was filled; if it changed
    since, `StaleEditError` (with the fresh values) is raised and nothing changes. A new place
    or start where another meeting already is raises `DuplicateMeetingError` unless
    `allow_duplicate`.
    """
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    clean = clean_meeting(form, require_future=False, now=now, meeting_id=meeting_id)
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise RefusedError(_("Cette rencontre est annulée : elle ne peut plus être modifiée."))
        if expected_version is not None and expected_version != version_of(meeting):
            raise StaleEditError(form_for(meeting_id, links=True), version_of(meeting))
        moved = (
            clean.starts_at != meeting.starts_at
            or " ".join(clean.place.split()).lower() != " ".join(meeting.place.split()).lower()
        )
        if moved and not allow_duplicate:
            _refuse_duplicate(clean, exclude=meeting_id)
        if clean.starts_at != meeting.starts_at and clean.starts_at <= now:
            raise ValidationError({"day": _("La nouvelle date doit être dans le futur.")})
        old = Meeting(**meeting.__data__)
        demoted: list[Registration] = []  # as it was, for « Avant : … » in the change notice
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
            demoted = movers
            audit.record(
                actor.name,
                "waitlist-demote",
                f"meeting:{meeting_id}",
                "capacité réduite : " + ", ".join(r.reference for r in movers),
                now=now,
            )
        for key, value in clean.columns().items():
            setattr(meeting, key, value)
        meeting.updated_at = now
        meeting.save()
        save_links(meeting_id, clean)
        changed = (
            meeting.starts_at != old.starts_at
            or meeting.duration_min != old.duration_min
            or " ".join(meeting.place.split()) != " ".join(old.place.split())
            or " ".join((meeting.address or "").split()) != " ".join((old.address or "").split())
        )
        if changed:
            notices.notify_meeting(
                NoticeKind.CHANGE,
                meeting,
                now=now,
                previous_for=lambda lang: notices.when_and_where(old, lang),
            )
        promoted = promote_waitlist(meeting, now)
        for mover in demoted:
            mover = Registration.get_by_id(mover.id)
            if mover.status == RegistrationStatus.WAITLISTED:  # not promoted back at once
                notices.notify_registration(
                    NoticeKind.WAITLISTED,
                    mover,
                    meeting,
                    now=now,
                    rank=waitlist_rank(mover),
                    capacity_cut=True,
                )
        audit.record(
            actor.name,
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


def _check_replacement(meeting_id: int, replacement_id: int, now: datetime) -> Meeting:
    replacement = Meeting.get_or_none(Meeting.id == replacement_id)
    if replacement is None:
        raise ValidationError(
            {"replacement": _("Aucune rencontre avec le numéro {id}.").format(id=replacement_id)}
        )
    if replacement.id == meeting_id:
        raise ValidationError(
            {"replacement": _("Une rencontre ne peut pas se remplacer elle-même.")}
        )
    if replacement.status != MeetingStatus.SCHEDULED:
        raise ValidationError({"replacement": _("La rencontre de remplacement est annulée.")})
    if replacement.starts_at <= now:
        raise ValidationError({"replacement": _("La rencontre de remplacement est passée.")})
    return replacement


def cancel_meeting(
    meeting_id: int,
    reason: str,
    actor: Actor,
    *,
    replacement_id: int | None = None,
    now: datetime | None = None,
) -> list[RegistrationView]:
    """Cancel with a reason (and, if given, the meeting that replaces it). Everyone confirmed
    or waiting is told in the same transaction (outbox). Returns the people to warn
    (confirmed and waitlisted, with contacts)."""
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    text = clean_text(reason, "reason", 500, required=_("Indiquez la raison de l'annulation."))
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise RefusedError(_("Cette rencontre est déjà annulée."))
        replacement = (
            _check_replacement(meeting_id, replacement_id, now)
            if replacement_id is not None
            else None
        )
        Meeting.update(
            status=MeetingStatus.CANCELLED,
            cancel_reason=text,
            replacement_id=replacement.id if replacement is not None else None,
            updated_at=now,
        ).where(Meeting.id == meeting_id).execute()
        notices.notify_meeting(
            NoticeKind.CANCELLATION,
            Meeting.get_by_id(meeting_id),
            replacement=replacement,
            now=now,
        )
        detail = text if replacement is None else f"{text} (remplacée par meeting:{replacement.id})"
        audit.record(actor.name, "meeting-cancel", f"meeting:{meeting_id}", detail, now=now)
    return people_to_warn(meeting_id)


def reinstate_meeting(meeting_id: int, actor: Actor, *, now: datetime | None = None) -> None:
    """A cancelled meeting scheduled again (still to come). Its registrations were kept as
    they were: the people warned of the cancellation should be told it takes place after all."""
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        if meeting.status != MeetingStatus.CANCELLED:
            raise RefusedError(_("Cette rencontre n'est pas annulée."))
        if meeting.starts_at <= now:
            raise RefusedError(_("Cette rencontre est passée : elle ne peut plus être rétablie."))
        Meeting.update(
            status=MeetingStatus.SCHEDULED, cancel_reason="", replacement_id=None, updated_at=now
        ).where(Meeting.id == meeting_id).execute()
        notices.notify_meeting(
            NoticeKind.CHANGE, Meeting.get_by_id(meeting_id), now=now, reinstated=True
        )
        audit.record(
            actor.name,
            "meeting-reinstate",
            f"meeting:{meeting_id}",
            _("annulation levée (raison : {reason})").format(reason=meeting.cancel_reason),
            now=now,
        )


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
    meeting_id: int, day: str, actor: Actor, *, start: str = "", now: datetime | None = None
) -> int:
    """Same place, officer, partners and themes on another date (same hour unless given).

    The Facebook event URL is not copied: each date has its own event.
    """
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    new_day = parse_date(day, "day")
    source = Meeting.get_or_none(Meeting.id == meeting_id)
    if source is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
    clock = parse_time(start, "start") if start.strip() else local(source.starts_at).time()
    starts_at = datetime.combine(new_day, clock, BRUSSELS)
    if starts_at <= now:
        raise ValidationError({"day": _("La rencontre doit avoir lieu dans le futur.")})
    with write_transaction(database_proxy.obj):
        meeting = _clone(source, starts_at, now)
        audit.record(
            actor.name,
            "meeting-duplicate",
            f"meeting:{meeting.id}",
            f"copie de meeting:{meeting_id}",
            now=now,
        )
    return meeting.id


def set_interested(
    meeting_id: int, count: str | int, actor: Actor, *, now: datetime | None = None
) -> int:
    """The Facebook event's « interested » count, entered by hand."""
    require(actor, Permission.MANAGE_MEETINGS)
    now = now or utcnow()
    value = parse_interested(count)
    with write_transaction(database_proxy.obj):
        updated = (
            Meeting.update(interested_count=value, updated_at=now)
            .where(Meeting.id == meeting_id)
            .execute()
        )
        if not updated:
            raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
        audit.record(actor.name, "meeting-interested", f"meeting:{meeting_id}", str(value), now=now)
    return value
