"""« Suivre mon inscription ou ma demande »: what a code shows to whoever types it.

A registration code (6 characters) or a concern reference (7) is all it takes, so the views
hold nothing about a person: no name, no contact, no concern description (it may name
people), no topic. Only the state, the meeting, the concern's theme and place, its public
updates and the reply. An unknown code, an anonymised registration and a code that is not
one at all get the same answer, which says nothing of what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cafepol_tui.db.models import Commune, Concern, ConcernUpdate, Meeting, Registration, utcnow
from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.concerns import status_label as concern_status_label
from cafepol_tui.services.formatting import format_day, format_hours
from cafepol_tui.services.meetings import theme_name
from cafepol_tui.services.registrations import (
    CONCERN_REFERENCE_LENGTH,
    REFERENCE_LENGTH,
    normalise_reference,
    waitlist_rank,
)
from cafepol_tui.services.validation import NotFoundError
from cafepol_tui.statuses import ConcernStatus, MeetingStatus, RegistrationStatus

_ = translator("texts")

# Longer than any code, with room for spaces and dashes: anything past it is not a code.
RAW_MAX = 40

REGISTRATION_LABELS: dict[str, str] = {
    RegistrationStatus.CONFIRMED: N_("inscription confirmée"),
    RegistrationStatus.WAITLISTED: N_("sur la liste d'attente"),
    RegistrationStatus.CANCELLED: N_("inscription annulée"),
    RegistrationStatus.ATTENDED: N_("présence enregistrée"),
    RegistrationStatus.NO_SHOW: N_("absence enregistrée"),
}

NOT_FOUND = N_(
    "Ce code ne correspond à aucune inscription ni demande. Vérifiez-le sur votre ticket "
    "ou adressez-vous au guichet."
)


def registration_label(status: str) -> str:
    return _(REGISTRATION_LABELS[status]) if status in REGISTRATION_LABELS else status


def normalise_code(raw: str) -> str:
    """The code as stored: upper case, without spaces, dashes or a slip barcode's trailing
    « - ». "" for anything that can't be a code (too long, other characters)."""
    if len(raw) > RAW_MAX:
        return ""
    kept = raw.strip().strip("-").replace(" ", "").replace("-", "")
    if not kept.isascii() or not kept.isalnum():
        return ""
    return normalise_reference(kept)


@dataclass(frozen=True)
class MeetingView:
    id: int
    starts_at: datetime
    day: str
    hours: str
    place: str
    address: str
    commune: str
    cancelled: bool
    cancel_reason: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "starts_at": self.starts_at.isoformat(),
            "day": self.day,
            "hours": self.hours,
            "place": self.place,
            "address": self.address,
            "commune": self.commune,
            "cancelled": self.cancelled,
            "cancel_reason": self.cancel_reason,
        }


@dataclass(frozen=True)
class RegistrationStatusView:
    reference: str
    status: str
    status_label: str
    people: int
    waitlist_rank: int | None
    meeting: MeetingView
    replacement: MeetingView | None
    # The meeting is cancelled and its replacement still to come: the registration can move.
    can_move: bool
    kind: str = "registration"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "reference": self.reference,
            "status": self.status,
            "status_label": self.status_label,
            "people": self.people,
            "waitlist_rank": self.waitlist_rank,
            "meeting": self.meeting.as_json(),
            "replacement": self.replacement.as_json() if self.replacement else None,
            "can_move": self.can_move,
        }


@dataclass(frozen=True)
class PublicUpdate:
    at: datetime
    day: str
    status: str
    status_label: str
    note: str

    def as_json(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "day": self.day,
            "status": self.status,
            "status_label": self.status_label,
            "note": self.note,
        }


@dataclass(frozen=True)
class ConcernStatusView:
    reference: str
    status: str
    status_label: str
    theme: str
    commune: str
    place: str
    created_at: datetime
    created_day: str
    last_update: PublicUpdate | None
    reply: str  # "" until feedback is given
    reply_day: str
    kind: str = "concern"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "reference": self.reference,
            "status": self.status,
            "status_label": self.status_label,
            "theme": self.theme,
            "commune": self.commune,
            "place": self.place,
            "created_at": self.created_at.isoformat(),
            "created_day": self.created_day,
            "last_update": self.last_update.as_json() if self.last_update else None,
            "reply": self.reply,
            "reply_day": self.reply_day,
        }


def _meeting_view(meeting: Meeting) -> MeetingView:
    end = meeting.starts_at + timedelta(minutes=meeting.duration_min)
    return MeetingView(
        id=meeting.id,
        starts_at=meeting.starts_at,
        day=format_day(meeting.starts_at),
        hours=format_hours(meeting.starts_at, end),
        place=meeting.place,
        address=meeting.address,
        commune=meeting.commune.name,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        cancel_reason=meeting.cancel_reason if meeting.status == MeetingStatus.CANCELLED else "",
    )


def _registration(code: str, now: datetime) -> RegistrationStatusView:
    registration = Registration.get_or_none(Registration.reference == code)
    if registration is None or registration.anonymised_at is not None:
        raise NotFoundError(_(NOT_FOUND))
    meeting = (
        Meeting.select(Meeting, Commune)
        .join(Commune)
        .where(Meeting.id == registration.meeting_id)
        .get()
    )
    replacement = None
    can_move = False
    if meeting.status == MeetingStatus.CANCELLED and meeting.replacement_id is not None:
        other = (
            Meeting.select(Meeting, Commune)
            .join(Commune)
            .where(Meeting.id == meeting.replacement_id)
            .first()
        )
        if other is not None and other.status == MeetingStatus.SCHEDULED:
            replacement = _meeting_view(other)
            can_move = other.starts_at > now and registration.status in (
                RegistrationStatus.CONFIRMED,
                RegistrationStatus.WAITLISTED,
            )
    return RegistrationStatusView(
        reference=registration.reference,
        status=registration.status,
        status_label=registration_label(registration.status),
        people=registration.people,
        waitlist_rank=waitlist_rank(registration),
        meeting=_meeting_view(meeting),
        replacement=replacement,
        can_move=can_move,
    )


def _concern(code: str) -> ConcernStatusView:
    concern = Concern.get_or_none(Concern.reference == code)
    if concern is None:
        raise NotFoundError(_(NOT_FOUND))
    update = (
        ConcernUpdate.select()
        .where((ConcernUpdate.concern == concern.id) & ConcernUpdate.public)
        .order_by(ConcernUpdate.at.desc(), ConcernUpdate.id.desc())
        .first()
    )
    last = None
    if update is not None:
        last = PublicUpdate(
            at=update.at,
            day=format_day(update.at),
            status=update.status,
            status_label=concern_status_label(update.status),
            note=update.note,
        )
    given = concern.status == ConcernStatus.FEEDBACK_GIVEN
    return ConcernStatusView(
        reference=concern.reference or code,
        status=concern.status,
        status_label=concern_status_label(concern.status),
        theme=theme_name(theme) if (theme := concern.theme) is not None else "",
        commune=commune.name if (commune := concern.commune) is not None else "",
        place=concern.place,
        created_at=concern.created_at,
        created_day=format_day(concern.created_at),
        last_update=last,
        reply=concern.reply_text if given else "",
        reply_day=format_day(concern.feedback_at) if given and concern.feedback_at else "",
    )


def status_by_code(
    code: str, *, now: datetime | None = None
) -> RegistrationStatusView | ConcernStatusView:
    """What the code says: a registration (6 characters) or a concern (7).

    Raises NotFoundError, with the same words whatever the reason, for anything else.
    """
    now = now or utcnow()
    clean = normalise_code(code)
    if len(clean) == REFERENCE_LENGTH:
        return _registration(clean, now)
    if len(clean) == CONCERN_REFERENCE_LENGTH:
        return _concern(clean)
    raise NotFoundError(_(NOT_FOUND))
