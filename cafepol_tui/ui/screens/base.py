"""What every kiosk screen shares: typed access to the App, a harmless way back, and the
on-screen keyboard that appears when a text field is touched."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, Input, TextArea

from cafepol_tui.ui.widgets.touch_keyboard import TouchKeyboard

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp

# Below this height the keys are 2 rows high instead of 3, so a field stays visible above them.
COMPACT_HEIGHT = 36


class KioskScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Retour", show=False, id="back")]

    # The on-screen keyboard is shown or hidden by « ⌨ Clavier » only (or from the start on the
    # short code and PIN screens), never by a change of focus: nothing jumps under a finger
    # between touching a field and touching the next one.
    keyboard_wanted = False
    last_text_field: Input | TextArea | None = None

    @property
    def kiosk(self) -> CafePolApp:
        return cast("CafePolApp", self.app)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_resize(self, event: events.Resize) -> None:
        for keyboard in self.query(TouchKeyboard):
            keyboard.set_class(event.size.height < COMPACT_HEIGHT, "-compact")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, (Input, TextArea)):
            self.last_text_field = event.widget

    def sync_keyboard(self) -> None:
        for keyboard in self.query(TouchKeyboard):
            keyboard.display = self.keyboard_wanted
            keyboard.set_class(self.size.height < COMPACT_HEIGHT, "-compact")
        for toggle in self.query(".keyboard-toggle"):
            toggle.set_class(self.keyboard_wanted, "-on")
        if self.keyboard_wanted and isinstance(self.focused, (Input, TextArea)):
            self.call_after_refresh(self.focused.scroll_visible, animate=False)

    @on(Button.Pressed, ".keyboard-toggle")
    def _toggle_keyboard(self, event: Button.Pressed) -> None:
        """« ⌨ Clavier »: show the keys (in the first text field if none has the focus)."""
        event.stop()
        self.keyboard_wanted = not self.keyboard_wanted
        if self.keyboard_wanted and not isinstance(self.focused, (Input, TextArea)):
            fields = self.query("Input, TextArea")
            if fields:
                fields.first().focus()
        self.sync_keyboard()
