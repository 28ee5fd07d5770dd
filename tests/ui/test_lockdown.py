"""A citizen can't quit, suspend, open the palette or reach staff functions with any key."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from tests.pilot import settle

DANGEROUS_KEYS = [
    "ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p", "ctrl+d", "escape", "q",
    *[f"f{n}" for n in range(1, 13)],
]


@pytest.mark.parametrize("key", DANGEROUS_KEYS)
async def test_key_does_nothing_harmful_on_home(kiosk, key, monkeypatch):
    suspended = []
    monkeypatch.setattr(type(kiosk), "action_suspend_process", lambda self: suspended.append(1))
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert kiosk.is_running and kiosk.return_code is None
        assert isinstance(kiosk.screen, HomeScreen)
        assert not any(isinstance(s, CommandPalette) for s in kiosk.screen_stack)
        assert kiosk.staff_user is None
        assert not suspended


async def test_keys_on_a_meeting_screen_at_most_go_back(kiosk):
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
        for key in DANGEROUS_KEYS:
            await pilot.press(key)
            await settle(pilot)
            assert kiosk.is_running and kiosk.return_code is None
            assert isinstance(kiosk.screen, (HomeScreen, MeetingScreen))
            assert not any(isinstance(s, CommandPalette) for s in kiosk.screen_stack)


def test_app_declares_no_inherited_bindings_and_no_palette(kiosk):
    assert kiosk.ENABLE_COMMAND_PALETTE is False
    keys = {binding.key for _, binding in kiosk._bindings}
    assert not keys & {"ctrl+q", "ctrl+c", "ctrl+p", "ctrl+z"}
