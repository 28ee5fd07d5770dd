"""Dates, times and counts in words, through Babel, in Europe/Brussels."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

BRUSSELS = ZoneInfo("Europe/Brussels")

LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "de": "de_BE", "en": "en_GB"}


def babel_locale(lang: str) -> str:
    return LOCALES.get(lang, "fr_BE")


def local(dt: datetime) -> datetime:
    return dt.astimezone(BRUSSELS)


def format_day(dt: datetime, lang: str = "fr", *, year: bool = True) -> str:
    """« mardi 12 janvier 2027 » (or « mardi 12 janvier » without the year)."""
    pattern = "EEEE d MMMM y" if year else "EEEE d MMMM"
    return format_date(local(dt), pattern, locale=babel_locale(lang))


def format_short_day(dt: datetime, lang: str = "fr") -> str:
    """« mar. 12 janv. »"""
    return format_date(local(dt), "EEE d MMM", locale=babel_locale(lang))


def format_clock(dt: datetime, lang: str = "fr") -> str:
    """« 10 h » or « 10 h 30 » in French; the locale's short time elsewhere."""
    moment = local(dt)
    if lang == "fr":
        return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"
    return format_time(moment, "short", locale=babel_locale(lang))


def format_when(dt: datetime, lang: str = "fr") -> str:
    """« mardi 12 janvier 2027 à 10 h »"""
    return f"{format_day(dt, lang)} à {format_clock(dt, lang)}"


def format_span(start: datetime, end: datetime, lang: str = "fr") -> str:
    """« mardi 12 janvier 2027 de 10 h à 11 h 30 »"""
    return f"{format_day(start, lang)} de {format_clock(start, lang)} à {format_clock(end, lang)}"
