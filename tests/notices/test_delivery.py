"""The notices over a real SMTP server (aiosmtpd on 127.0.0.1) and a real SMS command: each
reaches its reader once, in their language, whatever the server does meanwhile."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import peewee
import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import OutboxMessage, Registration
from cafepol_tui.delivery import SmsTransport, deliver
from cafepol_tui.services import concerns, outbox
from cafepol_tui.services.meetings_admin import cancel_meeting
from cafepol_tui.services.outbox import DeliveryReport
from cafepol_tui.services.registrations import cancel
from cafepol_tui.settings import MailSettings, Settings, SmsSettings
from cafepol_tui.statuses import NoticeChannel, NoticeKind, OutboxStatus, ReplyChannel
from tests.conftest import FIXED_NOW
from tests.factories import ADMIN, FIXED_START, make_meeting, sign_up
from tests.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
# A day after the factories' sign-ups (FIXED_START - 5 days), before the meeting.
SENT_AT = FIXED_START - timedelta(days=4)


def mail_settings(settings: Settings, server: SmtpServer) -> Settings:
    mail = MailSettings(
        host=server.host,
        port=server.port,
        security="none",
        sender="Police de quartier <quartier@zone.example.be>",
        timeout_s=5,
    )
    return dataclasses.replace(settings, mail=mail)


def run_deliver(settings: Settings, at: datetime = SENT_AT) -> DeliveryReport:
    return deliver(settings, now=lambda: at)


def test_a_confirmation_reaches_the_server_once_in_the_citizens_language(
    settings: Settings, db: peewee.Database, smtp: SmtpServer
) -> None:
    meeting = make_meeting()
    done = sign_up(meeting, "Nele Peeters", 2, email="nele@example.be", language="nl")
    report = run_deliver(mail_settings(settings, smtp))
    assert len(report.sent) == 1
    [message] = smtp.wait_for(1)
    assert smtp.received[0].rcpt_tos == ["nele@example.be"]
    assert message["Subject"].startswith("Inschrijving bevestigd: koffie met uw wijkagent")
    assert message["Content-Language"] == "nl" and message["Auto-Submitted"] == "auto-generated"
    row = OutboxMessage.get()
    assert message["Message-ID"] == row.message_id
    body = message.get_body(("plain",)).get_content()
    assert f"Uw code: {done.reference}" in body and "Beste Nele Peeters," in body
    [ics] = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    event = next(iter(icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")))
    assert event.decoded("dtstart") == meeting.starts_at
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert run_deliver(mail_settings(settings, smtp)).sent == []  # nothing twice
    assert len(smtp.messages) == 1


def test_a_server_that_refuses_then_accepts_gets_the_message_once(
    settings: Settings, db: peewee.Database, smtp: SmtpServer
) -> None:
    sign_up(make_meeting(), "Paula Patiente", email="paula@example.be")
    configured = mail_settings(settings, smtp)
    smtp.refuse_all = True
    report = run_deliver(configured)
    assert report.retried and report.outages["email"].startswith("SMTP 421 ")
    assert [o.channel for o in outbox.outages()] == ["email"]
    row = OutboxMessage.get()
    assert row.status == OutboxStatus.PENDING and row.next_attempt_at == SENT_AT + timedelta(
        minutes=1
    )
    assert run_deliver(configured).retried == []  # not due again yet
    smtp.refuse_all = False
    assert len(run_deliver(configured, SENT_AT + timedelta(minutes=1)).sent) == 1
    assert len(smtp.wait_for(1)) == 1 and outbox.outages() == []
    assert OutboxMessage.get().attempts == 2


def test_a_server_down_then_up(settings: Settings, db: peewee.Database, smtp: SmtpServer) -> None:
    meeting = make_meeting(capacity=1)
    first = sign_up(meeting, "Anne Avant")
    sign_up(meeting, "Wim Wacht", email="wim@example.be", language="nl")  # waiting: one notice
    configured = mail_settings(settings, smtp)
    smtp.stop()
    report = run_deliver(configured)
    assert report.outages["email"].endswith("connexion refusée")  # in the staff's language
    with time_machine.travel(SENT_AT, tick=False):
        cancel(first.reference)  # Wim moves up: a second notice
    smtp.start()
    later = SENT_AT + timedelta(hours=1)
    assert len(run_deliver(configured, later).sent) == 2
    subjects = sorted(str(m["Subject"]).split(":")[0] for m in smtp.wait_for(2))
    assert subjects == ["Er is een plaats vrij", "Wachtlijst"]  # both, once each
    assert len(smtp.messages) == 2


def test_a_recipient_refused_for_good_fails_at_once(
    settings: Settings, db: peewee.Database, smtp: SmtpServer
) -> None:
    sign_up(make_meeting(), "Bob Inconnu", email="bob@nowhere.example")
    smtp.refuse_recipients.add("bob@nowhere.example")
    report = run_deliver(mail_settings(settings, smtp))
    assert report.failed and not report.outages.get("email")
    row = OutboxMessage.get()
    assert row.status == OutboxStatus.FAILED and "550" in row.last_error


def test_a_sender_killed_mid_send_loses_nothing_and_sends_once(
    settings: Settings, db: peewee.Database, smtp: SmtpServer, tmp_path: Path
) -> None:
    sign_up(make_meeting(), "Karl Kill", email="karl@example.be", now=FIXED_NOW)
    config = tmp_path / "config.toml"
    config.write_text(
        f'database_url = "{settings.resolved_database_url}"\n'
        f'[mail]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "none"\n'
        'sender = "quartier@zone.example.be"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAFEPOL_CONFIG": str(config)}
    smtp.hold.clear()  # the server waits at MAIL FROM: the message isn't handed over yet
    sender = subprocess.Popen(
        [sys.executable, "-m", "cafepol_tui", "send"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.mail_started.wait(30), sender.stderr.read() if sender.stderr else ""
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        smtp.hold.set()
    row = OutboxMessage.get()
    assert row.status == OutboxStatus.SENDING and row.attempts == 1  # still there
    assert smtp.messages == []
    configured = mail_settings(settings, smtp)
    assert run_deliver(configured, row.updated_at + timedelta(minutes=1)).sent == []  # leased
    after = row.updated_at + outbox.SENDING_LEASE
    assert len(run_deliver(configured, after).sent) == 1
    assert len(smtp.wait_for(1)) == 1 and smtp.messages[0]["Message-ID"] == row.message_id


def test_cancellation_reaches_email_and_phone_people(
    settings: Settings, db: peewee.Database, smtp: SmtpServer
) -> None:
    meeting = make_meeting()
    later = make_meeting(starts_at=meeting.starts_at + timedelta(days=7))
    by_mail = sign_up(meeting, "Emma Mail", email="emma@example.be")
    by_phone = sign_up(meeting, "Paul Phone", phone="0470 12 34 56")
    cancel_meeting(meeting.id, "Salle inondée", ADMIN, replacement_id=later.id, now=SENT_AT)
    run_deliver(mail_settings(settings, smtp))
    [message] = smtp.wait_for(2)[1:]  # the confirmation first, then the cancellation
    body = message.get_body(("plain",)).get_content()
    assert message["Subject"].startswith("Annulé") and "Salle inondée" in body
    assert by_mail.reference in body and "15 décembre" in body  # the replacement's day
    [call] = outbox.call_list(now=SENT_AT)
    assert (call.reference, call.recipient) == (by_phone.reference, "+32470123456")


def sms_script(tmp_path: Path, *, fail: bool = False) -> tuple[SmsSettings, Path]:
    log = tmp_path / "sms.log"
    script = tmp_path / "sms.py"
    script.write_text(
        "import sys\n"
        + ("sys.exit('modem not found')\n" if fail else "")
        + f"open({str(log)!r}, 'a', encoding='utf-8').write(repr(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    return SmsSettings(command=(sys.executable, str(script), "{number}", "{text}")), log


def test_sms_goes_before_the_call_and_a_phone_reply_stays_a_call(
    settings: Settings, db: peewee.Database, tmp_path: Path
) -> None:
    sms, log = sms_script(tmp_path)
    meeting = make_meeting(capacity=1)
    first = sign_up(meeting, "Anne Avant")
    waiting = sign_up(meeting, "Simone Sms", phone="0470 11 22 33")
    with time_machine.travel(SENT_AT, tick=False):
        cancel(first.reference)  # Simone moves up: on the call list…
    with write_transaction(database_proxy.obj):
        reply = outbox.enqueue(
            NoticeKind.FEEDBACK,
            NoticeChannel.PHONE,
            recipient="+32470998877",
            body="Réponse",
            now=FIXED_NOW,
        )
    report = outbox.deliver_due([SmsTransport(sms)], now=lambda: SENT_AT)
    assert len(report.sent) == 1
    sent = OutboxMessage.get(OutboxMessage.reference == waiting.reference)
    assert (sent.channel, sent.status) == (NoticeChannel.SMS, OutboxStatus.SENT)
    [argv] = log.read_text(encoding="utf-8").splitlines()
    assert "+32470112233" in argv and waiting.reference in argv
    assert [c.id for c in outbox.call_list(now=SENT_AT)] == [reply]


def test_an_sms_that_cannot_go_comes_back_on_the_call_list(
    settings: Settings, db: peewee.Database, tmp_path: Path
) -> None:
    sms, _log = sms_script(tmp_path, fail=True)
    with write_transaction(database_proxy.obj):
        message_id = outbox.enqueue(
            NoticeKind.PROMOTION,
            NoticeChannel.PHONE,
            recipient="+32470112233",
            body="Place",
            now=FIXED_NOW,
        )
    now = FIXED_NOW
    for _attempt in range(outbox.MAX_ATTEMPTS):
        report = outbox.deliver_due([SmsTransport(sms)], now=lambda: now)  # noqa: B023
        assert "modem not found" in report.outages["sms"]
        row = OutboxMessage.get_by_id(message_id)
        now = row.next_attempt_at
    assert (row.channel, row.status) == (NoticeChannel.PHONE, OutboxStatus.TO_CALL)
    assert [c.id for c in outbox.call_list(now=now)] == [message_id]


def test_a_concern_reply_by_email_erases_the_contact_once_delivered(
    settings: Settings, db: peewee.Database, smtp: SmtpServer
) -> None:
    from cafepol_tui.db.models import Concern, Theme

    Theme.create(name="Propreté")
    concern_id = concerns.create_concern(
        concerns.ConcernForm(
            theme="Propreté",
            description="Dépôt sauvage rue du Coron",
            wants_feedback=True,
            contact_name="Rita Retour",
            contact_email="rita@example.be",
            language="de",
        ),
        ADMIN,
        now=FIXED_NOW,
    )
    concerns.give_feedback(
        concern_id, "Le dépôt a été enlevé par Hygea.", ReplyChannel.EMAIL, ADMIN, now=FIXED_NOW
    )
    assert Concern.get_by_id(concern_id).contact_email == "rita@example.be"  # not yet delivered
    run_deliver(mail_settings(settings, smtp))
    [message] = smtp.wait_for(1)
    reference = Concern.get_by_id(concern_id).reference
    assert message["Subject"] == f"Ihre Anfrage {reference}: unsere Antwort"
    assert "Le dépôt a été enlevé par Hygea." in message.get_body(("plain",)).get_content()
    after = Concern.get_by_id(concern_id)
    assert (after.contact_name, after.contact_email) == ("", "")
    assert after.reply_text == "Le dépôt a été enlevé par Hygea."


def test_the_outbox_and_send_commands(
    settings: Settings,
    db: peewee.Database,
    smtp: SmtpServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    meeting = make_meeting(capacity=1)
    sign_up(meeting, "Emma Mail", email="emma@example.be")
    sign_up(meeting, "Paul Phone", phone="0470 12 34 56")
    config = tmp_path / "config.toml"
    config.write_text(
        f'database_url = "{settings.resolved_database_url}"\n'
        f'[mail]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "none"\n'
        'sender = "quartier@zone.example.be"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "outbox", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert {
        "id",
        "kind",
        "channel",
        "status",
        "reference",
        "attempts",
        "created_at",
        "sent_at",
    } <= set(row)
    assert (row["kind"], row["channel"], row["status"], row["sent_at"]) == (
        "confirmation",
        "email",
        "pending",
        None,
    )
    assert "emma@" not in json.dumps(row)
    with time_machine.travel(SENT_AT):
        assert main(["--config", str(config), "send", "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["sent"] == [row["id"]] and outcome["outages"] == {}
    assert main(["--config", str(config), "outbox", "--status", "sent"]) == 0
    assert "confirmation" in capsys.readouterr().out
    assert main(["--config", str(config), "outbox", "--status", "lost"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "lost" in err[0]
    smtp.stop()
    # Queued and sent at the same fixed moment: queued at today's real time, it would not be
    # due yet at SENT_AT once today is past it (the test failed from 4 December 2026 on).
    with time_machine.travel(SENT_AT), write_transaction(database_proxy.obj):
        outbox.enqueue(
            NoticeKind.PROMOTION, NoticeChannel.EMAIL, recipient="x@example.be", body="x"
        )
    with time_machine.travel(SENT_AT):
        assert main(["--config", str(config), "send"]) == 1  # the channel is down: exit 1
    assert "email" in capsys.readouterr().out
    assert Registration.select().count() == 2
