"""Pilot journeys through the staff console."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import time_machine
from textual.command import CommandList, CommandPalette
from textual.widgets import Button, DataTable, Input, SelectionList, Static

from cafepol_tui.db.models import AuditEntry, Concern, Meeting, Registration
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.statuses import ConcernStatus, MeetingStatus
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.staff.form import FormDialog, InfoDialog
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen
from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen
from tests.conftest import FIXED_NOW
from tests.pilot import click_and_wait, settle, wait_for_screen, wait_until, wake_kiosk
from tests.ui.conftest import touch

SIZE = (120, 40)


def audit_actions() -> list[str]:
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


async def login(app, pilot, pin: str) -> None:  # type: ignore[no-untyped-def]
    await touch(pilot, "#staff-entry", "staff")
    await settle(pilot)
    app.screen.query_one("#pin", Input).value = pin
    await pilot.press("enter")
    await settle(pilot)


async def fill(app, pilot, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Type `values` into the dialog's fields and press « OK »: the save runs in a worker and
    ends with the dialog dismissed, or its errors shown (« OK » enabled again)."""
    dialog = app.screen
    assert isinstance(dialog, FormDialog)
    for name, value in values.items():
        dialog.query_one(f"#f-{name}", Input).value = value
    ok = dialog.query_one("#form-ok", Button)
    await click_and_wait(pilot, "#form-ok",
                         until=lambda: dialog not in app.screen_stack or not ok.disabled)
    await settle(pilot)


async def palette_open(pilot, typed: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """In the open palette: type `typed`, and once `title` heads the list, open it."""
    await pilot.press(*typed)
    await settle(pilot)
    commands = pilot.app.screen.query_one(CommandList)
    await wait_until(
        pilot,
        lambda: commands.option_count and title in str(commands.get_option_at_index(0).prompt),
        what=f"« {title} » in the palette",
    )
    await pilot.press("down", "enter")  # highlight the first hit, then open it
    await settle(pilot)


def field_error(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#e-{name}", Static).render())


async def test_login_palette_only_in_staff_mode_and_back(zone, admin, settings, db):
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert not CommandPalette.is_open(app) and isinstance(app.screen, HomeScreen)
            await login(app, pilot, "9999")
            assert app.current_mode == "staff" and isinstance(app.screen, StaffHomeScreen)
            assert app.staff_user.name == "Anne Admin"
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert CommandPalette.is_open(app)
            await palette_open(pilot, "statis", "Statistiques")
            assert type(app.screen).__name__ == "StatsScreen"
            await pilot.press("f2")
            await settle(pilot)
            assert app.current_mode == "citizen" and app.staff_user is None
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert not CommandPalette.is_open(app)
    assert {"login", "logout"} <= set(audit_actions())


async def test_pin_lockout_and_idle_return(zone, admin, settings, db):
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await touch(pilot, "#staff-entry", "staff")
        await settle(pilot)
        for _ in range(settings.kiosk.pin_max_attempts):
            app.screen.query_one("#pin", Input).value = "0000"
            await pilot.press("enter")
            await settle(pilot)
        message = str(app.screen.query_one("#pin-message", Static).render())
        assert "bloqué" in message
        app.screen.query_one("#pin", Input).value = "9999"  # right PIN, but locked
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "citizen"
        assert audit_actions().count("failed-pin") == settings.kiosk.pin_max_attempts
        # Unlock by time and log in; then the staff idle timeout brings back the citizen home.
        from cafepol_tui.db.models import PinGuard

        PinGuard.update(locked_until=None).execute()
        app.screen.query_one("#pin", Input).value = "9999"
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "staff"
        app.check_inactivity(now=app.last_input + 299)
        assert app.current_mode == "staff"
        app.check_inactivity(now=app.last_input + 301)
        await settle(pilot)
        await wake_kiosk(pilot)
        assert app.current_mode == "citizen" and isinstance(app.screen, HomeScreen)


async def test_create_meeting_with_field_errors_then_saved(zone, admin, settings, db):
    app = make_app(settings, db)
    count = Meeting.select().count()
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            from textual.widgets import Select

            app.screen.query_one("#f-commune", Select).value = "Frameries"
            await fill(app, pilot, {"place": "", "day": "35/12/2026", "event_url": "ftp://x"})
            assert isinstance(app.screen, FormDialog)
            assert "lieu" in field_error(app, "place")
            assert "Date invalide" in field_error(app, "day")
            assert "https://" in field_error(app, "event_url")
            assert Meeting.select().count() == count
            await fill(
                app,
                pilot,
                {
                    "place": "Salle Le Trianon",
                    "day": "20/12/2026",
                    "event_url": "https://www.facebook.com/events/7",
                },
            )
            assert isinstance(app.screen, StaffHomeScreen)
    assert Meeting.select().count() == count + 1
    assert "meeting-create" in audit_actions()


async def test_meeting_screen_capacity_choice_checkin_walkins(zone, officer, settings, db):
    mid = zone["soon"]  # capacity 4, in 3 days
    refs = [
        register(
            mid,
            SignupForm(name=n, people=2, consent=True, topic=t),
            max_party=4,
            topic_max=300,
            now=FIXED_NOW,
        ).reference
        for n, t in (("Alice Martin", "Dépôts sauvages"), ("Bruno Leroy", ""))
    ]
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(officer)
            await settle(pilot)
            app.push_screen(StaffMeetingScreen(mid))
            await settle(pilot)
            assert app.screen.query_one("#registrations", DataTable).row_count == 2
            assert app.screen.query_one("#advance-topics", DataTable).row_count == 1
            await pilot.press("e")
            await settle(pilot)
            await fill(app, pilot, {"capacity": "2"})
            assert "liste d'attente" in field_error(app, "capacity")
            chooser = app.screen.query_one("#f-to_waitlist", SelectionList)
            assert chooser.display and chooser.option_count == 2
            chooser.select(Registration.get(Registration.reference == refs[1]).id)
            await click_and_wait(pilot, "#form-ok")
            assert isinstance(app.screen, StaffMeetingScreen)
            assert Registration.get(Registration.reference == refs[1]).status == "waitlisted"
            # The topic raised in advance becomes a concern in one step.
            app.screen.query_one("#advance-topics", DataTable).focus()
            await pilot.press("g")
            await settle(pilot)
            from textual.widgets import Select

            app.screen.query_one("#f-theme", Select).value = "Propreté"
            await click_and_wait(pilot, "#form-ok")
            assert Concern.get().description == "Dépôts sauvages"
    # On the day: check-in and walk-ins.
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW + timedelta(days=3), tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(officer)
            await settle(pilot)
            app.push_screen(StaffMeetingScreen(mid))
            await settle(pilot)
            app.screen.query_one("#registrations", DataTable).focus()
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("plus", "plus", "plus")
            await settle(pilot)
            counts = str(app.screen.query_one("#meeting-counts", Static).render())
            assert "présents 2 + 3 sans inscription" in counts
    assert Registration.get(Registration.reference == refs[0]).status == "attended"
    assert Meeting.get_by_id(mid).walkins == 3
    assert {"waitlist-demote", "meeting-edit", "concern-create", "check-in", "walk-in"} <= set(
        audit_actions()
    )


async def test_cancel_meeting_shows_people_to_warn(zone, officer, settings, db):
    mid = zone["soon"]
    register(
        mid,
        SignupForm(name="Alice Martin", phone="0470123456", consent=True),
        max_party=4,
        topic_max=300,
        now=FIXED_NOW,
    )
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(officer)
            app.push_screen(StaffMeetingScreen(mid))
            await settle(pilot)
            await pilot.press("x")
            await settle(pilot)
            await fill(app, pilot, {"reason": ""})
            assert "raison" in field_error(app, "reason")
            await fill(app, pilot, {"reason": "Salle inondée"})
            await wait_for_screen(pilot, InfoDialog)
            assert isinstance(app.screen, InfoDialog)
            text = str(app.screen.query_one("#info-text", Static).render())
            assert "Alice Martin" in text and "0470 12 34 56" in text
    m = Meeting.get_by_id(mid)
    assert m.status == MeetingStatus.CANCELLED and m.cancel_reason == "Salle inondée"


async def test_concern_follow_up_and_overdue_first_on_home(zone, counter, officer, settings, db):
    from cafepol_tui.services import concerns as cs

    late = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Tags", due_on="01/11/2026"),
        counter,
        now=FIXED_NOW,
    )
    cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Bruit", due_on="30/12/2026"),
        counter,
        now=FIXED_NOW,
    )
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(officer)
            await settle(pilot)
            table = app.screen.query_one("#staff-concerns", DataTable)
            assert table.get_row_at(0)[0] == str(late) and "retard" in table.get_row_at(0)[1]
            table.focus()
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            from textual.widgets import Select, TextArea

            app.screen.query_one("#f-status", Select).value = ConcernStatus.IN_PROGRESS
            app.screen.query_one("#f-note", TextArea).text = "Transmis au service propreté"
            await click_and_wait(pilot, "#form-ok")
            history = app.screen.query_one("#concern-history", DataTable)
            assert history.row_count == 2 and history.get_row_at(1)[1] == officer.name
    assert Concern.get_by_id(late).status == ConcernStatus.IN_PROGRESS


async def test_admin_screens_audit_and_accounts(zone, admin, counter, settings, db):
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        app.enter_staff_mode(counter)
        await settle(pilot)
        await pilot.press("j")  # not an admin: refused
        await settle(pilot)
        assert isinstance(app.screen, StaffHomeScreen)
        app.leave_staff_mode()
        await settle(pilot)
        app.enter_staff_mode(admin)
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(app, pilot, {"name": "Olivia Officier", "pin": "12"})
        assert "4 à 12 chiffres" in field_error(app, "pin")
        await fill(app, pilot, {"pin": "9999"})
        assert "déjà utilisé" in field_error(app, "pin")
        await fill(app, pilot, {"pin": "5555"})
        assert app.screen.query_one("#accounts", DataTable).row_count == 3
        await pilot.press("escape")
        await pilot.press("j")
        await settle(pilot)
        log = app.screen.query_one("#audit-log", DataTable)
        actions = {log.get_row_at(i)[2] for i in range(log.row_count)}
        assert {"account-create", "set-pin"} <= actions


async def test_counter_staff_are_told_what_only_officers_do(zone, counter, settings, db):
    """Keys for officers' work (a new meeting, editing one, printing) say so to the counter
    staff and open nothing; what the counter does (sign up, concerns) still opens."""
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(counter)
            await settle(pilot)
            await pilot.press("n")  # a new meeting
            await settle(pilot)
            assert isinstance(app.screen, StaffHomeScreen)
            app.push_screen(StaffMeetingScreen(zone["soon"]))
            await settle(pilot)
            for key in ("e", "f", "s", "x", "i", "u"):
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, StaffMeetingScreen), key
            said = [n.message for n in app._notifications]
            assert said.count("Action réservée aux policiers et aux administrateurs.") == 7
            await pilot.press("a")  # signing someone up is the counter's work
            await settle(pilot)
            assert isinstance(app.screen, FormDialog)


async def test_workers_that_take_their_screen_away_end_done_not_cancelled(
    zone, admin, settings, db, monkeypatch
):
    """The PIN check opens staff mode, a dialog's save dismisses it: both used to do it from
    inside the worker, and Textual cancelled the worker with its screen (WorkerCancelled)."""
    from textual.worker import WorkerState

    from cafepol_tui.ui.screens.citizen.pin import PinScreen

    started = []

    def recorded(real):  # type: ignore[no-untyped-def]
        def start(self, *args):  # type: ignore[no-untyped-def]
            started.append(real(self, *args))
            return started[-1]
        return start

    monkeypatch.setattr(PinScreen, "check", recorded(PinScreen.check))
    monkeypatch.setattr(FormDialog, "run_save", recorded(FormDialog.run_save))
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(app, pilot, "9999")
        assert isinstance(app.screen, StaffHomeScreen)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(app, pilot, {"name": "Olivia Officier", "pin": "5555"})
        assert type(app.screen).__name__ == "AccountsScreen"
    assert [(w.name, w.state) for w in started] == [
        ("check", WorkerState.SUCCESS), ("run_save", WorkerState.SUCCESS)
    ]


async def test_staff_console_fits_80x24(zone, admin, settings, db):
    app = make_app(settings, db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.enter_staff_mode(admin)
        await settle(pilot)
        assert app.screen.query_one("#citizen-mode", Button).region.bottom <= 23
        app.push_screen(StaffMeetingScreen(zone["soon"]))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        ok = app.screen.query_one("#form-ok", Button)
        assert ok.region.bottom <= 24 and ok.region.right <= 80


async def test_staff_home_in_dutch(zone, admin, settings, db):
    """The staff console follows the kiosk's language: labels, statuses, footer, palette."""
    from cafepol_tui.i18n import set_language
    from cafepol_tui.services import concerns as cs

    cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Tags", due_on="01/11/2026"),
        admin,
        now=FIXED_NOW,
    )
    try:
        # The kiosk configured in Dutch (config file or --lang nl): the console follows it.
        app = make_app(dataclasses.replace(settings, language="nl"), db)
        with time_machine.travel(FIXED_NOW, tick=True):
            async with app.run_test(size=SIZE) as pilot:
                app.enter_staff_mode(admin)
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, StaffHomeScreen)
                heading = str(screen.query_one("#staff-heading", Static).render())
                assert heading == "Personeelsmodus — Anne Admin (beheerder)"
                title = str(screen.query_one("#concerns-title", Static).render())
                assert title == "Op te volgen meldingen: 1, waarvan 1 te laat"
                assert str(screen.query_one("#citizen-mode", Button).label) == (
                    "Terug naar de burgermodus"
                )
                concerns = screen.query_one("#staff-concerns", DataTable)
                headers = [str(c.label) for c in concerns.columns.values()]
                assert headers[:4] == ["Nr.", "Termijn", "Stand", "Thema"]
                row = concerns.get_row_at(0)
                assert row[1] == "1/11/2026 ⚠ te laat" and row[2] == "open"
                meetings = screen.query_one("#staff-meetings", DataTable)
                statuses = {meetings.get_row_at(i)[-1] for i in range(meetings.row_count)}
                assert statuses == {"voorbij", "open"}
                footer = {k: a.binding.description for k, a in screen.active_bindings.items()}
                assert footer["n"] == "Nieuwe ontmoeting" and footer["d"] == "Meldingen"
                await pilot.press("ctrl+p")
                await pilot.pause()
                assert CommandPalette.is_open(app)
                await palette_open(pilot, "statist", "Statistieken")
                assert type(app.screen).__name__ == "StatsScreen"
                keys = str(app.screen.query_one("#stats-keys", Static).render())
                assert "1 melding" in keys and "teruggekoppeld: 0" in keys
    finally:
        set_language("fr")


async def test_an_admin_lifts_a_locked_kiosk_from_the_accounts_screen(
    zone, admin, settings, db, monkeypatch
):
    from cafepol_tui.db.models import PinGuard
    from cafepol_tui.services.staff import PinLockedError, WrongPinError, verify_pin

    # This kiosk's PIN screen counts its tries against its own gate.
    monkeypatch.setenv("CAFEPOL_KIOSK_ID", "borne-ici")
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(app, pilot, "0000")
        assert app.current_mode == "citizen"
        assert PinGuard.get(PinGuard.kiosk_id == "borne-ici").failures == 1
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        # Another kiosk of the zone was locked by wrong PINs.
        for _ in range(settings.kiosk.pin_max_attempts):
            with pytest.raises((WrongPinError, PinLockedError)):
                verify_pin("0000", kiosk_id="borne-hall")
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            await pilot.press("c")
            await wait_until(pilot,
                lambda: any(t.row_count for t in app.screen.query("#locked-kiosks").results(DataTable)),
            )
            locked = app.screen.query_one("#locked-kiosks", DataTable)
            assert locked.row_count == 1 and locked.get_row_at(0)[0] == "borne-hall"
            assert not app.screen.query_one("#locked-none").display
            await pilot.press("u")
            await wait_until(pilot, lambda: app.screen.query_one("#locked-none").display)
            assert locked.row_count == 0
    assert PinGuard.get(PinGuard.kiosk_id == "borne-hall").locked_until is None
    entry = AuditEntry.select().where(AuditEntry.action == "pin-unlock").get()
    assert (entry.actor, entry.target) == ("Anne Admin", "kiosk:borne-hall")


async def test_staff_see_possible_duplicates_the_kiosk_accepted(zone, counter, settings, db):
    """Two « Marie Dubois » without contact: both signed up at the kiosk, both marked here."""
    mid = zone["later"]
    refs = [
        register(mid, SignupForm(name=n, consent=True), max_party=4, topic_max=300,
                 now=FIXED_NOW).reference
        for n in ("Marie Dubois", "MARIE  DUBOIS", "Paul Fontaine")
    ]
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(counter)
            await settle(pilot)
            app.push_screen(StaffMeetingScreen(mid))
            await settle(pilot)
            table = app.screen.query_one("#registrations", DataTable)
            column = [str(c.label) for c in table.columns.values()].index("Doublon ?")
            marks = {
                str(table.get_row_at(i)[0]): str(table.get_row_at(i)[column])
                for i in range(table.row_count)
            }
    assert marks == {refs[0]: "doublon possible", refs[1]: "doublon possible", refs[2]: ""}
