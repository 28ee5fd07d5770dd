"""How the outbox's messages leave the machine: e-mail over SMTP, SMS through a command.

The services write notices (services.notices) and decide when to send them
(services.outbox.deliver_due); this module holds the transports, which need what the services
must not import: the calendar file of a meeting (documents.ics) and the network. `deliver`
is what the kiosk's upkeep thread and `cafepol send` run.
"""

from __future__ import annotations

import email.utils
import logging
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from cafepol_tui.db.models import utcnow
from cafepol_tui.i18n import language, translator
from cafepol_tui.services import notices, outbox
from cafepol_tui.services.outbox import DeliveryError, DeliveryReport, Outgoing, Transport
from cafepol_tui.services.smtp import open_session
from cafepol_tui.settings import MailSettings, Settings, SmsSettings
from cafepol_tui.statuses import NoticeChannel

_ = translator("messages")  # what staff and `doctor` read of a failure
log = logging.getLogger(__name__)

# An SMS longer than this is cut (with « … »): ten concatenated SMS at most.
SMS_MAX = 1530


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0][:300] if lines else ""


class SmtpTransport:
    """E-mail through the zone's SMTP server (`[mail]`), one connection per batch."""

    channel: str = NoticeChannel.EMAIL

    def __init__(
        self,
        mail: MailSettings,
        *,
        zone_name: str = "",
        calendar: Callable[[int, str], bytes | None] | None = None,
    ) -> None:
        self.mail = mail
        self.zone_name = zone_name
        self.calendar = calendar or _meeting_calendar(zone_name)
        self._client: smtplib.SMTP | None = None

    def build(self, message: Outgoing) -> EmailMessage:
        """The message as it goes out: plain text in the reader's language, the meeting's
        calendar entry attached to confirmations and changes."""
        mail = EmailMessage()
        mail["From"] = self.mail.sender
        mail["To"] = email.utils.formataddr((message.recipient_name, message.recipient))
        mail["Subject"] = message.subject
        mail["Date"] = email.utils.formatdate(localtime=False)
        mail["Message-ID"] = message.message_id  # the same on a retry
        if self.mail.reply_to:
            mail["Reply-To"] = self.mail.reply_to
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.body)
        if message.attachment == "ics" and message.meeting_id is not None:
            data = self.calendar(message.meeting_id, message.language)
            if data:
                mail.add_attachment(
                    data, maintype="text", subtype="calendar", filename="rencontre.ics"
                )
        # After the content: set_content and add_attachment move Content-* headers around.
        mail["Content-Language"] = message.language
        return mail

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        try:
            return open_session(mail)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                _("SMTP login refused ({code}): {reply}").format(
                    code=exc.smtp_code, reply=_text(exc.smtp_error)
                )
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                _("SMTP {server}: {error}").format(
                    server=f"{mail.host}:{mail.resolved_port}", error=_describe(exc)
                )
            ) from None

    def send(self, message: Outgoing) -> None:
        built = self.build(message)
        if self._client is None:
            self._client = self._connect()
        try:
            refused = self._client.send_message(built)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise DeliveryError(
                _("recipient refused: {reply}").format(reply=_smtp_reply(exc.recipients)),
                permanent=all(500 <= code < 600 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(
                f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}",
                permanent=500 <= exc.smtp_code < 600,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(
                _("SMTP {server}: {error}").format(server=self.mail.host, error=_describe(exc))
            ) from None
        if refused:
            raise DeliveryError(
                _("recipient refused: {reply}").format(reply=_smtp_reply(refused)), permanent=True
            )

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def _text(reply: bytes | str) -> str:
    return _first_line(reply.decode(errors="replace") if isinstance(reply, bytes) else reply)


def _smtp_reply(recipients: dict[str, tuple[int, bytes]]) -> str:
    code, text = next(iter(recipients.values()))
    return f"{code} {_text(text)}"


def _describe(exc: BaseException) -> str:
    # smtplib reports a server that accepts the connection then says nothing as
    # SMTPServerDisconnected("Connection unexpectedly closed: timed out").
    if isinstance(exc, socket.timeout | TimeoutError) or "timed out" in str(exc):
        return _("no answer (timeout)")
    if isinstance(exc, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(exc, socket.gaierror):
        return _("unknown host")
    if isinstance(exc, ssl.SSLError):
        return _("TLS: {error}").format(error=_first_line(exc.reason or exc))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("the server closed the connection")
    return _first_line(exc) or type(exc).__name__


def _meeting_calendar(zone_name: str) -> Callable[[int, str], bytes | None]:
    def calendar(meeting_id: int, lang: str) -> bytes | None:
        from cafepol_tui.documents.ics import meetings_ics
        from cafepol_tui.services.meetings import get_meeting
        from cafepol_tui.services.validation import NotFoundError

        try:
            meeting = get_meeting(meeting_id)
        except NotFoundError:
            return None
        with language(lang):
            return meetings_ics([meeting], zone_name=zone_name, now=utcnow())

    return calendar


class SmsTransport:
    """SMS through the configured command (`[sms] command`), e.g. gammu-smsd-inject."""

    channel: str = NoticeChannel.SMS

    def __init__(self, sms: SmsSettings) -> None:
        self.sms = sms

    def send(self, message: Outgoing) -> None:
        text = message.body if len(message.body) <= SMS_MAX else message.body[: SMS_MAX - 1] + "…"
        words = [
            part.replace("{number}", message.recipient).replace("{text}", text)
            for part in self.sms.command
        ]
        try:
            done = subprocess.run(  # noqa: S603 - a command the zone's IT contact configured
                words, capture_output=True, text=True, timeout=self.sms.timeout_s, check=False
            )
        except FileNotFoundError:
            raise DeliveryError(
                _("SMS command not found: {command}").format(command=words[0])
            ) from None
        except subprocess.TimeoutExpired:
            raise DeliveryError(
                _("the SMS command gave no answer in {seconds} s").format(
                    seconds=self.sms.timeout_s
                )
            ) from None
        except OSError as exc:
            raise DeliveryError(_("SMS command: {error}").format(error=_describe(exc))) from None
        if done.returncode != 0:
            why = _first_line(done.stderr) or _first_line(done.stdout) or f"exit {done.returncode}"
            raise DeliveryError(_("SMS command failed: {error}").format(error=why))


def transports_for(settings: Settings) -> list[Transport]:
    """The channels this machine can send through: SMTP if `[mail] host`, SMS if configured."""
    found: list[Transport] = []
    if settings.mail.enabled:
        found.append(SmtpTransport(settings.mail, zone_name=settings.zone_name))
    if settings.sms.enabled:
        found.append(SmsTransport(settings.sms))
    return found


def deliver(
    settings: Settings,
    *,
    now: Callable[[], datetime] = utcnow,
    transports: list[Transport] | None = None,
) -> DeliveryReport:
    """Queue the reminders that are due, then send what is due (call inside a connection)."""
    notices.queue_reminders(now=now())
    chosen = transports_for(settings) if transports is None else transports
    try:
        return outbox.deliver_due(chosen, now=now)
    finally:
        for transport in chosen:
            close = getattr(transport, "close", None)
            if close is not None:
                close()
