"""Dates, times and counts in words, through Babel's Belgian (and British) locales, in
Europe/Brussels time.

Every function takes the language explicitly (`lang`) or, when it is left out, follows the
current one (`cafepol_tui.i18n.current_language()`): the kiosk's, or `with language("nl"):`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta

from cafepol_tui.i18n import current_language, language, translator

_ = translator("texts")

BRUSSELS = ZoneInfo("Europe/Brussels")

LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE", "en": "en_GB"}

# Day patterns (CLDR): « mardi 12 janvier 2027 », « Dienstag, 12. Januar 2027 ».
_DAY = {"de": "EEEE, d. MMMM y"}
_DAY_NO_YEAR = {"de": "EEEE, d. MMMM"}
_SHORT_DAY = {"de": "EEE, d. MMM"}


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
    pattern = (_DAY if year else _DAY_NO_YEAR).get(lang, "EEEE d MMMM y" if year else "EEEE d MMMM")
    return format_date(local(dt), pattern, locale=babel_locale(lang))


def format_short_day(dt: datetime, lang: str | None = None) -> str:
    """« mar. 12 janv. »"""
    lang = _lang(lang)
    return format_date(local(dt), _SHORT_DAY.get(lang, "EEE d MMM"), locale=babel_locale(lang))


def format_clock(dt: datetime, lang: str | None = None) -> str:
    """« 10 h » or « 10 h 30 » in French; « 10:00 » (24-hour clock) elsewhere."""
    lang = _lang(lang)
    moment = local(dt)
    if lang == "fr":
        return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"
    return format_time(moment, "HH:mm", locale=babel_locale(lang))


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
