"""Citizen home: upcoming meetings, soonest first, filtered by commune."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from cafepol_tui.db.engine import connection_deadline
from cafepol_tui.i18n import LANGUAGES, current_language, translator
from cafepol_tui.services.meetings import MeetingSummary, change_token, list_upcoming
from cafepol_tui.ui.screens.base import KioskScreen, WorkerHandled
from cafepol_tui.ui.speech import LISTEN_LABEL, REPEAT_LABEL, sentence
from cafepol_tui.ui.widgets.chip_bar import Chip, ChipBar
from cafepol_tui.ui.widgets.meeting_table import MeetingTable, fill_day_cache

LIVE_REFRESH_S = 5.0
# A zone holds a few dozen meetings a quarter; past this many the list is cut and the
# citizen is invited to choose a commune (keeps the first screen fast on large databases).
HOME_LIMIT = 50

_ = translator("kiosk")

# The chips' names (a language chip is named by its code, a commune chip by the commune).
LARGE_PRINT = "large-print"
HIGH_CONTRAST = "high-contrast"
CANCEL = "cancel"
FOLLOW = "follow"
NEIGHBOURHOOD = "neighbourhood"
HELP = "help"
LISTEN = "listen"
REPEAT = "repeat"
STAFF = "staff"
ALL_COMMUNES = ""


class OutageHandled(WorkerHandled):
    """Ends a worker quietly: the outage screen is up and will reload the list."""


class HomeScreen(KioskScreen):
    BINDINGS: ClassVar[list[BindingType]] = []  # escape on home does nothing
    AUTO_FOCUS = "#meetings"

    def compose(self) -> ComposeResult:
        lang = current_language()
        outlined = self.kiosk.high_contrast
        with Vertical(id="home"):
            yield Static(f"☕ {_('Un café avec votre policier de quartier')}", id="title")
            yield Static(
                _("{zone} · Touchez une rencontre pour la voir et vous inscrire").format(
                    zone=self.kiosk.settings.zone_name
                ),
                id="subtitle",
            )
            # Each language named in itself; the chosen one is marked with ✓, not only coloured.
            languages = [Chip(code, name, selected=code == lang) for code, name in LANGUAGES.items()]
            large_print = Chip(LARGE_PRINT, _("A+ Grands caractères"), selected=self.kiosk.large_print)
            yield ChipBar([*languages, large_print, *self.listening_chips()], outlined=outlined,
                          name=_("Langue et affichage"), id="preferences")
            communes = [Chip(ALL_COMMUNES, _("Toutes"), selected=True)]
            communes += [Chip(name, name) for name in self.kiosk.settings.communes]
            yield ChipBar(communes, outlined=outlined, name=_("Commune"), id="communes")
            yield MeetingTable(id="meetings")
            yield Static(_("Chargement des rencontres…"), id="status-line")
            with Horizontal(id="home-actions"):
                yield ChipBar([
                    Chip(CANCEL, _("Annuler une inscription")),
                    Chip(FOLLOW, _("Suivre mon inscription ou ma demande")),
                    Chip(NEIGHBOURHOOD, _("Ce qui a été fait")),
                    Chip(HIGH_CONTRAST, _("◐ Contraste élevé"), selected=self.kiosk.high_contrast),
                    Chip(HELP, _("Besoin d'aide ?")),
                ], outlined=outlined, name=_("Autres choix"), id="actions")
                yield ChipBar([Chip(STAFF, _("Personnel"), muted=True)], outlined=outlined,
                              id="staff-entry")

    def listening_chips(self) -> list[Chip]:
        """« Écouter » where the kiosk can speak; « Répéter » beside it while it does."""
        narrator = self.kiosk.narrator
        if not narrator.available:
            return []
        chips = [Chip(LISTEN, _(LISTEN_LABEL), selected=narrator.active)]
        if narrator.active:
            chips.append(Chip(REPEAT, _(REPEAT_LABEL)))
        return chips

    def show_listening(self) -> None:
        """« Écouter » was switched on or off (here or by its key): the chips say so."""
        bar = self.query_one("#preferences", ChipBar)
        kept = [c for c in bar.chips if c.name not in (LISTEN, REPEAT)]
        bar.set_chips(kept + self.listening_chips())

    def spoken(self) -> str | None:
        """The title, the zone, how many meetings and how to go through them."""
        if not self._shown:
            return None
        status = self.query_one("#status-line", Static)
        return " ".join((
            _("Un café avec votre policier de quartier."),
            f"{self.kiosk.settings.zone_name}." if self.kiosk.settings.zone_name else "",
            str(status.content).rstrip(".") + ".",
            _("Flèches haut et bas : parcourir les rencontres ; Entrée : ouvrir celle qui est "
              "dite. Tab : les langues, les communes et les autres choix."),
        ))

    def on_mount(self) -> None:
        self._token: object = None
        self._shown = False
        self._say_count = False
        self.load()
        self.set_interval(LIVE_REFRESH_S, self.poll_changes)

    def on_screen_resume(self) -> None:
        """Home again (back, idle reset, recovery): the next citizen can't paste the last one's name."""
        self.kiosk.forget_typed_text()

    @property
    def commune(self) -> str | None:
        """The commune chosen, or None for all of them."""
        chosen = [c.name for c in self.query_one("#communes", ChipBar).chips if c.selected]
        return chosen[0] if chosen and chosen[0] != ALL_COMMUNES else None

    async def relayout(self, focus: tuple[str, str] | None = None) -> None:
        """Compose again in the current language and print size, keeping the commune chosen.

        `focus` is the (bar, chip) that was pressed: the keyboard cursor stays on it.
        """
        commune = self.commune
        await self.recompose()
        self.query_one("#communes", ChipBar).select(commune or ALL_COMMUNES)
        self._shown = False  # « Écouter » says the home again, in its new language, once loaded
        self.kiosk.narrator.screen_shown(self)
        self.load()
        if focus:
            bar = self.query_one(f"#{focus[0]}", ChipBar)
            bar.cursor = [c.name for c in bar.chips].index(focus[1])
            bar.focus()
        else:
            self.query_one(MeetingTable).focus()

    def reset(self, *, relayout: bool = False) -> None:
        """Back to the unfiltered list, cursor on the soonest meeting."""
        self.query_one("#communes", ChipBar).select(ALL_COMMUNES)
        if relayout:
            self.run_worker(self.relayout(), group="home-relayout", exclusive=True)
            return
        table = self.query_one(MeetingTable)
        self.load()
        table.move_cursor(row=0, animate=False)
        table.focus()

    @on(ChipBar.Pressed, "#preferences")
    async def _preference(self, event: ChipBar.Pressed) -> None:
        name = event.chip.name
        if name == LISTEN:
            self.kiosk.action_listen()
            return
        if name == REPEAT:
            self.kiosk.narrator.repeat()
            return
        if name == LARGE_PRINT:
            self.kiosk.set_large_print(not self.kiosk.large_print)
        elif name != current_language():
            self.kiosk.choose_language(name)
        else:
            return
        await self.relayout(focus=("preferences", name))

    @on(ChipBar.Pressed, "#communes")
    def _filter(self, event: ChipBar.Pressed) -> None:
        event.bar.select(event.chip.name)
        self._say_count = True  # « Écouter »: how many meetings the commune has, once shown
        self.load()

    @on(ChipBar.Pressed, "#actions")
    async def _action(self, event: ChipBar.Pressed) -> None:
        if event.chip.name == CANCEL:
            from cafepol_tui.ui.screens.citizen.cancel import CancelScreen

            self.app.push_screen(CancelScreen())
        elif event.chip.name == FOLLOW:
            from cafepol_tui.ui.screens.citizen.status import StatusScreen

            self.app.push_screen(StatusScreen())
        elif event.chip.name == NEIGHBOURHOOD:
            from cafepol_tui.ui.screens.citizen.neighbourhood import NeighbourhoodScreen

            self.app.push_screen(NeighbourhoodScreen(self.commune))
        elif event.chip.name == HIGH_CONTRAST:
            self.kiosk.set_high_contrast(not self.kiosk.high_contrast)
            await self.relayout(focus=("actions", HIGH_CONTRAST))
        elif event.chip.name == HELP:
            from cafepol_tui.ui.screens.citizen.help import HelpScreen

            self.app.push_screen(HelpScreen(over_form=False))

    @on(ChipBar.Pressed, "#staff-entry")
    def _open_staff(self) -> None:
        from cafepol_tui.ui.screens.citizen.pin import PinScreen

        self.app.push_screen(PinScreen())

    @work(thread=True, exclusive=True, group="home-load", exit_on_error=False)
    def load(self) -> None:
        commune = self.commune
        with self.outage_guard(), connection_deadline(self.kiosk.database):
            token = change_token()
            meetings = list_upcoming(commune=commune, limit=HOME_LIMIT + 1)
        fill_day_cache(meetings, current_language())
        self.app.call_from_thread(self.show_meetings, meetings, token)

    @work(thread=True, exclusive=True, group="home-poll", exit_on_error=False)
    def poll_changes(self) -> None:
        """Another kiosk or the staff changed something: reload only then."""
        with self.outage_guard(), connection_deadline(self.kiosk.database):
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
        if not self._shown:
            self._shown = True
            self.kiosk.narrator.screen_ready(self)
        elif self._say_count:
            self.kiosk.narrator.note(sentence(str(status.content)))
        self._say_count = False

    @on(DataTable.RowSelected, "#meetings")
    def _open_meeting(self, event: DataTable.RowSelected) -> None:
        from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen

        if event.row_key.value is not None:
            self.app.push_screen(MeetingScreen(int(event.row_key.value)))
