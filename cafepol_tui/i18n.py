"""Translations: French source strings, gettext catalogs (nl, de, en) compiled with Babel.

Four catalogs (gettext domains), one per area, each written in one source language:
- ``kiosk`` (French): the citizen screens, the App and the shared widgets;
- ``staff`` (French): the staff console;
- ``texts`` (French): what citizens and staff read that the domain and the documents write —
  validation and refusals, flyers, slips, sheets, calendar entries;
- ``messages`` (English): the command line, the settings, the database and the IT tools
  (doctor, backups, copies). French gets a catalog of its own here.

A module's ``_ = translator("…")`` line says which catalog its strings go to: one per module.

Use in a module::

    from cafepol_tui.i18n import translator
    _ = translator("kiosk")
    _("Annuler une inscription")
    _.plural("{n} place libre", "{n} places libres", n).format(n=n)

The language is the kiosk's current one (`set_language`, changed when a citizen picks one and
reset after the idle timeout), or a local one inside `with language("nl"):` (a flyer in Dutch,
`--lang` in the CLI). `N_()` marks a module-level constant for extraction; translate it with
`_()` where it is shown. Catalogs: `python tools/i18n.py update|compile` (see that file).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
SOURCE_LANGUAGE = "fr"
DOMAINS = ("kiosk", "staff", "texts", "messages")
# The language each catalog's source strings are written in.
SOURCE_LANGUAGES = {"kiosk": "fr", "staff": "fr", "texts": "fr", "messages": "en"}
LOCALE_DIR = Path(__file__).parent / "locale"

_process_language = SOURCE_LANGUAGE
_local_language: ContextVar[str | None] = ContextVar("cafepol_language", default=None)


def set_language(lang: str) -> None:
    """The process-wide language: the kiosk's, changed by the citizen's choice."""
    global _process_language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _process_language = lang


def current_language() -> str:
    return _local_language.get() or _process_language


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Everything translated inside this block (this thread or task only) is in `lang`."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    token = _local_language.set(lang)
    try:
        yield
    finally:
        _local_language.reset(token)


@cache
def catalog(domain: str, lang: str) -> gettext.NullTranslations:
    """The compiled catalog; none (the French source as it is) when the language has none.

    French needs a catalog only where a source text is not French: the technical messages of
    the CLI and IT tools, written in English, have a French catalog (`messages` domain).
    """
    return gettext.translation(domain, LOCALE_DIR, languages=[lang], fallback=True)


class Translator:
    """`_("texte")` in the current language; `_.plural(singular, plural, n)` for counts."""

    def __init__(self, domain: str) -> None:
        if domain not in DOMAINS:
            raise ValueError(f"unknown catalog {domain!r}")
        self.domain = domain

    def __call__(self, message: str) -> str:
        return catalog(self.domain, current_language()).gettext(message)

    def plural(self, singular: str, plural: str, n: int) -> str:
        return catalog(self.domain, current_language()).ngettext(singular, plural, n)


def translator(domain: str) -> Translator:
    return Translator(domain)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a constant for extraction; it is translated later, where it is shown."""
    return message
