"""The console's meeting editor: partners and themes ticked, someone else's change not lost."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from textual.widgets import Checkbox, Input, SelectionList, Static

from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services.meetings import get_meeting
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff import editors
from cafepol_tui.ui.screens.staff.form import FormDialog
from tests.conftest import FIXED_NOW
from tests.factories import OFFICER
from tests.pilot import click_and_wait, settle, wait_for_screen, wait_until
from tests.staff.test_pilot import SIZE


async def _open(app, pilot, meeting_id):  # type: ignore[no-untyped-def]
    dialog = editors.meeting_editor(app, meeting_id)
    app.push_screen(dialog)
    await wait_until(pilot, lambda: not dialog.fields_pending, what="the editor's fields")
    await settle(pilot)
    return dialog


async def _ok(app, pilot, dialog: FormDialog) -> None:  # type: ignore[no-untyped-def]
    await click_and_wait(
        pilot, "#form-ok",
        until=lambda: dialog not in app.screen_stack
        or (not dialog.fields_pending and not dialog.query_one("#form-ok").disabled),
    )
    await settle(pilot)


async def test_partners_and_themes_are_ticked_in_the_editor(zone, admin, settings, db):
    mid = zone["soon"]
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            dialog = await _open(app, pilot, mid)
            dialog.query_one("#f-partners", SelectionList).select("Hygea")
            dialog.query_one("#f-themes", SelectionList).select("Propreté")
            dialog.query_one("#f-interested_count", Input).value = "12"
            await _ok(app, pilot, dialog)
            assert dialog not in app.screen_stack
            m = get_meeting(mid)
            assert (m.partners, m.themes, m.interested_count) == (("Hygea",), ("Propreté",), 12)
            dialog = await _open(app, pilot, mid)  # opens with them ticked
            assert dialog.query_one("#f-partners", SelectionList).selected == ["Hygea"]
            dialog.query_one("#f-themes", SelectionList).deselect_all()
            await _ok(app, pilot, dialog)
            assert get_meeting(mid).themes == () and get_meeting(mid).partners == ("Hygea",)


async def test_someone_elses_change_is_not_saved_over(zone, admin, settings, db):
    mid = zone["soon"]
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            dialog = await _open(app, pilot, mid)
            ma.set_interested(mid, 37, OFFICER, now=FIXED_NOW + timedelta(hours=1))
            dialog.query_one("#f-capacity", Input).value = "8"
            await _ok(app, pilot, dialog)
            assert dialog in app.screen_stack
            message = str(dialog.query_one("#form-error", Static).render())
            assert "modifiée ailleurs" in message
            assert dialog.query_one("#f-interested_count", Input).value == "37"
            assert dialog.query_one("#f-capacity", Input).value == "4"  # the fresh values
            assert get_meeting(mid).capacity == 4
            dialog.query_one("#f-capacity", Input).value = "8"
            await _ok(app, pilot, dialog)
            assert dialog not in app.screen_stack
            m = get_meeting(mid)
            assert (m.capacity, m.interested_count) == (8, 37)


async def test_a_twin_meeting_is_asked_first(zone, admin, settings, db):
    twin = get_meeting(zone["later"])
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            dialog = await _open(app, pilot, zone["soon"])
            from cafepol_tui.services.formatting import local

            when = local(twin.starts_at)
            dialog.query_one("#f-place", Input).value = twin.place
            dialog.query_one("#f-day", Input).value = when.strftime("%d/%m/%Y")
            await _ok(app, pilot, dialog)
            confirm = dialog.query_one("#f-allow_duplicate", Checkbox)
            assert dialog in app.screen_stack and confirm.display
            assert "existe déjà" in str(confirm.label)
            confirm.value = True
            await _ok(app, pilot, dialog)
            assert dialog not in app.screen_stack
            assert get_meeting(zone["soon"]).place == twin.place


async def test_staff_screens_reload_after_a_sign_up_elsewhere(
    zone, admin, settings, db, monkeypatch
):
    from textual.widgets import DataTable

    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm
    from cafepol_tui.ui.screens.staff import home, meeting
    from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen

    monkeypatch.setattr(home, "POLL_S", 0.1)
    monkeypatch.setattr(meeting, "POLL_S", 0.1)
    mid = zone["soon"]

    def sign_up(name: str, minutes: int) -> None:
        register(
            mid, SignupForm(name=name, people=2, consent=True), max_party=4, topic_max=300,
            now=FIXED_NOW + timedelta(minutes=minutes),
        )

    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            staff_home = app.screen
            seats = staff_home.query_one("#staff-meetings", DataTable)

            def home_seats() -> str:
                return str(seats.get_cell(str(mid), seats.ordered_columns[5].key))

            await wait_until(pilot, lambda: home_seats() == "0/4", what="the home's list")
            sign_up("Alice Martin", 1)  # at the kiosk
            await wait_until(pilot, lambda: home_seats() == "2/4", what="the home to reload")
            screen = StaffMeetingScreen(mid)
            app.push_screen(screen)
            await wait_for_screen(pilot, screen)
            await wait_until(pilot, lambda: screen.query("#meeting-counts"), what="the screen")
            counts = screen.query_one("#meeting-counts", Static)
            await wait_until(pilot, lambda: "2/4 places" in str(counts.render()))
            sign_up("Bruno Leroy", 2)
            await wait_until(pilot, lambda: "4/4 places" in str(counts.render()),
                             what="the meeting screen to reload")
            table = screen.query_one("#registrations", DataTable)
            await wait_until(pilot, lambda: table.row_count == 2)


async def test_a_cancelled_meeting_keeps_its_list_to_warn_and_is_reinstated(
    zone, admin, settings, db
):
    from textual.widgets import Button, DataTable

    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm
    from cafepol_tui.ui.screens.staff.form import InfoDialog
    from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen

    mid = zone["soon"]
    register(mid, SignupForm(name="Alice Martin", phone="0470123456", consent=True),
             max_party=4, topic_max=300, now=FIXED_NOW)
    ma.cancel_meeting(mid, "Salle indisponible", admin, now=FIXED_NOW)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            screen = StaffMeetingScreen(mid)
            app.push_screen(screen)
            await wait_for_screen(pilot, screen)
            await settle(pilot)
            table = screen.query_one("#registrations", DataTable)
            assert "rencontre annulée" in str(table.get_row_at(0)[4])
            assert screen.query_one("#reinstate", Button).display
            await pilot.press("w")
            info = await wait_for_screen(pilot, InfoDialog)
            await settle(pilot)
            assert "Alice Martin" in str(info.query_one("#info-text", Static).render())
            await pilot.press("escape")
            await wait_for_screen(pilot, screen)
            await pilot.press("v")
            await wait_until(pilot, lambda: not get_meeting(mid).is_cancelled, what="reinstated")
            await settle(pilot)
            assert not screen.query_one("#reinstate", Button).display
            assert "rencontre annulée" not in str(table.get_row_at(0)[4])


async def test_a_series_shows_its_dates_before_it_is_created(zone, admin, settings, db):
    from textual.widgets import Button, Select

    from cafepol_tui.db.models import Meeting

    before = Meeting.select().count()
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            dialog = editors.series_editor(app)
            app.push_screen(dialog)
            await wait_until(pilot, lambda: not dialog.fields_pending, what="the fields")
            await settle(pilot)
            dialog.query_one("#f-commune", Select).value = "Boussu"
            dialog.query_one("#f-place", Input).value = "Salle du Coron"
            dialog.query_one("#f-day", Input).value = "01/12/2026"
            dialog.query_one("#f-start", Input).value = "14:00"
            dialog.query_one("#f-nths", Input).value = "1"
            await _ok(app, pilot, dialog)
            assert dialog in app.screen_stack and Meeting.select().count() == before
            text = str(dialog.query_one("#form-stay", Static).render())
            assert "Boussu 12/2026 : 1 existante(s) + 1 prévue(s) = 2" in text
            assert "Boussu 01/2027 : 0 existante(s) + 1 prévue(s) = 1 — ⚠ moins de 2" in text
            assert "3" in str(dialog.query_one("#form-ok", Button).label)
            await _ok(app, pilot, dialog)
            assert dialog not in app.screen_stack
            assert Meeting.select().count() == before + 3
