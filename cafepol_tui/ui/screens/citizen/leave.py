"""« Quitter le formulaire ? »: « ← Retour » from a filled sign-up form asks before anything typed
is thrown away. Keeping the form is the default (focused, on the left); leaving is on the right,
never where « ← Retour » was."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from cafepol_tui.i18n import translator
from cafepol_tui.ui.screens.base import KioskScreen

_ = translator("kiosk")


class LeaveFormScreen(KioskScreen):
    def __init__(self, leave: Callable[[], object]) -> None:
        super().__init__(id="leave-form")
        self.leave = leave

    def compose(self) -> ComposeResult:
        with Vertical(id="leave-box"):
            yield Static(_("Quitter le formulaire ?"), id="leave-heading")
            yield Static(_("Ce que vous avez écrit sera effacé."), classes="centered")
            with Horizontal(classes="actions"):
                yield Button(_("Non, continuer"), id="stay", variant="primary")
                yield Button(_("Oui, quitter et effacer"), id="leave", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def action_back(self) -> None:  # escape keeps the form
        self.app.pop_screen()

    @on(Button.Pressed, "#stay")
    def _stay(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#leave")
    def _leave(self) -> None:
        self.app.pop_screen()
        self.leave()
