"""A full disk during a sign-up: the citizen is told, IT gets a clear line, nothing is lost.

The kiosk runs in a process of its own (tests/ui/diskfull_kiosk.py), on a small tmpfs that is
filled up where it can be mounted (root), and always under a file-size limit (RLIMIT_FSIZE).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from cafepol_tui.db.engine import describe_outage, is_disk_full, is_outage

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if request.param == "rlimit":
        yield folder
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)],
        capture_output=True, text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"no tmpfs here ({mounted.stderr.strip() or 'mount failed'}); "
                    "the file-size limit case covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("others", ["held", "alone"])
@pytest.mark.parametrize("small_disk", ["tmpfs", "rlimit"], indirect=True)
def test_a_full_disk_keeps_the_signup_tells_everyone_and_saves_it_once_freed(
    small_disk: Path, tmp_path: Path, others: str
) -> None:
    """held: another connection is open (reads work, the sign-up's write fails); alone: the
    kiosk's connections are the only ones, and none can even open on the full disk."""
    mode = "tmpfs" if os.path.ismount(small_disk) else "rlimit"
    out = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, "-m", "tests.ui.diskfull_kiosk", mode, others, str(small_disk), str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    # Nothing on the kiosk's terminal: no « --- Logging error --- », no traceback.
    assert "Logging error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["outage_after_s"] < 10
    assert result["still_outage"] and result["pending"]  # « votre inscription est en attente »
    # « … (disque plein) : le guichet peut prévenir … ». Past a file-size limit SQLite says
    # only « disk I/O error » (EFBIG): the citizen then sees the plain outage screen.
    assert result["disk_full_shown"] == (mode == "tmpfs" or others == "alone")
    assert result["form_kept"] == "Fatima El Amrani"
    assert result.get("rows_while_full", 0) == 0  # (alone: nothing can even read)
    assert result["rows_after"] == 1  # saved once the space is back, and only once
    log = result["log"]
    assert "disque plein" in log and "disk " in log
    assert "no transaction is active" not in log
    assert "database answers again" in log and "1 pending sign-up(s) sent again" in log
    assert "Fatima" not in log


def test_disk_full_is_named_as_such_through_peewee_and_the_driver() -> None:
    import sqlite3

    try:
        raise sqlite3.OperationalError("database or disk is full")
    except sqlite3.OperationalError as raw:
        wrapped = peewee.OperationalError(raw, *raw.args)
    assert is_outage(wrapped) and is_disk_full(wrapped)
    assert "disque plein" in describe_outage(wrapped)
    assert is_disk_full(OSError(28, "No space left on device"))
    lost = peewee.OperationalError("server closed the connection unexpectedly")
    assert not is_disk_full(lost)
    assert describe_outage(lost) == "server closed the connection unexpectedly"
