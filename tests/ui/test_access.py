"""Languages, large print, contrast and touch: the whole sign-up with clicks only, and every
choice undone for the next citizen (idle timeout, « Terminer »)."""

from __future__ import annotations

from time import monotonic

import pytest
from textual.widgets import Input, Static, TextArea

from cafepol_tui.db.models import Registration
from cafepol_tui.i18n import current_language
from cafepol_tui.services.staff import set_pin
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen
from cafepol_tui.ui.widgets.meeting_table import MeetingTable
from cafepol_tui.ui.widgets.touch_keyboard import TouchKeyboard
from tests.pilot import click_and_wait, settle, wake_kiosk
from tests.ui.conftest import chip_text, touch


def key(char: str) -> str:
    return f"#key-k{ord(char):x}"


async def type_on_screen(pilot, text: str) -> None:
    """Type with the on-screen keys: ⇧ before a capital, the space bar for a space, the accent
    layer (« àéü ») before an accented letter."""
    for char in text:
        if char == " ":
            await pilot.click("#key-space")
            continue
        if char.isupper():
            await pilot.click("#key-shift")
        if not pilot.app.screen.query(key(char.lower())):
            await click_and_wait(pilot, "#key-accents")
        await pilot.click(key(char.lower()))


async def test_whole_sign_up_with_clicks_only(kiosk, meetings):
    """No key pressed at all: language, meeting, form, name on the screen keys, consent, send."""
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await touch(pilot, "#preferences", "en")
        await settle(pilot)
        assert current_language() == "en"
        assert "Cancel a booking" in chip_text(kiosk.screen, "#actions", "cancel")

        await pilot.click(MeetingTable, offset=(10, 1))  # the first meeting, one touch
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
        assert "Your neighbourhood officer" in str(kiosk.screen.query_one("#meeting-info").render())

        await click_and_wait(pilot, "#signup")
        form = kiosk.screen
        assert isinstance(form, SignupScreen)
        assert not form.query_one(TouchKeyboard).display
        await click_and_wait(pilot, "#keyboard-toggle")
        assert form.query_one(TouchKeyboard).display
        await pilot.click("#name")
        await type_on_screen(pilot, "Marie Dubois")
        assert form.query_one("#name", Input).value == "Marie Dubois"
        await pilot.click("#more")  # focus leaves the field; the keys still type into it
        await pilot.click("#key-backspace")
        await pilot.click(key("e"))
        assert form.query_one("#name", Input).value == "Marie Duboie"

        await click_and_wait(pilot, "#keyboard-toggle")  # keys away, the rest of the form in view
        await pilot.click("#consent")
        await click_and_wait(pilot, "#submit")
        assert isinstance(kiosk.screen, ConfirmationScreen)
        assert "Your booking is confirmed" in str(
            kiosk.screen.query_one("#confirmation-headline", Static).render())
        saved = Registration.get(Registration.meeting == meetings[0].id)
        assert saved.name == "Marie Duboie" and saved.people == 2

        await click_and_wait(pilot, "#finish")  # « Terminer »: the next citizen starts in French
        assert isinstance(kiosk.screen, HomeScreen) and current_language() == "fr"
        assert "Annuler une inscription" in chip_text(kiosk.screen, "#actions", "cancel")


async def test_digits_and_email_on_the_screen_keys(kiosk):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.click(MeetingTable, offset=(10, 1))
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        await pilot.click("#keyboard-toggle")
        await click_and_wait(pilot, "#email")
        await type_on_screen(pilot, "léa")
        await click_and_wait(pilot, "#key-digits")
        for char in "@.":
            await pilot.click(key(char))
        await click_and_wait(pilot, "#key-letters")
        await pilot.click(key("b"))
        await pilot.click(key("e"))
        assert kiosk.screen.query_one("#email", Input).value == "léa@.be"
        # The reminder offered under the e-mail pushed the topic down: scroll to it, as a finger would.
        kiosk.screen.query_one("#topic").scroll_visible(animate=False)
        await settle(pilot)
        await pilot.click("#topic")
        await type_on_screen(pilot, "Vitesse")
        assert kiosk.screen.query_one("#topic", TextArea).text == "Vitesse"


async def test_staff_pin_with_the_screen_digits(kiosk, db):
    set_pin("Greffe", "482913", "counter")
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await touch(pilot, "#staff-entry", "staff")
        await settle(pilot)
        for digit in "482913":
            await pilot.click(key(digit))
        await click_and_wait(pilot, "#submit-pin")
        assert isinstance(kiosk.screen, StaffHomeScreen)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
async def test_meeting_screen_keyboard_order(kiosk, large):
    """The part that scrolls (the text beside the QR code, in both print sizes) has the focus
    first; Tab then reaches « Retour » and « S'inscrire »."""
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        kiosk.set_large_print(large)
        kiosk.screen.query_one("#meetings").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
        order = [kiosk.focused.id if kiosk.focused else None]
        for _ in range(3):
            await pilot.press("tab")
            order.append(kiosk.focused.id if kiosk.focused else None)
        assert order == ["meeting-left", "back", "signup", "meeting-left"]
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        assert isinstance(kiosk.screen, SignupScreen)


async def test_language_print_and_contrast_reset_after_idle(kiosk):
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for bar, chip in (("#preferences", "nl"), ("#preferences", "large-print"),
                          ("#actions", "high-contrast")):
            await touch(pilot, bar, chip)
            await settle(pilot)
        assert current_language() == "nl" and kiosk.large_print and kiosk.high_contrast
        assert "Inschrijving annuleren" in chip_text(kiosk.screen, "#actions", "cancel")
        assert chip_text(kiosk.screen, "#preferences", "nl").startswith("✓")  # said by a mark, not a colour
        assert chip_text(kiosk.screen, "#preferences", "large-print").startswith("✓")
        assert kiosk.screen.query_one(MeetingTable).large  # two columns in large print
        assert len(kiosk.screen.query_one(MeetingTable).columns) == 2

        kiosk.screen.query_one("#meetings").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
        kiosk.check_inactivity(now=monotonic() + 61)
        await settle(pilot)
        home = await wake_kiosk(pilot)
        assert isinstance(home, HomeScreen) and len(kiosk.screen_stack) == 1
        assert current_language() == "fr"
        assert not kiosk.large_print and not kiosk.high_contrast
        assert kiosk.theme == kiosk.default_theme
        assert "Annuler une inscription" in chip_text(home, "#actions", "cancel")
        assert chip_text(home, "#preferences", "fr").startswith("✓")
        assert len(home.query_one(MeetingTable).columns) == 3


async def test_the_configured_language_is_the_default(settings, db, meetings):
    import dataclasses

    from cafepol_tui.ui.app import make_app

    app = make_app(dataclasses.replace(settings, language="de"), db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert current_language() == "de"
        assert "Anmeldung stornieren" in chip_text(app.screen, "#actions", "cancel")
        await touch(pilot, "#preferences", "fr")
        await settle(pilot)
        app.check_inactivity(now=monotonic() + 3600)
        await settle(pilot)
        assert current_language() == "de"
