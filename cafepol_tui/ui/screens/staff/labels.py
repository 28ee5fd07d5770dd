"""What the staff console shows for stored codes, and its dates and numbers, in the kiosk's language.

Codes stay as stored (``confirmed``, ``in_progress``, ``counter``…); only their labels are
translated (catalog ``staff``). Dates and numbers go through Babel with the locale of
`current_language()` (fr_BE, nl_BE, de_BE, en_GB).
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, get_day_names
from babel.numbers import format_decimal, format_percent

from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.services.formatting import babel_locale, local
from cafepol_tui.statuses import (
    CallOutcome,
    Channel,
    ConcernStatus,
    NoticeChannel,
    NoticeKind,
    OutboxStatus,
    RegistrationStatus,
    ReplyChannel,
    StaffRole,
)

_ = translator("staff")

REGISTRATION_STATUS: dict[str, str] = {
    RegistrationStatus.CONFIRMED: N_("confirmée"),
    RegistrationStatus.WAITLISTED: N_("liste d'attente"),
    RegistrationStatus.CANCELLED: N_("annulée"),
    RegistrationStatus.ATTENDED: N_("présente ✓"),
    RegistrationStatus.NO_SHOW: N_("absente ✗"),
}

CONCERN_STATUS: dict[str, str] = {
    ConcernStatus.OPEN: N_("ouverte"),
    ConcernStatus.IN_PROGRESS: N_("en cours"),
    ConcernStatus.RESOLVED: N_("résolue"),
    ConcernStatus.FEEDBACK_GIVEN: N_("retour donné"),
    ConcernStatus.CLOSED: N_("clôturée sans retour"),
}

ROLES: dict[str, str] = {
    # TRANSLATORS: a staff role: works at the police station's counter.
    StaffRole.COUNTER: N_("guichet"),
    # TRANSLATORS: a staff role: the neighbourhood police officer.
    StaffRole.OFFICER: N_("policier"),
    # TRANSLATORS: a staff role: administrator of the console.
    StaffRole.ADMIN: N_("admin"),
}

CHANNELS: dict[str, str] = {
    # TRANSLATORS: how a registration came in: on the kiosk, at the counter, by phone.
    Channel.KIOSK: N_("borne"),
    Channel.COUNTER: N_("guichet"),
    Channel.PHONE: N_("téléphone"),
}

NOTICE_KIND: dict[str, str] = {
    # TRANSLATORS: why a citizen is called or written to (the « À appeler » list, the outbox).
    NoticeKind.CONFIRMATION: N_("Confirmation d'inscription"),
    NoticeKind.WAITLISTED: N_("Sur liste d'attente"),
    NoticeKind.PROMOTION: N_("Place libérée : inscription confirmée"),
    NoticeKind.CANCELLATION: N_("Rencontre annulée"),
    NoticeKind.CHANGE: N_("Rencontre modifiée"),
    NoticeKind.REMINDER: N_("Rappel de la rencontre"),
    NoticeKind.FEEDBACK: N_("Retour sur une doléance"),
    NoticeKind.HANDOFF: N_("Doléance transmise à un partenaire"),
}

NOTICE_CHANNEL: dict[str, str] = {
    NoticeChannel.EMAIL: N_("e-mail"),
    NoticeChannel.SMS: N_("SMS"),
    NoticeChannel.PHONE: N_("appel"),
    NoticeChannel.LETTER: N_("lettre"),
}

OUTBOX_STATUS: dict[str, str] = {
    OutboxStatus.PENDING: N_("en attente"),
    OutboxStatus.SENDING: N_("en cours d'envoi"),
    OutboxStatus.SENT: N_("envoyé"),
    OutboxStatus.FAILED: N_("en échec"),
    OutboxStatus.TO_CALL: N_("à appeler"),
    OutboxStatus.DONE: N_("fait"),
}

CALL_OUTCOME: dict[str, str] = {
    CallOutcome.REACHED: N_("Joint"),
    CallOutcome.MESSAGE_LEFT: N_("Message laissé"),
    CallOutcome.NO_ANSWER: N_("Pas de réponse"),
}

REPLY_CHANNEL: dict[str, str] = {
    ReplyChannel.EMAIL: N_("par e-mail"),
    ReplyChannel.LETTER: N_("par lettre"),
    ReplyChannel.PHONE: N_("par téléphone"),
    ReplyChannel.IN_PERSON: N_("en personne"),
}


def _label(labels: dict[str, str], code: str) -> str:
    return _(labels[code]) if code in labels else code


def registration_status(code: str) -> str:
    return _label(REGISTRATION_STATUS, code)


def concern_status(code: str) -> str:
    return _label(CONCERN_STATUS, code)


def role(code: str) -> str:
    return _label(ROLES, code)


def channel(code: str) -> str:
    return _label(CHANNELS, code)


def notice_kind(code: str) -> str:
    return _label(NOTICE_KIND, code)


def notice_channel(code: str) -> str:
    return _label(NOTICE_CHANNEL, code)


def outbox_status(code: str) -> str:
    return _label(OUTBOX_STATUS, code)


def call_outcome(code: str) -> str:
    return _label(CALL_OUTCOME, code)


def reply_channel(code: str) -> str:
    return _label(REPLY_CHANNEL, code)


def locale() -> str:
    return babel_locale(current_language())


def short_date(day: date) -> str:
    """« 1/11/26 » (fr), « 1/11/2026 » (nl), « 01.11.26 » (de), « 01/11/2026 » (en)."""
    return format_date(day, "short", locale=locale())


def short_datetime(moment: datetime, *, seconds: bool = False) -> str:
    """A moment in Brussels time, short (or medium, with the seconds)."""
    return format_datetime(local(moment), "medium" if seconds else "short", locale=locale())


def decimal(value: float) -> str:
    return format_decimal(value, locale=locale())


def percent(value: float) -> str:
    return format_percent(value, locale=locale())


def weekday_names() -> list[str]:
    """Monday first, in the current language."""
    names = get_day_names("wide", locale=locale())
    return [names[i] for i in range(7)]
