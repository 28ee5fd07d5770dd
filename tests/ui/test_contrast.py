"""Contrast measured, not hoped for: every drawn character of every citizen screen, in both
themes, against WCAG 2.2 (4.5:1 normal, 7:1 AAA in high contrast), from the compositor's cells."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.widgets import Input

from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.welcome import WelcomeScreen
from tests.factories import sign_up
from tests.pilot import at_rest, click_and_wait, settle, wait_for_screen
from tests.ui.conftest import touch

MINIMUM = {"normal": 4.5, "contrast": 7.0}


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c8 = c / 255
        return c8 / 12.92 if c8 <= 0.04045 else ((c8 + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def is_text(char: str) -> bool:
    """Letters, digits, punctuation: not spaces, nor the box and block glyphs of borders
    (non-text, WCAG 1.4.11)."""
    return not char.isspace() and not 0x2500 <= ord(char) <= 0x259F


def colours(style: Style) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    if style.color is None or style.bgcolor is None:
        return None
    fg = tuple(style.color.get_truecolor())
    bg = tuple(style.bgcolor.get_truecolor())
    return (bg, fg) if style.reverse else (fg, bg)  # type: ignore[return-value]


def failures(app, where: str, minimum: float) -> list[str]:
    """Each run of text drawn below `minimum`, with its colours and ratio."""
    found: list[str] = []
    compositor = app.screen._compositor
    for y, strip in enumerate(compositor.render_strips()):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style
            start, x = x, x + segment.cell_length
            if style is None or not any(is_text(c) for c in text):
                continue
            widget, _ = compositor.get_widget_at(start, y)
            if widget.disabled:  # an inactive control (« − » at one person): exempt in WCAG
                continue
            pair = colours(style)
            if pair is None:
                found.append(f"{where} row {y}: {text.strip()!r} has no colours")
                continue
            measured = ratio(*pair)
            if measured < minimum:
                found.append(f"{where} row {y}: {text.strip()!r} {pair} {measured:.2f}:1")
    return found


async def walk(pilot, theme: str, booked: str) -> list[str]:
    """Home, meeting, form with errors, confirmation, waiting list, cancel, status, PIN, help
    and the welcome screen."""
    app = pilot.app
    minimum = MINIMUM[theme]
    seen: list[str] = []

    async def look(where: str) -> None:
        await at_rest(pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
        seen.extend(failures(app, where, minimum))

    await settle(pilot)
    if theme == "contrast":
        await touch(pilot, "#actions", "high-contrast")
        await settle(pilot)
    await look("home")
    for index, where in ((0, "meeting"), (1, "full meeting")):
        app.screen.query_one("#meetings").focus()
        await pilot.press(*["down"] * index, "enter")
        await settle(pilot)
        await look(where)
        await click_and_wait(pilot, "#signup")
        form = app.screen
        form.query_one("#phone", Input).value = "12"
        await pilot.click("#submit")
        await look(f"{where}: form with errors")
        form.query_one("#phone", Input).value = ""
        form.query_one("#name", Input).value = "Marie Dubois"
        form.query_one("#consent").value = True
        await click_and_wait(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen)
        await look(f"{where}: confirmation")
        await click_and_wait(pilot, "#finish")
        if theme == "contrast":
            await touch(pilot, "#actions", "high-contrast")
            await settle(pilot)
    await touch(pilot, "#actions", "cancel")
    await settle(pilot)
    await pilot.press(*booked.lower(), "enter")
    await settle(pilot)
    await look("cancel")
    await click_and_wait(pilot, "#back")
    await touch(pilot, "#actions", "follow")
    await settle(pilot)
    await pilot.press(*booked.lower(), "enter")
    await settle(pilot)
    await look("status")
    await click_and_wait(pilot, "#back")
    await touch(pilot, "#staff-entry", "staff")
    await settle(pilot)
    await look("PIN")
    await click_and_wait(pilot, "#back")
    await touch(pilot, "#actions", "help")
    await settle(pilot)
    await look("help")
    await click_and_wait(pilot, "#close-help")
    # The calm screen after the idle reset (the reset brings the default theme back; a zone
    # whose default is high contrast shows it in that theme, so both are measured).
    app.push_screen(WelcomeScreen())
    await wait_for_screen(pilot, WelcomeScreen)
    await settle(pilot)
    await look("welcome")
    return seen


@pytest.mark.parametrize("theme", ["normal", "contrast"])
async def test_every_citizen_screen_meets_wcag(kiosk, meetings, theme):
    booked = sign_up(meetings[0], "Marie Dubois", 1).reference
    async with kiosk.run_test(size=(120, 40)) as pilot:
        seen = await walk(pilot, theme, booked)
    assert not seen, "\n".join(seen)


async def test_the_consent_box_looks_different_ticked_and_unticked(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        box = pilot.app.screen.query_one("#consent")
        unticked = box.render().plain
        box.value = True
        await pilot.pause()
        ticked = box.render().plain
        assert "✔" in ticked and "✔" not in unticked and "X" not in unticked


async def test_no_glyph_a_terminal_font_lacks_on_the_confirmation(kiosk, meetings):
    from tests.pilot import screen_text

    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        form = pilot.app.screen
        form.query_one("#name", Input).value = "Marie Dubois"
        form.query_one("#consent").value = True
        await click_and_wait(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen)
        await at_rest(pilot)
        text = screen_text(pilot.app)
        assert "Imprimer ma confirmation" in text
        assert not [c for c in text if ord(c) > 0xFFFF], "a glyph outside the basic plane"
