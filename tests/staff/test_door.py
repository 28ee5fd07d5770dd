"""« À l'entrée »: check-in by name, by code, by a scanner's burst; the cursor keeps its person."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from textual.widgets import DataTable, Input, Static

from cafepol_tui.db.models import Meeting, Registration
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff.door import DoorScreen
from cafepol_tui.ui.screens.staff.form import FormDialog
from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen
from tests.conftest import FIXED_NOW
from tests.pilot import click_and_wait, settle, wait_for_screen, wait_until

SIZE = (120, 40)
NAMES = ("Bruno Leroy", "Éloïse D'Hondt", "Alice Martin", "Chloé Dubois")


def signed_up(mid: int) -> dict[str, str]:
    return {
        name: register(
            mid, SignupForm(name=name, people=1, consent=True), max_party=4, topic_max=300,
            now=FIXED_NOW,
        ).reference
        for name in NAMES
    }


def status(reference: str) -> str:
    return str(Registration.get(Registration.reference == reference).status)


def message(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#door-message", Static).render())


async def open_door(app, pilot, mid: int) -> DoorScreen:  # type: ignore[no-untyped-def]
    app.push_screen(StaffMeetingScreen(mid))
    await settle(pilot)
    await click_and_wait(pilot, "#open-door")
    screen = await wait_for_screen(pilot, DoorScreen)
    await settle(pilot)
    assert isinstance(screen, DoorScreen)
    return screen


async def test_door_check_in_by_name_by_code_and_by_scanner(zone, counter, settings, db):
    mid = zone["soon"]
    refs = signed_up(mid)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW + timedelta(days=3), tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(counter)
            await settle(pilot)
            door = await open_door(app, pilot, mid)
            table = door.query_one("#door-list", DataTable)
            names = [table.get_row_at(i)[0] for i in range(table.row_count)]
            assert names == ["Alice Martin", "Bruno Leroy", "Chloé Dubois", "Éloïse D'Hondt"]
            search = door.query_one("#door-search", Input)
            assert search.has_focus
            # Part of a name, without accents or capitals, then Enter.
            await pilot.press(*"eloise")
            await settle(pilot)
            assert table.row_count == 1
            await pilot.press("enter")
            await settle(pilot)
            assert status(refs["Éloïse D'Hondt"]) == "attended"
            assert "Éloïse D'Hondt" in message(app) and search.value == ""
            assert table.row_count == len(NAMES)
            # The code typed in lower case.
            await pilot.press(*refs["Alice Martin"].lower(), "enter")
            await settle(pilot)
            assert status(refs["Alice Martin"]) == "attended"
            assert "Alice Martin" in message(app)
            # A scanner: a fast burst of what the slip's barcode holds (code and « - »), Enter.
            await pilot.press(*refs["Bruno Leroy"], "minus", "enter")
            await settle(pilot)
            assert status(refs["Bruno Leroy"]) == "attended"
            assert "Bruno Leroy" in message(app) and search.value == ""
            # An unknown code says so beside the field and checks nobody in.
            await pilot.press(*"ZZZZZZ", "enter")
            await settle(pilot)
            assert "inconnu" in message(app)
            assert status(refs["Chloé Dubois"]) == "confirmed"
            # A hostile paste: the echo beside the field is escaped and short.
            search.value = "\x1b[2J" + "Q" * 90
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "\x1b" not in message(app) and "\\x1b" in message(app)
            assert len(message(app)) < 120
            search.value = ""
            await settle(pilot)
            # The touch buttons: walk-ins and the counts.
            await click_and_wait(pilot, "#door-walkin-plus")
            await click_and_wait(pilot, "#door-walkin-plus")
            await click_and_wait(pilot, "#door-walkin-minus")
            counts = str(door.query_one("#door-counts", Static).render())
            assert "présents 3" in counts and "sans inscription 1" in counts
            assert "attendus 4" in counts
    assert Meeting.get_by_id(mid).walkins == 1


async def test_absent_keeps_the_cursor_on_the_same_person(zone, counter, settings, db):
    mid = zone["soon"]
    refs = signed_up(mid)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW + timedelta(days=3), tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(counter)
            await settle(pilot)
            app.push_screen(StaffMeetingScreen(mid))
            await settle(pilot)
            meeting = app.screen
            assert isinstance(meeting, StaffMeetingScreen)
            meeting.query_one("#registrations", DataTable).focus()
            first = meeting.selected()
            assert first is not None
            await pilot.press("o")  # absent: the row moves to the end of the list
            await settle(pilot)
            assert status(first.reference) == "no_show"
            chosen = meeting.selected()
            assert chosen is not None and chosen.id == first.id
            # The same at the door, with the big button.
            await click_and_wait(pilot, "#open-door")
            door = await wait_for_screen(pilot, DoorScreen)
            await settle(pilot)
            assert isinstance(door, DoorScreen)
            door.query_one("#door-list", DataTable).move_cursor(row=1)
            before = door.selected()
            assert before is not None
            await click_and_wait(pilot, "#door-absent")
            await wait_until(pilot, lambda: status(before.reference) == "no_show")
            await settle(pilot)
            after = door.selected()
            assert after is not None and after.id == before.id
            await click_and_wait(pilot, "#door-present")
            assert status(before.reference) == "attended"
            after = door.selected()
            assert after is not None and after.id == before.id
    assert set(refs.values()) == {r.reference for r in Registration.select()}


async def test_enter_in_a_dialog_saves_and_every_action_has_a_button(
    zone, officer, settings, db
):
    mid = zone["soon"]
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        app.enter_staff_mode(officer)  # the Facebook count is an officer's
        await settle(pilot)
        app.push_screen(StaffMeetingScreen(mid))
        await settle(pilot)
        await click_and_wait(pilot, "#do-interested")
        dialog = await wait_for_screen(pilot, FormDialog)
        await settle(pilot)
        field = dialog.query_one("Input", Input)
        assert field.has_focus
        field.value = ""
        await pilot.press(*"37", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: dialog not in app.screen_stack, what="the dialog saved")
        assert Meeting.get_by_id(mid).interested_count == 37
        screen = app.screen
        assert isinstance(screen, StaffMeetingScreen)
        for action in ("cancel_registration", "duplicate", "interested", "meeting_concern",
                       "reorder", "topic_to_concern", "present", "absent"):
            assert screen.query_one(f"#do-{action}").display
