"""« Vous êtes toujours là ? »: before the idle reset throws a form away, a large countdown that
any touch or key cancels (the screen below is kept as it was, and is not acted on)."""

from __future__ import annotations

from time import monotonic

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from cafepol_tui.i18n import translator
from cafepol_tui.ui.screens.base import KioskScreen

_ = translator("kiosk")

# The countdown's length: at most this, and at most a third of the idle time.
STILL_THERE_S = 20.0


class StillThereScreen(KioskScreen, inherit_bindings=False):
    def __init__(self, left: float) -> None:
        super().__init__(id="still-there")
        self.left = left

    def compose(self) -> ComposeResult:
        with Vertical(id="still-there-box"):
            yield Static(_("Vous êtes toujours là ?"), id="still-there-heading")
            yield Digits(str(round(self.left)), id="still-there-count")
            yield Static(_("Touchez l'écran pour continuer."), classes="centered")

    def show_left(self, left: float) -> None:
        self.left = left
        for count in self.query("#still-there-count").results(Digits):
            count.update(str(max(0, round(left))))

    def tap_too_soon(self) -> bool:
        return False  # any touch, at once, keeps the form

    def keep(self) -> None:
        self.kiosk.last_input = monotonic()
        if self.app.screen is self:
            self.app.pop_screen()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.keep()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.keep()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.keep()
