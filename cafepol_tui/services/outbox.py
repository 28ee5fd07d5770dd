"""The outbox: every notice to a citizen or a partner, kept until it has reached them.

A notice is a row written by `enqueue` inside the transaction of the event that causes it (a
promotion, a cancellation, a concern's reply…): if that transaction rolls back, no notice is
left; if it commits, the notice can't be lost. Delivery comes after, by channel:

- e-mail and SMS: `deliver_due` (the kiosk's upkeep thread, or `cafepol send`) hands each due
  message to a `Transport`. The row is first claimed (`pending` → `sending`, by one atomic
  UPDATE, so two kiosks never take the same row), then marked `sent` once the server accepted
  it. A failure puts it back to `pending` with a growing delay; a refusal for good, or too many
  failures, makes it `failed`, and staff see it. A process killed mid-send leaves the row in
  `sending`: after `SENDING_LEASE` it is tried again, with the same Message-ID;
- phone: the row waits on the « À appeler » list (`to_call`) until a call is recorded;
- letter: the row waits (`pending`) until the letter is printed at the counter.

Once a notice is delivered (`sent` or `done`), what it needed is let go: the reply to a concern
erases the citizen's contact from the concern. The retention purge blanks the recipient and the
text of old delivered or failed messages.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Protocol, cast

import peewee

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import MetaEntry, OutboxMessage, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit
from cafepol_tui.services.formatting import BRUSSELS, local
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.validation import NotFoundError, RefusedError, clean_text
from cafepol_tui.statuses import CallOutcome, NoticeChannel, NoticeKind, OutboxStatus

_ = translator("texts")
log = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd… failure; the last delay repeats. After MAX_ATTEMPTS the
# message is `failed` (about four days of trying).
RETRY_DELAYS_MIN = (1, 5, 15, 60, 180, 360, 720, 1440)
MAX_ATTEMPTS = 12
# A row left in `sending` this long (its sender was killed) is tried again.
SENDING_LEASE = timedelta(minutes=10)
# A call with no answer comes back on the list the next day, from this hour (zone time).
CALL_AGAIN_AT = time(9, 0)
# What one `deliver_due` run takes at most (the upkeep thread comes back for the rest).
BATCH = 50

_OUTAGE_KEY = "outbox_outage_{channel}"


class DeliveryError(Exception):
    """A transport could not hand a message over. `permanent`: trying again won't help (the
    server refused the address); otherwise it is an outage of the channel (server down,
    timeout, modem missing) and the message waits for the next try."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """What a transport needs to send one message."""

    id: int
    kind: str
    channel: str
    recipient: str
    recipient_name: str
    language: str
    subject: str
    body: str
    attachment: str
    message_id: str
    reference: str
    meeting_id: int | None = None


class Transport(Protocol):
    """Sends one message over one channel (services.mail: SMTP, the SMS command)."""

    channel: str

    def send(self, message: Outgoing) -> None:
        """Return once the server or the modem has accepted the message; raise
        `DeliveryError` if it did not."""


@dataclass(frozen=True)
class OutboxView:
    id: int
    kind: str
    channel: str
    status: str
    reference: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str
    language: str
    meeting_id: int | None
    registration_id: int | None
    concern_id: int | None
    recipient_name: str
    recipient: str
    subject: str
    body: str
    call_outcome: str
    handled_by: str

    def as_json(self) -> dict[str, Any]:
        """The `cafepol outbox --json` object: no recipient, no text (personal data)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "channel": self.channel,
            "status": self.status,
            "reference": self.reference,
            "attempts": self.attempts,
            "created_at": local(self.created_at).isoformat(),
            "sent_at": local(self.sent_at).isoformat() if self.sent_at else None,
            "next_attempt_at": local(self.next_attempt_at).isoformat(),
            "last_error": self.last_error,
            "language": self.language,
            "meeting_id": self.meeting_id,
            "registration_id": self.registration_id,
            "concern_id": self.concern_id,
            "call_outcome": self.call_outcome or None,
        }


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Per channel, the outage seen on this run ("" when the channel worked or wasn't used).
    outages: dict[str, str] = field(default_factory=dict)


def enqueue(
    kind: str,
    channel: str,
    *,
    recipient: str,
    body: str,
    subject: str = "",
    recipient_name: str = "",
    language: str = "fr",
    reference: str = "",
    meeting_id: int | None = None,
    registration_id: int | None = None,
    concern_id: int | None = None,
    handoff_id: int | None = None,
    attachment: str = "",
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Add a notice; call it inside the transaction of the event that causes it.

    Returns the new row's id, or None when `dedupe_key` says the same notice was already
    written (a reminder the upkeep thread found due twice).
    """
    if kind not in NoticeKind.ALL:
        raise ValueError(f"unknown notice kind {kind!r}")
    if channel not in NoticeChannel.ALL:
        raise ValueError(f"unknown notice channel {channel!r}")
    now = now or utcnow()
    if dedupe_key and OutboxMessage.select().where(OutboxMessage.dedupe_key == dedupe_key).exists():
        return None
    row = OutboxMessage.create(
        kind=kind,
        channel=channel,
        status=OutboxStatus.TO_CALL if channel == NoticeChannel.PHONE else OutboxStatus.PENDING,
        reference=reference,
        meeting=meeting_id,
        registration=registration_id,
        concern=concern_id,
        handoff=handoff_id,
        language=language,
        recipient_name=recipient_name[:120],
        recipient=recipient,
        subject=subject[:200],
        body=body,
        attachment=attachment,
        dedupe_key=dedupe_key,
        message_id=f"<{uuid.uuid4().hex}@cafepol.invalid>",
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    return int(row.id)


def _view(r: OutboxMessage) -> OutboxView:
    return OutboxView(
        id=r.id,
        kind=r.kind,
        channel=r.channel,
        status=r.status,
        reference=r.reference,
        attempts=r.attempts,
        created_at=r.created_at,
        sent_at=r.sent_at,
        next_attempt_at=r.next_attempt_at,
        last_error=r.last_error,
        language=r.language,
        meeting_id=r.meeting_id,
        registration_id=r.registration_id,
        concern_id=r.concern_id,
        recipient_name=r.recipient_name,
        recipient=r.recipient,
        subject=r.subject,
        body=r.body,
        call_outcome=r.call_outcome,
        handled_by=r.handled_by,
    )


def list_messages(
    *,
    status: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    reference: str | None = None,
    limit: int | None = None,
) -> list[OutboxView]:
    """Newest first."""
    query = OutboxMessage.select()
    if status:
        query = query.where(OutboxMessage.status == status)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if reference:
        query = query.where(OutboxMessage.reference == reference)
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if limit:
        query = query.limit(limit)
    return [_view(r) for r in query]


def get_message(message_id: int) -> OutboxView:
    row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if row is None:
        raise NotFoundError(_("aucun message avec le numéro {id}").format(id=message_id))
    return _view(row)


def counts() -> dict[str, int]:
    """How many messages per status (the staff home's and `doctor`'s summary)."""
    query = OutboxMessage.select(OutboxMessage.status, peewee.fn.COUNT(OutboxMessage.id)).group_by(
        OutboxMessage.status
    )
    found: dict[str, int] = {str(status): 0 for status in OutboxStatus.ALL}
    rows = cast(list[tuple[str, int]], list(query.tuples()))
    for status, n in rows:
        found[str(status)] = int(n)
    return found


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    index = min(max(attempts, 1), len(RETRY_DELAYS_MIN)) - 1
    return timedelta(minutes=RETRY_DELAYS_MIN[index])


def _takeable(channel: str, now: datetime) -> peewee.Expression:
    """The rows a sender for `channel` may take now: its own due or abandoned ones, and for
    SMS the call list's (a reply by phone was chosen by staff: it stays a call)."""
    stale = now - SENDING_LEASE
    own = (OutboxMessage.channel == channel) & (
        ((OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now))
        | ((OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.updated_at <= stale))
    )
    if channel != NoticeChannel.SMS:
        return own
    calls = (
        (OutboxMessage.channel == NoticeChannel.PHONE)
        & (OutboxMessage.status == OutboxStatus.TO_CALL)
        & (OutboxMessage.kind != NoticeKind.FEEDBACK)
        & (OutboxMessage.attempts == 0)  # not once a call was tried
        & (OutboxMessage.next_attempt_at <= now)
    )
    return own | calls


def _due(channels: Iterable[str], now: datetime) -> list[int]:
    found: list[int] = []
    for channel in channels:
        query = (
            OutboxMessage.select(OutboxMessage.id)
            .where(_takeable(channel, now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(BATCH)
        )
        found += [r.id for r in query]
    return found


def _claim(message_id: int, now: datetime, channel: str | None = None) -> OutboxMessage | None:
    """Take the row for sending (by `channel`: a call list row taken by SMS becomes an SMS);
    None if another sender took it first."""
    row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if row is None:
        return None
    channel = channel or row.channel
    with write_transaction(database_proxy.obj):
        taken = (
            OutboxMessage.update(
                channel=channel,
                status=OutboxStatus.SENDING,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .where((OutboxMessage.id == message_id) & _takeable(channel, now))
            .execute()
        )
    if taken != 1:
        return None
    return OutboxMessage.get_by_id(message_id)


def _outgoing(r: OutboxMessage) -> Outgoing:
    return Outgoing(
        id=r.id,
        kind=r.kind,
        channel=r.channel,
        recipient=r.recipient,
        recipient_name=r.recipient_name,
        language=r.language,
        subject=r.subject,
        body=r.body,
        attachment=r.attachment,
        message_id=r.message_id,
        reference=r.reference,
        meeting_id=r.meeting_id,
    )


def deliver_due(
    transports: Iterable[Transport],
    *,
    now: Callable[[], datetime] = utcnow,
    limit: int | None = None,
) -> DeliveryReport:
    """Send what is due over the channels that have a transport; report what happened.

    A channel whose server is down stops at its first failure on this run (the others wait for
    the next try without hammering it), and the outage is written where the staff home and
    `doctor` read it (`outage`).
    """
    report = DeliveryReport()
    for transport in transports:
        channel = transport.channel
        for message_id in _due([channel], now())[:limit]:
            row = _claim(message_id, now(), channel)
            if row is None:
                continue
            try:
                transport.send(_outgoing(row))
            except DeliveryError as exc:
                if _failed(row, str(exc), exc.permanent, now()):
                    report.failed.append(row.id)
                else:
                    report.retried.append(row.id)
                if not exc.permanent:
                    report.outages[channel] = str(exc)
                    break
                continue
            except Exception as exc:  # a transport bug must not lose the message either
                log.exception("outbox: sending message %s failed", row.id)
                _failed(row, f"{type(exc).__name__}: {exc}", False, now())
                report.retried.append(row.id)
                report.outages[channel] = str(exc)
                break
            _delivered(row.id, OutboxStatus.SENT, now(), actor_name="")
            report.sent.append(row.id)
            report.outages.setdefault(channel, "")
        _set_outage(channel, report.outages.get(channel), now())
    return report


def _failed(row: OutboxMessage, error: str, permanent: bool, now: datetime) -> bool:
    """Back to `pending` with a delay, or `failed` for good (True). An SMS that can't go
    comes back on the call list: nothing is lost for want of a modem."""
    final = permanent or row.attempts >= MAX_ATTEMPTS
    changes: dict[Any, Any] = {
        OutboxMessage.status: OutboxStatus.FAILED if final else OutboxStatus.PENDING,
        OutboxMessage.last_error: error[:500],
        OutboxMessage.next_attempt_at: now + retry_delay(row.attempts),
        OutboxMessage.updated_at: now,
    }
    if final and row.channel == NoticeChannel.SMS and row.kind != NoticeKind.FEEDBACK:
        changes.update(
            {
                OutboxMessage.channel: NoticeChannel.PHONE,
                OutboxMessage.status: OutboxStatus.TO_CALL,
                OutboxMessage.attempts: 0,
                OutboxMessage.next_attempt_at: now,
            }
        )
        final = False
    with write_transaction(database_proxy.obj):
        OutboxMessage.update(changes).where(OutboxMessage.id == row.id).execute()
    log.warning(
        "outbox: message %s (%s, %s) %s after %s attempt(s): %s",
        row.id,
        row.kind,
        row.channel,
        "failed" if final else "will be retried",
        row.attempts,
        error,
    )
    return final


def _delivered(message_id: int, status: str, now: datetime, *, actor_name: str) -> None:
    with write_transaction(database_proxy.obj):
        row = OutboxMessage.get_by_id(message_id)
        row.status = status
        row.sent_at = now
        row.updated_at = now
        row.last_error = ""
        if actor_name:
            row.handled_by = actor_name
        row.save()
        # services.concerns registers its hook when imported: make sure it is.
        import cafepol_tui.services.concerns  # noqa: F401

        for hook in _ON_DELIVERED:
            hook(row, now)


# Called inside the delivery's transaction with the delivered row (services.concerns erases a
# concern's contact once its reply has reached the citizen).
_ON_DELIVERED: list[Callable[[OutboxMessage, datetime], None]] = []


def on_delivered(hook: Callable[[OutboxMessage, datetime], None]) -> None:
    if hook not in _ON_DELIVERED:
        _ON_DELIVERED.append(hook)


def _set_outage(channel: str, error: str | None, now: datetime) -> None:
    """Remember the channel's outage (`error`), or that it works again (""); None: unknown."""
    if error is None:
        return
    key = _OUTAGE_KEY.format(channel=channel)
    if not error:
        MetaEntry.delete().where(MetaEntry.key == key).execute()
        return
    previous = MetaEntry.get_or_none(MetaEntry.key == key)
    since = previous.value.split("\n", 1)[0] if previous else now.isoformat()
    value = f"{since}\n{error[:300]}"
    MetaEntry.insert(key=key, value=value).on_conflict(
        conflict_target=[MetaEntry.key], update={MetaEntry.value: value}
    ).execute()


@dataclass(frozen=True)
class Outage:
    channel: str
    since: datetime
    error: str


def outages() -> list[Outage]:
    """The channels whose last delivery failed (the staff home's banner, `doctor`)."""
    found = []
    for channel in NoticeChannel.ALL:
        row = MetaEntry.get_or_none(MetaEntry.key == _OUTAGE_KEY.format(channel=channel))
        if row is None:
            continue
        since, _sep, error = row.value.partition("\n")
        try:
            at = datetime.fromisoformat(since)
        except ValueError:
            at = utcnow()
        found.append(Outage(channel, at, error))
    return found


# The call list --------------------------------------------------------------------------


def call_list(*, now: datetime | None = None) -> list[OutboxView]:
    """The calls to make now: oldest first. A call with no answer comes back the next day."""
    now = now or utcnow()
    query = (
        OutboxMessage.select()
        .where(
            (OutboxMessage.status == OutboxStatus.TO_CALL)
            & (OutboxMessage.next_attempt_at <= now)
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [_view(r) for r in query]


def _tomorrow_morning(now: datetime) -> datetime:
    day = local(now).date() + timedelta(days=1)
    return datetime.combine(day, CALL_AGAIN_AT, tzinfo=BRUSSELS)


def record_call(
    message_id: int,
    outcome: str,
    actor: Actor,
    *,
    note: str = "",
    now: datetime | None = None,
) -> str:
    """What came of a call: reached or message left (done), no answer (back tomorrow)."""
    require(actor, Permission.NOTIFY)
    if outcome not in CallOutcome.ALL:
        raise RefusedError(_("Issue d'appel inconnue : {outcome}").format(outcome=outcome))
    now = now or utcnow()
    text = clean_text(note, "note", 500)
    with write_transaction(database_proxy.obj):
        row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if row is None:
            raise NotFoundError(_("aucun message avec le numéro {id}").format(id=message_id))
        if row.status != OutboxStatus.TO_CALL:
            raise RefusedError(_("Cet appel n'est plus sur la liste."))
        row.attempts += 1
        row.call_outcome = outcome
        row.handled_by = actor.name
        row.updated_at = now
        if text:
            row.last_error = text
        if outcome == CallOutcome.NO_ANSWER:
            row.next_attempt_at = _tomorrow_morning(now)
            row.save()
        else:
            row.save()
            _delivered(row.id, OutboxStatus.DONE, now, actor_name=actor.name)
        audit.record(actor.name, "call", f"outbox:{message_id}", outcome, now=now)
    return outcome


def mark_printed(message_id: int, actor: Actor, *, now: datetime | None = None) -> None:
    """A letter or a partner's sheet came out of the counter printer: it is on its way."""
    require(actor, Permission.NOTIFY)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        row = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if row is None:
            raise NotFoundError(_("aucun message avec le numéro {id}").format(id=message_id))
        if row.channel != NoticeChannel.LETTER or row.status != OutboxStatus.PENDING:
            raise RefusedError(_("Ce message n'est pas une lettre à imprimer."))
        row.attempts += 1
        row.save()
        _delivered(row.id, OutboxStatus.SENT, now, actor_name=actor.name)
        audit.record(actor.name, "letter-printed", f"outbox:{message_id}", row.kind, now=now)


def letters_to_print() -> list[OutboxView]:
    query = (
        OutboxMessage.select()
        .where(
            (OutboxMessage.channel == NoticeChannel.LETTER)
            & (OutboxMessage.status == OutboxStatus.PENDING)
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [_view(r) for r in query]


def retry_failed(message_id: int, actor: Actor, *, now: datetime | None = None) -> None:
    """Staff try a failed message again (after correcting the server, say)."""
    require(actor, Permission.NOTIFY)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        updated = (
            OutboxMessage.update(
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, updated_at=now
            )
            .where(
                (OutboxMessage.id == message_id) & (OutboxMessage.status == OutboxStatus.FAILED)
            )
            .execute()
        )
        if updated != 1:
            raise RefusedError(_("Seul un message en échec peut être renvoyé."))
        audit.record(actor.name, "outbox-retry", f"outbox:{message_id}", "", now=now)
