"""Party size with big − and + buttons: no typing needed on a touch screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Static

from cafepol_tui.i18n import translator

_ = translator("kiosk")


class PartySize(Horizontal):
    value: reactive[int] = reactive(1)

    @dataclass
    class Changed(Message):
        """The number of people changed (said aloud in « Écouter » mode)."""

        party_size: PartySize

        @property
        def control(self) -> PartySize:
            return self.party_size

    def __init__(self, maximum: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.maximum = maximum

    def compose(self) -> ComposeResult:
        yield Button("−", id="fewer", classes="stepper", tooltip=_("Une personne de moins"))
        yield Static(self.describe(1), id="party-count")
        yield Button("+", id="more", classes="stepper", tooltip=_("Une personne de plus"))
        yield Static(
            _("Plus de {n} personnes ? Adressez-vous au guichet.").format(n=self.maximum),
            id="party-max",
        )

    @staticmethod
    def describe(value: int) -> str:
        return _.plural("{n} personne", "{n} personnes", value).format(n=value)

    def spoken_state(self) -> str:
        """Said after the − or + button's name: « 2 personnes »."""
        return self.describe(self.value)

    def watch_value(self, value: int) -> None:
        self.post_message(self.Changed(self))
        self.query_one("#party-count", Static).update(self.describe(value))
        self.query_one("#fewer", Button).disabled = value <= 1
        self.query_one("#more", Button).disabled = value >= self.maximum
        self.query_one("#party-max", Static).display = value >= self.maximum

    @on(Button.Pressed, "#fewer")
    def _fewer(self, event: Button.Pressed) -> None:
        event.stop()
        self.value = max(1, self.value - 1)

    @on(Button.Pressed, "#more")
    def _more(self, event: Button.Pressed) -> None:
        event.stop()
        self.value = min(self.maximum, self.value + 1)
