"""Open the database a path or URL names, and bind the models to it.

The top layer of `cafepol_tui.db`: `open_database` is called once by the CLI (or a test fixture)
and returns the live peewee database, the models bound to it and its schema ensured;
`attach_database` binds without touching it, for the kiosk starting while the database is down.
"""

from __future__ import annotations

import os
from pathlib import Path

import peewee

from cafepol_tui.db.engine import (
    OUTAGE_ERRORS,
    DatabaseConfigError,
    DatabaseUnreachableError,
    database_proxy,
    first_line,
    make_database,
)
from cafepol_tui.db.migrations import ensure_schema
from cafepol_tui.i18n import translator

_ = translator("messages")


def attach_database(url: str) -> peewee.Database:
    """Bind the models to `url` without touching it (the kiosk starting while it is down).

    A URL that can't work is refused here all the same (`DatabaseConfigError`).
    """
    db = make_database(url)
    database_proxy.initialize(db)  # from here on, every model reads and writes `db`
    return db


def open_database(url: str, *, create: bool = True) -> peewee.Database:
    """Bind the models to the database at `url`, check it answers, create or upgrade its schema
    (unless `create` is False: `cafepol migrate` runs the upgrade itself).

    Raises DatabaseUnreachableError for a database that doesn't answer (worth retrying) and
    DatabaseConfigError for one that can't be used (bad URL, schema too new, failed migration).
    """
    db = attach_database(url)
    if isinstance(db, peewee.SqliteDatabase) and db.database != ":memory:":
        _create_private(Path(db.database))
    try:
        db.connect(reuse_if_open=True)
        if create:
            ensure_schema(db)
    except OUTAGE_ERRORS as exc:
        raise DatabaseUnreachableError(
            _("database unreachable: {error}").format(error=first_line(exc))
        ) from None
    except peewee.DatabaseError as exc:
        raise DatabaseConfigError(
            _("database unusable: {error}").format(error=first_line(exc))
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
