"""Backups of the SQLite database while the kiosks keep using it, and restoring one.

The copy is made with SQLite's online backup API from a read transaction, so it is the
database exactly as it was when that transaction began: every row committed before is in it,
nothing half-written is. The row counts are read inside the same transaction and compared with
the copy, and the copy must pass `PRAGMA integrity_check` before it gets its final name. A
copy is a single self-contained file (journal mode DELETE), ready to be carried away.

Rotation keeps the newest copy of each of the last `keep_daily` days and of each of the last
`keep_weekly` ISO weeks; only files named like ours in the backup folder are ever deleted.

PostgreSQL is backed up with `pg_dump` (and restored with `pg_restore`/`psql`), by the
database's own tools: this module refuses rather than pretending.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee

from cafepol_tui.db.database import make_database
from cafepol_tui.db.models import SCHEMA_VERSION
from cafepol_tui.i18n import N_, translator
from cafepol_tui.settings import Settings

_ = translator("messages")

log = logging.getLogger("cafepol.backup")

PREFIX = "cafepol-"
SUFFIX = ".sqlite3"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
NAME_RE = re.compile(r"^cafepol-(\d{8}T\d{6}Z)(?:-(\d+))?\.sqlite3$")
REQUIRED_TABLES = ("meta", "meeting", "registration")
BUSY_TIMEOUT_MS = 10_000

PG_DUMP_HINT = N_(
    "the database is PostgreSQL: back it up with pg_dump (e.g. `pg_dump -Fc -f cafepol.dump "
    "DBNAME`) and restore with pg_restore; cafepol backup/restore handle SQLite only"
)


class BackupError(Exception):
    """A backup or restore can't be done; the message says why in one line."""


class BackupUnsupportedError(BackupError):
    """The database is not a SQLite file (PostgreSQL: use pg_dump)."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    duration_s: float
    tables: dict[str, int]
    schema_version: int
    removed: tuple[Path, ...] = ()

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    database: Path
    kept_aside: Path | None
    tables: dict[str, int]
    schema_version: int


# --- helpers ---------------------------------------------------------------------------


def sqlite_path(settings: Settings) -> Path:
    """The SQLite file behind the settings, or BackupUnsupportedError for anything else."""
    db = make_database(settings.resolved_database_url)
    if not isinstance(db, peewee.SqliteDatabase):
        raise BackupUnsupportedError(_(PG_DUMP_HINT))
    if db.database == ":memory:":
        raise BackupUnsupportedError(_("an in-memory database can't be backed up"))
    return Path(db.database)


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro" if readonly else f"{path.resolve().as_uri()}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


@contextlib.contextmanager
def _closing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield conn
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _tables(conn)}


def _schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise BackupError(_("no schema version in the meta table"))
    return int(row[0])


def _check_copy(conn: sqlite3.Connection, what: str) -> tuple[dict[str, int], int]:
    """Integrity check, the tables a cafepol database has, a schema version we understand."""
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            raise BackupError(
                _("{what} fails the integrity check: {error}").format(what=what, error=result[0])
            )
        tables = _row_counts(conn)
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BackupError(
                _("{what} is not a cafepol database (no table {table})").format(
                    what=what, table=missing[0]
                )
            )
        version = _schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("{what} is not a readable SQLite database: {error}").format(what=what, error=exc)
        ) from None
    if version > SCHEMA_VERSION:
        raise BackupError(
            _("{what} has schema version {version}, this cafepol knows up to {known}").format(
                what=what, version=version, known=SCHEMA_VERSION
            )
        )
    return tables, version


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime(STAMP_FORMAT)


def list_backups(settings: Settings) -> list[tuple[datetime, Path]]:
    """Our backup files in the backup folder, newest first."""
    folder = settings.backup_dir
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME_RE.match(path.name)
        if match and path.is_file():
            when = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
            found.append((when, int(match.group(2) or 0), path))
    found.sort(reverse=True)  # newest first; cafepol-…Z-1 was written after cafepol-…Z
    return [(when, path) for when, _, path in found]


def _free_name(folder: Path, now: datetime) -> Path:
    base = f"{PREFIX}{_stamp(now)}"
    path = folder / f"{base}{SUFFIX}"
    n = 1
    while path.exists():
        path = folder / f"{base}-{n}{SUFFIX}"
        n += 1
    return path


def _remove_with_sidecars(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


# --- backup ----------------------------------------------------------------------------


def backup(
    settings: Settings, out: str | os.PathLike[str] | None = None, *, now: datetime | None = None
) -> BackupReport:
    """Copy the live database into the backup folder (or `out`), verify it, rotate old ones."""
    source = sqlite_path(settings)
    if not source.exists():
        raise BackupError(_("no database at {path}: nothing to back up").format(path=source))
    now = now or datetime.now(UTC)
    if out is not None:
        target = Path(out).expanduser()
        if target.is_dir():
            target = _free_name(target, now)
    else:
        target = _free_name(settings.backup_dir, now)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            _("can't create the backup folder {folder}: {error}").format(
                folder=target.parent, error=exc.strerror
            )
        ) from None
    partial = target.with_name(f".{target.name}.partial")
    _remove_with_sidecars(partial)

    started = time.perf_counter()
    try:
        with _closing(_connect(source)) as src, _closing(_connect(partial)) as dst:
            # One read transaction: the counts and the copy see the same snapshot, and in WAL
            # mode the kiosks keep writing meanwhile.
            src.execute("BEGIN")
            try:
                expected = _row_counts(src)
                src.backup(dst)
            finally:
                src.execute("COMMIT")
            dst.execute("PRAGMA journal_mode = DELETE")
            tables, version = _check_copy(dst, _("the copy"))
        if tables != expected:
            diff = sorted(
                t for t in set(tables) | set(expected) if tables.get(t) != expected.get(t)
            )
            raise BackupError(
                _("the copy's row counts differ from the database's (tables {tables})").format(
                    tables=diff
                )
            )
        os.replace(partial, target)
    except sqlite3.Error as exc:
        _remove_with_sidecars(partial)
        raise BackupError(_("backup failed: {error}").format(error=exc)) from None
    except BaseException:
        _remove_with_sidecars(partial)
        raise
    duration = time.perf_counter() - started
    in_folder = target.parent.resolve() == settings.backup_dir.resolve()
    removed = rotate(settings, protect=target) if in_folder else []
    report = BackupReport(
        path=target,
        size_bytes=target.stat().st_size,
        duration_s=duration,
        tables=tables,
        schema_version=version,
        removed=tuple(removed),
    )
    log.info(
        "backup written %s (%d kB, %d rows, schema %d, %.2f s, %d old copies removed)",
        target,
        report.size_bytes // 1024,
        report.rows,
        version,
        duration,
        len(removed),
    )
    return report


def rotate(settings: Settings, *, protect: Path | None = None) -> list[Path]:
    """Delete copies beyond the newest per day (keep_daily days) and per week (keep_weekly).

    `protect` (the copy just written) is never deleted, even if the clock went backwards.
    """
    backups = list_backups(settings)
    keep: set[Path] = {protect} if protect is not None else set()
    days: set[object] = set()
    weeks: set[object] = set()
    for when, path in backups:  # newest first, so the first one seen for a period wins
        day = when.date()
        week = when.isocalendar()[:2]
        if day not in days and len(days) < settings.backup.keep_daily:
            days.add(day)
            keep.add(path)
        if week not in weeks and len(weeks) < settings.backup.keep_weekly:
            weeks.add(week)
            keep.add(path)
    removed = []
    for _, path in backups:
        if path not in keep:
            try:
                path.unlink()
                removed.append(path)
            except OSError as exc:
                log.warning("can't remove old backup %s: %s", path, exc.strerror)
    return removed


def last_backup_time(settings: Settings) -> datetime | None:
    backups = list_backups(settings)
    return backups[0][0] if backups else None


def last_backup_age(settings: Settings, *, now: datetime | None = None) -> timedelta | None:
    """How old the newest copy in the backup folder is; None when there is none."""
    when = last_backup_time(settings)
    if when is None:
        return None
    return max((now or datetime.now(UTC)) - when, timedelta(0))


def is_backup_due(settings: Settings, *, now: datetime | None = None) -> bool:
    """True when the running kiosk should take its periodic copy (never for PostgreSQL)."""
    try:
        sqlite_path(settings)
    except BackupError:
        return False
    age = last_backup_age(settings, now=now)
    return age is None or age >= timedelta(hours=settings.backup.interval_h)


def backup_if_due(settings: Settings, *, now: datetime | None = None) -> BackupReport | None:
    """For the running app's timer (in a worker thread): back up if due; log, never raise."""
    try:
        if not is_backup_due(settings, now=now):
            return None
        return backup(settings, now=now)
    except Exception as exc:
        log.error("scheduled backup failed: %s", exc, exc_info=not isinstance(exc, BackupError))
        return None


# The upkeep's first look, this long after the kiosk starts: the first screen goes first.
UPKEEP_FIRST_DELAY_S = 60.0


class BackupScheduler:
    """The running kiosk's upkeep: a daemon thread, Textual-free.

    A minute after start (the first screen waits for neither), then every `check_s` seconds, it
    runs `before_each` (the CLI passes the retention purge, so a kiosk that runs for weeks
    still erases on time, and a copy holds no expired personal data), then takes the daily
    copy if one is due (so a PC that slept or whose clock jumped still gets its copy within
    minutes of being due). Harmless beside the systemd timer: a copy that isn't due is not
    taken. On PostgreSQL the copy is pg_dump's job; `before_each` still runs.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        check_s: float = 600,
        first_delay_s: float | None = None,
        before_each: Callable[[], object] | None = None,
    ) -> None:
        self.settings = settings
        self.check_s = check_s
        self.first_delay_s = UPKEEP_FIRST_DELAY_S if first_delay_s is None else first_delay_s
        self.before_each = before_each
        self.copies = sqlite_path_or_none(settings) is not None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cafepol-upkeep", daemon=True)

    def start(self) -> BackupScheduler:
        if self.copies or self.before_each is not None:
            self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        if self._stop.wait(self.first_delay_s):
            return
        while True:
            if self.before_each is not None:
                try:
                    self.before_each()
                except Exception as exc:  # a database outage: try again at the next look
                    log.error("upkeep failed: %s", exc, exc_info=not isinstance(exc, peewee.DatabaseError))
            if self.copies:
                backup_if_due(self.settings)
            if self._stop.wait(self.check_s):
                return


def sqlite_path_or_none(settings: Settings) -> Path | None:
    try:
        return sqlite_path(settings)
    except BackupError:
        return None


# --- restore ---------------------------------------------------------------------------


def check_backup_file(file: str | os.PathLike[str]) -> tuple[dict[str, int], int]:
    """Open a backup read-only and check it; returns its row counts and schema version."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise BackupError(_("no backup file at {path}").format(path=path))
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(_("{path} is not a SQLite database").format(path=path))
    try:
        with _closing(_connect(path, readonly=True)) as conn:
            return _check_copy(conn, str(path))
    except sqlite3.Error as exc:
        raise BackupError(_("{path} can't be opened: {error}").format(path=path, error=exc)) from None


def restore(
    settings: Settings, file: str | os.PathLike[str], *, now: datetime | None = None
) -> RestoreReport:
    """Put a backup back in place of the live database, keeping the current one aside.

    The current database is first copied aside as `<name>.before-restore-<timestamp>` (with
    the online backup API, so whatever sits in its WAL is included; if it is too damaged for
    that, its files are moved aside as they are). The backup is then written into the live
    file with the same API, under SQLite's locks, so a kiosk that happens to be connected sees
    either the old or the restored database, never a mix. Stop the kiosks first all the same:
    they would keep showing screens built from the old data.
    """
    target = sqlite_path(settings)  # PostgreSQL: refused before looking at the file
    source = Path(file).expanduser()
    expected, version = check_backup_file(source)
    if target.exists() and source.resolve() == target.resolve():
        raise BackupError(_("that file is the live database itself"))
    now = now or datetime.now(UTC)
    kept_aside: Path | None = None
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        kept_aside = target.with_name(f"{target.name}.before-restore-{_stamp(now)}")
        _keep_aside(target, kept_aside)
    try:
        with _closing(_connect(source, readonly=True)) as src, _closing(_connect(target)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            tables, restored_version = _check_copy(dst, _("the restored database"))
    except sqlite3.Error as exc:
        raise BackupError(
            _("restore failed: {error}; the previous database is kept at {path}").format(
                error=exc, path=kept_aside
            )
        ) from None
    if tables != expected:
        raise BackupError(
            _(
                "the restored database's row counts differ from the backup's; the previous "
                "database is kept at {path}"
            ).format(path=kept_aside)
        )
    log.info(
        "database restored from %s (%d rows, schema %d); previous copy kept at %s",
        source,
        sum(tables.values()),
        restored_version,
        kept_aside,
    )
    return RestoreReport(
        restored_from=source,
        database=target,
        kept_aside=kept_aside,
        tables=tables,
        schema_version=restored_version,
    )


def _keep_aside(live: Path, aside: Path) -> None:
    _remove_with_sidecars(aside)
    try:
        with _closing(_connect(live)) as src, _closing(_connect(aside)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        return
    except sqlite3.Error as exc:
        log.warning(
            "current database can't be copied (%s): moving its files aside as they are", exc
        )
        _remove_with_sidecars(aside)
    for suffix in ("", "-wal", "-shm"):
        src_file = Path(f"{live}{suffix}")
        if src_file.exists():
            shutil.move(src_file, Path(f"{aside}{suffix}"))
