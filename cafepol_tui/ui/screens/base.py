"""What every kiosk screen shares: typed access to the App and a harmless way back."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp


class KioskScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Retour", show=False, id="back")]

    @property
    def kiosk(self) -> CafePolApp:
        return cast("CafePolApp", self.app)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
