"""« Données de la zone »: an administrator adds a partner through the dialog."""

from __future__ import annotations

from textual.widgets import DataTable, Tabs

from cafepol_tui.db.models import Partner
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff.form import FormDialog
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen
from cafepol_tui.ui.screens.staff.reference import ReferenceScreen
from tests.pilot import click_and_wait, settle, wait_for_screen, wait_until
from tests.staff.test_pilot import SIZE, field_error, fill


async def test_admin_adds_a_partner(zone, admin, counter, settings, db):  # type: ignore[no-untyped-def]
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        app.enter_staff_mode(counter)
        await settle(pilot)
        await pilot.press("z")  # not an admin: refused
        await settle(pilot)
        assert isinstance(app.screen, StaffHomeScreen)
        app.leave_staff_mode()
        await settle(pilot)
        app.enter_staff_mode(admin)
        await settle(pilot)
        await pilot.press("z")
        screen = await wait_for_screen(pilot, ReferenceScreen)
        await settle(pilot)
        screen.query_one("#reference-kinds", Tabs).active = "kind-partners"
        await wait_until(pilot, lambda: screen.kind == "partners", what="partners tab")
        await settle(pilot)
        table = screen.query_one("#reference-table", DataTable)
        before = table.row_count
        await click_and_wait(pilot, "#reference-add-button",
                             until=lambda: isinstance(app.screen, FormDialog))
        await settle(pilot)
        await fill(app, pilot, {"name": "Maison de quartier", "email": "pas une adresse"})
        assert field_error(app, "email")
        await fill(app, pilot, {"email": "maison@example.be"})
        await wait_for_screen(pilot, ReferenceScreen)
        await wait_until(pilot, lambda: table.row_count == before + 1, what="new row")
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert "Maison de quartier" in names
    assert Partner.get(Partner.name == "Maison de quartier").email == "maison@example.be"
