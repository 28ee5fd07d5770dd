"""The outbox itself: written with its event, claimed once, retried with growing delays, and
the call list's outcomes. Delivery over a real SMTP server is tests/notices/test_delivery.py."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import peewee
import pytest
import time_machine

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import OutboxMessage, Registration
from cafepol_tui.db.open import open_database
from cafepol_tui.services import outbox
from cafepol_tui.services.outbox import DeliveryError, Outgoing
from cafepol_tui.services.registrations import cancel
from cafepol_tui.services.validation import RefusedError
from cafepol_tui.settings import Settings
from cafepol_tui.statuses import CallOutcome, NoticeChannel, NoticeKind, OutboxStatus
from tests.conftest import FIXED_NOW
from tests.factories import COUNTER, make_meeting, sign_up


class Recorder:
    """A transport that records what it was given, or fails as told."""

    channel = NoticeChannel.EMAIL

    def __init__(self, *fails: DeliveryError) -> None:
        self.sent: list[Outgoing] = []
        self.fails = list(fails)

    def send(self, message: Outgoing) -> None:
        if self.fails:
            raise self.fails.pop(0)
        self.sent.append(message)


def _email(now: datetime = FIXED_NOW) -> int:
    with write_transaction(database_proxy.obj):
        found = outbox.enqueue(
            NoticeKind.PROMOTION,
            NoticeChannel.EMAIL,
            recipient="paula@example.be",
            body="Bonjour",
            subject="Une place",
            reference="ABCDEF",
            now=now,
        )
    assert found is not None
    return found


def _row(message_id: int) -> OutboxMessage:
    return OutboxMessage.get_by_id(message_id)


def test_a_sign_up_with_an_email_writes_its_confirmation_and_one_without_writes_nothing(
    db: peewee.Database,
) -> None:
    meeting = make_meeting(capacity=1)
    with_mail = sign_up(meeting, "Paula Courriel", email="paula@example.be")
    sign_up(meeting, "Pierre Sans", phone="+32470123456")  # waiting, phone only: his slip says it
    rows = list(OutboxMessage.select())
    assert [(r.kind, r.channel, r.status, r.reference) for r in rows] == [
        (NoticeKind.CONFIRMATION, NoticeChannel.EMAIL, OutboxStatus.PENDING, with_mail.reference)
    ]
    assert with_mail.reference in rows[0].body and rows[0].attachment == "ics"


def test_a_promotion_is_written_with_the_cancellation_that_frees_the_seat(
    db: peewee.Database,
) -> None:
    meeting = make_meeting(capacity=1)
    first = sign_up(meeting, "Paula Première")
    waiting = sign_up(meeting, "Walter Attente", phone="+32470123456")
    with time_machine.travel(FIXED_NOW, tick=False):
        cancel(first.reference)
    rows = list(OutboxMessage.select())
    assert [(r.kind, r.channel, r.status, r.reference) for r in rows] == [
        (NoticeKind.PROMOTION, NoticeChannel.PHONE, OutboxStatus.TO_CALL, waiting.reference)
    ]
    assert Registration.get(Registration.reference == waiting.reference).status == "confirmed"


def test_a_rolled_back_event_leaves_no_notice(db: peewee.Database) -> None:
    with pytest.raises(RuntimeError), write_transaction(database_proxy.obj):
        outbox.enqueue(
            NoticeKind.PROMOTION, NoticeChannel.EMAIL, recipient="a@example.be", body="x"
        )
        raise RuntimeError("the event failed")
    assert OutboxMessage.select().count() == 0


def test_delivered_once_and_marked_sent(db: peewee.Database) -> None:
    message_id = _email()
    transport = Recorder()
    report = outbox.deliver_due([transport], now=lambda: FIXED_NOW)
    assert report.sent == [message_id] and len(transport.sent) == 1
    assert transport.sent[0].recipient == "paula@example.be"
    row = _row(message_id)
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 1, FIXED_NOW)
    assert outbox.deliver_due([transport], now=lambda: FIXED_NOW).sent == []
    assert len(transport.sent) == 1


def test_an_outage_retries_later_with_growing_delays_then_fails(db: peewee.Database) -> None:
    message_id = _email()
    down = [DeliveryError("connection refused") for _ in range(outbox.MAX_ATTEMPTS)]
    transport = Recorder(*down)
    now = FIXED_NOW
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        report = outbox.deliver_due([transport], now=lambda: now)  # noqa: B023
        row = _row(message_id)
        assert row.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert report.retried == [message_id] and row.status == OutboxStatus.PENDING
            assert report.outages == {"email": "connection refused"}
            waits.append(row.next_attempt_at - now)
            # not yet due a second before its time
            early = row.next_attempt_at - timedelta(seconds=1)
            assert outbox.deliver_due([transport], now=lambda: early).retried == []  # noqa: B023
            now = row.next_attempt_at
        else:
            assert report.failed == [message_id] and row.status == OutboxStatus.FAILED
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 5, 15, 60)]
    assert waits == sorted(waits)
    assert transport.sent == []
    assert [o.channel for o in outbox.outages()] == ["email"]


def test_a_refusal_for_good_fails_at_once_and_an_outage_clears_when_mail_works(
    db: peewee.Database,
) -> None:
    refused, fine = _email(), _email()
    transport = Recorder(DeliveryError("550 no such user", permanent=True))
    report = outbox.deliver_due([transport], now=lambda: FIXED_NOW)
    assert report.failed == [refused] and report.sent == [fine]
    assert outbox.outages() == []
    outbox.retry_failed(refused, COUNTER, now=FIXED_NOW)
    assert _row(refused).status == OutboxStatus.PENDING
    with pytest.raises(RefusedError):
        outbox.retry_failed(fine, COUNTER, now=FIXED_NOW)


def test_a_row_left_sending_by_a_killed_sender_is_retried_after_the_lease(
    db: peewee.Database,
) -> None:
    message_id = _email()
    assert outbox._claim(message_id, FIXED_NOW) is not None  # then the process died
    transport = Recorder()
    soon = FIXED_NOW + outbox.SENDING_LEASE - timedelta(seconds=1)
    assert outbox.deliver_due([transport], now=lambda: soon).sent == []
    later = FIXED_NOW + outbox.SENDING_LEASE
    assert outbox.deliver_due([transport], now=lambda: later).sent == [message_id]
    assert len(transport.sent) == 1 and _row(message_id).attempts == 2


def test_two_senders_never_take_the_same_row(settings: Settings, db: peewee.Database) -> None:
    """Two kiosks' upkeep threads on one database: each row is claimed by one of them."""
    ids = [_email() for _ in range(20)]

    taken: list[int] = []
    lock = threading.Lock()

    def sender() -> None:
        other = open_database(settings.resolved_database_url)
        with other.connection_context():
            for message_id in ids:
                if outbox._claim(message_id, FIXED_NOW) is not None:
                    with lock:
                        taken.append(message_id)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == ids


def test_the_call_list_outcomes(db: peewee.Database) -> None:
    with write_transaction(database_proxy.obj):
        reached = outbox.enqueue(
            NoticeKind.PROMOTION,
            NoticeChannel.PHONE,
            recipient="+32470123456",
            body="Une place",
            now=FIXED_NOW,
        )
        silent = outbox.enqueue(
            NoticeKind.CANCELLATION,
            NoticeChannel.PHONE,
            recipient="+32470654321",
            body="Annulé",
            now=FIXED_NOW,
        )
    assert reached and silent
    assert [c.id for c in outbox.call_list(now=FIXED_NOW)] == [reached, silent]
    outbox.record_call(reached, CallOutcome.REACHED, COUNTER, now=FIXED_NOW)
    outbox.record_call(
        silent, CallOutcome.NO_ANSWER, COUNTER, note="répondeur plein", now=FIXED_NOW
    )
    assert outbox.call_list(now=FIXED_NOW) == []
    assert _row(reached).status == OutboxStatus.DONE and _row(reached).handled_by == COUNTER.name
    back = outbox.call_list(now=FIXED_NOW + timedelta(days=1))  # 9:00 Brussels the next day
    assert [c.id for c in back] == [silent] and back[0].attempts == 1
    with pytest.raises(RefusedError):
        outbox.record_call(reached, CallOutcome.REACHED, COUNTER, now=FIXED_NOW)
    with pytest.raises(RefusedError):
        outbox.record_call(silent, "shouted", COUNTER, now=FIXED_NOW)


def test_a_letter_is_sent_once_printed(db: peewee.Database) -> None:
    with write_transaction(database_proxy.obj):
        letter = outbox.enqueue(
            NoticeKind.FEEDBACK, NoticeChannel.LETTER, recipient="Rue X 1\n7080 Frameries", body="…"
        )
    assert letter
    assert [m.id for m in outbox.letters_to_print()] == [letter]
    assert outbox.deliver_due([Recorder()], now=lambda: FIXED_NOW).sent == []  # not by mail
    outbox.mark_printed(letter, COUNTER, now=FIXED_NOW)
    assert _row(letter).status == OutboxStatus.SENT and outbox.letters_to_print() == []
    with pytest.raises(RefusedError):
        outbox.mark_printed(letter, COUNTER, now=FIXED_NOW)


def test_the_dedupe_key_writes_a_notice_once(db: peewee.Database) -> None:
    with write_transaction(database_proxy.obj):
        first = outbox.enqueue(
            NoticeKind.REMINDER,
            NoticeChannel.EMAIL,
            recipient="a@example.be",
            body="x",
            dedupe_key="reminder:1",
        )
        second = outbox.enqueue(
            NoticeKind.REMINDER,
            NoticeChannel.EMAIL,
            recipient="a@example.be",
            body="x",
            dedupe_key="reminder:1",
        )
    assert first and second is None
    assert outbox.counts()["pending"] == 1


@pytest.mark.parametrize(
    ("lang", "subject", "code_line"),
    [
        ("fr", "Inscription confirmée : café avec votre policier, ", "Votre code : "),
        ("nl", "Inschrijving bevestigd: koffie met uw wijkagent, ", "Uw code: "),
        ("de", "Anmeldung bestätigt: Kaffee mit Ihrem Bezirksbeamten, ", "Ihr Code: "),
        ("en", "Registration confirmed: coffee with your neighbourhood officer, ", "Your code: "),
    ],
)
def test_the_confirmation_is_written_in_the_language_the_citizen_used(
    db: peewee.Database, lang: str, subject: str, code_line: str
) -> None:
    meeting = make_meeting()
    done = sign_up(meeting, "Paula Polyglotte", 2, email="paula@example.be", language=lang)
    row = OutboxMessage.get()
    assert row.language == lang and row.subject.startswith(subject)
    assert f"{code_line}{done.reference}" in row.body
    assert "Salle Le Trianon" in row.body and "Paula Polyglotte" in row.body
