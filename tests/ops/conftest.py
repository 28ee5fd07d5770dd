"""Fixtures for the operations tests: a backup folder, a future meeting, a fake CUPS."""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee
import pytest

from cafepol_tui.db.models import Commune, Meeting
from cafepol_tui.logging_setup import shutdown_logging
from cafepol_tui.settings import Settings


@pytest.fixture
def ops_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The shared settings with a backup folder and a log folder inside tmp_path."""
    return dataclasses.replace(
        settings,
        backup=dataclasses.replace(settings.backup, folder=str(tmp_path / "backups")),
        logging=dataclasses.replace(settings.logging, folder=str(tmp_path / "logs")),
    )


@pytest.fixture
def meeting_id(db: peewee.Database) -> int:
    """A meeting a month ahead with room for everyone (the overflow goes on the waiting list)."""
    commune = Commune.create(name="Frameries", postal_code="7080")
    meeting = Meeting.create(
        commune=commune,
        place="Salle Le Trianon",
        starts_at=datetime.now(UTC) + timedelta(days=30),
        capacity=10_000,
    )
    return meeting.id


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    shutdown_logging()
    root.setLevel(level)


FAKE_LPSTAT = """#!/bin/sh
# A stand-in for CUPS' lpstat: scheduler up, one printer named 'Guichet'.
case "$1" in
  -r) echo "scheduler is running" ;;
  -d) echo "system default destination: Guichet" ;;
  -p)
    if [ "$2" = "Guichet" ]; then
      echo "printer Guichet is idle.  enabled since Sat 28 Nov 2026 09:00:00"
    else
      echo "lpstat: Invalid destination name in list \\"$2\\"." >&2
      exit 1
    fi ;;
  *) exit 1 ;;
esac
"""


@pytest.fixture
def fake_cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bin folder with fake `lp` and `lpstat`, first on PATH."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    for name, body in (
        ("lpstat", FAKE_LPSTAT),
        ("lp", "#!/bin/sh\necho 'request id is Guichet-1'\n"),
    ):
        path = bin_dir / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return bin_dir


@pytest.fixture
def assets_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    (folder / "fonts").mkdir(parents=True)
    (folder / "fonts" / "DejaVuSans.ttf").write_bytes(b"\0" * 16)
    (folder / "fonts" / "LICENSE.txt").write_text("licence")
    return folder


@pytest.fixture
def python() -> str:
    return sys.executable
