"""« Besoin d'aide ? »: where to find a person, in large print whatever the print size."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from cafepol_tui.i18n import translator
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.widgets.big_text import BigText

_ = translator("kiosk")


def steps(current: int) -> Text:
    """« 1 Rencontre › 2 Vos coordonnées › 3 Confirmation », the current step reversed."""
    names = [_("Rencontre"), _("Vos coordonnées"), _("Confirmation")]
    text = Text()
    for number, name in enumerate(names, start=1):
        if number > 1:
            text.append(" › ")
        text.append(f" {number} {name} ", style="bold reverse" if number == current else "")
    return text


class HelpScreen(KioskScreen):
    """`over_form`: opened from a form, which it says is kept."""

    def __init__(self, over_form: bool = True) -> None:
        super().__init__(id="help")
        self.over_form = over_form

    def compose(self) -> ComposeResult:
        text = _(
            "Adressez-vous au guichet d'accueil du commissariat, à l'entrée : un agent "
            "vous aidera volontiers, et peut vous inscrire ou annuler pour vous."
        )
        if self.over_form:
            text += " " + _("Rien de ce que vous avez écrit ici n'est perdu.")
        with Vertical(id="help-page"):
            yield BigText(_("Besoin d'aide ?"), always=True, id="help-heading")
            yield Static(text, id="help-text")
            with Horizontal(classes="actions"):
                yield Button(_("Fermer"), id="close-help", variant="primary")

    @on(Button.Pressed, "#close-help")
    def _close(self) -> None:
        self.app.pop_screen()
