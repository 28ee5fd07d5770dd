"""Open a database from a path or URL and bind the models to it.

The models point at `database_proxy`; nothing is opened at import time. `open_database`
is called once by the CLI (or a test fixture) and returns the live peewee database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from cafepol_tui.i18n import translator

_ = translator("messages")

database_proxy = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    # Erased personal data is overwritten in the file, not just unlinked (retention).
    "secure_delete": 1,
}


# What a lost server or network looks like through peewee: the kiosk shows its outage screen
# and retries; any other DatabaseError is a real problem (constraint, bug) and is reported.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (peewee.OperationalError, peewee.InterfaceError)

# libpq settings for a zone server across a WAN link: give up connecting after 5 s, notice a
# dead link within ~25 s instead of hanging on TCP, and never wait forever on a lock.
PG_DEFAULTS: dict[str, object] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "options": "-c lock_timeout=10000 -c statement_timeout=30000",
}


class DatabaseConfigError(Exception):
    """The database URL can't be understood or the database can't be reached."""


class DatabaseUnreachableError(DatabaseConfigError):
    """The database did not answer (network, server down). Worth retrying later."""


def is_sqlite(db: peewee.Database | peewee.DatabaseProxy) -> bool:
    target = db.obj if isinstance(db, peewee.DatabaseProxy) else db
    return isinstance(target, peewee.SqliteDatabase)


def make_database(url: str) -> peewee.Database:
    """Build (not connect) a peewee database for a file path, `sqlite:///…` or `postgresql://…`."""
    if "://" not in url:
        path = Path(url).expanduser()
        return _sqlite(path)
    scheme = urlparse(url).scheme.lower()
    if scheme == "sqlite":
        raw = url.split("://", 1)[1]
        # sqlite:///relative.db -> "/relative.db" after split; sqlite:////abs -> "//abs"
        path_part = unquote(raw[1:] if raw.startswith("/") else raw)
        if path_part in ("", ":memory:"):
            return peewee.SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
        return _sqlite(Path(path_part).expanduser())
    if scheme in ("postgres", "postgresql"):
        from playhouse.db_url import parse as parse_db_url  # with all its drivers: PostgreSQL only

        params = parse_db_url(url)
        for key, value in PG_DEFAULTS.items():
            params.setdefault(key, value)
        return peewee.PostgresqlDatabase(**params)
    raise DatabaseConfigError(
        _(
            "unsupported database URL scheme '{scheme}' (use a file path, sqlite:/// or "
            "postgresql://)"
        ).format(scheme=scheme)
    )


def _sqlite(path: Path) -> peewee.SqliteDatabase:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseConfigError(
            _("can't create the folder {folder}: {error}").format(
                folder=path.parent, error=exc.strerror
            )
        ) from None
    return peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def open_database(url: str, *, create: bool = True) -> peewee.Database:
    """Bind the models to the database at `url`, check it answers, create tables on first use."""
    from cafepol_tui.db.schema import ensure_schema

    db = make_database(url)
    database_proxy.initialize(db)
    if isinstance(db, peewee.SqliteDatabase) and db.database != ":memory:":
        _create_private(Path(db.database))
    try:
        db.connect(reuse_if_open=True)
        if create:
            ensure_schema(db)
    except OUTAGE_ERRORS as exc:
        raise DatabaseUnreachableError(
            _("database unreachable: {error}").format(error=_first_line(exc))
        ) from None
    except peewee.DatabaseError as exc:
        raise DatabaseConfigError(
            _("database unusable: {error}").format(error=_first_line(exc))
        ) from None
    finally:
        if not db.is_closed():
            db.close()
    return db


def _create_private(path: Path) -> None:
    """A new database file is readable by its owner only, whatever the umask; SQLite gives its
    WAL and shared-memory files the same mode. An existing file is left as it is."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError:
        pass  # the folder can't be written: connecting says so in its own words


def is_outage(exc: BaseException) -> bool:
    """True for a lost connection or server (retry later), False for any other error."""
    if isinstance(exc, DatabaseUnreachableError):
        return True
    from cafepol_tui.db.migrations import MigrationError, SchemaTooNewError

    if isinstance(exc, (SchemaTooNewError, MigrationError)):
        return False
    return isinstance(exc, OUTAGE_ERRORS)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


@contextmanager
def write_transaction(db: peewee.Database) -> Iterator[None]:
    """A transaction that another process can't interleave with (SQLite: BEGIN IMMEDIATE).

    On PostgreSQL the callers also take a row lock (`SELECT … FOR UPDATE`) on the meeting.
    """
    if isinstance(db, peewee.SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            yield
    else:
        with db.atomic():
            yield


def attach_database(url: str) -> peewee.Database:
    """Bind the models to `url` without touching it (the kiosk starting while it is down)."""
    db = make_database(url)
    database_proxy.initialize(db)
    return db
