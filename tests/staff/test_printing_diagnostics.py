"""Staff side: flyers, attendance sheet and programme made off the UI thread; the doctor's checks."""

from __future__ import annotations

import dataclasses

import pypdf
import pytest
import time_machine
from textual.widgets import Button, Checkbox, DataTable, Input, ProgressBar, Static

from cafepol_tui.db.models import AuditEntry
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff.diagnostics import DiagnosticsScreen
from cafepol_tui.ui.screens.staff.documents import PrintDialog
from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen
from tests.conftest import FIXED_NOW
from tests.pilot import click_and_wait, settle
from tests.staff.test_pilot import SIZE, login


def kept_pdf(folder, pattern: str):  # type: ignore[no-untyped-def]
    files = sorted(folder.glob(pattern))
    assert len(files) == 1, files
    return pypdf.PdfReader(files[0])


@pytest.fixture
def app(settings, db, tmp_path):  # type: ignore[no-untyped-def]
    printing = dataclasses.replace(settings.printing, output_dir=str(tmp_path / "out"),
                                   lp_command=str(tmp_path / "no-such-lp"))
    return make_app(dataclasses.replace(settings, printing=printing), db)


async def prepare(app, pilot) -> str:  # type: ignore[no-untyped-def]
    dialog = app.screen
    assert isinstance(dialog, PrintDialog)
    await click_and_wait(pilot, "#prepare")  # once back up from a click before
    return str(dialog.query_one("#print-outcome", Static).render())


async def test_flyers_from_the_meeting_screen(app, zone, admin, tmp_path):
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "9999")
            app.push_screen(StaffMeetingScreen(zone["soon"]))
            await settle(pilot)
            await pilot.press("f")
            await settle(pilot)
            dialog = app.screen
            dialog.query_one("#copies", Input).value = "0"
            await click_and_wait(pilot, "#prepare")
            assert "1 à 10000" in str(dialog.query_one("#print-error", Static).render())
            assert not list((tmp_path / "out").glob("*.pdf"))  # nothing made from bad input
            dialog.query_one("#copies", Input).value = "9"
            dialog.query_one("#send-to-printer", Checkbox).value = False
            outcome = await prepare(app, pilot)
            assert "✔" in outcome and "flyer-" in outcome
            bar = dialog.query_one(ProgressBar)
            assert bar.total == bar.progress == 5  # ceil(9 / 2) pages: A5 2-up by default
    assert len(kept_pdf(tmp_path / "out", "flyer-*.pdf").pages) == 5
    entry = AuditEntry.get(AuditEntry.action == "document")  # printing is audited, by name
    assert (entry.actor, entry.detail) == ("Anne Admin", f"flyer-{zone['soon']}-a4-2up-fr.pdf")
    assert entry.target.endswith(f"flyer-{zone['soon']}-a4-2up-fr.pdf")


async def test_print_failure_keeps_the_attendance_sheet(app, zone, admin, tmp_path):
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "9999")
            app.push_screen(StaffMeetingScreen(zone["soon"]))
            await settle(pilot)
            await click_and_wait(pilot, "#attendance")
            outcome = await prepare(app, pilot)  # the printer command does not exist
            assert outcome.startswith("⚠") and "attendance-" in outcome
    kept_pdf(tmp_path / "out", "attendance-*.pdf")


async def test_programme_of_the_month_in_dutch(app, zone, admin, tmp_path):
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "9999")
            app.screen.action_open("programme")
            await settle(pilot)
            dialog = app.screen
            dialog.query_one("#month", Input).value = "2026-12"
            dialog.query_one("#language").value = "nl"
            dialog.query_one("#send-to-printer", Checkbox).value = False
            await prepare(app, pilot)
    text = kept_pdf(tmp_path / "out", "programme-2026-12*.pdf").pages[0].extract_text()
    assert "december 2026" in text.lower()


async def test_diagnostics_screen_shows_the_doctor_checks_and_backs_up(app, zone, admin):
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "9999")
            app.screen.action_open("diagnostics")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DiagnosticsScreen)
            table = screen.query_one(DataTable)
            checks = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
            assert {"config", "database", "backup"} <= set(checks)
            await click_and_wait(pilot, "#backup-now")
            await settle(pilot)
            message = str(screen.query_one("#diagnostics-message", Static).render())
            assert message.startswith("✔") or "point" in message
            assert screen.query_one("#backup-now", Button).disabled is False


async def test_staff_cancels_a_registration_through_the_dialog(app, zone, admin):
    from cafepol_tui.db.models import Registration
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm
    from cafepol_tui.statuses import RegistrationStatus

    reference = register(zone["soon"], SignupForm(name="Alice Martin", consent=True),
                         max_party=4, topic_max=300, now=FIXED_NOW).reference
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "9999")
            app.push_screen(StaffMeetingScreen(zone["soon"]))
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            await click_and_wait(pilot, "#form-ok")
            assert isinstance(app.screen, StaffMeetingScreen)
    assert Registration.get(Registration.reference == reference).status == (
        RegistrationStatus.CANCELLED)
