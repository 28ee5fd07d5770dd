"""`cafepol backup` / `restore` / `--verbose` and the catch-all for unexpected errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import EXIT_UNEXPECTED, main
from cafepol_tui.logging_setup import log_file_path
from cafepol_tui.services.demo import seed_demo
from cafepol_tui.settings import Settings


@pytest.fixture
def config(ops_settings: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[backup]\nfolder = "{ops_settings.backup_dir}"\n\n'
        f'[logging]\nfolder = "{ops_settings.log_dir}"\n',
        encoding="utf-8",
    )
    return path


def test_backup_and_restore_commands(
    db: peewee.Database, ops_settings: Settings, config: Path, db_path: Path, capsys
) -> None:
    seed_demo()
    base = ["--config", str(config), "--db", str(db_path)]
    assert main([*base, "backup"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backup ") and "integrity ok" in out
    copy = next(ops_settings.backup_dir.glob("cafepol-*.sqlite3"))

    assert main([*base, "backup", "--if-due"]) == 0
    assert "not due" in capsys.readouterr().out

    assert main([*base, "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "previous database kept at" in out
    assert list(db_path.parent.glob("cafepol.sqlite3.before-restore-*"))
    log = log_file_path(ops_settings).read_text(encoding="utf-8")
    assert "backup written" in log and "database restored from" in log


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["restore", "/nowhere/backup.sqlite3"], "no backup file at /nowhere/backup.sqlite3"),
        (["--db", "postgresql://u:p@127.0.0.1:1/x", "backup"], "pg_dump"),
        (["--db", "postgresql://u:p@127.0.0.1:1/x", "restore", "x.sqlite3"], "pg_dump"),
        (["backup"], "nothing to back up"),
        (["restore"], "the following arguments are required: FILE"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys, config: Path
) -> None:
    try:
        code = main(["--config", str(config), *argv])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_restore_of_a_non_database(
    config: Path, db: peewee.Database, tmp_path: Path, capsys
) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not sqlite")
    assert main(["--config", str(config), "restore", str(junk)]) == 2
    assert "not a SQLite database" in capsys.readouterr().err


def test_verbose_echoes_the_log_on_stderr(
    config: Path, db: peewee.Database, db_path: Path, capsys
) -> None:
    assert main(["--verbose", "--config", str(config), "--db", str(db_path), "backup"]) == 0
    err = capsys.readouterr().err
    assert "'backup' started" in err and "backup written" in err


def test_unexpected_error_is_logged_with_traceback_one_line_exit_70(
    config: Path,
    ops_settings: Settings,
    db: peewee.Database,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    from cafepol_tui.services import backup as bk

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(bk, "backup", broken)
    assert main(["--config", str(config), "--db", str(db_path), "backup"]) == EXIT_UNEXPECTED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected error INC-" in err and "Traceback" not in err
    code = err.split("unexpected error ")[1].split()[0]
    log = log_file_path(ops_settings).read_text(encoding="utf-8")
    assert f"unexpected error {code} in command 'backup'" in log
    assert "Traceback (most recent call last)" in log and "something nobody expected" in log


def test_backup_command_from_another_process(
    db_path: Path, config: Path, db: peewee.Database
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cafepol_tui",
            "--config",
            str(config),
            "--db",
            str(db_path),
            "backup",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.split()[1].rstrip(":"))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_ops_modules_do_not_import_textual() -> None:
    code = (
        "import sys, cafepol_tui.services.backup, cafepol_tui.services.doctor, "
        "cafepol_tui.logging_setup; "
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'cafepol_tui.ui'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


class _FakeApp:
    """Stands in for the Textual app: 'runs' until the upkeep has taken its copy, then reports
    how it ended."""

    def __init__(self, return_code: int, backup_dir: Path) -> None:
        self.return_code = return_code
        self.backup_dir = backup_dir

    def run(self) -> None:
        deadline = time.monotonic() + 30
        while not list(self.backup_dir.glob("cafepol-*.sqlite3")):
            assert time.monotonic() < deadline, "no copy from the upkeep thread"
            time.sleep(0.02)


@pytest.mark.parametrize("return_code", [0, 1])
def test_run_passes_the_app_exit_status_on_for_systemd(
    return_code: int,
    config: Path,
    ops_settings: Settings,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cafepol_tui.services.backup as bk
    import cafepol_tui.ui.app as ui_app

    monkeypatch.setattr(bk, "UPKEEP_FIRST_DELAY_S", 0)
    monkeypatch.setattr(ui_app, "make_app",
                        lambda settings, db, **_: _FakeApp(return_code, ops_settings.backup_dir))
    assert main(["--config", str(config), "--db", str(db_path), "run"]) == return_code
    log = log_file_path(ops_settings).read_text(encoding="utf-8")
    assert "'run' started" in log
    assert ("the kiosk stopped on an error" in log) == bool(return_code)
    assert list(ops_settings.backup_dir.glob("cafepol-*.sqlite3"))  # the upkeep's first copy


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")
