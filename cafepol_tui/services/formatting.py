"""Dates, times and counts in words, in the Belgian (and British) locales of CLDR, in
Europe/Brussels time.

Every function takes the language explicitly (`lang`) or, when it is left out, follows the
current one (`cafepol_tui.i18n.current_language()`): the kiosk's, or `with language("nl"):`.

Days and times are written from CLDR's day and month names for our four locales, compiled from
Babel into `calendar_names.py` by `tools/calendar_names.py` the way catalogs are compiled into
`.mo` files, with the patterns Babel uses for fr_BE, nl_BE, de_BE and en_GB
(tests/test_formatting_babel.py checks every day of three years against Babel). Babel itself (some 20 ms to import and load
a locale) is left to what needs more of CLDR: the staff console's numbers, the statistics,
the programme's month; the kiosk's first screen and `cafepol flyer` do without it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from cafepol_tui.i18n import current_language, language, translator

# Babel's CLDR names for our locales, compiled into the package by tools/calendar_names.py.
from cafepol_tui.services.calendar_names import DAYS, LOCALES, MONTHS, SHORT_DAYS, SHORT_MONTHS

_ = translator("texts")

BRUSSELS = ZoneInfo("Europe/Brussels")


# Day patterns (CLDR): « mardi 12 janvier 2027 », « Dienstag, 12. Januar 2027 »; the same as
# Babel's « EEEE d MMMM y » (de « EEEE, d. MMMM y »), « EEE d MMM » (de « EEE, d. MMM »).
_DAY = {"de": "{day}, {d}. {month} {y}"}
_DAY_NO_YEAR = {"de": "{day}, {d}. {month}"}
_SHORT_DAY = {"de": "{day}, {d}. {month}"}


def babel_locale(lang: str | None = None) -> str:
    return LOCALES.get(lang or current_language(), "fr_BE")


def _lang(lang: str | None) -> str:
    chosen = lang or current_language()
    return chosen if chosen in LOCALES else "fr"


def local(dt: datetime) -> datetime:
    return dt.astimezone(BRUSSELS)


def format_day(dt: datetime, lang: str | None = None, *, year: bool = True) -> str:
    """« mardi 12 janvier 2027 » (or « mardi 12 janvier » without the year); nl « dinsdag 12
    januari 2027 », de « Dienstag, 12. Januar 2027 », en « Tuesday 12 January 2027 ».

    Remembered: a list formats the same days again on every refresh, and a worker thread can
    format them ahead for the UI thread.
    """
    return _format_day(dt, _lang(lang), year)


@lru_cache(maxsize=4096)
def _format_day(dt: datetime, lang: str, year: bool) -> str:
    moment = local(dt)
    pattern = (_DAY if year else _DAY_NO_YEAR).get(
        lang, "{day} {d} {month} {y}" if year else "{day} {d} {month}"
    )
    return pattern.format(
        day=DAYS[lang][moment.weekday()], d=moment.day, month=MONTHS[lang][moment.month - 1],
        y=moment.year,
    )


def format_short_day(dt: datetime, lang: str | None = None) -> str:
    """« mar. 12 janv. »"""
    lang = _lang(lang)
    moment = local(dt)
    return _SHORT_DAY.get(lang, "{day} {d} {month}").format(
        day=SHORT_DAYS[lang][moment.weekday()], d=moment.day,
        month=SHORT_MONTHS[lang][moment.month - 1],
    )


def format_clock(dt: datetime, lang: str | None = None) -> str:
    """« 10 h » or « 10 h 30 » in French; « 10:00 » (24-hour clock) elsewhere."""
    lang = _lang(lang)
    moment = local(dt)
    if lang == "fr":
        return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"  # Babel's « HH:mm »


def format_when(dt: datetime, lang: str | None = None) -> str:
    """« mardi 12 janvier 2027 à 10 h », « dinsdag 12 januari 2027 om 10:00 »."""
    lang = _lang(lang)
    day, clock = format_day(dt, lang), format_clock(dt, lang)
    with language(lang):
        # TRANSLATORS: a day and its time, « mardi 12 janvier 2027 à 10 h ».
        return _("{day} à {time}").format(day=day, time=clock)


def format_span(start: datetime, end: datetime, lang: str | None = None) -> str:
    """« mardi 12 janvier 2027 de 10 h à 11 h 30 »"""
    lang = _lang(lang)
    day = format_day(start, lang)
    return f"{day} {format_hours(start, end, lang)}"


def format_hours(start: datetime, end: datetime, lang: str | None = None) -> str:
    """« de 10 h à 11 h 30 », « van 10:00 tot 11:30 »."""
    lang = _lang(lang)
    begin, finish = format_clock(start, lang), format_clock(end, lang)
    with language(lang):
        # TRANSLATORS: opening and closing times, « de 10 h à 11 h 30 ».
        return _("de {start} à {end}").format(start=begin, end=finish)


def format_ago(age: timedelta, lang: str | None = None) -> str:
    """« il y a 5 heures », « 5 uur geleden », « vor 5 Stunden », « 5 hours ago » (Babel).

    Minutes under an hour, hours under two days (« il y a 30 heures » says more than « il y a
    1 jour » about a daily backup), then days. A negative age (a clock set back) reads « dans
    5 minutes ».
    """
    from babel.dates import format_timedelta  # only the doctor needs it: not at start

    threshold = 1 if abs(age) < timedelta(days=1) else 2
    return format_timedelta(
        -age, threshold=threshold, add_direction=True, locale=babel_locale(_lang(lang))
    )


# Powers of 1024, as `df -h` counts them; CLDR's names (« Mo », « MB »).
_BYTE_UNITS = (
    "digital-byte",
    "digital-kilobyte",
    "digital-megabyte",
    "digital-gigabyte",
    "digital-terabyte",
)


def format_bytes(size: float, lang: str | None = None) -> str:
    """« 12,3 Mo », « 12,3 MB », « 12.3 MB » (Babel); whole bytes and kilobytes, one decimal
    from the megabyte up."""
    from babel.units import format_unit  # only the doctor's disk lines need it

    step = 0
    while size >= 1024 and step < len(_BYTE_UNITS) - 1:
        size /= 1024
        step += 1
    pattern = "#,##0" if step < 2 else "#,##0.0"
    return format_unit(
        size, _BYTE_UNITS[step], length="short", format=pattern, locale=babel_locale(_lang(lang))
    )
