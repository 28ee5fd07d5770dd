"""One step at a time: where the citizen is, a party too large told what to do, help at hand."""

from __future__ import annotations

from textual.widgets import Input

from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.help import HelpScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.widgets.party_size import PartySize
from tests.pilot import at_rest, click_and_wait, screen_text, settle, wait_for_screen
from tests.ui.conftest import touch


async def open_form(pilot) -> SignupScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await click_and_wait(pilot, "#signup")
    return await wait_for_screen(pilot, SignupScreen)  # type: ignore[return-value]


async def test_the_steps_the_party_limit_and_help(kiosk, meetings):
    async with kiosk.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await at_rest(pilot)
        assert "1 Rencontre  ›  2 Vos coordonnées  ›  3 Confirmation" in screen_text(kiosk)
        party = form.query_one(PartySize)
        assert not form.query_one("#party-max").display
        for _ in range(party.maximum - 1):
            await click_and_wait(pilot, "#more")
        assert party.value == party.maximum
        assert form.query_one("#party-max").display
        message = form.query_one("#party-max")
        assert str(message.render()) == "Plus de 4 personnes ? Adressez-vous au guichet."
        assert message.region.height == 3 and message.region.right <= 80  # whole, wrapped

        form.query_one("#name", Input).value = "Marie Dubois"
        await click_and_wait(pilot, "#help-button")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        await at_rest(pilot)
        assert "guichet" in screen_text(kiosk)
        assert help_screen.query_one("#help-heading").region.height >= 3  # block letters
        await click_and_wait(pilot, "#close-help")
        assert kiosk.screen is form and form.query_one("#name", Input).value == "Marie Dubois"

        form.query_one("#consent").value = True
        await click_and_wait(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen)
        await at_rest(pilot)
        assert "3 Confirmation" in screen_text(kiosk)


async def test_help_from_the_home_screen(kiosk, meetings):
    """« Besoin d'aide ? » on the home screen too: where the counter is, in block letters,
    without promising to keep a form there is none of."""
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = kiosk.screen
        await touch(pilot, "#actions", "help")
        help_screen = await wait_for_screen(pilot, HelpScreen)
        await at_rest(pilot)
        text = screen_text(kiosk)
        assert "guichet" in text and "n'est perdu" not in text
        assert help_screen.query_one("#help-heading").region.height >= 3
        await click_and_wait(pilot, "#close-help")
        assert kiosk.screen is home
