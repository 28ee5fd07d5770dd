"""The whole citizen journey with Pilot: browse → meeting → sign up → confirmation → cancel."""

from __future__ import annotations

from time import monotonic

import pytest
from textual.widgets import Button, Checkbox, Input, Static

from cafepol_tui.db.models import Registration
from cafepol_tui.services.staff import set_pin
from cafepol_tui.statuses import RegistrationStatus
from cafepol_tui.ui.screens.citizen.cancel import CancelScreen
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.pin import PinScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen
from cafepol_tui.ui.widgets.meeting_table import MeetingTable
from cafepol_tui.ui.widgets.party_size import PartySize
from tests.pilot import at_rest, click_and_wait, settle, wake_kiosk
from tests.ui.conftest import chip_text, touch


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_browse_sign_up_confirm_and_cancel(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        home = kiosk.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one(MeetingTable)
        assert table.row_count == 3
        assert "Complet – liste d'attente" in str(table.get_row_at(1)[2])

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
        info = text_of(kiosk.screen, "#meeting-info")
        assert "Frameries — Salle Le Trianon" in info
        assert "Mardi 8 décembre 2026 de 10 h à 11 h 30" in info
        assert "Hygea" in info and "Sentiment d'insécurité" in info
        assert kiosk.screen.query("#qr")

        await click_and_wait(pilot, "#signup")
        form = kiosk.screen
        assert isinstance(form, SignupScreen)

        await click_and_wait(pilot, "#submit")  # empty form: errors beside the fields, nothing saved
        assert "Indiquez votre nom" in text_of(form, "#error-name")
        assert "Cochez la case" in text_of(form, "#error-consent")
        assert form.query_one("#error-phone").display is False
        assert Registration.select().where(Registration.meeting == meetings[0].id).count() == 0

        await at_rest(pilot)  # the form scrolled to its first error, « Envoyer » back up
        await pilot.click("#name")
        await pilot.press(*"Marie Dubois")
        await pilot.click("#more")
        await pilot.click("#phone")
        await pilot.press(*"12")
        await pilot.click("#consent")
        await click_and_wait(pilot, "#submit")
        assert "numéro de téléphone n'est pas valable" in text_of(form, "#error-phone")
        assert form.query_one("#error-name").display is False
        assert Registration.select().where(Registration.meeting == meetings[0].id).count() == 0

        form.query_one("#phone", Input).value = "0470 12 34 56"
        await click_and_wait(pilot, "#submit")  # once back up from the last click
        assert isinstance(kiosk.screen, ConfirmationScreen)
        assert "confirmée" in text_of(kiosk.screen, "#confirmation-headline")
        saved = Registration.get(Registration.meeting == meetings[0].id)
        assert saved.people == 2 and saved.phone == "+32470123456" and saved.channel == "kiosk"
        assert kiosk.screen.query_one("#reference").text.replace(" ", "") == saved.reference

        await click_and_wait(pilot, "#finish")
        assert isinstance(kiosk.screen, HomeScreen) and len(kiosk.screen_stack) == 1

        await touch(pilot, "#actions", "cancel")
        await settle(pilot)
        assert isinstance(kiosk.screen, CancelScreen)
        await pilot.click("#code")
        await pilot.press(*saved.reference.lower())
        await click_and_wait(pilot, "#lookup")
        assert "2 personnes" in text_of(kiosk.screen, "#cancel-found")
        await click_and_wait(pilot, "#confirm-cancel")
        assert "est annulée" in text_of(kiosk.screen, "#cancel-found")
        assert Registration.get_by_id(saved.id).status == RegistrationStatus.CANCELLED


async def test_full_meeting_puts_you_on_the_waiting_list(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        button = kiosk.screen.query_one("#signup", Button)
        assert "liste d'attente" in str(button.label)
        await click_and_wait(pilot, "#signup")
        kiosk.screen.query_one("#name", Input).value = "Paul Fontaine"
        kiosk.screen.query_one("#consent", Checkbox).value = True
        await click_and_wait(pilot, "#submit")
        assert isinstance(kiosk.screen, ConfirmationScreen)
        assert "liste d'attente (position 2)" in text_of(kiosk.screen, "#confirmation-headline")


async def test_a_namesake_is_accepted_and_nobody_is_revealed(kiosk, meetings):
    """« Nguyễn Thị Hoa » is registered for the full meeting: the kiosk says nothing about it."""
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        kiosk.screen.query_one("#name", Input).value = "nguyen thi hoa"
        kiosk.screen.query_one("#consent", Checkbox).value = True
        await click_and_wait(pilot, "#submit")
        assert isinstance(kiosk.screen, ConfirmationScreen)
        # the same answer as for anyone else: the next place on the waiting list
        assert "liste d'attente (position 2)" in text_of(kiosk.screen, "#confirmation-headline")
        assert "existe" not in text_of(kiosk.screen, "#confirmation-headline")
    names = [r.name_key for r in Registration.select().where(Registration.meeting == meetings[1].id)]
    assert names.count("nguyen thi hoa") == 2


async def copy_name_then_come_back(kiosk, pilot, leave) -> Input:  # type: ignore[no-untyped-def]
    """Type a name, copy it (select all, ctrl+c), `leave`, then open a new form and paste."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await click_and_wait(pilot, "#signup")
    field = kiosk.screen.query_one("#name", Input)
    field.focus()
    field.value = "Marie Dubois"
    await pilot.press("ctrl+shift+a", "ctrl+c")
    assert kiosk.clipboard == "Marie Dubois"  # the citizen did copy it
    await leave()
    await settle(pilot)
    assert isinstance(kiosk.screen, HomeScreen) and len(kiosk.screen_stack) == 1
    assert kiosk.clipboard == ""
    await pilot.press("enter")
    await settle(pilot)
    await click_and_wait(pilot, "#signup")
    field = kiosk.screen.query_one("#name", Input)
    field.focus()
    await pilot.press("ctrl+v")
    await pilot.pause()
    return field


@pytest.mark.parametrize("how", ["idle", "back"])
async def test_the_next_citizen_cannot_paste_the_last_ones_name(kiosk, how):
    async with kiosk.run_test(size=(120, 40)) as pilot:

        async def leave() -> None:
            if how == "idle":
                kiosk.check_inactivity(now=monotonic() + 61)
                await wake_kiosk(pilot)
            else:  # « ← Retour » twice: the same citizen walks away before the timeout
                await pilot.press("escape")  # a typed form asks first
                await settle(pilot)
                await click_and_wait(pilot, "#leave")
                await pilot.press("escape")

        field = await copy_name_then_come_back(kiosk, pilot, leave)
        assert field.value == ""


async def test_returning_home_clears_text_area_history(kiosk):
    """A TextArea's undo history (ctrl+z) is emptied too, wherever one is left in the stack."""
    from textual.widgets import TextArea

    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        area = TextArea("")
        await kiosk.screen.mount(area)
        area.insert("Marie Dubois")
        assert area.history.undo_stack
        kiosk.reset_to_home()
        await settle(pilot)
        assert not area.history.undo_stack and not area.history.redo_stack


async def test_commune_filter(kiosk):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await touch(pilot, "#communes", "Boussu")
        await settle(pilot)
        table = kiosk.screen.query_one(MeetingTable)
        assert table.row_count == 1
        assert chip_text(kiosk.screen, "#communes", "Boussu") == "✓ Boussu"
        assert chip_text(kiosk.screen, "#communes", "") == "Toutes"
        await touch(pilot, "#communes", "")
        await settle(pilot)
        assert table.row_count == 3


def table_lines(table: MeetingTable) -> list[str]:
    return ["".join(segment.text for segment in table.render_line(y)).rstrip()
            for y in range(table.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_home_rows_fit_the_width(kiosk, meetings, size):
    """At 80 columns a place of 34 characters is shown whole (« Complet – liste d'attente » goes
    on two lines to make room) and a longer one ends with « … »; wider, both stay whole."""
    from datetime import timedelta

    from tests.factories import FIXED_START, make_meeting

    long_place = "Salle polyvalente de l'ancienne école communale des Herbières"
    make_meeting(place="Cafétéria de la Maison des seniors", commune="Quaregnon",
                 starts_at=FIXED_START + timedelta(days=10))
    make_meeting(place=long_place, starts_at=FIXED_START + timedelta(days=11))
    async with kiosk.run_test(size=size) as pilot:
        await settle(pilot)
        table = kiosk.screen.query_one(MeetingTable)
        lines = table_lines(table)
        full = next(i for i, line in enumerate(lines) if "Complet –" in line)
        table.scroll_end(animate=False)
        await settle(pilot)
        lines += table_lines(table)
        assert max(len(line) for line in lines) <= size[0]
        assert any(line.endswith("Cafétéria de la Maison des seniors") for line in lines)
        if size[0] == 80:
            assert lines[full].endswith("Complet –") and lines[full + 1].endswith("liste d'attente")
            assert any(line.endswith("Salle polyvalente de l'ancienne éco…") for line in lines)
        else:
            assert lines[full].endswith("Complet – liste d'attente")
            assert any(line.endswith(long_place) for line in lines)


async def test_one_click_opens_a_meeting(kiosk):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = kiosk.screen.query_one(MeetingTable)
        await pilot.click(MeetingTable, offset=(30, table.region.height and 5))
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)


async def test_no_citizen_screen_shows_another_citizens_name(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen = [kiosk.export_screenshot()]
        await pilot.press("down", "enter")
        await settle(pilot)
        seen.append(kiosk.export_screenshot())
        await click_and_wait(pilot, "#signup")
        seen.append(kiosk.export_screenshot())
        for text in seen:
            assert "Wiśniewski" not in text and "Nguyễn" not in text


async def test_idle_timeout_returns_home_and_clears_the_form(kiosk):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        kiosk.screen.query_one("#name", Input).value = "Marie Dubois"
        kiosk.screen.query_one(PartySize).value = 3
        kiosk.check_inactivity(now=monotonic() + 30)  # not yet
        await settle(pilot)
        assert isinstance(kiosk.screen, SignupScreen)
        kiosk.check_inactivity(now=monotonic() + 61)
        await settle(pilot)
        await wake_kiosk(pilot)
        assert isinstance(kiosk.screen, HomeScreen) and len(kiosk.screen_stack) == 1
        await pilot.press("enter")
        await settle(pilot)
        await click_and_wait(pilot, "#signup")
        assert kiosk.screen.query_one("#name", Input).value == ""
        assert kiosk.screen.query_one(PartySize).value == 1


async def test_pin_gate_locks_after_five_wrong_tries_and_staff_can_return(kiosk, db):
    set_pin("Greffe", "482913", "counter")
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await touch(pilot, "#staff-entry", "staff")
        await settle(pilot)
        assert isinstance(kiosk.screen, PinScreen)
        for attempt in range(5):
            await pilot.click("#pin")
            await pilot.press(*"0000", "enter")
            await settle(pilot)
            message = text_of(kiosk.screen, "#pin-message")
            if attempt < 4:
                assert f"Encore {4 - attempt} essai" in message
        assert "Trop d'essais" in message
        await pilot.click("#pin")
        await pilot.press(*"482913", "enter")  # right PIN, but locked
        await settle(pilot)
        assert isinstance(kiosk.screen, PinScreen)
        assert "Trop d'essais" in text_of(kiosk.screen, "#pin-message")


async def log_in_as_staff(pilot) -> None:
    """Through the PIN screen, as staff do: « Personnel », the PIN, Enter."""
    set_pin("Greffe", "482913", "counter")
    await settle(pilot)
    await touch(pilot, "#staff-entry", "staff")
    await settle(pilot)
    await pilot.press(*"482913", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StaffHomeScreen)


async def test_right_pin_enters_staff_mode_and_back(kiosk, db):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await log_in_as_staff(pilot)
        assert kiosk.staff_user is not None and kiosk.staff_user.name == "Greffe"
        await click_and_wait(pilot, "#citizen-mode")
        assert isinstance(kiosk.screen, HomeScreen)
        assert kiosk.staff_user is None


async def test_staff_mode_times_out_to_citizen_home(kiosk, db):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await log_in_as_staff(pilot)
        kiosk.check_inactivity(now=monotonic() + 120)  # citizen timeout does not apply here
        await settle(pilot)
        assert isinstance(kiosk.screen, StaffHomeScreen)
        kiosk.check_inactivity(now=monotonic() + 301)
        await settle(pilot)
        await wake_kiosk(pilot)
        assert isinstance(kiosk.screen, HomeScreen) and kiosk.staff_user is None


async def test_live_view_updates_only_the_changed_row(kiosk, meetings, monkeypatch):
    """A sign-up made elsewhere shows within one poll; unchanged rows are not rebuilt."""
    from tests.factories import sign_up

    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = kiosk.screen.query_one(MeetingTable)
        cleared = []
        monkeypatch.setattr(table, "clear", lambda *a, **k: cleared.append(1))
        updated = []
        original = table.update_cell
        monkeypatch.setattr(table, "update_cell",
                            lambda row, col, value, **k: (updated.append(row),
                                                          original(row, col, value, **k)))
        sign_up(meetings[0], "Lucienne Hanot", 3)  # another kiosk, same database
        kiosk.screen.poll_changes()
        await settle(pilot)
        assert "27 places libres" in str(table.get_row(str(meetings[0].id))[2])
        assert not cleared
        assert set(updated) == {str(meetings[0].id)}
