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
from typing import Any

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import Meeting, Registration, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit, notices
from cafepol_tui.services.locking import lock_meeting, lock_query
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.validation import NotFoundError, RefusedError, SignupForm, fold
from cafepol_tui.statuses import Channel, MeetingStatus, NoticeKind, RegistrationStatus

_ = translator("texts")

# No 0/O/1/I: a reference read aloud over the phone or copied from a slip can't be misread.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 6


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


# A concern's reference is one character longer than a registration code: « Suivre ma
# demande » tells them apart by length alone.
CONCERN_REFERENCE_LENGTH = REFERENCE_LENGTH + 1


def new_concern_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CONCERN_REFERENCE_LENGTH))


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


@dataclass(frozen=True)
class _Param:
    name: str


class _Slot(peewee.Node):
    """A named parameter of a statement compiled once (`_compile`), its value given at each run."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.param = _Param(name)

    def __sql__(self, ctx: peewee.Context) -> peewee.Context:
        return ctx.value(self.param, converter=False)


@dataclass(frozen=True)
class _Statement:
    sql: str
    names: tuple[str, ...]

    def params(self, **values: Any) -> tuple[Any, ...]:
        """`values`, as the database stores them (`field.db_value`), in the order of the slots."""
        return tuple(values[name] for name in self.names)

    def run(self, db: peewee.Database, **values: Any) -> Any:
        """Execute with `values` for the slots; returns the cursor."""
        return db.execute_sql(self.sql, self.params(**values))


def _compile(db: peewee.Database, query: peewee.Node) -> _Statement:
    """The SQL of `query` for `db`, to be run many times with other values.

    Building a statement's SQL costs peewee far more than running it (a fraction of a
    millisecond, against microseconds on SQLite), and a sign-up's statements run while the
    meeting is locked, every other kiosk waiting: the locked section only binds values to
    statements compiled once per kind of database. Every value must be a `_Slot`: one that
    peewee adds by itself (a column's default, say) would be frozen at the first compilation.
    """
    sql, params = db.get_sql_context().sql(query).query()
    if not all(isinstance(p, _Param) for p in params):
        raise RuntimeError(f"every value must be a _Slot: {sql} {params!r}")
    return _Statement(sql, tuple(p.name for p in params))


@dataclass(frozen=True)
class _Seats:
    """What a sign-up reads of its meeting, under the lock."""

    id: int
    status: str
    starts_at: datetime
    seats_taken: int
    capacity: int


_SEATS_FIELDS = (Meeting.id, Meeting.status, Meeting.starts_at, Meeting.seats_taken, Meeting.capacity)
_LOCK_SEATS_SQL: dict[type, _Statement] = {}


def _lock_seats(db: peewee.Database, meeting_id: int) -> _Seats:
    """`lock_meeting` for a sign-up: the same lock, compiled once, reading only the columns
    it needs (building a whole Meeting would cost more than its other statements)."""
    lock = _LOCK_SEATS_SQL.get(type(db))
    if lock is None:
        query = lock_query(*_SEATS_FIELDS).where(Meeting.id == _Slot("id"))
        lock = _LOCK_SEATS_SQL[type(db)] = _compile(db, query)
    row = lock.run(db, id=Meeting.id.db_value(meeting_id)).fetchone()
    if row is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
    return _Seats(*(f.python_value(v) for f, v in zip(_SEATS_FIELDS, row, strict=True)))


def _check_open(meeting: Meeting | _Seats, now: datetime) -> None:
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


def _check_duplicate(meeting_id: int, form: SignupForm, key: str, channel: str) -> None:
    """Staff channels refuse a sign-up that repeats one already there (same name and contact).

    The kiosk never does: its answer must not depend on other people's registrations, or
    anyone could learn there whether a neighbour is going to meet the police. Namesakes are
    real too. Kiosk sign-ups are all accepted; staff see the possible duplicates in the
    meeting's list (`RegistrationView.possible_duplicate`).
    """
    if channel == Channel.KIOSK:
        return
    others = Registration.select(Registration.phone, Registration.email).where(
        (Registration.meeting == meeting_id)
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


# What `register` stores of a sign-up, and the other columns the insert sets under the lock.
_SIGNUP_FIELDS = (
    Registration.name, Registration.name_key, Registration.people, Registration.phone,
    Registration.email, Registration.topic, Registration.channel, Registration.kiosk_id,
    Registration.submission_key, Registration.language, Registration.wants_reminder,
    Registration.topic_dismissed_reason,
)
_LOCKED_FIELDS = (
    Registration.meeting, Registration.reference, Registration.consent_at, Registration.status,
    Registration.waitlist_position, Registration.created_at, Registration.updated_at,
)


@dataclass(frozen=True)
class _SignupSQL:
    """What `register` runs under the meeting's lock, once it holds it (`_lock_seats`)."""

    by_submission_key: _Statement
    take_seats: _Statement
    waiting_list: _Statement
    touch_meeting: _Statement
    insert: _Statement

    @classmethod
    def compile(cls, db: peewee.Database) -> _SignupSQL:
        waiting = peewee.Case(
            None, ((Registration.status == _Slot("waitlisted"), Registration.waitlist_position),)
        )
        return cls(
            by_submission_key=_compile(
                db,
                Registration.select(Registration.id).where(
                    Registration.submission_key == _Slot("key")
                ),
            ),
            take_seats=_compile(
                db,
                Meeting.update(
                    seats_taken=Meeting.seats_taken + _Slot("people"), updated_at=_Slot("now")
                ).where(
                    (Meeting.id == _Slot("meeting"))
                    & (Meeting.seats_taken + _Slot("people") <= Meeting.capacity)
                ),
            ),
            # The last position given (the new party comes after it) and how many wait before
            # it: the waitlisted parties that have a position, all of them lower.
            waiting_list=_compile(
                db,
                Registration.select(
                    peewee.fn.MAX(Registration.waitlist_position), peewee.fn.COUNT(waiting)
                ).where(Registration.meeting == _Slot("meeting")),
            ),
            touch_meeting=_compile(
                db,
                Meeting.update(updated_at=_Slot("now")).where(Meeting.id == _Slot("meeting")),
            ),
            insert=_compile(
                db,
                Registration.insert(
                    {field: _Slot(field.name) for field in _SIGNUP_FIELDS + _LOCKED_FIELDS}
                ),
            ),
        )


_SIGNUP_SQL: dict[type, _SignupSQL] = {}


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

    Everything that does not need the meeting's lock is done before taking it: the form is
    checked, the name folded, the reference drawn, the statements compiled. Under the lock, a
    kiosk sign-up runs 4 statements when the party is confirmed, 5 when it waits (the lock,
    the submission key, the seats or the waiting list, the registration).
    """
    clean = form.clean(max_party=max_party, topic_max=topic_max)
    if channel not in Channel.ALL:
        raise ValueError(f"unknown channel {channel!r}")
    typed = {
        "name": clean.name,
        "name_key": name_key(clean.name),
        "people": int(clean.people),
        "phone": clean.phone,
        "email": clean.email,
        "topic": clean.topic,
        "channel": channel,
        "kiosk_id": (kiosk_id or terminal_id())[:64],
        "submission_key": submission_key,
        "language": clean.language,
        "wants_reminder": clean.wants_reminder,
        "topic_dismissed_reason": "",
    }
    row = {field.name: field.db_value(typed[field.name]) for field in _SIGNUP_FIELDS}
    db = database_proxy.obj
    sql = _SIGNUP_SQL.get(type(db))
    if sql is None:
        sql = _SIGNUP_SQL[type(db)] = _SignupSQL.compile(db)
    while True:
        # The unique index keeps references unique: a code drawn twice (about one in a
        # billion per registration kept) fails the insert, and the sign-up is tried again.
        reference = new_reference()
        try:
            return _register_locked(db, sql, meeting_id, clean, row, reference, now)
        except peewee.IntegrityError:
            if not Registration.select().where(Registration.reference == reference).exists():
                raise


def _register_locked(
    db: peewee.Database,
    sql: _SignupSQL,
    meeting_id: int,
    clean: SignupForm,
    row: dict[str, Any],
    reference: str,
    now: datetime | None,
) -> SignupResult:
    with write_transaction(db):
        meeting = _lock_seats(db, meeting_id)
        # The time is read once the lock is held: sign-ups are accepted one at a time, so
        # their created_at follows the order they were accepted in (and their waiting-list
        # positions), however long each one waited for the lock.
        now = now or utcnow()
        key = row["submission_key"]
        if key and sql.by_submission_key.run(db, key=key).fetchone() is not None:
            earlier = Registration.get(Registration.submission_key == key)
            return SignupResult(
                reference=earlier.reference,
                status=earlier.status,
                waitlist_rank=waitlist_rank(earlier),
                meeting_id=earlier.meeting_id,
                people=earlier.people,
            )
        _check_open(meeting, now)
        _check_duplicate(meeting.id, clean, row["name_key"], row["channel"])
        people = row["people"]
        at = Registration.created_at.db_value(now)  # as stored: naive UTC
        position = rank = None
        if meeting.seats_taken + people <= meeting.capacity:
            status = RegistrationStatus.CONFIRMED
            updated = sql.take_seats.run(db, people=people, now=at, meeting=meeting.id).rowcount
            if updated != 1:  # pragma: no cover - the lock makes this unreachable
                raise RefusedError(_("Les places viennent d'être prises ; réessayez."))
        else:
            status = RegistrationStatus.WAITLISTED
            found = sql.waiting_list.run(
                db, waitlisted=RegistrationStatus.WAITLISTED, meeting=meeting.id
            )
            last, waiting = found.fetchone()
            position = (last or 0) + 1
            rank = waiting + 1
            sql.touch_meeting.run(db, now=at, meeting=meeting.id)
        sql.insert.run(
            db,
            **row,
            meeting=meeting.id,
            reference=reference,
            consent_at=at,
            status=status,
            waitlist_position=position,
            created_at=at,
            updated_at=at,
        )
        if clean.email:  # the only way to confirm to someone who has left with no slip
            notices.notify_registration(
                NoticeKind.CONFIRMATION if rank is None else NoticeKind.WAITLISTED,
                Registration.get(Registration.reference == reference),
                Meeting.get_by_id(meeting.id),
                now=now,
                rank=rank,
                at_signup=True,
            )
        return SignupResult(
            reference=reference,
            status=status,
            waitlist_rank=rank,
            meeting_id=meeting.id,
            people=people,
        )


def promote_waitlist(meeting: Meeting, now: datetime) -> list[str]:
    """Move waitlisted parties up, in order, while a party fits in the free seats.

    A party too large for the seats left keeps its place; a smaller one behind it that fits
    moves up (the seats would otherwise stay empty). Each party moved up is told (outbox).
    Call inside `write_transaction`.
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
            notices.notify_registration(NoticeKind.PROMOTION, registration, meeting, now=now)
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


def move_to_replacement(
    reference: str, *, actor: Actor | None = None, now: datetime | None = None
) -> SignupResult:
    """Move a registration of a cancelled meeting to the meeting that replaces it: same row,
    same code; confirmed if the party fits, else at the end of the waiting list. The citizen
    does it at the kiosk (`actor` None) or staff for them (`Permission.SIGN_UP`)."""
    if actor is not None:
        require(actor, Permission.SIGN_UP)
    code = normalise_reference(reference)
    if not code:
        raise NotFoundError(_("Indiquez le code de référence (6 caractères)."))
    with write_transaction(database_proxy.obj):
        registration = Registration.get_or_none(Registration.reference == code)
        if registration is None:
            raise NotFoundError(_("Aucune inscription ne porte le code {code}.").format(code=code))
        source = Meeting.get_by_id(registration.meeting_id)
        if source.status != MeetingStatus.CANCELLED:
            raise RefusedError(_("Cette rencontre n'est pas annulée : rien à déplacer."))
        if source.replacement_id is None:
            raise RefusedError(_("Cette rencontre annulée n'est pas remplacée."))
        target = Meeting.get_or_none(Meeting.id == source.replacement_id)
        if target is None:
            raise RefusedError(_("La rencontre de remplacement n'existe plus."))
        target = lock_meeting(target.id)
        now = now or utcnow()  # under the lock, like register's
        registration = Registration.get_by_id(registration.id)  # re-read under the lock
        if registration.status not in RegistrationStatus.HOLDING_SEATS + (
            RegistrationStatus.WAITLISTED,
        ):
            raise RefusedError(_("L'inscription {code} est annulée.").format(code=code))
        if target.status != MeetingStatus.SCHEDULED:
            raise RefusedError(_("La rencontre de remplacement est annulée."))
        if target.starts_at <= now:
            raise RefusedError(_("La rencontre de remplacement a déjà eu lieu."))
        if registration.status in RegistrationStatus.HOLDING_SEATS:
            Meeting.update(
                seats_taken=Meeting.seats_taken - registration.people, updated_at=now
            ).where(Meeting.id == source.id).execute()
        rank: int | None = None
        registration.meeting = target.id
        registration.updated_at = now
        if target.seats_taken + registration.people <= target.capacity:
            registration.status = RegistrationStatus.CONFIRMED
            registration.waitlist_position = None
            target.seats_taken += registration.people
        else:
            last = (
                Registration.select(peewee.fn.MAX(Registration.waitlist_position))
                .where(
                    (Registration.meeting == target.id)
                    & (Registration.status == RegistrationStatus.WAITLISTED)
                )
                .scalar()
            )
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlist_position = (last or 0) + 1
        registration.save()
        Meeting.update(seats_taken=target.seats_taken, updated_at=now).where(
            Meeting.id == target.id
        ).execute()
        if registration.status == RegistrationStatus.WAITLISTED:
            rank = waitlist_rank(registration)
        notices.notify_registration(
            NoticeKind.CONFIRMATION if rank is None else NoticeKind.WAITLISTED,
            registration,
            Meeting.get_by_id(target.id),
            now=now,
            rank=rank,
        )
        audit.record(
            actor.name if actor is not None else "kiosk",
            "registration-move",
            f"registration:{code}",
            f"meeting:{source.id} -> meeting:{target.id}",
            now=now,
        )
        return SignupResult(
            reference=code,
            status=registration.status,
            waitlist_rank=rank,
            meeting_id=target.id,
            people=registration.people,
        )


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
