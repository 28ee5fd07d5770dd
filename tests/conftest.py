"""Shared fixtures: every test gets its own SQLite file, fixed settings and a frozen 'now'."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import peewee
import pytest

from cafepol_tui.db.open import open_database
from cafepol_tui.settings import Settings, load_settings
from tests.smtp import smtp  # noqa: F401 - a real SMTP server for any test that asks for it

# A fixed instant for anything compared exactly: Saturday 28 November 2026, 10:00 in Brussels.
FIXED_NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolate_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's config, database or printer."""
    monkeypatch.delenv("CAFEPOL_DB", raising=False)
    monkeypatch.delenv("CAFEPOL_CONFIG", raising=False)
    monkeypatch.delenv("CAFEPOL_LANG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # Pilot clicks follow each other faster than a finger: the kiosk's tap guard (taps right
    # after a new screen are ignored) is off unless a test sets it, with a clock of its own.
    from cafepol_tui.ui.app import CafePolApp

    monkeypatch.setattr(CafePolApp, "tap_guard_s", 0.0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cafepol.sqlite3"


# The config of a Boraine kiosk from before zone files, which the tests' pictures and texts were
# made with: the fallbacks that a zone file imported into the database replaces.
BORAINE_CONFIG = {
    "zone_name": "Zone de Police Boraine",
    "communes": ("Boussu", "Colfontaine", "Frameries", "Quaregnon", "Saint-Ghislain"),
}


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return dataclasses.replace(
        load_settings(database_url=str(db_path), environ={}), **BORAINE_CONFIG
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[peewee.Database]:
    database = open_database(settings.resolved_database_url)
    with database.connection_context():
        yield database


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Technical messages (CLI, IT tools) read in their English source: the tests that check
    their wording use it; tests/test_languages.py checks they come out in French by default."""
    from cafepol_tui.i18n import set_language

    monkeypatch.setenv("CAFEPOL_LANG", "en")
    set_language("en")
    try:
        yield
    finally:
        set_language("fr")


@pytest.fixture
def cheap_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    """PIN keys at argon2's lowest cost, for tests that set many PINs (request it before any
    fixture that sets one: the cost is stored with the database's salt at its first PIN)."""
    from cafepol_tui.services import staff

    for name, value in {"t": 1, "m": 8, "p": 1}.items():
        monkeypatch.setitem(staff.PIN_KEY_COST, name, value)
