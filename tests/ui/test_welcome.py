"""The calm screen when nobody is there: after the idle reset, the next meetings in block letters
and « Touchez l'écran pour commencer »; the first touch or key wakes the kiosk and does nothing
else."""

from __future__ import annotations

from time import monotonic

import pytest

from cafepol_tui.i18n import current_language
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.welcome import WelcomeScreen, meetings_that_fit
from cafepol_tui.ui.widgets.big_text import BigText, block_lines
from cafepol_tui.ui.widgets.chip_bar import ChipBar
from tests.pilot import at_rest, screen_text, settle, wait_for_screen, wait_until


async def fall_idle(pilot) -> WelcomeScreen:
    app = pilot.app
    app.check_inactivity(now=monotonic() + 61)
    welcome = await wait_for_screen(pilot, WelcomeScreen)
    await wait_until(pilot, lambda: welcome.query(".welcome-when"), what="the meetings drawn")
    await at_rest(pilot)
    return welcome  # type: ignore[return-value]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_calm_screen_shows_the_next_meetings_whole(kiosk, meetings, size):
    async with kiosk.run_test(size=size) as pilot:
        await settle(pilot)
        welcome = await fall_idle(pilot)
        whens = list(welcome.query(".welcome-when").results(BigText))
        assert len(whens) == meetings_that_fit(size[1]) >= 1
        assert whens[0].text == "mar. 8 déc. 10 h"  # the soonest first
        # Drawn in block letters, three rows tall, and nothing below the last row of the screen.
        assert whens[0].region.height == 3
        touch = welcome.query_one("#welcome-touch", BigText)
        assert touch.text == "Touchez l'écran pour commencer"
        assert touch.region.height == len(block_lines(touch.text, touch.region.width)) >= 3
        others = welcome.query_one("#welcome-others")
        assert others.region.bottom <= size[1]
        drawn = " ".join(screen_text(kiosk).split())
        assert "Raak het scherm aan om te beginnen" in drawn
        assert "Berühren Sie den Bildschirm, um zu beginnen" in drawn
        assert "Touch the screen to start" in drawn
        assert "Maison communale" in drawn or "Cafétéria du Grand-Hornu" in drawn
        assert "Wiśniewski" not in drawn  # no citizen's name, ever


async def test_a_touch_wakes_the_kiosk_and_does_nothing_else(kiosk, meetings):
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await fall_idle(pilot)
        # Where the Dutch chip is drawn on the home below: the touch must not choose Dutch.
        home = kiosk.screen_stack[0]
        bar = home.query_one("#preferences", ChipBar)
        dx, dy = bar.chip_offset("nl")
        x, y = bar.region.x + dx, bar.region.y + dy
        await pilot.click(offset=(x, y))
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert current_language() == "fr"
        assert len(kiosk.screen_stack) == 1
        # The next touch, once the home is seen, acts as usual.
        await at_rest(pilot)
        await pilot.click(offset=(x, y))
        await wait_until(pilot, lambda: current_language() == "nl", what="Dutch chosen")


async def test_a_key_wakes_the_kiosk_without_opening_a_meeting(kiosk, meetings):
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await fall_idle(pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert not isinstance(kiosk.screen, MeetingScreen) and len(kiosk.screen_stack) == 1
        await at_rest(pilot)
        await pilot.press("enter")
        await wait_for_screen(pilot, MeetingScreen)


async def test_the_calm_screen_stays_while_nobody_comes(kiosk, meetings):
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        welcome = await fall_idle(pilot)
        kiosk.check_inactivity(now=monotonic() + 3600)
        await settle(pilot)
        assert kiosk.screen is welcome and len(kiosk.screen_stack) == 2


def test_how_many_meetings_fit():
    assert meetings_that_fit(24) == 2
    assert meetings_that_fit(30) == 3
    assert meetings_that_fit(10) == 1
