"""What the citizen sees: home, meeting and form with errors in each language at 80×24 (and in
French at 120×40), the confirmation, large print, high contrast and the on-screen keyboard.

The clock is frozen and the data fixed, so the pictures only change when the screens do.
The language, large print and contrast are chosen the way a citizen does: a click on home.
Update with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at the report.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from tests.pilot import at_rest, click_and_wait, settle
from tests.ui.conftest import touch

LARGE_PRINT = ("#preferences", "large-print")
HIGH_CONTRAST = ("#actions", "high-contrast")

CASES = [("fr", (80, 24)), ("nl", (80, 24)), ("de", (80, 24)), ("en", (80, 24)),
         ("fr", (120, 40))]
IDS = [f"{lang}-{w}x{h}" for lang, (w, h) in CASES]


async def choose(pilot, *chips: tuple[str, str]) -> None:
    """Touch home-screen chips (language, large print, contrast) as a citizen would."""
    await settle(pilot)
    for bar, chip in chips:
        await touch(pilot, bar, chip)
        await settle(pilot)


async def open_meeting(pilot, *chips: tuple[str, str]) -> None:
    await choose(pilot, *chips)
    pilot.app.screen.query_one("#meetings").focus()
    await pilot.press("enter")
    await settle(pilot)


async def bad_form(pilot, *chips: tuple[str, str]) -> None:
    await open_meeting(pilot, *chips)
    await click_and_wait(pilot, "#signup")
    pilot.app.screen.query_one("#phone", Input).value = "12"
    pilot.app.screen.query_one("#email", Input).value = "marie@"
    await pilot.click("#submit")
    await at_rest(pilot)
    # The focused field's cursor blinks on a timer: a loaded machine photographed it lit.
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def language_button(lang: str) -> tuple[tuple[str, str], ...]:
    return () if lang == "fr" else (("#preferences", lang),)


@pytest.mark.parametrize(("lang", "size"), CASES, ids=IDS)
def test_home(kiosk, snap_compare, lang, size):
    async def ready(pilot):
        await choose(pilot, *language_button(lang))
        pilot.app.screen.query_one("#meetings").focus()
        await settle(pilot)

    assert snap_compare(kiosk, terminal_size=size, run_before=ready)


@pytest.mark.parametrize(("lang", "size"), CASES, ids=IDS)
def test_meeting(kiosk, snap_compare, lang, size):
    async def ready(pilot):
        await open_meeting(pilot, *language_button(lang))

    assert snap_compare(kiosk, terminal_size=size, run_before=ready)


@pytest.mark.parametrize(("lang", "size"), CASES, ids=IDS)
def test_form_with_errors(kiosk, snap_compare, lang, size):
    async def ready(pilot):
        await bad_form(pilot, *language_button(lang))

    assert snap_compare(kiosk, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_confirmation(kiosk, snap_compare, size, monkeypatch):
    monkeypatch.setattr("cafepol_tui.services.registrations.new_reference", lambda: "K7M3QX")

    async def signed_up(pilot):
        await open_meeting(pilot)
        await click_and_wait(pilot, "#signup")
        pilot.app.screen.query_one("#name", Input).value = "Marie Dubois"
        pilot.app.screen.query_one("#consent", Checkbox).value = True
        await pilot.click("#submit")
        await at_rest(pilot)

    assert snap_compare(kiosk, terminal_size=size, run_before=signed_up)


def test_large_print_home(kiosk, snap_compare):
    async def ready(pilot):
        await choose(pilot, LARGE_PRINT)

    assert snap_compare(kiosk, terminal_size=(80, 24), run_before=ready)


def test_large_print_meeting(kiosk, snap_compare):
    async def ready(pilot):
        await open_meeting(pilot, LARGE_PRINT)

    assert snap_compare(kiosk, terminal_size=(80, 24), run_before=ready)


def test_large_print_form(kiosk, snap_compare):
    async def ready(pilot):
        await bad_form(pilot, LARGE_PRINT)

    assert snap_compare(kiosk, terminal_size=(80, 24), run_before=ready)


def test_high_contrast_home(kiosk, snap_compare):
    async def ready(pilot):
        await choose(pilot, HIGH_CONTRAST)
        pilot.app.screen.query_one("#meetings").focus()
        await settle(pilot)

    assert snap_compare(kiosk, terminal_size=(80, 24), run_before=ready)


def test_form_with_touch_keyboard(kiosk, snap_compare):
    async def ready(pilot):
        await open_meeting(pilot)
        await click_and_wait(pilot, "#signup")
        await pilot.click("#keyboard-toggle")
        await pilot.click("#key-shift")
        await pilot.click("#key-k6d")  # m
        pilot.app.screen.query_one("#name", Input).cursor_blink = False  # shown, not timed
        await at_rest(pilot)

    assert snap_compare(kiosk, terminal_size=(80, 24), run_before=ready)
