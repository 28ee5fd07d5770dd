"""PostgreSQL for the tests: a database of its own per test module, dropped afterwards.

The server is `CAFEPOL_TEST_PG` (default: the local one, user postgres). When none answers the
tests skip and say why; with `CAFEPOL_REQUIRE_PG=1` (set by `.ci/run`) they fail instead, so CI
can't turn green by skipping everything.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import peewee
import pytest

from cafepol_tui.db.open import open_database

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("CAFEPOL_TEST_PG") or DEFAULT_PG


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _connect(url: str):  # noqa: ANN202 - psycopg is optional
    import psycopg

    return psycopg.connect(url, connect_timeout=3, autocommit=True)


def _unavailable(reason: str) -> None:
    if os.environ.get("CAFEPOL_REQUIRE_PG") == "1":
        pytest.fail(f"CAFEPOL_REQUIRE_PG=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a PostgreSQL that answers, or skip (fail under CAFEPOL_REQUIRE_PG=1)."""
    url = admin_url()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'cafepol-tui[postgres]')")
    try:
        with _connect(url) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "no server for the tests"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        _unavailable(f"no PostgreSQL answers at {url} (CAFEPOL_TEST_PG): {first}")
    return url


def create_test_database(server: str) -> str:
    name = f"cafepol_test_{secrets.token_hex(4)}"
    with _connect(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(server, name)


def drop_test_database(server: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _connect(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg_empty_url(pg_server: str) -> Iterator[str]:
    """An empty database for this test module (no tables)."""
    url = create_test_database(pg_server)
    try:
        yield url
    finally:
        drop_test_database(pg_server, url)


@pytest.fixture
def pg_fresh_url(pg_server: str) -> Iterator[str]:
    """An empty database for one test."""
    url = create_test_database(pg_server)
    try:
        yield url
    finally:
        drop_test_database(pg_server, url)


def truncate_all(db: peewee.Database) -> None:
    tables = [t for t in db.get_tables() if t != "meta"]
    if tables:
        quoted = ", ".join(f'"{t}"' for t in tables)
        db.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
def pg_db(pg_empty_url: str) -> Iterator[peewee.Database]:
    """The module's database with the current schema, emptied before each test, models bound."""
    database = open_database(pg_empty_url)
    with database.connection_context():
        truncate_all(database)
        yield database
    database.close()
