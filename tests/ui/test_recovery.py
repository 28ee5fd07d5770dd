"""An unexpected error inside a screen: logged, « Un instant… », then a fresh home; repeated errors exit."""

from __future__ import annotations

import logging

import pytest

from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.recovery import RecoveryScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from tests.ui.conftest import settle


def broken(self, *args):
    raise RuntimeError("boom in a screen")


async def wait_for(pilot, screen_type, seconds: float = 10.0) -> None:
    """Poll (a loaded CI machine is slow), failing only after `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if isinstance(pilot.app.screen, screen_type):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{screen_type.__name__} never came; on {pilot.app.screen!r}")


async def test_error_in_a_screen_returns_home_and_is_logged(kiosk, monkeypatch, caplog):
    monkeypatch.setattr(RecoveryScreen, "DELAY_S", 1.0)
    monkeypatch.setattr(SignupScreen, "on_mount", broken)
    caplog.set_level(logging.ERROR, logger="cafepol")
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#signup")
        await wait_for(pilot, RecoveryScreen)
        await pilot.pause()
        assert "Un instant" in str(kiosk.screen.query_one("#recovery-title").render())
        assert "INC-" in str(kiosk.screen.query_one("#recovery-code").render())
        await wait_for(pilot, HomeScreen)
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
                await pilot.click("#signup")
                await pilot.pause(0.2)
    assert kiosk.return_code == 1
