"""Citizen screens with text fields: the on-screen keyboard that appears when asked for.

Kept apart from `KioskScreen` so the first screen (no text field) does not load the text
widgets and the keyboard at start-up.
"""

from __future__ import annotations

from textual import events, on
from textual.widgets import Button, Input, TextArea

from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.widgets.touch_keyboard import TouchKeyboard

# Below this height the keys are 2 rows high instead of 3, so a field stays visible above them.
COMPACT_HEIGHT = 36


class KeyboardScreen(KioskScreen):
    # The on-screen keyboard is shown or hidden by « ⌨ Clavier » only (or from the start on the
    # short code and PIN screens), never by a change of focus: nothing jumps under a finger
    # between touching a field and touching the next one.
    keyboard_wanted = False
    warns_before_reset = True  # a typed form: « Vous êtes toujours là ? » before it goes
    last_text_field: Input | TextArea | None = None

    def on_resize(self, event: events.Resize) -> None:
        for keyboard in self.query(TouchKeyboard):
            keyboard.set_class(event.size.height < COMPACT_HEIGHT, "-compact")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, (Input, TextArea)):
            self.last_text_field = event.widget
            for keyboard in self.query(TouchKeyboard):
                keyboard.show_case()

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
