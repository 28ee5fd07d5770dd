"""Sign-ups, cancellations and the waiting list: the only code that changes `Meeting.seats_taken`.

Every change runs in `write_transaction` with the meeting row locked, so two kiosks (or two
processes) can't both take the last seats: SQLite serialises writers with BEGIN IMMEDIATE,
PostgreSQL with SELECT … FOR UPDATE on the meeting.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import Meeting, Registration, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services.locking import lock_meeting
from cafepol_tui.services.validation import NotFoundError, RefusedError, SignupForm, fold
from cafepol_tui.statuses import Channel, MeetingStatus, RegistrationStatus

_ = translator("texts")

# No 0/O/1/I: a reference read aloud over the phone or copied from a slip can't be misread.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def terminal_id() -> str:
    """Which terminal records a sign-up: `CAFEPOL_KIOSK_ID`, else the host name."""
    return os.environ.get("CAFEPOL_KIOSK_ID") or socket.gethostname() or "unknown"


def normalise_reference(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


@dataclass(frozen=True)
class SignupResult:
    reference: str
    status: str
    waitlist_rank: int | None
    meeting_id: int
    people: int

    @property
    def confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


@dataclass(frozen=True)
class CancelResult:
    reference: str
    meeting_id: int
    promoted: tuple[str, ...]


@dataclass(frozen=True)
class RegistrationView:
    id: int
    reference: str
    meeting_id: int
    name: str
    people: int
    phone: str
    email: str
    topic: str
    status: str
    waitlist_rank: int | None
    channel: str
    created_at: datetime
    # Another active registration at the same meeting has the same folded name: a namesake,
    # or the same person twice (the kiosk accepts both; staff decide).
    possible_duplicate: bool = False


def _check_open(meeting: Meeting, now: datetime) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise RefusedError(
            _("Cette rencontre a été annulée : il n'est plus possible de s'y inscrire.")
        )
    if meeting.starts_at <= now:
        raise RefusedError(
            _("Cette rencontre a déjà commencé : il n'est plus possible de s'y inscrire.")
        )


def name_key(name: str) -> str:
    """The folded name stored for duplicate checks, cut to its column's length.

    Folding can lengthen a name (« ß » -> « ss », « ﬃ » -> « ffi »): a 100-character name
    that SQLite stores as is would overflow PostgreSQL's varchar(100). Two names that differ
    only after that many characters share a key, which at worst marks a possible duplicate.
    """
    return fold(name)[: Registration.name_key.max_length]


def _check_duplicate(meeting: Meeting, form: SignupForm, key: str, channel: str) -> None:
    """Staff channels refuse a sign-up that repeats one already there (same name and contact).

    The kiosk never does: its answer must not depend on other people's registrations, or
    anyone could learn there whether a neighbour is going to meet the police. Namesakes are
    real too. Kiosk sign-ups are all accepted; staff see the possible duplicates in the
    meeting's list (`RegistrationView.possible_duplicate`).
    """
    if channel == Channel.KIOSK:
        return
    others = Registration.select(Registration.phone, Registration.email).where(
        (Registration.meeting == meeting.id)
        & (Registration.name_key == key)
        & (Registration.status.in_(RegistrationStatus.ACTIVE))
    )
    for other in others:
        same_phone = bool(form.phone) and other.phone == form.phone
        same_email = bool(form.email) and other.email.lower() == form.email.lower()
        no_contact = not (form.phone or form.email or other.phone or other.email)
        if same_phone or same_email or no_contact:
            raise RefusedError(
                _(
                    "Une inscription à ce nom existe déjà pour cette rencontre. "
                    "En cas de doute, adressez-vous au guichet."
                )
            )


def _unique_reference() -> str:
    while True:
        code = new_reference()
        if not Registration.select().where(Registration.reference == code).exists():
            return code


def waitlist_rank(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.select()
        .where(
            (Registration.meeting == registration.meeting_id)
            & (Registration.status == RegistrationStatus.WAITLISTED)
            & (Registration.waitlist_position <= registration.waitlist_position)
        )
        .count()
    )


def register(
    meeting_id: int,
    form: SignupForm,
    *,
    max_party: int,
    topic_max: int,
    channel: str = Channel.KIOSK,
    now: datetime | None = None,
    kiosk_id: str | None = None,
    submission_key: str | None = None,
) -> SignupResult:
    """Check the form, then confirm the party if it fits or put it on the waiting list.

    `submission_key` (drawn by the kiosk once per form) makes a retry safe: when the first
    attempt was committed but its answer lost with the connection, the retry returns that
    registration instead of saving it twice.
    """
    clean = form.clean(max_party=max_party, topic_max=topic_max)
    if channel not in Channel.ALL:
        raise ValueError(f"unknown channel {channel!r}")
    key = name_key(clean.name)
    with write_transaction(database_proxy.obj):
        meeting = lock_meeting(meeting_id)
        # The time is read once the lock is held: sign-ups are accepted one at a time, so
        # their created_at follows the order they were accepted in (and their waiting-list
        # positions), however long each one waited for the lock.
        now = now or utcnow()
        if submission_key:
            earlier = Registration.get_or_none(Registration.submission_key == submission_key)
            if earlier is not None:
                return SignupResult(
                    reference=earlier.reference,
                    status=earlier.status,
                    waitlist_rank=waitlist_rank(earlier),
                    meeting_id=earlier.meeting_id,
                    people=earlier.people,
                )
        _check_open(meeting, now)
        _check_duplicate(meeting, clean, key, channel)
        people = int(clean.people)
        fits = meeting.seats_taken + people <= meeting.capacity
        position = None
        if fits:
            status = RegistrationStatus.CONFIRMED
            updated = (
                Meeting.update(seats_taken=Meeting.seats_taken + people, updated_at=now)
                .where((Meeting.id == meeting.id) & (Meeting.seats_taken + people <= Meeting.capacity))
                .execute()
            )
            if updated != 1:  # pragma: no cover - the lock makes this unreachable
                raise RefusedError(_("Les places viennent d'être prises ; réessayez."))
        else:
            status = RegistrationStatus.WAITLISTED
            last = (
                Registration.select(peewee.fn.MAX(Registration.waitlist_position))
                .where(Registration.meeting == meeting.id)
                .scalar()
            )
            position = (last or 0) + 1
            Meeting.update(updated_at=now).where(Meeting.id == meeting.id).execute()
        registration = Registration.create(
            meeting=meeting.id,
            reference=_unique_reference(),
            name=clean.name,
            name_key=key,
            people=people,
            phone=clean.phone,
            email=clean.email,
            topic=clean.topic,
            consent_at=now,
            status=status,
            waitlist_position=position,
            channel=channel,
            created_at=now,
            updated_at=now,
            kiosk_id=(kiosk_id or terminal_id())[:64],
            submission_key=submission_key,
        )
        return SignupResult(
            reference=registration.reference,
            status=status,
            waitlist_rank=waitlist_rank(registration),
            meeting_id=meeting.id,
            people=people,
        )


def promote_waitlist(meeting: Meeting, now: datetime) -> list[str]:
    """Move waitlisted parties up, in order, while a party fits in the free seats.

    A party too large for the seats left keeps its place; a smaller one behind it that fits
    moves up (the seats would otherwise stay empty). Call inside `write_transaction`.
    """
    promoted: list[str] = []
    seats_left = meeting.capacity - meeting.seats_taken
    waiting = (
        Registration.select()
        .where(
            (Registration.meeting == meeting.id)
            & (Registration.status == RegistrationStatus.WAITLISTED)
        )
        .order_by(Registration.waitlist_position)
    )
    for registration in waiting:
        if seats_left <= 0:
            break
        if registration.people <= seats_left:
            seats_left -= registration.people
            registration.status = RegistrationStatus.CONFIRMED
            registration.waitlist_position = None
            registration.updated_at = now
            registration.save()
            promoted.append(registration.reference)
    meeting.seats_taken = meeting.capacity - seats_left
    Meeting.update(seats_taken=meeting.seats_taken, updated_at=now).where(
        Meeting.id == meeting.id
    ).execute()
    return promoted


def cancel(reference: str, *, now: datetime | None = None) -> CancelResult:
    """Cancel by reference code; free seats go to the waiting list at once."""
    code = normalise_reference(reference)
    if not code:
        raise NotFoundError(_("Indiquez le code de référence (6 caractères)."))
    with write_transaction(database_proxy.obj):
        registration = Registration.get_or_none(Registration.reference == code)
        if registration is None:
            raise NotFoundError(_("Aucune inscription ne porte le code {code}.").format(code=code))
        meeting = lock_meeting(registration.meeting_id)
        now = now or utcnow()  # under the lock, like register's
        registration = Registration.get_by_id(registration.id)  # re-read under the lock
        if registration.status == RegistrationStatus.CANCELLED:
            raise RefusedError(_("L'inscription {code} est déjà annulée.").format(code=code))
        if meeting.starts_at <= now:
            raise RefusedError(
                _("La rencontre de l'inscription {code} a déjà eu lieu.").format(code=code)
            )
        held = registration.status in RegistrationStatus.HOLDING_SEATS
        registration.status = RegistrationStatus.CANCELLED
        registration.waitlist_position = None
        registration.updated_at = now
        registration.save()
        if held:
            meeting.seats_taken -= registration.people
        promoted = promote_waitlist(meeting, now)
        return CancelResult(reference=code, meeting_id=meeting.id, promoted=tuple(promoted))


def _view(r: Registration, rank: int | None, duplicate: bool = False) -> RegistrationView:
    return RegistrationView(
        id=r.id,
        reference=r.reference,
        meeting_id=r.meeting_id,
        name=r.name,
        people=r.people,
        phone=r.phone,
        email=r.email,
        topic=r.topic,
        status=r.status,
        waitlist_rank=rank,
        channel=r.channel,
        created_at=r.created_at,
        possible_duplicate=duplicate,
    )


def get_registration(reference: str) -> RegistrationView:
    code = normalise_reference(reference)
    registration = Registration.get_or_none(Registration.reference == code)
    if registration is None:
        raise NotFoundError(
            _("aucune inscription avec la référence {code}").format(code=repr(code or reference))
        )
    return _view(registration, waitlist_rank(registration))


def list_for_meeting(meeting_id: int) -> list[RegistrationView]:
    """Confirmed and attended first (by arrival), then the waiting list in order, then cancelled."""
    order = peewee.Case(
        Registration.status,
        (
            (RegistrationStatus.CONFIRMED, 0),
            (RegistrationStatus.ATTENDED, 0),
            (RegistrationStatus.WAITLISTED, 1),
        ),
        2,
    )
    rows = list(
        Registration.select()
        .where(Registration.meeting == meeting_id)
        .order_by(order, Registration.waitlist_position, Registration.created_at, Registration.id)
    )
    active = Counter(
        r.name_key for r in rows if r.name_key and r.status in RegistrationStatus.ACTIVE
    )
    views = []
    rank = 0
    for r in rows:
        if r.status == RegistrationStatus.WAITLISTED:
            rank += 1
        duplicate = r.status in RegistrationStatus.ACTIVE and active[r.name_key] > 1
        views.append(
            _view(r, rank if r.status == RegistrationStatus.WAITLISTED else None, duplicate)
        )
    return views
