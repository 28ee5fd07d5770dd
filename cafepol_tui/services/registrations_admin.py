"""Staff work on registrations: sign up a caller, cancel, the waiting list order, check-in.

Seats are still counted only by `services.registrations` rules; this module reuses `register`,
`cancel` and `promote_waitlist` and adds what only staff may do, each with an audit entry.
"""

from __future__ import annotations

from datetime import datetime

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import Meeting, Registration, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit
from cafepol_tui.services.formatting import local
from cafepol_tui.services.locking import lock_meeting
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.registrations import (
    CancelResult,
    SignupResult,
    cancel,
    promote_waitlist,
    register,
)
from cafepol_tui.services.validation import NotFoundError, RefusedError, SignupForm, ValidationError
from cafepol_tui.statuses import Channel, RegistrationStatus

_ = translator("texts")

STAFF_CHANNELS = (Channel.COUNTER, Channel.PHONE)
MAX_WALKINS = 500


def add_on_behalf(
    meeting_id: int,
    form: SignupForm,
    channel: str,
    actor: Actor,
    *,
    max_party: int,
    topic_max: int,
    now: datetime | None = None,
) -> SignupResult:
    """Sign up someone at the counter or on the phone; same rules as the kiosk."""
    require(actor, Permission.SIGN_UP)
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": _("Canal : guichet ou téléphone.")})
    now = now or utcnow()
    result = register(
        meeting_id, form, max_party=max_party, topic_max=topic_max, channel=channel, now=now
    )
    with write_transaction(database_proxy.obj):
        audit.record(
            actor.name,
            "registration-add",
            f"registration:{result.reference}",
            f"meeting:{meeting_id} {channel} {result.status}",
            now=now,
        )
    return result


def cancel_registration(reference: str, actor: Actor, *, now: datetime | None = None) -> CancelResult:
    require(actor, Permission.CANCEL)
    now = now or utcnow()
    result = cancel(reference, now=now)
    with write_transaction(database_proxy.obj):
        detail = f"meeting:{result.meeting_id}"
        if result.promoted:
            detail += " ; promus : " + ", ".join(result.promoted)
        audit.record(
            actor.name, "registration-cancel", f"registration:{result.reference}", detail, now=now
        )
    return result


def move_in_waitlist(
    registration_id: int,
    new_rank: int | str,
    reason: str,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> list[str]:
    """Put a waitlisted party at another rank (1 = next). A reason is required and audited.

    If it now comes first and fits in the free seats it is confirmed at once; the references
    confirmed are returned.
    """
    require(actor, Permission.SIGN_UP)
    now = now or utcnow()
    errors: dict[str, str] = {}
    text = " ".join(reason.split())
    if not text:
        errors["reason"] = _("Tout changement d'ordre de la liste d'attente demande une raison.")
    try:
        rank = int(str(new_rank).strip())
        if rank < 1:
            raise ValueError
    except ValueError:
        errors["rank"] = _("Rang : un entier à partir de 1.")
        rank = 0
    if errors:
        raise ValidationError(errors)
    with write_transaction(database_proxy.obj):
        registration = Registration.get_or_none(Registration.id == registration_id)
        if registration is None:
            raise NotFoundError(_("aucune inscription avec le numéro {id}").format(id=registration_id))
        meeting = lock_meeting(registration.meeting_id)
        registration = Registration.get_by_id(registration_id)
        if registration.status != RegistrationStatus.WAITLISTED:
            raise RefusedError(_("Seule une inscription en liste d'attente peut changer de rang."))
        waiting = list(
            Registration.select()
            .where(
                (Registration.meeting == meeting.id)
                & (Registration.status == RegistrationStatus.WAITLISTED)
            )
            .order_by(Registration.waitlist_position, Registration.id)
        )
        old_rank = next(i for i, r in enumerate(waiting, 1) if r.id == registration_id)
        waiting = [r for r in waiting if r.id != registration_id]
        rank = min(rank, len(waiting) + 1)
        waiting.insert(rank - 1, registration)
        for position, r in enumerate(waiting, 1):
            if r.waitlist_position != position:
                Registration.update(waitlist_position=position, updated_at=now).where(
                    Registration.id == r.id
                ).execute()
        promoted = promote_waitlist(meeting, now)
        audit.record(
            actor.name,
            "waitlist-reorder",
            f"registration:{registration.reference}",
            f"rang {old_rank} → {rank} : {text}",
            now=now,
        )
    return promoted


def promote(meeting_id: int, actor: Actor, *, now: datetime | None = None) -> list[str]:
    """Move waitlisted parties up, in order, into any free seats."""
    require(actor, Permission.SIGN_UP)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        promoted = promote_waitlist(meeting, now)
        if promoted:
            audit.record(
                actor.name, "waitlist-promote", f"meeting:{meeting_id}", ", ".join(promoted), now=now
            )
    return promoted


def _check_day(meeting: Meeting, now: datetime) -> None:
    if local(meeting.starts_at).date() > local(now).date():
        raise RefusedError(_("Le pointage se fait le jour de la rencontre."))


def check_in(
    registration_id: int, attended: bool, actor: Actor, *, now: datetime | None = None
) -> str:
    """Mark a confirmed party present (attended) or absent (no_show); can be corrected."""
    require(actor, Permission.CHECK_IN)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        registration = Registration.get_or_none(Registration.id == registration_id)
        if registration is None:
            raise NotFoundError(_("aucune inscription avec le numéro {id}").format(id=registration_id))
        meeting = lock_meeting(registration.meeting_id)
        _check_day(meeting, now)
        if registration.status not in RegistrationStatus.HOLDING_SEATS:
            raise RefusedError(_("Seule une inscription confirmée peut être pointée."))
        status = RegistrationStatus.ATTENDED if attended else RegistrationStatus.NO_SHOW
        Registration.update(status=status, updated_at=now).where(
            Registration.id == registration_id
        ).execute()
        Meeting.update(updated_at=now).where(Meeting.id == meeting.id).execute()
        audit.record(actor.name, "check-in", f"registration:{registration.reference}", status, now=now)
    return status


def add_walkins(meeting_id: int, delta: int, actor: Actor, *, now: datetime | None = None) -> int:
    """Count people who came without signing up (no names). Returns the new count."""
    require(actor, Permission.CHECK_IN)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        _check_day(meeting, now)
        count = max(0, min(MAX_WALKINS, meeting.walkins + delta))
        Meeting.update(walkins=count, updated_at=now).where(Meeting.id == meeting_id).execute()
        audit.record(actor.name, "walk-in", f"meeting:{meeting_id}", f"{delta:+d} → {count}", now=now)
    return count


def walkins(meeting_id: int) -> int:
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
    return meeting.walkins
