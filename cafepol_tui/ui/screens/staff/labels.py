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
from cafepol_tui.statuses import Channel, ConcernStatus, RegistrationStatus, StaffRole

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
