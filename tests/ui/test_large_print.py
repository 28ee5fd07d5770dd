"""Large print that is large: titles, the reference code and the day in block letters."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.widgets.big_text import block_lines
from tests.pilot import at_rest, click_and_wait, screen_text, settle, wait_for_screen
from tests.ui.conftest import touch
from tests.ui.test_qr_widget import as_image

BLOCKS = set("▀▄█")


def drawn(widget) -> str:
    return str(widget.render())


def test_block_letters_are_three_rows_and_wrap_by_words():
    lines = block_lines("K7M 3QX", 80)
    assert len(lines) == 3 and all(set(line) <= BLOCKS | {" "} for line in lines)
    assert len(block_lines("Annuler une inscription", 60)) == 6  # two lines of letters


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_code_day_and_titles_are_big_in_large_print(kiosk, meetings, size):
    async with kiosk.run_test(size=size) as pilot:
        await settle(pilot)
        await touch(pilot, "#preferences", "large-print")
        await settle(pilot)
        pilot.app.screen.query_one("#meetings").focus()
        await pilot.press("enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        form = pilot.app.screen
        heading = form.query_one("#signup-heading")
        assert BLOCKS & set(drawn(heading)) and heading.region.height >= 3
        form.query_one("#name", Input).value = "Marie Dubois"
        form.query_one("#consent").value = True
        await click_and_wait(pilot, "#submit")
        screen = await wait_for_screen(pilot, ConfirmationScreen)
        await at_rest(pilot)
        reference = screen.query_one("#reference")
        assert BLOCKS & set(drawn(reference)) and reference.region.height >= 5
        when = screen.query_one("#confirmation-when")
        assert when.display and BLOCKS & set(drawn(when))
        for button in ("#finish", "#print-slip"):  # still on the screen, not scrolled away
            region = screen.query_one(button).region
            assert region.bottom <= size[1] and region.height > 0


async def test_the_code_is_big_in_normal_print_too(kiosk, meetings):
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        form = pilot.app.screen
        form.query_one("#name", Input).value = "Marie Dubois"
        form.query_one("#consent").value = True
        await click_and_wait(pilot, "#submit")
        screen = await wait_for_screen(pilot, ConfirmationScreen)
        await at_rest(pilot)
        assert BLOCKS & set(drawn(screen.query_one("#reference")))
        assert not screen.query_one("#confirmation-when").display
        assert "Votre code de référence" in screen_text(pilot.app)


async def open_first_meeting(pilot, large: bool) -> None:
    """From home, in the print size asked for, open the first meeting by the keyboard."""
    await settle(pilot)
    if large:
        await touch(pilot, "#preferences", "large-print")
        await settle(pilot)
    pilot.app.screen.query_one("#meetings").focus()
    await pilot.press("enter")


@pytest.mark.parametrize("large", [True, False], ids=["large", "normal"])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_the_meeting_qr_is_whole_above_the_buttons(kiosk, meetings, size, large):
    """Whole on the screen, never under the buttons, and a phone reads it: the drawn lines are
    rebuilt into an image and decoded with zxing-cpp."""
    zxingcpp = pytest.importorskip("zxingcpp")
    async with kiosk.run_test(size=size) as pilot:
        await open_first_meeting(pilot, large)
        await at_rest(pilot)
        screen = pilot.app.screen
        qr = screen.query_one("#qr")
        shown = screen._compositor.find_widget(qr).visible_region
        assert shown == qr.region and qr.region.height == len(qr.lines)  # not clipped
        assert screen.region.contains_region(qr.region)
        for button in screen.query(".actions Button"):
            assert not button.region.overlaps(qr.region)
        drawn_lines = [qr.render_line(y).text for y in range(qr.region.height)]
    decoded = zxingcpp.read_barcodes(as_image(drawn_lines))
    assert [code.text for code in decoded] == [qr.url]


@pytest.mark.parametrize("large", [True, False], ids=["large", "normal"])
async def test_consent_and_confirm_are_in_sight_at_80x24(kiosk, meetings, large):
    """No scrolling to find the box to tick nor the button it unlocks, errors shown or not."""
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await open_first_meeting(pilot, large)
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        form = pilot.app.screen

        def in_sight(selector: str) -> bool:
            widget = form.query_one(selector)
            region = widget.region
            shown = form._compositor.find_widget(widget).visible_region
            return region.height > 0 and shown == region and region.bottom <= 24

        assert in_sight("#consent") and in_sight("#submit")
        await click_and_wait(pilot, "#submit")  # nothing filled in: the errors come up
        assert "⚠" in drawn(form.query_one("#error-consent"))
        assert in_sight("#consent") and in_sight("#error-consent") and in_sight("#submit")
        await click_and_wait(pilot, "#consent")
        assert form.query_one("#consent").value
