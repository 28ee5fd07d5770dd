"""The kiosk's « Suivre mon inscription ou ma demande », « Vous nous avez dit… » and the
sign-up's reminder and no-contact notice, with Pilot."""

from __future__ import annotations

from datetime import date, timedelta
from time import monotonic

from textual.widgets import Checkbox, Input, Static

from cafepol_tui.db.models import Concern, ConcernUpdate, Meeting, Registration, Theme
from cafepol_tui.statuses import ConcernStatus, MeetingStatus
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.neighbourhood import NeighbourhoodScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.screens.citizen.status import StatusScreen
from tests.conftest import FIXED_NOW
from tests.factories import FIXED_START, make_meeting, sign_up
from tests.pilot import click_and_wait, screen_text, settle, wait_until, wake_kiosk
from tests.ui.conftest import touch

NAME = "Marie-Thérèse Vandenbroucke"


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_status(pilot, code: str) -> StatusScreen:
    await settle(pilot)
    await touch(pilot, "#actions", "follow")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatusScreen)
    await pilot.click("#code")
    await pilot.press(*code)
    await click_and_wait(pilot, "#lookup")
    return screen


async def test_a_code_shows_its_state_and_no_name(kiosk, meetings):
    full = meetings[1]
    waiting = sign_up(full, NAME, 1, now=FIXED_NOW, phone="0470 12 34 56", email="mtv@example.be")
    async with kiosk.run_test(size=(120, 40)) as pilot:
        screen = await open_status(pilot, waiting.reference.lower())
        found = text_of(screen, "#status-found")
        assert "Sur la liste d'attente" in found and "n° 2 sur la liste d'attente" in found
        assert "Cafétéria du Grand-Hornu" in found and "Boussu" in found
        shot = screen_text(kiosk)
        assert "Grand-Hornu" in shot  # the picture's text is read
        for secret in (NAME, "Vandenbroucke", "mtv@", "470", "Wiśniewski", "Nguyễn"):
            assert secret not in shot and secret not in found
        assert screen.query_one("#move").display is False
        assert screen.query_one("#touch-keyboard").display is False  # room for the answer

        screen.query_one("#code", Input).value = "ZZZZZZ"
        await click_and_wait(pilot, "#lookup")
        assert "aucune inscription ni demande" in text_of(screen, "#error-code")

        screen.query_one("#code", Input).value = "ABC"
        await click_and_wait(pilot, "#lookup")
        assert "6 caractères" in text_of(screen, "#error-code")

        kiosk.check_inactivity(now=monotonic() + 61)
        await settle(pilot)
        await wake_kiosk(pilot)
        assert isinstance(kiosk.screen, HomeScreen) and len(kiosk.screen_stack) == 1


async def test_a_concern_reference_shows_the_reply(kiosk, meetings):
    theme = Theme.get(Theme.name == "Sentiment d'insécurité")
    c = Concern.create(
        meeting=meetings[0],
        commune=meetings[0].commune_id,
        theme=theme,
        description=f"{NAME} a peur le soir",
        place="Rue de la Gare",
        contact_name=NAME,
        due_on=date(2026, 12, 20),
        reference="K7M3QXA",
        status=ConcernStatus.FEEDBACK_GIVEN,
        reply_text="Patrouilles renforcées.",
        feedback_at=FIXED_NOW,
    )
    ConcernUpdate.create(concern=c, status="in_progress", note="Vu avec la commune", public=True)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        screen = await open_status(pilot, "K7M 3QX A")
        found = text_of(screen, "#status-found")
        assert "Demande K7M3QXA" in found and "Retour donné" in found
        assert "Patrouilles renforcées." in found and "Vu avec la commune" in found
        assert "Sentiment d'insécurité — Rue de la Gare" in found
        assert NAME not in screen_text(kiosk) and "a peur" not in found


async def test_a_cancelled_meeting_offers_its_replacement(kiosk, meetings, monkeypatch):
    from cafepol_tui.services import registrations

    first = meetings[0]
    result = sign_up(first, NAME, 1, now=FIXED_NOW)
    later = make_meeting(starts_at=FIXED_START + timedelta(days=14), place="Salle des fêtes")
    Meeting.update(
        status=MeetingStatus.CANCELLED, cancel_reason="Salle inondée", replacement_id=later.id
    ).where(Meeting.id == first.id).execute()
    if not hasattr(registrations, "move_to_replacement"):  # lands with the notices
        calls: list[str] = []

        def move_to_replacement(reference, *, actor=None, now=None):
            calls.append(reference)
            return registrations.SignupResult(reference, "confirmed", None, later.id, 1)

        monkeypatch.setattr(
            registrations, "move_to_replacement", move_to_replacement, raising=False
        )
    async with kiosk.run_test(size=(120, 40)) as pilot:
        screen = await open_status(pilot, result.reference)
        found = text_of(screen, "#status-found")
        assert "Cette rencontre est annulée. Salle inondée" in found
        assert "Salle des fêtes" in found
        move = screen.query_one("#move")
        assert move.display is True
        assert "M'inscrire à la rencontre du mardi 22 décembre 2026" in str(move.label)


async def test_neighbourhood_screen_lists_what_was_done(kiosk, meetings):
    theme = Theme.get(Theme.name == "Sentiment d'insécurité")
    Concern.create(
        meeting=meetings[1],
        commune=meetings[1].commune_id,
        theme=theme,
        description=f"{NAME} se plaint",
        place="Place de Boussu",
        contact_name=NAME,
        due_on=date(2026, 12, 20),
        reference="BOUSSU2",
        status=ConcernStatus.FEEDBACK_GIVEN,
        reply_text="Éclairage réparé.",
        created_at=FIXED_NOW - timedelta(days=10),
    )
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await touch(pilot, "#actions", "neighbourhood")
        await settle(pilot)
        screen = kiosk.screen
        assert isinstance(screen, NeighbourhoodScreen)
        await touch(pilot, "#nb-communes", "Boussu")
        await settle(pilot)
        await wait_until(pilot, lambda: "Boussu —" in text_of(screen, "#nb-list"))
        listing = text_of(screen, "#nb-list")
        assert "Sentiment d'insécurité — Place de Boussu" in listing
        assert "Éclairage réparé." in listing and "novembre 2026" in listing
        assert NAME not in screen_text(kiosk) and "se plaint" not in listing
        await touch(pilot, "#nb-communes", "Quaregnon")
        await settle(pilot)
        await wait_until(pilot, lambda: "Aucune demande" in text_of(screen, "#nb-list"))


async def fill_form(pilot, name: str) -> SignupScreen:
    await settle(pilot)
    pilot.app.screen.query_one("#meetings").focus()
    await pilot.press("enter")
    await settle(pilot)
    await click_and_wait(pilot, "#signup")
    form = pilot.app.screen
    assert isinstance(form, SignupScreen)
    form.query_one("#name", Input).value = name
    form.query_one("#consent", Checkbox).value = True
    await settle(pilot)
    return form


async def test_no_contact_notice_then_still_confirmed(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        form = await fill_form(pilot, NAME)
        notice = form.query_one("#no-contact-notice")
        assert notice.display is True
        assert "Sans téléphone ni e-mail, personne ne pourra vous prévenir" in text_of(
            form, "#no-contact-notice"
        )
        assert form.query_one("#reminder").display is False
        form.query_one("#phone", Input).value = "0470 12 34 56"
        await settle(pilot)
        assert notice.display is False
        form.query_one("#phone", Input).value = ""
        await settle(pilot)
        assert notice.display is True
        await click_and_wait(
            pilot, "#submit", until=lambda: isinstance(pilot.app.screen, ConfirmationScreen)
        )
        saved = Registration.get(Registration.name == NAME)
        assert saved.phone == "" and saved.email == "" and not saved.wants_reminder
        assert saved.language == "fr"


async def test_reminder_toggle_stores_the_wish_and_the_language(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await touch(pilot, "#preferences", "nl")
        await settle(pilot)
        form = await fill_form(pilot, NAME)
        reminder = form.query_one("#reminder", Checkbox)
        form.query_one("#email", Input).value = "mtv@example.be"
        await settle(pilot)
        assert reminder.display is True
        assert form.query_one("#no-contact-notice").display is False
        reminder.value = True
        await settle(pilot)
        await click_and_wait(
            pilot, "#submit", until=lambda: isinstance(pilot.app.screen, ConfirmationScreen)
        )
        saved = Registration.get(Registration.name == NAME)
        assert saved.wants_reminder is True and saved.language == "nl"
        assert saved.email == "mtv@example.be"
