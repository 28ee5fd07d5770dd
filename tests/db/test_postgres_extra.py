"""A plain `pip install .` (no `[postgres]` extra) pointed at PostgreSQL says what to install.

Simulated by making the drivers unimportable (`sys.modules[name] = None`), not by uninstalling.
"""

from __future__ import annotations

import subprocess
import sys

import peewee
import pytest

from cafepol_tui.db.engine import DatabaseConfigError, make_database

MESSAGE = "PostgreSQL support is not installed: pip install 'cafepol-tui[postgres]'"


def test_a_postgresql_url_without_a_driver_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(DatabaseConfigError) as caught:
        make_database("postgresql://cafepol@127.0.0.1:1/cafepol")
    assert str(caught.value) == MESSAGE
    # A URL that can't work at all is still told as such first.
    with pytest.raises(DatabaseConfigError, match="no database named"):
        make_database("postgresql://127.0.0.1")
    # SQLite needs no driver of its own.
    assert isinstance(make_database("sqlite:///:memory:"), peewee.SqliteDatabase)


PLAIN_INSTALL = """
import sys
sys.modules["psycopg"] = sys.modules["psycopg2"] = None  # before peewee looks for them
from cafepol_tui.cli import main
raise SystemExit(main(["--db", "postgresql://cafepol@127.0.0.1:1/cafepol", "meetings"]))
"""


def test_the_cli_says_so_in_one_line_and_exits_2() -> None:
    """Was « unexpected error … (ImproperlyConfigured) », exit 70, from peewee's connect."""
    result = subprocess.run(
        [sys.executable, "-c", PLAIN_INSTALL], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (2, f"cafepol: {MESSAGE}\n")


# Wording checked in the English source (the messages domain); French: the catalogs.
pytestmark = pytest.mark.usefixtures("english")
