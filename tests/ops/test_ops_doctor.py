"""`cafepol doctor`: a healthy set-up, a missing printer, an unreachable database, exit codes."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.services import doctor
from cafepol_tui.services.backup import backup
from cafepol_tui.settings import MailSettings, Settings
from tests.smtp import SmtpServer

GOOD_TERMINAL = {"TERM": "xterm-256color"}


def _with_printer(settings: Settings, name: str = "Guichet") -> Settings:
    return dataclasses.replace(
        settings, printing=dataclasses.replace(settings.printing, printer=name)
    )


def _by_name(checks: list[doctor.Check]) -> dict[str, doctor.Check]:
    return {c.name: c for c in checks}


def _run(settings: Settings, assets_dir: Path, **kw) -> list[doctor.Check]:
    env = {**GOOD_TERMINAL, "PATH": os.environ["PATH"]}
    return doctor.run_checks(
        settings, terminal_size=(120, 40), assets_dir=assets_dir, environ=env, **kw
    )


@pytest.fixture
def healthy(
    ops_settings: Settings, db: peewee.Database, fake_cups: Path, smtp: SmtpServer
) -> Settings:
    settings = dataclasses.replace(
        _with_printer(ops_settings),
        mail=MailSettings(host=smtp.host, port=smtp.port, security="none", sender="q@zone.be"),
    )
    backup(settings)
    return settings


def test_healthy_setup_is_all_ok(healthy: Settings, assets_dir: Path) -> None:
    checks = _run(healthy, assets_dir)
    assert [c.name for c in checks] == [
        "config",
        "database",
        "disk",
        "backup",
        "printer",
        "mail",
        "outbox",
        "speech",
        "assets",
        "log",
        "terminal",
    ]
    assert all(c.status == "OK" for c in checks), "\n".join(c.line for c in checks)
    assert doctor.exit_code(checks) == 0
    found = _by_name(checks)
    assert "schema version" in found["database"].detail
    assert "Guichet" in found["printer"].detail and "idle" in found["printer"].detail
    assert found["terminal"].detail.startswith("120×40")


def test_missing_printer_fails(healthy: Settings, assets_dir: Path) -> None:
    checks = _run(_with_printer(healthy, "Etage2"), assets_dir)
    printer = _by_name(checks)["printer"]
    assert printer.status == "FAIL" and "'Etage2' unknown to CUPS" in printer.detail
    assert doctor.exit_code(checks) == 2


def test_cups_not_running_fails(healthy: Settings, assets_dir: Path, fake_cups: Path) -> None:
    (fake_cups / "lpstat").write_text("#!/bin/sh\necho 'scheduler is not running'\n")
    printer = _by_name(_run(healthy, assets_dir))["printer"]
    assert printer.status == "FAIL" and "CUPS not answering" in printer.detail


def test_no_lp_command_fails(healthy: Settings, assets_dir: Path) -> None:
    settings = dataclasses.replace(
        healthy, printing=dataclasses.replace(healthy.printing, lp_command="lp-does-not-exist")
    )
    printer = _by_name(_run(settings, assets_dir))["printer"]
    assert printer.status == "FAIL" and "not found" in printer.detail


def test_unreachable_database_fails(settings: Settings, assets_dir: Path, fake_cups: Path) -> None:
    pg = dataclasses.replace(settings, database_url="postgresql://cafepol:x@127.0.0.1:1/cafepol")
    checks = _by_name(_run(pg, assets_dir))
    assert checks["database"].status == "FAIL"
    assert "unreachable" in checks["database"].detail
    assert checks["backup"].status == "WARN" and "use pg_dump" in checks["backup"].detail
    assert doctor.exit_code(list(checks.values())) == 2


def test_missing_sqlite_file_fails(settings: Settings, assets_dir: Path) -> None:
    database = _by_name(_run(settings, assets_dir))["database"]
    assert database.status == "FAIL" and "no database" in database.detail


def test_backup_age(healthy: Settings, assets_dir: Path) -> None:
    now = datetime.now(UTC)
    assert (
        _by_name(_run(healthy, assets_dir, now=now + timedelta(hours=30)))["backup"].status == "OK"
    )
    assert (
        _by_name(_run(healthy, assets_dir, now=now + timedelta(days=2)))["backup"].status == "WARN"
    )
    assert (
        _by_name(_run(healthy, assets_dir, now=now + timedelta(days=10)))["backup"].status == "FAIL"
    )


def test_no_backup_yet_warns(ops_settings: Settings, db: peewee.Database, assets_dir: Path) -> None:
    check = _by_name(_run(ops_settings, assets_dir))["backup"]
    assert check.status == "WARN" and "no backup yet" in check.detail


def test_fonts_missing_warns(healthy: Settings, tmp_path: Path) -> None:
    bare = tmp_path / "bare-assets"
    bare.mkdir()
    checks = _run(healthy, bare)
    assets = _by_name(checks)["assets"]
    assert assets.status == "WARN" and "no fonts" in assets.detail
    assert doctor.exit_code(checks) == 1


def test_missing_logo_fails(healthy: Settings, assets_dir: Path) -> None:
    settings = dataclasses.replace(
        healthy, documents=dataclasses.replace(healthy.documents, logo="/nowhere/logo.png")
    )
    assert _by_name(_run(settings, assets_dir))["assets"].status == "FAIL"


def test_assets_are_found_from_the_package() -> None:
    found = doctor.find_assets_dir()
    assert found is not None and found.name == "assets"


@pytest.mark.parametrize(
    ("size", "env", "status"),
    [
        ((160, 50), {"TERM": "linux"}, "OK"),
        ((60, 20), {"TERM": "xterm-256color"}, "WARN"),
        ((120, 40), {"TERM": "dumb"}, "WARN"),
        ((120, 40), {"TERM": "xterm", "NO_COLOR": "1"}, "WARN"),
    ],
)
def test_terminal(size: tuple[int, int], env: dict[str, str], status: str) -> None:
    assert doctor._check_terminal(size, env).status == status


def test_a_crashing_check_is_a_failure_not_a_crash(
    healthy: Settings, assets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("disk exploded")

    monkeypatch.setattr(doctor, "_check_disk", boom)
    checks = _by_name(_run(healthy, assets_dir))
    assert checks["disk"].status == "FAIL" and "disk exploded" in checks["disk"].detail
    assert checks["terminal"].status == "OK"  # the checks after it still ran


# --- through the CLI -------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, assets_dir: Path, fake_cups: Path) -> None:
    monkeypatch.setattr(doctor, "find_assets_dir", lambda: assets_dir)
    monkeypatch.setattr(doctor.os, "get_terminal_size", lambda fd=1: os.terminal_size((120, 40)))
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)


def _config(tmp_path: Path, settings: Settings, printer: str = "Guichet") -> Path:
    path = tmp_path / f"config-{printer}.toml"
    path.write_text(
        f'[printing]\nprinter = "{printer}"\n\n[backup]\nfolder = "{settings.backup_dir}"\n'
        f'[mail]\nhost = "{settings.mail.host}"\nport = {settings.mail.port}\n'
        f'security = "none"\nsender = "q@zone.be"\n',
        encoding="utf-8",
    )
    return path


def test_cli_doctor_exit_codes(
    cli_env: None, healthy: Settings, db_path: Path, tmp_path: Path, capsys
) -> None:
    config = _config(tmp_path, healthy)
    assert main(["--config", str(config), "--db", str(db_path), "doctor"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 11 and all(line.startswith("OK") for line in out.splitlines())

    missing = _config(tmp_path, healthy, printer="Etage2")
    assert main(["--config", str(missing), "--db", str(db_path), "doctor"]) == 2
    assert "FAIL  printer" in capsys.readouterr().out

    (healthy.backup_dir).rename(tmp_path / "moved")
    assert main(["--config", str(config), "--db", str(db_path), "doctor"]) == 1
    assert "WARN  backup" in capsys.readouterr().out


def test_cli_doctor_unreachable_database(cli_env: None, tmp_path: Path, capsys) -> None:
    code = main(["--db", "postgresql://cafepol:x@127.0.0.1:1/cafepol", "doctor"])
    captured = capsys.readouterr()
    assert code == 2
    assert "FAIL  database" in captured.out and captured.err == ""


def test_cli_doctor_broken_config(cli_env: None, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[printing]\nprinter = 3\n", encoding="utf-8")
    assert main(["--config", str(bad), "doctor"]) == 2
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("FAIL  config") and "printing.printer" in out
    assert len(out.splitlines()) == 11  # the other checks still ran, on the defaults


def test_no_printer_configured_uses_the_cups_default(
    ops_settings: Settings, db: peewee.Database, fake_cups: Path, assets_dir: Path
) -> None:
    printer = _by_name(_run(ops_settings, assets_dir))["printer"]
    assert printer.status == "OK" and "CUPS default 'Guichet'" in printer.detail


# --- damage: a dropped table, a missing column, corrupt pages ------------------------------


@pytest.fixture
def copy_of(healthy: Settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings pointing at a fresh single-file copy of a seeded database, to damage."""
    from cafepol_tui.services.demo import seed_demo

    seed_demo()

    def make(name: str) -> Settings:
        path = backup(healthy, out=tmp_path / f"{name}.sqlite3").path
        conn = sqlite3.connect(path)
        conn.execute("VACUUM")  # no free page left: any page hit is one in use
        conn.close()
        return dataclasses.replace(healthy, database_url=str(path))

    return make


def test_a_dropped_table_fails(copy_of, assets_dir: Path) -> None:
    settings = copy_of("dropped")
    with sqlite3.connect(settings.database_url) as conn:
        conn.execute("DROP TABLE concern_update")
    checks = _run(settings, assets_dir)
    database = _by_name(checks)["database"]
    assert database.status == "FAIL" and "missing from the schema: table concern_update" in (
        database.detail
    )
    assert doctor.exit_code(checks) == 2


def test_a_missing_column_fails(copy_of, assets_dir: Path) -> None:
    settings = copy_of("column")
    with sqlite3.connect(settings.database_url) as conn:
        conn.execute("ALTER TABLE registration DROP COLUMN kiosk_id")
    database = _by_name(_run(settings, assets_dir))["database"]
    assert database.status == "FAIL" and "registration.kiosk_id" in database.detail


@pytest.mark.parametrize("where", [0.3, 0.5, 0.8])
def test_corrupt_pages_fail(copy_of, assets_dir: Path, where: float) -> None:
    settings = copy_of(f"corrupt-{where}")
    path = Path(settings.database_url)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) >= 10 * page  # a seeded database: pages to spare
    start = int(len(data) * where) // page * page  # one whole page, never the header page
    # A b-tree page that holds cells: the cells of an empty one (an index of a table with no
    # row, as a demo seeded at another time has) or an overflow page's text are read by
    # nobody, and the integrity check rightly can't tell they were overwritten.
    def holds_cells(at: int) -> bool:
        return data[at] in (0x02, 0x05, 0x0A, 0x0D) and int.from_bytes(data[at + 3 : at + 5]) > 0

    while not holds_cells(start) and start + 2 * page <= len(data):
        start += page
    data[start + 8 : start + page] = bytes((i * 37 + 11) % 256 for i in range(page - 8))
    path.write_bytes(bytes(data))
    checks = _run(settings, assets_dir)
    database = _by_name(checks)["database"]
    assert database.status == "FAIL", database.line
    assert "integrity check" in database.detail or "damaged" in database.detail
    assert doctor.exit_code(checks) == 2


def test_a_sound_database_says_its_integrity_is_ok(healthy: Settings, assets_dir: Path) -> None:
    database = _by_name(_run(healthy, assets_dir))["database"]
    assert database.status == "OK" and "integrity ok" in database.detail


# --- exit status: the same in a pipe as on a terminal -----------------------------------


def _doctor_exit(settings: Settings, tmp_path: Path, *, tty: bool) -> tuple[int, str]:
    import fcntl
    import pty
    import struct
    import subprocess
    import sys
    import termios

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           "TERM": "xterm-256color"}
    config = _config(tmp_path, settings)
    argv = [sys.executable, "-m", "cafepol_tui", "--config", str(config),
            "--db", settings.database_url, "doctor"]
    if not tty:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL, check=False)
        return done.returncode, done.stdout
    leader, follower = pty.openpty()
    # A small terminal: its warning is advice, not the exit status.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 20, 60, 0, 0))
    proc = subprocess.Popen(argv, stdout=follower, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_exit_status_does_not_depend_on_a_terminal(healthy: Settings, tmp_path: Path) -> None:
    piped, piped_out = _doctor_exit(healthy, tmp_path, tty=False)
    on_tty, tty_out = _doctor_exit(healthy, tmp_path, tty=True)
    assert "OK    terminal  not a terminal" in piped_out
    assert "WARN  terminal  60×20" in tty_out and "not counted in the exit status" in tty_out
    assert piped == on_tty, (piped_out, tty_out)


def test_not_a_terminal_is_not_a_warning(healthy: Settings, assets_dir: Path) -> None:
    env = {**GOOD_TERMINAL, "PATH": os.environ["PATH"]}
    checks = doctor.run_checks(healthy, assets_dir=assets_dir, environ=env)  # pytest: no tty
    terminal = _by_name(checks)["terminal"]
    assert terminal.status == "OK" and not terminal.counts
    assert doctor.exit_code(checks) == 0


# --- CUPS missing: a failure only where a printer is configured ---------------------------


def test_no_cups_without_a_printer_configured_is_a_warning(
    ops_settings: Settings, db: peewee.Database, assets_dir: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {**GOOD_TERMINAL, "PATH": str(empty)}
    run = lambda s: _by_name(  # noqa: E731
        doctor.run_checks(s, terminal_size=(120, 40), assets_dir=assets_dir, environ=env)
    )["printer"]
    unconfigured = run(ops_settings)
    assert unconfigured.status == "WARN" and "kept as PDFs" in unconfigured.detail
    assert run(_with_printer(ops_settings)).status == "FAIL"


def test_cups_down_without_a_printer_configured_is_a_warning(
    ops_settings: Settings, db: peewee.Database, assets_dir: Path, fake_cups: Path
) -> None:
    (fake_cups / "lpstat").write_text("#!/bin/sh\necho 'scheduler is not running'\n")
    printer = _by_name(_run(ops_settings, assets_dir))["printer"]
    assert printer.status == "WARN" and "CUPS not answering" in printer.detail


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")


def test_the_mail_server_down_and_the_outbox_outage_are_said(
    healthy: Settings, assets_dir: Path, smtp: SmtpServer
) -> None:
    from cafepol_tui.services import outbox

    smtp.stop()
    outbox._set_outage("email", "SMTP 127.0.0.1: connexion refusée", datetime.now(UTC))
    found = _by_name(_run(healthy, assets_dir))
    assert found["mail"].status == "FAIL" and "not answering" in found["mail"].detail
    assert found["outbox"].status == "WARN"
    assert "email down since" in found["outbox"].detail and "connexion refusée" in found["outbox"].detail
    unconfigured = _by_name(_run(dataclasses.replace(healthy, mail=MailSettings()), assets_dir))
    assert unconfigured["mail"].status == "WARN" and not unconfigured["mail"].counts
