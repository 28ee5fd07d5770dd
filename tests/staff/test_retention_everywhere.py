"""Retention reaches every copy: the database and its WAL, backups, kept-aside copies, exports
and PDFs in the output folder, the text a concern copied from a topic; file modes; --as-of in
the future and --dry-run."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import peewee
import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.cli.kiosk import kiosk_upkeep
from cafepol_tui.db.models import AuditEntry, Concern, Registration
from cafepol_tui.services import backup as bk
from cafepol_tui.services import concerns as cs
from cafepol_tui.services.registrations import register
from cafepol_tui.services.retention import ERASED_TEXT
from cafepol_tui.services.upkeep import UpkeepScheduler
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.settings import Settings, load_settings
from cafepol_tui.statuses import ConcernStatus
from tests.conftest import FIXED_NOW

NAME = "Zéphyrine Quackenbush"
PHONE = "0470 55 66 77"
EMAIL = "zephyrine.q@exemple.be"
TOPIC = "Voisin bruyant au numéro 42 secretissime"
# Every form the citizen's data takes in a file: as typed, normalised, folded.
SECRETS = (
    NAME,
    "Quackenbush",
    "quackenbush",
    "+32470556677",
    "470556677",
    EMAIL,
    "zephyrine.q",
    "secretissime",
)
# A sign-up for a meeting still to come: it must survive (and shows the grep can see).
KEPT_NAME = "Bartholomé Keepalive"

BEFORE = FIXED_NOW - timedelta(days=10)  # sign-ups
AFTER = FIXED_NOW + timedelta(days=40)  # the past meeting ended 43 days ago: past retention


def _files(root: Path, *, skip: tuple[Path, ...] = ()) -> list[Path]:
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(p.is_relative_to(s) for s in skip)
    )


def _leaks(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _files(root):
        data = path.read_bytes()
        hits = [s for s in SECRETS if s.encode() in data]
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def _fingerprint(root: Path, skip: tuple[Path, ...]) -> dict[str, tuple[str, int]]:
    # Not the WAL's -shm: SQLite's shared-memory index, which any reader rewrites (the last
    # command before may have written, e.g. a PDF's audit line), holds no data.
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in _files(root, skip=skip)
        if not p.name.endswith("-shm")
    }


@pytest.fixture
def world(
    zone, counter, officer, db: peewee.Database, db_path: Path, tmp_path: Path
) -> Iterator[dict[str, object]]:
    """Sign-ups, a concern from a topic, backups, kept-aside copies, exports and PDFs."""
    config = tmp_path / "config.toml"
    out, backups, logs = tmp_path / "documents", tmp_path / "backups", tmp_path / "logs"
    config.write_text(
        f'retention_days = 30\n[printing]\noutput_dir = "{out}"\n'
        f'[backup]\nfolder = "{backups}"\n[logging]\nfolder = "{logs}"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, database_url=str(db_path), environ={})
    form = SignupForm(name=NAME, phone=PHONE, email=EMAIL, topic=TOPIC, people=2, consent=True)
    with time_machine.travel(BEFORE, tick=False):
        ref = register(zone["past"], form, max_party=4, topic_max=300).reference
        kept = register(
            zone["later"], SignupForm(name=KEPT_NAME, consent=True), max_party=4, topic_max=300
        ).reference
    registration = Registration.get(Registration.reference == ref)
    with time_machine.travel(FIXED_NOW - timedelta(days=2), tick=False):
        concern = cs.concern_from_topic(
            registration.id, "Propreté", counter, wants_feedback=True
        )
    with time_machine.travel(FIXED_NOW - timedelta(days=1, hours=12), tick=False):
        first = bk.backup(settings).path  # concern still open in this copy: contact and text
    with time_machine.travel(FIXED_NOW - timedelta(days=1), tick=False):
        cs.update_concern(concern, ConcernStatus.CLOSED, "", officer, reason="Sans suite")
    with time_machine.travel(FIXED_NOW + timedelta(hours=1), tick=False):
        second = bk.backup(settings).path
        # Two restores in the same (frozen) second: two copies kept aside, none overwritten.
        asides = [bk.restore(settings, second).kept_aside for _ in range(2)]
        run = ["--config", str(config), "--db", str(db_path)]
        for argv in (
            ["export", "csv", "--out", str(out / "inscriptions.csv")],
            ["export", "json", "--out", str(out / "export.json")],
            ["slip", ref],
            ["attendance", str(zone["past"])],
            ["flyer", str(zone["later"])],
        ):
            out.mkdir(exist_ok=True)
            assert main(run + argv) == 0, argv
    # Written back then, as far as the file system is concerned.
    stamp = FIXED_NOW.timestamp()
    for path in out.iterdir():
        os.utime(path, (stamp, stamp))
    yield {
        "settings": settings,
        "run": run,
        "config": config,
        "out": out,
        "backups": (first, second),
        "asides": asides,
        "ref": ref,
        "kept": kept,
        "concern": concern,
        "logs": logs,
    }


def test_purge_reaches_every_copy(world, db: peewee.Database, db_path: Path, tmp_path: Path, capsys):
    out: Path = world["out"]  # type: ignore[assignment]
    asides: list[Path] = world["asides"]  # type: ignore[assignment]
    assert len(set(asides)) == 2 and all(p.exists() for p in asides)
    assert asides[1].name == asides[0].name + "-1"
    assert {p.name.split("-")[0] for p in out.iterdir()} >= {"slip", "attendance", "flyer"}
    before = _leaks(tmp_path)
    for copy in (*world["backups"], *asides, out / "inscriptions.csv", out / "export.json"):  # type: ignore[misc]
        assert str(Path(copy).relative_to(tmp_path)) in before, copy
    capsys.readouterr()

    with time_machine.travel(AFTER, tick=False):
        assert main([*world["run"], "purge"]) == 0  # type: ignore[misc]
    printed = capsys.readouterr()
    assert "anonymised 1 registration" in printed.out
    assert "erased the citizen's text of 1 finished concern" in printed.out
    assert "copies: 4 checked, 4 purged" in printed.out
    assert "documents: 4 expired deleted" in printed.out and printed.err == ""

    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _leaks(tmp_path) == {}
    assert sorted(p.name for p in out.iterdir()) == ["flyer-3-a5-en.pdf"]  # names nobody
    concern = Concern.get_by_id(world["concern"])
    assert concern.description == ERASED_TEXT and concern.contact_name == ""
    # The meeting to come keeps its sign-up, in the live database and in every copy.
    assert KEPT_NAME.encode() in db_path.read_bytes()
    for copy in (*world["backups"], *asides):  # type: ignore[misc]
        assert KEPT_NAME.encode() in Path(copy).read_bytes()
        bk.check_backup_file(copy)  # still a sound, restorable copy
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0


def test_dry_run_says_what_and_changes_nothing(world, tmp_path: Path, capsys):
    logs: Path = world["logs"]  # type: ignore[assignment]
    before = _fingerprint(tmp_path, skip=(logs,))
    audits = AuditEntry.select().count()
    capsys.readouterr()
    with time_machine.travel(AFTER, tick=False):
        assert main([*world["run"], "purge", "--dry-run"]) == 0  # type: ignore[misc]
    out = capsys.readouterr().out
    assert out.startswith("dry run: nothing changed\n")
    assert "would anonymise 1 registration" in out
    assert "would erase the citizen's text of 1 finished concern" in out
    assert "copies: 4 checked, 4 to purge" in out
    for path in (*world["backups"], *world["asides"]):  # type: ignore[misc]
        assert f"would purge {path}" in out
    assert "documents: 4 expired to delete" in out
    assert f"would delete {world['out'] / 'inscriptions.csv'}" in out  # type: ignore[operator]
    assert _fingerprint(tmp_path, skip=(logs,)) == before
    assert AuditEntry.select().count() == audits


def test_as_of_after_today_is_refused(world, tmp_path: Path, capsys):
    logs: Path = world["logs"]  # type: ignore[assignment]
    before = _fingerprint(tmp_path, skip=(logs,))
    capsys.readouterr()
    with time_machine.travel(FIXED_NOW, tick=False):  # Saturday 28 November 2026
        assert main([*world["run"], "purge", "--as-of", "2026-11-29"]) == 2  # type: ignore[misc]
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "2026-11-29 is after today" in err
        assert _fingerprint(tmp_path, skip=(logs,)) == before
        assert main([*world["run"], "purge", "--as-of", "2026-11-28"]) == 0  # type: ignore[misc]
    assert Registration.get(Registration.reference == world["ref"]).name == NAME


def test_the_kiosk_upkeep_purges_copies_and_documents(world, db: peewee.Database):
    """The scheduler's purge (what `cafepol run` passes it) cleans the files too."""
    settings: Settings = world["settings"]  # type: ignore[assignment]
    out: Path = world["out"]  # type: ignore[assignment]
    with time_machine.travel(AFTER, tick=False):
        scheduler = UpkeepScheduler(
            settings, check_s=3600, first_delay_s=0, purge=lambda: kiosk_upkeep(db, settings)
        ).start()
        try:
            # The upkeep's copy of the day is taken right after its purge.
            deadline = 600
            while len(bk.list_backups(settings)) < 3 and deadline:
                scheduler._stop.wait(0.05)
                deadline -= 1
        finally:
            scheduler.stop()
    assert sorted(p.name for p in out.iterdir()) == ["flyer-3-a5-en.pdf"]
    for copy in (*world["backups"], *world["asides"]):  # type: ignore[misc]
        data = Path(copy).read_bytes()
        assert not [s for s in SECRETS if s.encode() in data], copy


def test_a_restored_backup_is_purged_before_use(world, db: peewee.Database, db_path: Path):
    settings: Settings = world["settings"]  # type: ignore[assignment]
    first, _second = world["backups"]  # type: ignore[misc]
    with time_machine.travel(AFTER, tick=False):
        bk.restore(settings, first)
    restored = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    assert not [s for s in SECRETS if s.encode() in restored]
    assert Registration.get(Registration.reference == world["ref"]).anonymised_at is not None
    assert NAME.encode() in Path(first).read_bytes()  # the backup itself is the purge's job


# --- file modes --------------------------------------------------------------------------


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A umask that lets everyone read: the modes below must not depend on it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_files_are_for_their_owner_only_whatever_the_umask(
    loose_umask: None, settings: Settings, tmp_path: Path
) -> None:
    from cafepol_tui.db.open import open_database
    from cafepol_tui.documents.printing import save_pdf
    from cafepol_tui.logging_setup import setup_logging, shutdown_logging
    from cafepol_tui.services.demo import seed_demo

    home = tmp_path / "fresh"
    home.mkdir()  # a database is created only in a folder that exists (no typo leaves folders)
    settings = dataclasses.replace(
        settings,
        database_url=str(home / "cafepol.sqlite3"),
        printing=dataclasses.replace(settings.printing, output_dir=str(home / "documents")),
        backup=dataclasses.replace(settings.backup, folder=str(home / "backups")),
        logging=dataclasses.replace(settings.logging, folder=str(home / "logs")),
    )
    database = open_database(settings.database_url)
    with database.connection_context():
        seed_demo(now=FIXED_NOW)
        saved = bk.backup(settings).path
        aside = bk.restore(settings, saved).kept_aside
        pdf = save_pdf(b"%PDF-1.4 test", "slip-ABC123.pdf", settings.output_dir)
        for path in (home / "cafepol.sqlite3", Path(f"{home}/cafepol.sqlite3-wal")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path  # SQLite's own files too
    try:
        log = setup_logging(settings)
    finally:
        shutdown_logging()
    assert aside is not None and log is not None
    for path in (home / "cafepol.sqlite3", saved, aside, pdf, log):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (settings.output_dir, settings.backup_dir, settings.log_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_program_sets_a_private_umask(loose_umask: None, tmp_path: Path) -> None:
    """`python -m cafepol_tui` / the `cafepol` script: exports too are for their owner only."""
    db_path, out = tmp_path / "cli.sqlite3", tmp_path / "export.csv"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for argv in (["seed", "--demo"], ["export", "csv", "--out", str(out)]):
        done = subprocess.run(
            [sys.executable, "-m", "cafepol_tui", "--db", str(db_path), *argv],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert out in everything and db_path in everything
    for path in everything:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (p for p in tmp_path.rglob("*") if p.is_dir()):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")
