"""An on-screen keyboard, so a citizen can fill a field with touches only.

The keys never take the focus: a touch types into the text field that has it (an `Input` or a
`TextArea` of the same screen), exactly where its cursor is. Belgian AZERTY letters, the
accented letters French needs, and a 123 layer for a phone number or an e-mail address.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea

from cafepol_tui.i18n import translator

_ = translator("kiosk")

SHIFT, BACKSPACE, SPACE, DIGITS, LETTERS = "⇧", "⌫", "␣", "123", "ABC"

LAYOUTS: dict[str, list[list[str]]] = {
    "letters": [
        list("azertyuiop"),
        list("qsdfghjklm"),
        [SHIFT, *"wxcvbn", "'", "-", BACKSPACE],
        [DIGITS, *"éèàçù", SPACE],
    ],
    "digits": [
        list("1234567890"),
        ["@", ".", "+", "/", "_", "-", "'", "(", ")", BACKSPACE],
        [LETTERS, SPACE],
    ],
    # Reference codes: only the characters a code can hold (no 0/O/1/I), no layer to switch.
    "code": [
        [*"23456789", BACKSPACE],
        list("AZERTYUP"),
        list("QSDFGHJKLM"),
        list("WXCVBN"),
    ],
    "pin": [[*"1234567890", BACKSPACE]],
}


class Key(Button, can_focus=False):
    """A key: pressing it never moves the focus away from the field being typed into.

    Unlike a Button, a key takes a second touch during its press effect: « ss », « 55 ».
    """

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.press()


class TouchKeyboard(Vertical):
    """Rows of big keys; `keys` names one of `LAYOUTS` ("letters" switches to "digits")."""

    def __init__(self, layout: str = "letters", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys = layout
        self.shifted = False

    def compose(self) -> ComposeResult:
        yield from self._rows(self.keys)

    def _rows(self, layout: str) -> list[Widget]:
        return [
            Horizontal(*[self._key(key) for key in keys], classes="key-row")
            for keys in LAYOUTS[layout]
        ]

    def _key(self, key: str) -> Key:
        labels = {SHIFT: "⇧", BACKSPACE: "⌫", SPACE: _("espace"), DIGITS: "123 @", LETTERS: "abc"}
        names = {SHIFT: "shift", BACKSPACE: "backspace", SPACE: "space", DIGITS: "digits",
                 LETTERS: "letters"}
        special = key in labels
        key_id = names[key] if special else f"k{ord(key):x}"
        widget = Key(labels.get(key, key), name=key, id=f"key-{key_id}",
                     classes="key -special" if special else "key")
        if key == SPACE:
            widget.add_class("-space")
        return widget

    @property
    def target(self) -> Input | TextArea | None:
        """The focused text field, else the last one that had the focus (focused again)."""
        focused = self.screen.focused
        if isinstance(focused, (Input, TextArea)):
            return focused
        last = getattr(self.screen, "last_text_field", None)
        if isinstance(last, (Input, TextArea)) and last.is_attached:
            last.focus()
            return last
        return None

    @on(Button.Pressed, ".key")
    async def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        key = event.button.name or ""
        if key in (DIGITS, LETTERS):
            await self.switch_layout("digits" if key == DIGITS else "letters")
            return
        if key == SHIFT:
            self.set_shift(not self.shifted)
            return
        target = self.target
        if target is None:
            return
        if key == BACKSPACE:
            target.action_delete_left()
            return
        text = " " if key == SPACE else key
        if self.shifted:
            text = text.upper()
            self.set_shift(False)
        if isinstance(target, Input):
            target.insert_text_at_cursor(text)
        else:
            target.insert(text)

    def set_shift(self, shifted: bool) -> None:
        """⇧ capitalises the next letter only; the keys show which case they type."""
        self.shifted = shifted
        for key in self.query(Key):
            name = key.name or ""
            if len(name) == 1 and name.isalpha():
                key.label = name.upper() if shifted else name
        for shift in self.query("#key-shift"):
            shift.set_class(shifted, "-on")

    async def switch_layout(self, layout: str) -> None:
        self.keys = layout
        self.shifted = False
        await self.remove_children()
        await self.mount_all(self._rows(layout))


class KeyboardToggle(Button, can_focus=False):
    """« ⌨ Clavier »: shows or hides the keys without taking the focus from the field."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(_("⌨ Clavier"), classes="keyboard-toggle", **kwargs)  # type: ignore[arg-type]
