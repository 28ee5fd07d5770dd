"""An on-screen keyboard, so a citizen can fill a field with touches only.

The keys never take the focus: a touch types into the text field that has it (an `Input` or a
`TextArea` of the same screen), exactly where its cursor is. The letters follow the language
(Belgian AZERTY for French and Dutch, QWERTZ for German, QWERTY for English); an accent layer
holds every accented letter those languages write (one letter, then back to the letters); a
123 layer for a phone number or an e-mail address. In a field for names (class `-names`) the
letter after a space, a hyphen or at the start is a capital by itself.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea

from cafepol_tui.i18n import current_language, translator

_ = translator("kiosk")

SHIFT, BACKSPACE, SPACE, DIGITS, LETTERS = "⇧", "⌫", "␣", "123", "ABC"
ACCENTS, NEXT = "àéü", "→"


def _letters(top: str, middle: str, bottom: str) -> list[list[str]]:
    return [
        list(top),
        list(middle),
        [SHIFT, *bottom, "'", "-", BACKSPACE],
        [DIGITS, ACCENTS, SPACE, NEXT],
    ]


# The letter keys of each language's keyboard, as on the machines people know.
LETTERS_BY_LANGUAGE: dict[str, list[list[str]]] = {
    "fr": _letters("azertyuiop", "qsdfghjklm", "wxcvbn"),  # Belgian AZERTY
    "nl": _letters("azertyuiop", "qsdfghjklm", "wxcvbn"),  # Belgian AZERTY
    "de": _letters("qwertzuiopü", "asdfghjklöä", "yxcvbnm"),  # QWERTZ
    "en": _letters("qwertyuiop", "asdfghjkl", "zxcvbnm"),  # QWERTY
}

# Every accented letter French, Dutch, German and English names are written with (and a few
# more from neighbouring languages).
ACCENT_ROWS: list[list[str]] = [
    list("éèêëàâäáîïí"),
    list("ôöóûùüúçñß"),
    [SHIFT, *"œæøåãõ", BACKSPACE],
    [LETTERS, SPACE, NEXT],
]

LAYOUTS: dict[str, list[list[str]]] = {
    "letters": LETTERS_BY_LANGUAGE["fr"],
    "accents": ACCENT_ROWS,
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

    @staticmethod
    def layout_rows(layout: str) -> list[list[str]]:
        """The keys of `layout`; "letters" in the language chosen now."""
        if layout == "letters":
            return LETTERS_BY_LANGUAGE.get(current_language(), LAYOUTS["letters"])
        return LAYOUTS[layout]

    def _rows(self, layout: str) -> list[Widget]:
        return [
            Horizontal(*[self._key(key) for key in keys], classes="key-row")
            for keys in self.layout_rows(layout)
        ]

    def _key(self, key: str) -> Key:
        labels = {SHIFT: "⇧ " + _("Majuscule"), BACKSPACE: "⌫ " + _("Effacer"),
                  SPACE: _("Espace"), DIGITS: "123 @", LETTERS: "abc", ACCENTS: "àéü",
                  NEXT: _("Suivant") + " →"}
        names = {SHIFT: "shift", BACKSPACE: "backspace", SPACE: "space", DIGITS: "digits",
                 LETTERS: "letters", ACCENTS: "accents", NEXT: "next"}
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
        if key in (DIGITS, LETTERS, ACCENTS):
            await self.switch_layout(
                {DIGITS: "digits", LETTERS: "letters", ACCENTS: "accents"}[key], self.shifted
            )
            return
        if key == SHIFT:
            self.set_shift(not self.shifted)
            return
        if key == NEXT:
            self.screen.focus_next()
            return
        target = self.target
        if target is None:
            return
        if key == BACKSPACE:
            target.action_delete_left()
            self.show_case()
            return
        text = " " if key == SPACE else key
        if (self.shifted or self.capital_next(target)) and text != "ß":
            text = text.upper()
        self.shifted = False
        if isinstance(target, Input):
            target.insert_text_at_cursor(text)
        else:
            target.insert(text)
        if self.keys == "accents":  # one accented letter, then the letters again
            await self.switch_layout("letters")
        self.show_case()

    @staticmethod
    def capital_next(target: Input | TextArea | None) -> bool:
        """In a field for names: a capital at the start and after a space or a hyphen."""
        if not isinstance(target, Input) or not target.has_class("-names"):
            return False
        before = target.value[: target.cursor_position]
        return not before or before[-1] in " -"

    def show_case(self) -> None:
        """The letter keys show the case they type now."""
        field = self.screen.focused
        if not isinstance(field, (Input, TextArea)):
            field = getattr(self.screen, "last_text_field", None)
        upper = self.shifted or self.capital_next(field)
        for key in self.query(Key):
            name = key.name or ""
            if len(name) == 1 and name.isalpha():
                key.label = name.upper() if upper and name != "ß" else name
        for shift in self.query("#key-shift"):
            shift.set_class(self.shifted, "-on")

    def set_shift(self, shifted: bool) -> None:
        """⇧ capitalises the next letter only; the keys show which case they type."""
        self.shifted = shifted
        self.show_case()

    async def switch_layout(self, layout: str, shifted: bool = False) -> None:
        self.keys = layout
        self.shifted = shifted
        await self.remove_children()
        await self.mount_all(self._rows(layout))
        self.show_case()


class KeyboardToggle(Button, can_focus=False):
    """« ⌨ Clavier »: shows or hides the keys without taking the focus from the field."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(_("⌨ Clavier"), classes="keyboard-toggle", **kwargs)  # type: ignore[arg-type]
