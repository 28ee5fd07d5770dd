"""Backups taken while another process keeps signing people up, rotation, restore round-trip."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee
import pytest

from cafepol_tui.db.migrations import SCHEMA_VERSION
from cafepol_tui.db.models import Registration
from cafepol_tui.services import backup as bk
from cafepol_tui.services.demo import seed_demo
from cafepol_tui.services.registrations import register
from cafepol_tui.services.upkeep import UpkeepScheduler
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.settings import Settings

# Registers one party after another; each reference is appended to REFS only once committed.
WRITER = r"""
import sys
from pathlib import Path
from cafepol_tui.db.open import open_database
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import SignupForm

db_path, meeting_id, refs_path, stop_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
db = open_database(db_path)
stop = Path(stop_path)
with open(refs_path, "a", encoding="utf-8") as refs, db.connection_context():
    for i in range(100_000):
        if stop.exists():
            break
        form = SignupForm(name=f"Personne {i}", people=1, phone="", email="", topic="",
                          consent=True)
        result = register(meeting_id, form, max_party=4, topic_max=300)
        refs.write(result.reference + "\n")
        refs.flush()
"""


def _refs(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {line for line in path.read_text().splitlines() if len(line) == 6}


def _copy_refs(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in conn.execute("SELECT reference FROM registration")}
    finally:
        conn.close()


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_backup_while_another_process_keeps_registering(
    ops_settings: Settings, meeting_id: int, db_path: Path, tmp_path: Path
) -> None:
    refs_path, stop_path = tmp_path / "refs.txt", tmp_path / "stop"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            str(db_path),
            str(meeting_id),
            str(refs_path),
            str(stop_path),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(_refs(refs_path)) >= 20 or writer.poll() is not None)
        assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
        reports = []
        for n in range(3):
            committed_before = _refs(refs_path)
            report = bk.backup(ops_settings, out=tmp_path / f"copy{n}.sqlite3")
            in_copy = _copy_refs(report.path)
            # Every sign-up committed before the backup began is in the copy …
            assert committed_before <= in_copy
            # … and the copy is a consistent snapshot: its counts are what the report verified.
            assert report.tables["registration"] == len(in_copy)
            reports.append((report, len(committed_before)))
            time.sleep(0.1)
        # The writer was really writing during the backups.
        _wait_for(lambda: len(_refs(refs_path)) > len(_copy_refs(reports[-1][0].path)))
        assert writer.poll() is None
    finally:
        stop_path.touch()
        writer.wait(timeout=30)
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    sizes = [r.tables["registration"] for r, _ in reports]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]
    for report, _ in reports:
        assert not Path(f"{report.path}-wal").exists()
        conn = sqlite3.connect(report.path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        conn.close()


def test_backup_report_and_default_folder(ops_settings: Settings, db: peewee.Database) -> None:
    seed_demo()
    report = bk.backup(ops_settings, now=datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    assert report.path == ops_settings.backup_dir / "cafepol-20261128T090000Z.sqlite3"
    assert report.tables["registration"] == Registration.select().count() > 0
    assert report.schema_version == SCHEMA_VERSION
    assert report.size_bytes == report.path.stat().st_size
    assert list(ops_settings.backup_dir.iterdir()) == [report.path]  # no .partial left behind
    again = bk.backup(ops_settings, now=datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    assert again.path.name == "cafepol-20261128T090000Z-1.sqlite3"


def test_backup_out_folder(ops_settings: Settings, db: peewee.Database, tmp_path: Path) -> None:
    target = tmp_path / "usb"
    target.mkdir()
    report = bk.backup(ops_settings, out=target)
    assert report.path.parent == target and report.path.name.startswith("cafepol-")


def _touch_backup(folder: Path, template: Path, when: datetime) -> Path:
    path = folder / f"cafepol-{when.strftime('%Y%m%dT%H%M%SZ')}.sqlite3"
    shutil.copyfile(template, path)
    return path


def test_rotation_keeps_seven_days_and_four_weeks(
    ops_settings: Settings, db: peewee.Database, tmp_path: Path
) -> None:
    template = bk.backup(ops_settings, out=tmp_path / "template.sqlite3").path
    folder = ops_settings.backup_dir
    folder.mkdir()
    last = datetime(2026, 11, 28, 11, 30, tzinfo=UTC)  # a Saturday, ISO week 48
    for day in range(60):
        _touch_backup(folder, template, last - timedelta(days=day))
    early = _touch_backup(folder, template, last.replace(hour=7))
    stranger = folder / "notes.txt"
    stranger.write_text("not ours")
    removed = bk.rotate(ops_settings)
    kept = sorted(p.name[8:16] for _, p in bk.list_backups(ops_settings))
    # Seven newest days (22-28 Nov) plus the newest of weeks 46 and 45 (15 and 8 Nov);
    # weeks 48 and 47 are already covered by 28 and 22 Nov.
    assert kept == ["20261108", "20261115"] + [f"202611{d}" for d in range(22, 29)]
    assert early in removed and not early.exists()
    assert stranger.exists()


def test_last_backup_age_and_due(ops_settings: Settings, db: peewee.Database) -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert bk.last_backup_age(ops_settings, now=now) is None
    assert bk.is_backup_due(ops_settings, now=now)
    bk.backup(ops_settings, now=now)
    assert bk.last_backup_age(ops_settings, now=now + timedelta(hours=3)) == timedelta(hours=3)
    assert not bk.is_backup_due(ops_settings, now=now + timedelta(hours=23))
    assert bk.is_backup_due(ops_settings, now=now + timedelta(hours=24))
    assert bk.backup_if_due(ops_settings, now=now + timedelta(hours=1)) is None
    report = bk.backup_if_due(ops_settings, now=now + timedelta(hours=25))
    assert report is not None and report.path.exists()


def test_postgresql_is_refused_with_pg_dump_hint(settings: Settings) -> None:
    pg = dataclasses.replace(settings, database_url="postgresql://u:p@127.0.0.1:1/x")
    with pytest.raises(bk.BackupUnsupportedError, match="pg_dump"):
        bk.backup(pg)
    with pytest.raises(bk.BackupUnsupportedError, match="pg_dump"):
        bk.restore(pg, "whatever.sqlite3")
    assert not bk.is_backup_due(pg)
    assert bk.backup_if_due(pg) is None


def test_restore_round_trip(
    ops_settings: Settings, db: peewee.Database, meeting_id: int, db_path: Path
) -> None:
    seed_demo()
    before = Registration.select().count()
    saved = bk.backup(ops_settings)
    form = SignupForm(name="Après Sauvegarde", people=2, phone="", email="", topic="", consent=True)
    later = register(meeting_id, form, max_party=4, topic_max=300)
    assert Registration.select().count() == before + 1

    # The kiosk's connection stays open during the restore, as it would in real life.
    report = bk.restore(ops_settings, saved.path, now=datetime(2026, 11, 28, 9, 0, tzinfo=UTC))

    assert report.database == db_path
    assert report.tables == saved.tables
    assert Registration.select().count() == before  # the open connection sees the restored data
    assert Registration.get_or_none(Registration.reference == later.reference) is None
    aside = db_path.with_name("cafepol.sqlite3.before-restore-20261128T090000Z")
    assert report.kept_aside == aside
    assert later.reference in _copy_refs(aside)  # nothing lost: the newer data is kept aside
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_two_restores_in_the_same_second_keep_both_copies(
    ops_settings: Settings, db: peewee.Database, meeting_id: int, db_path: Path
) -> None:
    """The second restore used to overwrite the first one's copy: the newer data was lost."""
    import time_machine

    seed_demo()
    saved = bk.backup(ops_settings)
    form = SignupForm(name="Après Sauvegarde", people=1, phone="", email="", topic="", consent=True)
    later = register(meeting_id, form, max_party=4, topic_max=300)
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        first = bk.restore(ops_settings, saved.path).kept_aside
        second = bk.restore(ops_settings, saved.path).kept_aside
        third = bk.restore(ops_settings, saved.path, now=datetime.now(UTC)).kept_aside
    assert first is not None and second is not None and third is not None
    assert first.name == "cafepol.sqlite3.before-restore-20261128T090000Z"
    assert second.name == f"{first.name}-1" and third.name == f"{first.name}-2"
    assert later.reference in _copy_refs(first)  # the newer sign-up is still kept aside
    assert later.reference not in _copy_refs(second)
    assert bk.kept_aside_copies(ops_settings) == [first, second, third]
    assert not list(db_path.parent.glob(".*partial*"))  # the staged copies are gone


def test_restore_into_a_missing_database(
    ops_settings: Settings, db_path: Path, tmp_path: Path
) -> None:
    from cafepol_tui.db.open import open_database

    database = open_database(str(db_path))
    with database.connection_context():
        seed_demo()
    saved = bk.backup(ops_settings, out=tmp_path / "saved.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    report = bk.restore(ops_settings, saved.path)
    assert report.kept_aside is None
    assert report.tables == saved.tables


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all, just text", "not a SQLite database"),
        (None, "no backup file"),
    ],
)
def test_restore_refuses_bad_files(
    ops_settings: Settings, db: peewee.Database, tmp_path: Path, content: bytes | None, message: str
) -> None:
    bad = tmp_path / "bad.sqlite3"
    if content is not None:
        bad.write_bytes(content)
    before = ops_settings.resolved_database_url
    with pytest.raises(bk.BackupError, match=message):
        bk.restore(ops_settings, bad)
    assert not list(Path(before).parent.glob("*.before-restore-*"))


def test_restore_refuses_foreign_and_newer_databases(
    ops_settings: Settings, db: peewee.Database, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(bk.BackupError, match="not a cafepol database"):
        bk.restore(ops_settings, foreign)

    newer = bk.backup(ops_settings, out=tmp_path / "newer.sqlite3").path
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(bk.BackupError, match="schema version 99"):
        bk.restore(ops_settings, newer)


def test_backup_without_database(ops_settings: Settings) -> None:
    with pytest.raises(bk.BackupError, match="no database"):
        bk.backup(ops_settings)


def test_scheduler_takes_a_copy_at_its_first_look_then_only_when_due(
    ops_settings: Settings, db: peewee.Database
) -> None:
    purges: list[float] = []
    scheduler = UpkeepScheduler(ops_settings, check_s=0.05, first_delay_s=0,
                                purge=lambda: purges.append(time.monotonic())).start()
    try:
        _wait_for(lambda: len(bk.list_backups(ops_settings)) == 1)
        looks = len(purges)
        _wait_for(lambda: len(purges) >= looks + 2)  # two more looks (the purge runs at every look)
        assert len(bk.list_backups(ops_settings)) == 1  # not due again for 24 h
    finally:
        scheduler.stop()
    assert not scheduler._thread.is_alive()


def test_scheduler_lets_the_first_screen_go_first(ops_settings: Settings, db: peewee.Database) -> None:
    """Nothing is copied or purged before its first look; stopped before it, it does nothing."""
    purges: list[int] = []
    scheduler = UpkeepScheduler(ops_settings, first_delay_s=30,
                                purge=lambda: purges.append(1)).start()
    time.sleep(0.2)
    scheduler.stop()
    assert not scheduler._thread.is_alive()
    assert bk.list_backups(ops_settings) == [] and purges == []


def test_scheduler_keeps_going_when_the_purge_fails(ops_settings: Settings, db: peewee.Database) -> None:
    def broken() -> None:
        raise peewee.OperationalError("database is locked")

    scheduler = UpkeepScheduler(ops_settings, check_s=0.05, first_delay_s=0,
                                purge=broken).start()
    try:
        _wait_for(lambda: len(bk.list_backups(ops_settings)) == 1)
        assert scheduler._thread.is_alive()
    finally:
        scheduler.stop()


def test_scheduler_copies_nothing_on_postgresql(settings: Settings) -> None:
    pg = dataclasses.replace(settings, database_url="postgresql://u:p@127.0.0.1:1/x")
    scheduler = UpkeepScheduler(pg).start()
    assert not scheduler.copies and not scheduler._thread.is_alive()
    scheduler.stop()


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")
