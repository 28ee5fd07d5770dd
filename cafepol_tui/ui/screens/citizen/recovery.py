"""« Un instant… »: shown after an unexpected error, then a fresh home screen."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from cafepol_tui.i18n import translator
from cafepol_tui.ui.screens.base import KioskScreen

_ = translator("kiosk")


class RecoveryScreen(KioskScreen):
    BINDINGS: ClassVar[list[BindingType]] = []
    DELAY_S = 3.0

    def compose(self) -> ComposeResult:
        incident = self.kiosk.incident_code
        with Vertical(id="recovery-page"):
            yield Static(_("Un instant…"), id="recovery-title")
            yield Static(_("La borne redémarre l'écran d'accueil."), classes="centered")
            yield Static(f"({incident})" if incident else "", id="recovery-code",
                         classes="centered")

    def on_mount(self) -> None:
        self.set_timer(self.DELAY_S, self.kiosk.finish_recovery)
