"""The systemd units and files shipped in deploy/ say what the README promises."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cafepol_tui.settings import load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
INSTALLED_CAFEPOL = "/opt/cafepol/venv/bin/cafepol"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_kiosk_unit_restarts_quickly_on_tty1() -> None:
    unit = _unit("cafepol-kiosk.service")
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert int(service["RestartSec"]) <= 5
    assert service["ExecStart"].split()[0].endswith("/cafepol")
    assert service["ExecStart"].split()[1:] == ["run"]
    assert service["User"] == "cafepol"
    assert service["StandardInput"] == "tty"
    assert service["StandardError"] == "tty"  # Textual draws on stderr
    assert service["TTYPath"] == "/dev/tty1"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # never give up
    assert "getty@tty1.service" in unit["Unit"]["Conflicts"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_backup_timer_and_service() -> None:
    service = _unit("cafepol-backup.service")["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].split()[1:] == ["backup"]
    assert service["User"] == "cafepol"
    timer = _unit("cafepol-backup.timer")
    assert timer["Timer"]["Persistent"] == "true"  # the PC is off at night
    assert timer["Timer"]["Unit"] == "cafepol-backup.service"
    assert "OnCalendar" in timer["Timer"]


def test_autologin_alternative() -> None:
    override = (DEPLOY / "getty@tty1.service.d" / "autologin.conf").read_text(encoding="utf-8")
    assert "ExecStart=\n" in override and "--autologin cafepol" in override
    session = DEPLOY / "kiosk-session.sh"
    assert os.access(session, os.X_OK)
    assert f"exec {INSTALLED_CAFEPOL} run" in session.read_text(encoding="utf-8")


def test_every_unit_keeps_files_private() -> None:
    """Database, backups, documents and log: for the cafepol user only (umask 077)."""
    units = [*sorted(DEPLOY.glob("*.service")), *sorted(DEPLOY.glob("*.service.d/*.conf"))]
    assert len(units) == 3
    for path in units:
        service = _unit(str(path.relative_to(DEPLOY)))["Service"]
        assert service["UMask"] == "0077", path.name
        if "StateDirectory" in service:
            assert service["StateDirectoryMode"] == "0700", path.name
            assert service["LogsDirectoryMode"] == "0700", path.name
    assert "\numask 077\n" in (DEPLOY / "kiosk-session.sh").read_text(encoding="utf-8")
    # The daily timer also runs the retention purge, even on a day no kiosk ran.
    backup = _unit("cafepol-backup.service")["Service"]
    assert backup["ExecStartPre"].lstrip("-").split()[1:] == ["purge"]


def test_example_config_loads() -> None:
    settings = load_settings(DEPLOY / "config.example.toml", environ={})
    assert settings.backup.keep_daily == 7 and settings.backup.keep_weekly == 4
    assert str(settings.log_dir) == "/var/log/cafepol"


def test_readme_mentions_every_file() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for name in (
        "cafepol-kiosk.service",
        "cafepol-backup.timer",
        "autologin.conf",
        "kiosk-session.sh",
        "config.example.toml",
        "systemctl enable",
    ):
        assert name in readme


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at this interpreter for the check.
    for name in ("cafepol-kiosk.service", "cafepol-backup.service", "cafepol-backup.timer"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_CAFEPOL, sys.executable))
    result = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            "--man=no",
            *(
                str(tmp_path / n)
                for n in ("cafepol-kiosk.service", "cafepol-backup.service", "cafepol-backup.timer")
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [line for line in result.stderr.splitlines() if "cafepol" in line]
    assert result.returncode == 0 and not ours, result.stderr
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", _unit("cafepol-backup.timer")["Timer"]["OnCalendar"]],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert calendar.returncode == 0, calendar.stderr
