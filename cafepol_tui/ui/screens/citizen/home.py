"""Citizen home: upcoming meetings, soonest first, filtered by commune."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from cafepol_tui.services.meetings import MeetingSummary, change_token, list_upcoming
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.widgets.meeting_table import MeetingTable

LIVE_REFRESH_S = 5.0
# A zone holds a few dozen meetings a quarter; past this many the list is cut and the
# citizen is invited to choose a commune (keeps the first screen fast on large databases).
HOME_LIMIT = 50


class OutageHandled(Exception):
    """Ends a worker quietly: the outage screen is up and will reload the list."""


class CommuneFilter(Horizontal):
    """One button a commune, plus « Toutes ». The chosen one is marked with ✓, not only coloured."""

    @dataclass
    class Changed(Message):
        commune: str | None

    def __init__(self, communes: tuple[str, ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.communes = communes
        self.selected: str | None = None

    def compose(self) -> ComposeResult:
        yield Button("✓ Toutes", id="commune-all", classes="commune -selected")
        for index, name in enumerate(self.communes):
            yield Button(name, id=f"commune-{index}", classes="commune", name=name)

    def select(self, commune: str | None) -> None:
        self.selected = commune
        for button in self.query(Button):
            chosen = button.name == commune
            button.set_class(chosen, "-selected")
            base = button.name or "Toutes"
            button.label = f"✓ {base}" if chosen else base

    @on(Button.Pressed, ".commune")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.select(event.button.name)
        self.post_message(self.Changed(event.button.name))


class HomeScreen(KioskScreen):
    BINDINGS: list = []  # escape on home does nothing
    AUTO_FOCUS = "#meetings"

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static("☕ Un café avec votre policier de quartier", id="title")
            yield Static(
                f"{self.kiosk.settings.zone_name} · Touchez une rencontre pour la voir et vous inscrire",
                id="subtitle",
            )
            yield CommuneFilter(self.kiosk.settings.communes, id="communes")
            yield MeetingTable(id="meetings")
            yield Static("Chargement des rencontres…", id="status-line")
            with Horizontal(id="home-actions"):
                yield Button("Annuler une inscription", id="open-cancel")
                yield Static(id="spacer")
                yield Button("Personnel", id="open-staff", classes="discreet")

    def on_mount(self) -> None:
        self._token: object = None
        self.query_one(MeetingTable).lang = self.kiosk.settings.language
        self.load()
        self.set_interval(LIVE_REFRESH_S, self.poll_changes)

    @property
    def commune(self) -> str | None:
        return self.query_one(CommuneFilter).selected

    def reset(self) -> None:
        """Back to the unfiltered list, cursor on the soonest meeting."""
        self.query_one(CommuneFilter).select(None)
        table = self.query_one(MeetingTable)
        self.load()
        table.move_cursor(row=0, animate=False)
        table.focus()

    @work(thread=True, exclusive=True, group="home-load", exit_on_error=False)
    def load(self) -> None:
        commune = self.commune
        with self.outage_guard(), self.kiosk.database.connection_context():
            token = change_token()
            meetings = list_upcoming(commune=commune, limit=HOME_LIMIT + 1)
        self.app.call_from_thread(self.show_meetings, meetings, token)

    @work(thread=True, exclusive=True, group="home-poll", exit_on_error=False)
    def poll_changes(self) -> None:
        """Another kiosk or the staff changed something: reload only then."""
        with self.outage_guard(), self.kiosk.database.connection_context():
            token = change_token()
        if token != self._token:
            self.load()

    @contextmanager
    def outage_guard(self) -> Iterator[None]:
        """A lost database shows the outage screen, then the list is reloaded."""
        try:
            yield
        except peewee.DatabaseError as exc:
            if not self.kiosk.database_failed(exc, self.load):
                raise
            raise OutageHandled from None

    def show_meetings(self, meetings: list[MeetingSummary], token: object) -> None:
        self._token = token
        more = len(meetings) > HOME_LIMIT
        meetings = meetings[:HOME_LIMIT]
        self.query_one(MeetingTable).show(meetings)
        status = self.query_one("#status-line", Static)
        count = len(meetings)
        if not meetings:
            status.update("Aucune rencontre prévue pour le moment. Renseignez-vous au guichet.")
        elif more:
            status.update(f"Les {count} prochaines rencontres : choisissez une commune pour "
                          "voir les suivantes.")
        else:
            status.update(f"{count} rencontre{'s' if count > 1 else ''} à venir")

    @on(CommuneFilter.Changed)
    def _filter(self) -> None:
        self.load()

    @on(DataTable.RowSelected, "#meetings")
    def _open_meeting(self, event: DataTable.RowSelected) -> None:
        from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen

        if event.row_key.value is not None:
            self.app.push_screen(MeetingScreen(int(event.row_key.value)))

    @on(Button.Pressed, "#open-cancel")
    def _open_cancel(self) -> None:
        from cafepol_tui.ui.screens.citizen.cancel import CancelScreen

        self.app.push_screen(CancelScreen())

    @on(Button.Pressed, "#open-staff")
    def _open_staff(self) -> None:
        from cafepol_tui.ui.screens.citizen.pin import PinScreen

        self.app.push_screen(PinScreen())
