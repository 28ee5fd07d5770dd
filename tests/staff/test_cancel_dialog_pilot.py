"""The console's cancel dialog: the replacement is chosen among the commune's upcoming meetings."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from textual.widgets import Input, Select, Static

from cafepol_tui.db.models import Meeting
from cafepol_tui.statuses import MeetingStatus
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff import editors
from tests.conftest import FIXED_NOW
from tests.pilot import click_and_wait, settle, wait_until
from tests.staff.test_pilot import SIZE


async def test_cancel_with_a_replacement_from_the_dialog(zone, admin, settings, db):
    soon = Meeting.get_by_id(zone["soon"])
    other = Meeting.create(
        commune=soon.commune_id,
        place="Salle Boussu bis",
        address="Rue Basse 2",
        starts_at=soon.starts_at + timedelta(days=7),
        officer=soon.officer_id,
        capacity=10,
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            dialog = editors.cancel_meeting_dialog(app, soon.id)
            app.push_screen(dialog)
            await wait_until(pilot, lambda: not dialog.fields_pending, what="the fields")
            await settle(pilot)
            choice = dialog.query_one("#f-replacement", Select)
            offered = [value for _, value in choice._options]
            # Same commune, still to come, scheduled; not the meeting itself nor Frameries'.
            assert str(other.id) in offered
            assert str(zone["later"]) not in offered and str(soon.id) not in offered
            choice.value = str(other.id)
            dialog.query_one("#f-reason", Input).value = "Salle inondée"
            await click_and_wait(pilot, "#form-ok", until=lambda: dialog not in app.screen_stack)
            await settle(pilot)
            cancelled = Meeting.get_by_id(soon.id)
            assert cancelled.status == MeetingStatus.CANCELLED
            assert cancelled.replacement_id == other.id


async def test_a_bad_replacement_is_shown_beside_its_field(zone, admin, settings, db):
    soon = Meeting.get_by_id(zone["soon"])
    other = Meeting.create(
        commune=soon.commune_id,
        place="Salle Boussu bis",
        address="Rue Basse 2",
        starts_at=soon.starts_at + timedelta(days=7),
        officer=soon.officer_id,
        capacity=10,
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(admin)
            await settle(pilot)
            dialog = editors.cancel_meeting_dialog(app, soon.id)
            app.push_screen(dialog)
            await wait_until(pilot, lambda: not dialog.fields_pending, what="the fields")
            await settle(pilot)
            dialog.query_one("#f-replacement", Select).value = str(other.id)
            dialog.query_one("#f-reason", Input).value = "Salle inondée"
            # Cancelled elsewhere while the dialog was open.
            Meeting.update(status=MeetingStatus.CANCELLED).where(Meeting.id == other.id).execute()
            error = dialog.query_one("#e-replacement", Static)
            await click_and_wait(pilot, "#form-ok", until=lambda: str(error.render()) != "")
            assert dialog in app.screen_stack
            assert "annulée" in str(error.render())
            assert Meeting.get_by_id(soon.id).status == MeetingStatus.SCHEDULED
