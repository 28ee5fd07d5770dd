"""« Vous nous avez dit… voici ce qui a été fait »: a commune's concerns of the last months.

The commune is chosen with chips, as on the home screen. Each concern shows its theme,
place, state and public reply (services.neighbourhood): never a name or a contact.
"""

from __future__ import annotations

import peewee
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from cafepol_tui.db.engine import connection_deadline
from cafepol_tui.i18n import translator
from cafepol_tui.services.neighbourhood import NeighbourhoodReport, neighbourhood_feedback
from cafepol_tui.services.validation import NotFoundError
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.screens.citizen.cancel import UNAVAILABLE
from cafepol_tui.ui.widgets.chip_bar import Chip, ChipBar

_ = translator("kiosk")


class NeighbourhoodScreen(KioskScreen):
    def __init__(self, commune: str | None = None) -> None:
        super().__init__()
        self.initial = commune

    def compose(self) -> ComposeResult:
        outlined = self.kiosk.high_contrast
        communes = list(self.kiosk.settings.communes)
        chosen = self.initial if self.initial in communes else (communes[0] if communes else "")
        with Vertical(id="neighbourhood-page"):
            yield Static(
                _("Vous nous avez dit… voici ce qui a été fait"), id="neighbourhood-heading"
            )
            yield ChipBar(
                [Chip(name, name, selected=name == chosen) for name in communes],
                outlined=outlined,
                id="nb-communes",
            )
            with VerticalScroll(id="nb-list-box"):
                yield Static(_("Chargement…"), id="nb-list")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")

    def on_mount(self) -> None:
        self.query_one("#nb-list-box").focus()
        self.load()

    @property
    def commune(self) -> str:
        chosen = [c.name for c in self.query_one("#nb-communes", ChipBar).chips if c.selected]
        return chosen[0] if chosen else ""

    @on(ChipBar.Pressed, "#nb-communes")
    def _choose(self, event: ChipBar.Pressed) -> None:
        event.bar.select(event.chip.name)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        commune = self.commune
        if not commune:
            self.app.call_from_thread(self.show_text, _("Aucune commune n'est configurée."))
            return
        try:
            with connection_deadline(self.kiosk.database):
                report = neighbourhood_feedback(commune)
        except NotFoundError:
            self.app.call_from_thread(self.show_text, _("Aucune demande ces derniers mois."))
        except peewee.DatabaseError as exc:
            self.kiosk.database_failed(exc)
            self.app.call_from_thread(self.show_text, _(UNAVAILABLE))
        else:
            self.app.call_from_thread(self.show_report, report)

    def show_text(self, message: str) -> None:
        self.query_one("#nb-list", Static).update(message)

    def show_report(self, report: NeighbourhoodReport) -> None:
        self.query_one("#nb-list", Static).update(report_text(report))

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()


def report_text(report: NeighbourhoodReport) -> Text:
    text = Text()
    text.append(
        _("{commune} — ce que vous nous avez signalé depuis le {day}").format(
            commune=report.commune, day=report.since_label
        )
        + "\n\n",
        style="bold",
    )
    if not report.items:
        text.append(_("Aucune demande ces derniers mois."))
        return text
    for item in report.items:
        title = " — ".join(p for p in (item.theme, item.place) if p) or _("Demande")
        text.append(f"• {title}\n", style="bold")
        text.append(
            _("Signalé en {month} · {state}").format(
                month=item.created_month_label, state=item.status_label
            )
            + "\n"
        )
        if item.public_text:
            text.append(item.public_text + "\n")
        text.append("\n")
    return text
