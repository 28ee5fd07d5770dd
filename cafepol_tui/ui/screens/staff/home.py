"""Staff mode: the meetings with their sign-ups, and the way back to the citizen kiosk.

Reached only through the PIN screen. Here (and only here) the footer shows bindings and the
app may be closed.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Static

from cafepol_tui.services.formatting import format_clock, format_short_day
from cafepol_tui.services.meetings import MeetingSummary, list_upcoming
from cafepol_tui.ui.screens.base import KioskScreen


class StaffHomeScreen(KioskScreen):
    BINDINGS = [
        Binding("f2", "citizen_mode", "Mode citoyen", id="staff-citizen"),
        Binding("f10", "quit_app", "Quitter l'application", id="staff-quit"),
    ]

    def compose(self) -> ComposeResult:
        user = self.kiosk.staff_user
        who = f"{user.name} ({user.role})" if user else ""
        with Vertical(id="staff-home"):
            yield Static(f"Mode personnel — {who}", id="staff-heading", markup=False)
            yield DataTable(id="staff-meetings", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="actions"):
                yield Button("Retour au mode citoyen", id="citizen-mode", variant="primary")
                yield Button("Quitter l'application", id="quit-app", variant="error")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("N°", "Date", "Heure", "Commune", "Lieu", "Inscrits", "Statut")
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            meetings = list_upcoming()
        self.app.call_from_thread(self.show, meetings)

    def show(self, meetings: list[MeetingSummary]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        lang = self.kiosk.settings.language
        for m in meetings:
            table.add_row(
                str(m.id), format_short_day(m.starts_at, lang), format_clock(m.starts_at, lang),
                m.commune, m.place, f"{m.seats_taken}/{m.capacity}",
                "annulée" if m.is_cancelled else ("complet" if m.is_full else "ouverte"),
                key=str(m.id),
            )

    @on(DataTable.RowSelected, "#staff-meetings")
    def _open(self, event: DataTable.RowSelected) -> None:
        from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen

        if event.row_key.value is not None:
            self.app.push_screen(StaffMeetingScreen(int(event.row_key.value)))

    @on(Button.Pressed, "#citizen-mode")
    def action_citizen_mode(self) -> None:
        self.kiosk.leave_staff_mode()

    @on(Button.Pressed, "#quit-app")
    def action_quit_app(self) -> None:
        self.app.exit()
