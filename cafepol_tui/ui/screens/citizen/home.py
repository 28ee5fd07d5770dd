"""Citizen home: upcoming meetings, soonest first, filtered by commune."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from cafepol_tui.i18n import LANGUAGES, current_language, translator
from cafepol_tui.services.meetings import MeetingSummary, change_token, list_upcoming
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.widgets.meeting_table import MeetingTable

LIVE_REFRESH_S = 5.0
# A zone holds a few dozen meetings a quarter; past this many the list is cut and the
# citizen is invited to choose a commune (keeps the first screen fast on large databases).
HOME_LIMIT = 50

_ = translator("kiosk")


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
        yield Button(f"✓ {_('Toutes')}", id="commune-all", classes="commune -selected")
        for index, name in enumerate(self.communes):
            yield Button(name, id=f"commune-{index}", classes="commune", name=name)

    def select(self, commune: str | None) -> None:
        self.selected = commune
        for button in self.query(Button):
            chosen = button.name == commune
            button.set_class(chosen, "-selected")
            base = button.name or _("Toutes")
            button.label = f"✓ {base}" if chosen else base
            button.refresh(layout=True)  # the ✓ makes the button wider

    @on(Button.Pressed, ".commune")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.select(event.button.name)
        self.post_message(self.Changed(event.button.name))


class HomeScreen(KioskScreen):
    BINDINGS: ClassVar[list[BindingType]] = []  # escape on home does nothing
    AUTO_FOCUS = "#meetings"

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="home"):
            yield Static(f"☕ {_('Un café avec votre policier de quartier')}", id="title")
            yield Static(
                _("{zone} · Touchez une rencontre pour la voir et vous inscrire").format(
                    zone=self.kiosk.settings.zone_name
                ),
                id="subtitle",
            )
            with Horizontal(id="preferences"):
                # Each language named in itself; the chosen one is marked with ✓, not only coloured.
                for code, name in LANGUAGES.items():
                    label = f"✓ {name}" if code == lang else name
                    yield Button(label, id=f"lang-{code}", name=code,
                                 classes="language -selected" if code == lang else "language")
                yield Button(self._large_print_label(), id="large-print", classes="preference")
            yield CommuneFilter(self.kiosk.settings.communes, id="communes")
            yield MeetingTable(id="meetings")
            yield Static(_("Chargement des rencontres…"), id="status-line")
            with Horizontal(id="home-actions"):
                yield Button(_("Annuler une inscription"), id="open-cancel")
                yield Button(self._contrast_label(), id="high-contrast", classes="preference")
                yield Static(id="spacer")
                yield Button(_("Personnel"), id="open-staff", classes="discreet")

    def _large_print_label(self) -> str:
        label = _("A+ Grands caractères")
        return f"✓ {label}" if self.kiosk.large_print else label

    def _contrast_label(self) -> str:
        label = _("◐ Contraste élevé")
        return f"✓ {label}" if self.kiosk.high_contrast else label

    def on_mount(self) -> None:
        self._token: object = None
        self.load()
        self.set_interval(LIVE_REFRESH_S, self.poll_changes)

    @property
    def commune(self) -> str | None:
        return self.query_one(CommuneFilter).selected

    async def relayout(self, focus: str | None = None) -> None:
        """Compose again in the current language and print size, keeping the commune chosen."""
        commune = self.commune
        await self.recompose()
        self.query_one(CommuneFilter).select(commune)
        self.load()
        if focus:
            self.query_one(focus).focus()
        else:
            self.query_one(MeetingTable).focus()

    def reset(self, *, relayout: bool = False) -> None:
        """Back to the unfiltered list, cursor on the soonest meeting."""
        if relayout:
            self.query_one(CommuneFilter).select(None)
            self.run_worker(self.relayout(), group="home-relayout", exclusive=True)
            return
        self.query_one(CommuneFilter).select(None)
        table = self.query_one(MeetingTable)
        self.load()
        table.move_cursor(row=0, animate=False)
        table.focus()

    @on(Button.Pressed, ".language")
    async def _language(self, event: Button.Pressed) -> None:
        if event.button.name and event.button.name != current_language():
            self.kiosk.choose_language(event.button.name)
            await self.relayout(focus=f"#lang-{event.button.name}")

    @on(Button.Pressed, "#large-print")
    async def _large_print(self, event: Button.Pressed) -> None:
        self.kiosk.set_large_print(not self.kiosk.large_print)
        await self.relayout(focus=f"#{event.button.id}")

    @on(Button.Pressed, "#high-contrast")
    async def _high_contrast(self, event: Button.Pressed) -> None:
        self.kiosk.set_high_contrast(not self.kiosk.high_contrast)
        await self.relayout(focus=f"#{event.button.id}")

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
            status.update(_("Aucune rencontre prévue pour le moment. Renseignez-vous au guichet."))
        elif more:
            status.update(_("Les {n} prochaines rencontres : choisissez une commune pour voir les "
                            "suivantes.").format(n=count))
        else:
            status.update(_.plural("{n} rencontre à venir", "{n} rencontres à venir", count)
                          .format(n=count))

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
