"""The database engine: which database a path or URL names, how it is reached, transactions.

The bottom layer of `cafepol_tui.db` (engine <- models <- migrations <- open): it knows peewee
and the drivers, not the models. Here are the `database_proxy` the models point at (nothing is
opened at import time; `db.open.open_database` binds it), `make_database` (a path,
`sqlite:///…` or `postgresql://…` to an unconnected peewee database, with the PostgreSQL
timeouts below), `write_transaction`, the kiosk's `connection_deadline`, and what an outage or
a full disk looks like (`is_outage`, `is_disk_full`, `describe_outage`).
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from time import monotonic
from typing import Any
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

# libpq settings for a zone server across a WAN link. The kiosk promises its outage screen
# within 10 s of a server or link that stops answering, and never to wait on TCP forever:
# - give up connecting after 5 s;
# - notice a dead link by TCP keepalives (5 s idle, then 3 probes 2 s apart) and by unacknowledged
#   data (tcp_user_timeout, libpq 12+), on both ends: the server's own keepalives end a vanished
#   kiosk's session, so the meeting row it locked is freed for the other kiosks;
# - on the server: never wait more than 4 s for a lock, stop a statement after 8 s, end a session
#   left idle inside a transaction for 30 s (a kiosk cut off in the middle of a sign-up).
# The kiosk adds a deadline of its own on every save (`connection_deadline`): a relay that
# keeps a connection open but forwards nothing is seen by none of the above.
# A value the URL gives (a parameter, or `-c name=value` inside its `options`) wins.
PG_DEFAULTS: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}
PG_TCP_USER_TIMEOUT_MS = 9_000  # only where libpq knows it (12 and later)
PG_SERVER_SETTINGS: dict[str, str] = {
    "lock_timeout": "4000",
    "statement_timeout": "8000",
    "idle_in_transaction_session_timeout": "30000",
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": str(PG_TCP_USER_TIMEOUT_MS),
}
# "-c name=value", "-cname=value" or "--name=value" in libpq's `options`.
_OPTION_NAME = re.compile(r"(?:^|\s)(?:-c\s*|--)([A-Za-z0-9_.-]+)\s*=")


class DatabaseConfigError(Exception):
    """The database URL can't be understood or the database can't be reached."""


class DatabaseUnreachableError(DatabaseConfigError):
    """The database did not answer (network, server down). Worth retrying later."""


class SchemaError(peewee.DatabaseError):
    """The database's schema is not one this program can use (db.migrations says why).

    A real problem, never an outage: retrying won't help (`is_outage` is False for it).
    """


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
        # Imported here, not at the top: playhouse.db_url loads every driver peewee knows, which
        # only a PostgreSQL URL needs (start-up time of the SQLite kiosk).
        from playhouse.db_url import parse as parse_db_url

        _check_postgres_url(url)
        _check_postgres_driver()
        return _PostgresqlDatabase(**pg_parameters(parse_db_url(url)))
    raise DatabaseConfigError(
        _(
            "unsupported database URL scheme '{scheme}' (use a file path, sqlite:/// or "
            "postgresql://)"
        ).format(scheme=scheme)
    )


class _PostgresqlDatabase(peewee.PostgresqlDatabase):
    """peewee's PostgreSQL database, without its one lock around every thread's connect.

    peewee keeps one connection per thread (thread-local state), yet connects and closes under a
    lock shared by all threads: one connect stuck on a silent link (up to `connect_timeout`)
    would hold every other worker's connect and close, a sign-up's included, and put off the
    outage screen by as much again. The state it guards is the thread's own: no lock needed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = nullcontext()


def _check_postgres_driver() -> None:
    """A DatabaseConfigError naming the `[postgres]` extra when no PostgreSQL driver is installed
    (a plain `pip install .`); peewee would only say « ImproperlyConfigured » when connecting."""
    for driver in ("psycopg", "psycopg2"):  # the ones peewee's PostgresqlDatabase can use
        try:
            importlib.import_module(driver)  # imported by peewee already when it is installed
        except ImportError:
            continue
        return
    raise DatabaseConfigError(
        _("PostgreSQL support is not installed: pip install 'cafepol-tui[postgres]'")
    )


def pg_parameters(given: dict[str, Any]) -> dict[str, Any]:
    """`given` (parsed from the URL) completed with the timeouts and keepalives of PG_DEFAULTS."""
    params = dict(given)
    for key, value in PG_DEFAULTS.items():
        params.setdefault(key, value)
    if "tcp_user_timeout" not in params and _libpq_version() >= 120000:
        params["tcp_user_timeout"] = PG_TCP_USER_TIMEOUT_MS
    options = str(params.get("options") or "").strip()
    named = {name.lower().replace("-", "_") for name in _OPTION_NAME.findall(options)}
    extra = [f"-c {name}={value}" for name, value in PG_SERVER_SETTINGS.items() if name not in named]
    params["options"] = " ".join([*([options] if options else []), *extra])
    return params


def _libpq_version() -> int:
    try:
        import psycopg  # only for a PostgreSQL URL, and an optional dependency ([postgres])

        return int(psycopg.pq.version())
    except Exception:  # noqa: BLE001 - no psycopg 3: its libpq's settings don't apply
        return 0


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


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the driver's exception peewee wrapped, and what each was raised from or during."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [getattr(current, "orig", None), current.__cause__, current.__context__]


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_disk_full(exc: BaseException) -> bool:
    """The database (or the disk under it) has no room left to write: SQLite's SQLITE_FULL or
    SQLITE_IOERR_SHMSIZE, an OSError ENOSPC/EFBIG/EDQUOT, or PostgreSQL's disk_full (53100)."""
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno in _DISK_FULL_ERRNOS:
            return True
        # SQLITE_FULL: no room for the write. SQLITE_IOERR_SHMSIZE: no room to grow the WAL
        # index, which the first connection opened after all were closed must do, even to read.
        if getattr(cause, "sqlite_errorname", "") in ("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"):
            return True
        if getattr(cause, "sqlstate", None) == "53100":
            return True
        if "database or disk is full" in str(cause):
            return True
    return False


def disk_write_failed(exc: BaseException) -> bool:
    """SQLite could not write its file, for a reason it doesn't say: a full disk, a file-size
    limit (EFBIG) or a failing disk all look like this (SQLITE_IOERR_WRITE and kin)."""
    names = {getattr(cause, "sqlite_errorname", "") for cause in _causes(exc)}
    return bool(names & {"SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE",
                         "SQLITE_IOERR_SHORT_READ"})


def describe_outage(exc: BaseException) -> str:
    """One line for the IT contact's log: what failed, without any row's values."""
    if is_disk_full(exc):
        return "disk full (disque plein): the database can't write; free space on its disk"
    if disk_write_failed(exc):
        return ("disk write error: the disk is full (disque plein), over a size limit or "
                "failing; check its free space and its health")
    return first_line(exc)


def is_outage(exc: BaseException) -> bool:
    """True for a lost connection or server (retry later), False for any other error."""
    if isinstance(exc, DatabaseUnreachableError):
        return True
    if isinstance(exc, SchemaError):
        return False
    return isinstance(exc, OUTAGE_ERRORS)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (drivers add the SQL, hints, context below it)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


@contextmanager
def write_transaction(db: peewee.Database) -> Iterator[None]:
    """A transaction that another process can't interleave with (SQLite: BEGIN IMMEDIATE).

    On PostgreSQL the callers also take a row lock (`SELECT … FOR UPDATE`) on the meeting:
    `services.locking.lock_meeting`.
    """
    if isinstance(db, peewee.SqliteDatabase):
        try:
            with db.atomic("IMMEDIATE"):
                yield
        except peewee.OperationalError as exc:
            # A full disk (and a few other errors) makes SQLite roll the transaction back by
            # itself; peewee's own ROLLBACK then fails with « cannot rollback - no transaction
            # is active », hiding the real cause. Raise the real cause.
            if "no transaction is active" not in str(exc):
                raise
            hidden = exc.__context__  # peewee's error, then the driver's, then the real cause
            while hidden is not None and "no transaction is active" in str(hidden):
                hidden = hidden.__context__
            if isinstance(hidden, peewee.DatabaseError):
                raise hidden from None
            raise
    else:
        with db.atomic():
            yield


# What a kiosk worker waits, at most, for the database to answer (connecting included), before
# its screen says the service is unavailable: within the 10 s the kiosk promises.
KIOSK_DEADLINE_S = 7.0


@contextmanager
def connection_deadline(db: peewee.Database, seconds: float = KIOSK_DEADLINE_S) -> Iterator[None]:
    """`db.connection_context()` that gives up after `seconds`, connecting included.

    A server that hangs, or a link left half-open (nothing comes back, nothing is refused), would
    otherwise keep the caller waiting on its socket for as long as TCP likes. When the time is up
    the connection is cut from another thread: PostgreSQL's socket is shut down, SQLite's
    statement interrupted; the caller gets the driver's error as an OperationalError or
    InterfaceError (`is_outage`). Connecting itself is bounded by libpq's `connect_timeout`.
    """
    started = monotonic()
    with db.connection_context():
        guard = _Guard(db.connection())
        timer = threading.Timer(max(0.0, seconds - (monotonic() - started)), guard.abort)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            guard.finish()  # before connection_context closes the connection (and frees its fd)


class _Guard:
    """Cuts one raw connection, at most once, and never after its owner is done with it."""

    def __init__(self, raw: object) -> None:
        self.raw = raw
        self.lock = threading.Lock()
        self.done = False

    def finish(self) -> None:
        with self.lock:
            self.done = True

    def abort(self) -> None:
        with self.lock:
            if self.done:
                return
            interrupt = getattr(self.raw, "interrupt", None)  # sqlite3.Connection
            if callable(interrupt):
                try:
                    interrupt()
                except Exception:  # noqa: BLE001 - closed meanwhile: nothing to interrupt
                    pass
                return
            try:
                fd = self.raw.pgconn.socket  # type: ignore[attr-defined]
                sock = socket.socket(fileno=os.dup(fd))
            except Exception:  # noqa: BLE001 - already closed: nothing to cut
                return
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            finally:
                sock.close()
