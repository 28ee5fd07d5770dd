"""An unexpected error inside a screen: logged, « Un instant… », then a fresh home; repeated errors exit."""

from __future__ import annotations

import fcntl
import logging
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.recovery import RecoveryScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from tests.pilot import settle, wait_for_screen, wait_until


def broken(self, *args):
    raise RuntimeError("boom in a screen")


async def recovery_shown(pilot) -> dict[str, str]:
    """What « Un instant… » says, read as soon as it is up: it goes by itself after DELAY_S,
    which a loaded machine may take to come back and look (even a `pilot.pause()`)."""
    shown: dict[str, str] = {}

    def up() -> bool:
        screen = pilot.app.screen
        if isinstance(screen, RecoveryScreen) and screen.query("#recovery-code"):
            shown.update({s.id: str(s.render()) for s in screen.query("#recovery-page > Static")
                          if s.id})
            return True
        return False

    await wait_until(pilot, up, what="« Un instant… »")
    return shown


async def test_error_in_a_screen_returns_home_and_is_logged(kiosk, monkeypatch, caplog):
    monkeypatch.setattr(RecoveryScreen, "DELAY_S", 1.0)
    monkeypatch.setattr(SignupScreen, "on_mount", broken)
    caplog.set_level(logging.ERROR, logger="cafepol")
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#signup")
        shown = await recovery_shown(pilot)
        assert "Un instant" in shown["recovery-title"]
        assert "INC-" in shown["recovery-code"]
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert isinstance(kiosk.screen, HomeScreen) and len(kiosk.screen_stack) == 1
        assert kiosk.is_running and kiosk.return_code is None
        # the fresh home works: a meeting opens again
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
    assert any("unexpected error INC-" in r.getMessage() for r in caplog.records)
    assert any("boom in a screen" in (r.exc_text or "") or r.exc_info for r in caplog.records)


async def test_repeated_errors_exit_for_a_restart(kiosk, monkeypatch):
    monkeypatch.setattr(RecoveryScreen, "DELAY_S", 0.05)
    monkeypatch.setattr(SignupScreen, "on_mount", broken)
    with pytest.raises(RuntimeError, match="boom"):  # Pilot re-raises what made the app exit
        async with kiosk.run_test(size=(100, 30)) as pilot:
            for _ in range(5):
                await settle(pilot)
                if not kiosk.is_running:
                    break
                await pilot.press("enter")
                await settle(pilot)
                incident = kiosk.incident_code
                await pilot.click("#signup")
                # The error, « Un instant… », then a fresh home; or the exit, the third time.
                await wait_until(pilot, lambda before=incident: not kiosk.is_running or (
                    kiosk.incident_code != before and kiosk.current_mode == "citizen"
                    and isinstance(kiosk.screen, HomeScreen)), what="a recovery or the exit")
    assert kiosk.return_code == 1


@pytest.mark.parametrize("where", ["callback", "body"])
async def test_error_in_a_worker_is_an_incident_then_a_fresh_home(kiosk, monkeypatch, caplog, where):
    """Workers run with exit_on_error=False: their errors used to vanish (« Chargement… »)."""
    # Long enough that a loaded machine's polling can't miss the recovery screen.
    monkeypatch.setattr(RecoveryScreen, "DELAY_S", 2.0)
    if where == "callback":  # MeetingScreen.show runs on the UI thread, via call_from_thread
        monkeypatch.setattr(MeetingScreen, "show", broken)
    else:
        monkeypatch.setattr("cafepol_tui.ui.screens.citizen.meeting.get_meeting", broken)
    caplog.set_level(logging.ERROR, logger="cafepol")
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert "INC-" in (await recovery_shown(pilot))["recovery-code"]
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert len(kiosk.screen_stack) == 1 and kiosk.is_running and kiosk.return_code is None
    incidents = [r for r in caplog.records if "unexpected error INC-" in r.getMessage()]
    assert len(incidents) == 1 and "worker:MeetingScreen" in incidents[0].getMessage()
    assert kiosk.incident_code in incidents[0].getMessage()
    assert "boom in a screen" in (incidents[0].exc_text or "")


# The real `cafepol run` on a terminal (a pty), with an error on the home screen each time it
# appears: after three recoveries in a minute it exits with status 1 for systemd.
CRASHING_KIOSK = """
import sys
from cafepol_tui.__main__ import main
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.recovery import RecoveryScreen

RecoveryScreen.DELAY_S = 0.05
mount = HomeScreen.on_mount
secret = sys.argv[2]

def boom():
    citizen_name = secret.upper()  # a local variable holding a citizen's data
    raise RuntimeError("boom on the home screen " + str(len(citizen_name)))

def on_mount(self):
    mount(self)
    self.set_timer(0.05, boom)

HomeScreen.on_mount = on_mount
sys.argv = ["cafepol", "--db", sys.argv[1]]
sys.exit(main())
"""

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def run_in_pty(argv: list[str], env: dict[str, str], timeout: float = 90.0) -> tuple[int, str]:
    """Run `argv` on a pseudo-terminal of 80x24; return its exit status and all it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                               close_fds=True, start_new_session=True)
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    return status, output.decode("utf-8", errors="replace")


def test_repeated_errors_print_one_calm_line_and_no_traceback(tmp_path):
    secret = "marie-secrete-dubois"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    for name in ("CAFEPOL_DB", "CAFEPOL_CONFIG", "CAFEPOL_LANG", "TEXTUAL"):
        env.pop(name, None)
    db = tmp_path / "kiosk.sqlite3"
    status, output = run_in_pty(
        [sys.executable, "-c", CRASHING_KIOSK, str(db), secret], env
    )
    assert status == 1
    # What stays on the terminal is what follows the end of the full-screen display.
    after = ANSI.sub("", output.rsplit("\x1b[?1049l", 1)[-1]).replace("\r", "")
    lines = [line for line in after.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert re.fullmatch(r"cafepol: .*\(INC-[0-9A-F]{6}\).*", lines[0]), lines[0]
    code = re.search(r"INC-[0-9A-F]{6}", lines[0]).group()  # type: ignore[union-attr]
    for text in (output, after):
        assert "Traceback" not in text and "locals" not in text
        assert secret.upper() not in text and "citizen_name" not in text
    # The log file has every incident's traceback, without the frames' local variables.
    log = (tmp_path / "state" / "cafepol" / "log" / "cafepol.log").read_text(encoding="utf-8")
    assert f"unexpected error {code} in screen" in log
    assert "Traceback (most recent call last)" in log and "boom on the home screen" in log
    assert secret.upper() not in log and "citizen_name =" not in log
    assert f"errors repeat ({code}): exiting for a restart" in log
