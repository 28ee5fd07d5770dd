"""Opening a session with the zone's SMTP server (`[mail]`): plain, STARTTLS or TLS, then the
login. Shared by the e-mail transport (cafepol_tui.delivery) and `doctor`'s check, which
opens the same session and sends nothing. Errors are smtplib's and OSError, as raised."""

from __future__ import annotations

import smtplib
import ssl

from cafepol_tui.settings import MailSettings, read_mail_password


def open_session(mail: MailSettings) -> smtplib.SMTP:
    """Connected, TLS as configured, logged in when a username is set."""
    client: smtplib.SMTP
    if mail.security == "tls":
        client = smtplib.SMTP_SSL(
            mail.host,
            mail.resolved_port,
            timeout=mail.timeout_s,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(mail.host, mail.resolved_port, timeout=mail.timeout_s)
    try:
        if mail.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if mail.username:
            client.login(mail.username, read_mail_password(mail))
    except BaseException:
        client.close()
        raise
    return client
