"""Open a database from a path or URL and bind the models to it.

The models point at `database_proxy`; nothing is opened at import time. `open_database`
is called once by the CLI (or a test fixture) and returns the live peewee database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse, urlsplit

import peewee

from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import has_unsafe_chars, path_problem, shown

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
    """Build (not connect) a peewee database for a file path, `sqlite:///…` or `postgresql://…`.

    Nothing is created or touched: a URL or path that can't work is a DatabaseConfigError here,
    before any command starts.
    """
    if not url.strip():
        raise DatabaseConfigError(_("the database path is empty"))
    if has_unsafe_chars(url):
        raise DatabaseConfigError(
            _("the database path or URL {url} contains control characters").format(url=shown(url))
        )
    if "://" not in url:
        _refuse_lookalike_url(url)
        return _sqlite(_file_path(url))
    try:
        scheme = urlparse(url).scheme.lower()
    except ValueError as exc:
        raise _bad_url(url, str(exc)) from None
    if scheme == "sqlite":
        raw = url.split("://", 1)[1]
        # sqlite:///relative.db -> "/relative.db" after split; sqlite:////abs -> "//abs"
        path_part = unquote(raw[1:] if raw.startswith("/") else raw)
        if path_part in ("", ":memory:"):
            return peewee.SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
        return _sqlite(_file_path(path_part))
    if scheme in ("postgres", "postgresql"):
        from playhouse.db_url import parse as parse_db_url  # with all its drivers: PostgreSQL only

        _check_postgres_url(url)
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
    # No folder is created here: a mistyped path must not leave folders behind. SQLite creates
    # the file itself on first use, in a folder that exists (the CLI checks which commands may).
    return peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)


def _file_path(text: str) -> Path:
    problem = path_problem(text)
    if problem:
        raise DatabaseConfigError(
            _("can't use {path} as the database: {error}").format(path=shown(text), error=problem)
        )
    return Path(text).expanduser()


# « sqlite: », « postgresql:host/db », « file:x.db »: a URL without its « // », which would
# otherwise become a file of that name in the current folder.
_LOOKALIKE_SCHEME = frozenset({"sqlite", "sqlite3", "postgres", "postgresql", "file", "mysql"})


def _refuse_lookalike_url(text: str) -> None:
    head, colon, _rest = text.partition(":")
    if colon and "/" not in head and head.strip().lower() in _LOOKALIKE_SCHEME:
        raise DatabaseConfigError(
            _(
                "{path} looks like a URL without its '//': write sqlite:///FILE or "
                "postgresql://HOST/DATABASE (or ./{path} for a file of that name)"
            ).format(path=shown(text))
        )


def _bad_url(url: str, error: str) -> DatabaseConfigError:
    return DatabaseConfigError(
        _("invalid database URL {url}: {error}").format(url=shown(_hide_password(url)), error=error)
    )


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}{sep}{userinfo.split(':', 1)[0]}:***@{host}"


def _check_postgres_url(url: str) -> None:
    """A server, a port in 1-65535 and a database name, or a DatabaseConfigError that says which
    is wrong (urllib and libpq would raise ValueError or wait on a socket instead)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # « Invalid IPv6 URL », « Port out of range 0-65535 »…
        raise _bad_url(url, str(exc)) from None
    if port == 0:
        raise _bad_url(url, _("the port must be between 1 and 65535"))
    if not parts.hostname and "host" not in parse_qs(parts.query):
        raise _bad_url(url, _("no server named (postgresql://USER@HOST/DATABASE)"))
    if not unquote(parts.path.lstrip("/")):
        raise _bad_url(url, _("no database named (postgresql://USER@HOST/DATABASE)"))


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL or path (None for PostgreSQL or memory); checks the URL."""
    db = make_database(url)
    if not isinstance(db, peewee.SqliteDatabase) or db.database == ":memory:":
        return None
    return Path(db.database)


def open_database(url: str, *, create: bool = True) -> peewee.Database:
    """Bind the models to the database at `url`, check it answers, create tables on first use."""
    from cafepol_tui.db.schema import ensure_schema

    db = make_database(url)
    database_proxy.initialize(db)
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
