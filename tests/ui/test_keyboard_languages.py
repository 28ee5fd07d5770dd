"""« Jérôme Müller-Noël » typed by touches alone, on each language's keyboard."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cafepol_tui.i18n import current_language
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.widgets.meeting_table import MeetingTable
from cafepol_tui.ui.widgets.touch_keyboard import LETTERS_BY_LANGUAGE, TouchKeyboard
from tests.pilot import click_and_wait, settle, wait_for_screen
from tests.ui.conftest import touch

NAME = "Jérôme Müller-Noël"


def key(char: str) -> str:
    return f"#key-k{ord(char):x}"


@pytest.mark.parametrize(
    ("lang", "first_row"),
    [("fr", "azertyuiop"), ("nl", "azertyuiop"), ("de", "qwertzuiopü"), ("en", "qwertyuiop")],
)
async def test_a_name_with_accents_by_touch_in_each_language(kiosk, meetings, lang, first_row):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await touch(pilot, "#preferences", lang)
        await settle(pilot)
        assert current_language() == lang
        await pilot.click(MeetingTable, offset=(10, 1))  # the first meeting, one touch
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        form = await wait_for_screen(pilot, SignupScreen)
        await settle(pilot)
        await click_and_wait(pilot, "#keyboard-toggle")
        keyboard = form.query_one(TouchKeyboard)
        rows = keyboard.query(".key-row")
        assert "".join(k.name for k in rows.first().children) == first_row
        labels = {str(k.label) for k in keyboard.query(".key")}
        assert {"Espace", "⇧ Majuscule", "⌫ Effacer", "Suivant →"} <= labels or lang != "fr"
        letters = {k for row in LETTERS_BY_LANGUAGE[lang] for k in row}
        for char in NAME:
            plain = char.lower()
            if char == " ":
                await pilot.click("#key-space")
            elif plain in letters:
                await pilot.click(key(plain))
            else:
                await click_and_wait(pilot, "#key-accents")
                await pilot.click(key(plain))
            await settle(pilot)
        assert form.query_one("#name", Input).value == NAME
        await pilot.click("#key-next")  # « Suivant »: the next field
        await settle(pilot)
        assert form.focused is not form.query_one("#name")
