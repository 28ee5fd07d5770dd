"""Staff view of one meeting: every registration with its contact and topic."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Static

from cafepol_tui.services.formatting import format_when
from cafepol_tui.services.meetings import MeetingDetail, get_meeting
from cafepol_tui.services.registrations import RegistrationView, list_for_meeting
from cafepol_tui.services.validation import format_phone
from cafepol_tui.ui.screens.base import KioskScreen

STATUS_FR = {
    "confirmed": "confirmée",
    "waitlisted": "liste d'attente",
    "cancelled": "annulée",
    "attended": "présente",
}


class StaffMeetingScreen(KioskScreen):
    BINDINGS = [Binding("escape", "back", "Retour", id="back")]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-meeting"):
            yield Static("Chargement…", id="staff-meeting-heading", markup=False)
            yield DataTable(id="registrations", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="actions"):
                yield Button("← Retour", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Réf.", "Nom", "Pers.", "Statut", "Téléphone", "E-mail", "Canal", "À aborder"
        )
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            meeting = get_meeting(self.meeting_id)
            registrations = list_for_meeting(self.meeting_id)
        self.app.call_from_thread(self.show, meeting, registrations)

    def show(self, m: MeetingDetail, registrations: list[RegistrationView]) -> None:
        self.query_one("#staff-meeting-heading", Static).update(
            f"{m.commune} — {m.place} — {format_when(m.starts_at, self.kiosk.settings.language)}"
            f" — {m.seats_taken}/{m.capacity} places, {m.waitlist_count} en attente"
        )
        table = self.query_one(DataTable)
        table.clear()
        for r in registrations:
            status = STATUS_FR.get(r.status, r.status)
            if r.waitlist_rank:
                status = f"{status} ({r.waitlist_rank})"
            table.add_row(r.reference, r.name, str(r.people), status, format_phone(r.phone),
                          r.email, r.channel, r.topic[:60], key=str(r.id))

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()
