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
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee

from cafepol_tui.db.engine import database_proxy, make_database
from cafepol_tui.db.migrations import SCHEMA_VERSION
from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.retention import CopyPurgeError, PurgeReport, purge_copy
from cafepol_tui.settings import Settings

_ = translator("messages")

log = logging.getLogger("cafepol.backup")

PREFIX = "cafepol-"
SUFFIX = ".sqlite3"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
NAME_RE = re.compile(r"^cafepol-(\d{8}T\d{6}Z)(?:-(\d+))?\.sqlite3$")
ASIDE_INFIX = ".before-restore-"
# `<live name>.before-restore-<stamp>[-n]`; earlier versions wrote the same without `-n`.
ASIDE_RE = r"\.before-restore-\d{8}T\d{6}Z(?:-\d+)?"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
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


def _create_private(path: Path) -> bool:
    """Create `path` empty, readable by its owner only (whatever the umask); False if taken.

    SQLite gives a database's journal and WAL the mode of the database file, so a copy
    started in such a file stays private with everything beside it.
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def _reserve(folder: Path, base: str, suffix: str = "") -> Path:
    """The first free name among `base`, `base-1`, `base-2`… (then `suffix`), created at once.

    The exclusive create is what makes it safe: two runs in the same second (or a clock that
    went backwards) each get a name of their own, and neither overwrites the other's file.
    """
    n = 0
    while True:
        path = folder / (f"{base}{suffix}" if n == 0 else f"{base}-{n}{suffix}")
        if _create_private(path):
            return path
        n += 1


def _mkdir_private(folder: Path) -> None:
    """Create the folder (and its parents) readable by its owner only; an existing one is left as
    it is."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)


def _purge_copy(
    path: Path, settings: Settings, now: datetime, what: str, follow: Path | None = None
) -> PurgeReport:
    try:
        if follow is None:
            return purge_copy(path, now, settings.retention_days)
        return _purge_following(path, settings, now, follow)
    except CopyPurgeError as exc:
        raise BackupError(
            _("{what} can't be purged of expired personal data: {error}").format(
                what=what, error=exc
            )
        ) from None


def _purge_following(path: Path, settings: Settings, now: datetime, live: Path) -> PurgeReport:
    """Purge `path`, also of what the database at `live` erased after `path` was taken.

    A live database too damaged to be read is not followed (the retention rules still apply).
    """
    reference = peewee.SqliteDatabase(
        f"{live.resolve().as_uri()}?mode=ro", uri=True,
        pragmas={"busy_timeout": BUSY_TIMEOUT_MS}, check_same_thread=False,
    )
    try:
        reference.connect()
        reference.execute_sql("SELECT 1 FROM registration, concern LIMIT 1").fetchall()
    except peewee.DatabaseError as exc:
        log.warning("restore: the current database can't be read (%s): not followed", exc)
        reference.close()
        return purge_copy(path, now, settings.retention_days)
    try:
        return purge_copy(path, now, settings.retention_days, follow=reference)
    finally:
        reference.close()


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
        _mkdir_private(target.parent)
        partial = target.with_name(f".{target.name}.partial")
        _remove_with_sidecars(partial)
        _create_private(partial)
    except OSError as exc:
        raise BackupError(
            _("can't create the backup folder {folder}: {error}").format(
                folder=target.parent, error=exc.strerror
            )
        ) from None

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
        # A copy never holds what the retention period has expired (the kiosk purges the live
        # database every ten minutes, but `cafepol backup` may run while no kiosk does).
        _purge_copy(partial, settings, now, _("the copy"))
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

    The backup is first copied beside the live file and purged there of what the retention
    period has expired since it was taken: a restore never brings back personal data that was
    due to be erased. The current database is then copied aside as
    `<name>.before-restore-<timestamp>` (`-1`, `-2`… when that name is taken, so two restores
    in the same second each keep theirs), with the online backup API so whatever sits in its WAL
    is included; if it is too damaged for that, its files are moved aside as they are. The
    purged copy is then written into the live file with the same API, under SQLite's locks, so
    a kiosk that happens to be connected sees either the old or the restored database, never a
    mix. Stop the kiosks first all the same: they would keep showing screens built from the
    old data.
    """
    target = sqlite_path(settings)  # PostgreSQL: refused before looking at the file
    source = Path(file).expanduser()
    expected, version = check_backup_file(source)
    if target.exists() and source.resolve() == target.resolve():
        raise BackupError(_("that file is the live database itself"))
    now = now or datetime.now(UTC)
    kept_aside: Path | None = None
    try:
        _mkdir_private(target.parent)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.restore-",
                                    suffix=".partial")  # mode 0600, a name of its own
    except OSError as exc:
        raise BackupError(
            _("can't write beside {path}: {error}").format(path=target, error=exc.strerror)
        ) from None
    os.close(fd)
    staged = Path(name)
    try:
        try:
            with _closing(_connect(source, readonly=True)) as src, _closing(
                _connect(staged)
            ) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            raise BackupError(_("restore failed: {error}").format(error=exc)) from None
        # What the current database erased after the backup was taken stays erased.
        _purge_copy(staged, settings, now, str(source), follow=target if target.exists() else None)
        if target.exists():
            kept_aside = _reserve(target.parent, f"{target.name}{ASIDE_INFIX}{_stamp(now)}")
            _keep_aside(target, kept_aside)
        else:
            _create_private(target)
        try:
            with _closing(_connect(staged, readonly=True)) as src, _closing(
                _connect(target)
            ) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = WAL")
                tables, restored_version = _check_copy(dst, _("the restored database"))
                # The pages the previous database had beyond the restored one's would stay
                # in the file: rewrite it, so only the restored (purged) data is in there.
                dst.execute("VACUUM")
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise BackupError(
                _("restore failed: {error}; the previous database is kept at {path}").format(
                    error=exc, path=kept_aside
                )
            ) from None
    finally:
        _remove_with_sidecars(staged)
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
    """Copy the live database into `aside`, a file `_reserve` has just created for it."""
    try:
        with _closing(_connect(live)) as src, _closing(_connect(aside)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        return
    except sqlite3.Error as exc:
        log.warning(
            "current database can't be copied (%s): moving its files aside as they are", exc
        )
    for suffix in ("-wal", "-shm", "-journal"):  # what the failed copy left; `aside` stays ours
        with contextlib.suppress(FileNotFoundError):
            Path(f"{aside}{suffix}").unlink()
    for suffix in ("", "-wal", "-shm"):
        src_file = Path(f"{live}{suffix}")
        if src_file.exists():
            shutil.move(src_file, Path(f"{aside}{suffix}"))


def kept_aside_copies(settings: Settings) -> list[Path]:
    """The copies `restore` kept aside beside the live SQLite file, oldest first."""
    live = sqlite_path_or_none(settings)
    if live is None or not live.parent.is_dir():
        return []
    pattern = re.compile(f"^{re.escape(live.name)}{ASIDE_RE}$")
    return sorted(p for p in live.parent.iterdir() if pattern.match(p.name) and p.is_file())


# --- retention in the copies -----------------------------------------------------------


@dataclass(frozen=True)
class CopyOutcome:
    """What the purge did to one copy: its report, or the reason it could not be purged."""

    path: Path
    report: PurgeReport | None
    error: str = ""


def purge_copies(
    settings: Settings,
    as_of: datetime | None = None,
    *,
    dry_run: bool = False,
    follow_live: bool = True,
) -> list[CopyOutcome]:
    """Run the retention purge in every backup and every copy kept aside by `restore`.

    They are purged in place, not deleted: every copy, even yesterday's, holds sign-ups whose
    retention ends before rotation removes it, so deleting only the old ones would not keep the
    promise, and deleting them all would leave nothing to restore. A copy that needs nothing
    is not touched. Copies written elsewhere with `backup --out` are out of reach: say so to
    whoever carries them away. Never raises for one bad copy: its outcome says why.

    `follow_live` (the live database bound and connected): a copy also loses what the live
    database erased after the copy was taken (a concern closed since, its contact erased).
    """
    outcomes = []
    for path in [p for _, p in list_backups(settings)] + kept_aside_copies(settings):
        try:
            report = purge_copy(
                path, as_of, settings.retention_days, dry_run=dry_run,
                follow=database_proxy if follow_live else None,
            )
        except CopyPurgeError as exc:
            log.error("retention: copy not purged: %s", exc)
            outcomes.append(CopyOutcome(path, None, str(exc)))
            continue
        if report.changed and not dry_run:
            log.info(
                "retention: copy %s purged (%d registration(s), %d concern contact(s), "
                "%d concern text(s))",
                path.name, report.registrations, report.concern_contacts, report.concern_texts,
            )
        outcomes.append(CopyOutcome(path, report))
    return outcomes
