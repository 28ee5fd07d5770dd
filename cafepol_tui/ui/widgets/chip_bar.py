"""A row of touch "chips" (language, print size, commune, actions) drawn by one widget.

The kiosk's first screen needs about fifteen touch targets. As one Button each they cost the
start-up more than the meeting list itself (a widget, its styles and its layout each), so a
row of them is one focusable widget that draws its chips and finds the one under a finger.

- Touch or click presses a chip; with a keyboard, ←/→ move between chips and Enter or Space
  presses the one shown reversed.
- A chosen chip carries a ✓ in its label as well as a colour (never colour alone).
- Chips wrap onto more rows when the terminal is narrow; each row is three lines high, the
  same target as a Button.
- `outlined=True` (the high-contrast theme) draws each chip with a white outline, heavy and
  yellow for the chosen one and the one under the keyboard cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from cafepol_tui.i18n import translator

_ = translator("kiosk")

CHIP_HEIGHT = 3
GAP = 1  # columns between two chips
PADDING = 1  # columns each side of a label (the outline's place in high contrast)

# (top left, top, top right, side, bottom left, bottom, bottom right)
ROUND = ("╭", "─", "╮", "│", "╰", "─", "╯")
HEAVY = ("┏", "━", "┓", "┃", "┗", "━", "┛")


@dataclass(frozen=True)
class Chip:
    name: str  # what the screen acts on: a language code, a commune, an action
    label: str
    selected: bool = False
    muted: bool = False  # drawn quieter (« Personnel »)

    @property
    def text(self) -> str:
        return f"✓ {self.label}" if self.selected else self.label



@dataclass(frozen=True)
class Placed:
    index: int
    row: int
    x: int
    width: int


def chip_width(chip: Chip, outlined: bool) -> int:
    """An outline takes the padding's place, so the five communes still fit in 80 columns."""
    return cell_len(chip.text) + 2 * (1 if outlined else PADDING)


def place(chips: list[Chip], width: int, outlined: bool = False) -> list[Placed]:
    """Chips left to right, a new row of chips when the next one would not fit."""
    placed: list[Placed] = []
    row = x = 0
    for index, chip in enumerate(chips):
        wide = min(chip_width(chip, outlined), max(width, 1))
        if x and x + wide > width:
            row, x = row + 1, 0
        placed.append(Placed(index, row, x, wide))
        x += wide + GAP
    return placed


class ChipBar(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChipBar {
        width: 1fr;
        height: auto;
    }
    ChipBar > .chip-bar--chip {
        background: $surface;
        color: $foreground;
        text-style: bold;
    }
    ChipBar > .chip-bar--muted {
        background: $panel;
        color: $text-muted;
    }
    ChipBar > .chip-bar--selected {
        background: $accent;
        color: $background;
        text-style: bold;
    }
    ChipBar > .chip-bar--cursor {
        text-style: bold reverse;
    }
    ChipBar > .chip-bar--edge-top {
        color: $surface-lighten-1;
    }
    ChipBar > .chip-bar--edge-bottom {
        color: $surface-darken-1;
    }
    ChipBar > .chip-bar--outline {
        color: $foreground;
    }
    ChipBar > .chip-bar--outline-strong {
        color: $accent;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "chip-bar--chip",
        "chip-bar--muted",
        "chip-bar--selected",
        "chip-bar--cursor",
        "chip-bar--edge-top",
        "chip-bar--edge-bottom",
        "chip-bar--outline",
        "chip-bar--outline-strong",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Précédent", show=False),
        Binding("right", "move(1)", "Suivant", show=False),
        Binding("enter,space", "press", "Choisir", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class Pressed(Message):
        """A chip was touched, clicked, or chosen with Enter."""

        bar: ChipBar
        chip: Chip

        @property
        def control(self) -> ChipBar:
            return self.bar

    @dataclass
    class Moved(Message):
        """The keyboard cursor moved to another chip (said aloud in « Écouter » mode)."""

        bar: ChipBar

        @property
        def control(self) -> ChipBar:
            return self.bar

    def __init__(
        self,
        chips: list[Chip],
        *,
        outlined: bool = False,
        name: str = "",
        id: str | None = None,  # noqa: A002 - Textual's own name for it
        classes: str | None = None,
    ) -> None:
        """`name`: what the row is for (« Commune »), said before the chip in « Écouter »."""
        super().__init__(id=id, classes=classes)
        self.chips = list(chips)
        self.outlined = outlined
        self.group_name = name
        chosen = [i for i, chip in enumerate(self.chips) if chip.selected]
        self.set_reactive(ChipBar.cursor, chosen[0] if chosen else 0)

    # --- what the screen asks ---------------------------------------------------------------

    def chip(self, name: str) -> Chip:
        return next(chip for chip in self.chips if chip.name == name)

    def select(self, name: str | None) -> None:
        """Mark `name` chosen (✓) and every other chip not chosen."""
        self.chips = [replace(chip, selected=chip.name == name) for chip in self.chips]
        self.refresh(layout=True)  # the ✓ makes a chip wider

    def set_chips(self, chips: list[Chip]) -> None:
        """Other chips (one added or gone), the keyboard cursor kept on the same one."""
        current = self.chips[self.cursor].name if self.chips else None
        self.chips = list(chips)
        names = [chip.name for chip in self.chips]
        self.set_reactive(ChipBar.cursor, names.index(current) if current in names else 0)
        self.refresh(layout=True)

    def press(self, name: str) -> None:
        """Press the chip called `name`, as a finger would."""
        index = next(i for i, chip in enumerate(self.chips) if chip.name == name)
        self.cursor = index
        self.post_message(self.Pressed(self, self.chips[index]))

    def chip_offset(self, name: str) -> tuple[int, int]:
        """Where to touch `name` (the middle of its label), relative to the widget."""
        for spot in self._place(self.content_size.width):
            if self.chips[spot.index].name == name:
                return spot.x + spot.width // 2, spot.row * CHIP_HEIGHT + 1
        raise KeyError(name)

    # --- input ------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.cursor = max(0, min(len(self.chips) - 1, self.cursor + step))

    def action_press(self) -> None:
        if self.chips:
            self.post_message(self.Pressed(self, self.chips[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for spot in self._place(self.content_size.width):
            if spot.row == offset.y // CHIP_HEIGHT and spot.x <= offset.x < spot.x + spot.width:
                event.stop()
                self.cursor = spot.index
                self.post_message(self.Pressed(self, self.chips[spot.index]))
                return

    def watch_cursor(self) -> None:
        self.refresh()
        self.post_message(self.Moved(self))

    def spoken(self) -> str:
        """« Commune, Boussu, choisi, 2 sur 6. »"""
        if not self.chips:
            return ""
        chip = self.chips[min(self.cursor, len(self.chips) - 1)]
        parts = [self.group_name, chip.label]
        if chip.selected:
            parts.append(_("choisi"))
        parts.append(_("{i} sur {n}").format(i=self.cursor + 1, n=len(self.chips)))
        return ", ".join(p for p in parts if p) + "."

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    # --- size and drawing -------------------------------------------------------------------

    def get_content_width(self, container: Size, viewport: Size) -> int:
        widths = [chip_width(chip, self.outlined) for chip in self.chips]
        return sum(widths) + GAP * (len(widths) - 1) if widths else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        spots = self._place(width)
        return (spots[-1].row + 1) * CHIP_HEIGHT if spots else 0

    def _place(self, width: int) -> list[Placed]:
        return place(self.chips, width, self.outlined)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        row, line = divmod(y, CHIP_HEIGHT)
        base = self.rich_style
        segments: list[Segment] = []
        x = 0
        for spot in self._place(width):
            if spot.row != row:
                continue
            if spot.x > x:
                segments.append(Segment(" " * (spot.x - x), base))
            segments.extend(self._chip_line(spot, line))
            x = spot.x + spot.width
        if x < width:
            segments.append(Segment(" " * (width - x), base))
        return Strip(segments, width).crop(0, width)

    def _chip_line(self, spot: Placed, line: int) -> list[Segment]:
        chip = self.chips[spot.index]
        under_cursor = self.has_focus and spot.index == self.cursor
        style = self.get_component_rich_style(
            "chip-bar--selected" if chip.selected else
            "chip-bar--muted" if chip.muted else "chip-bar--chip"
        )
        if under_cursor:
            style += self.get_component_rich_style("chip-bar--cursor", partial=True)
        background = Style(bgcolor=style.bgcolor)
        if self.outlined:
            strong = chip.selected or under_cursor
            glyphs = HEAVY if strong else ROUND
            edge = self.get_component_rich_style(
                "chip-bar--outline-strong" if strong else "chip-bar--outline", partial=True
            )
            edge_style = self.rich_style + Style(color=edge.color)
            inner = spot.width - 2
            if line == 0:
                return [Segment(glyphs[0] + glyphs[1] * inner + glyphs[2], edge_style)]
            if line == 2:
                return [Segment(glyphs[4] + glyphs[5] * inner + glyphs[6], edge_style)]
            return [Segment(glyphs[3], edge_style), Segment(_centre(chip.text, inner), style),
                    Segment(glyphs[3], edge_style)]
        if line == 0:
            top = self.get_component_rich_style("chip-bar--edge-top", partial=True)
            return [Segment("▔" * spot.width, background + Style(color=top.color))]
        if line == 2:
            bottom = self.get_component_rich_style("chip-bar--edge-bottom", partial=True)
            return [Segment("▁" * spot.width, background + Style(color=bottom.color))]
        return [Segment(_centre(chip.text, spot.width), style)]


def _centre(text: str, width: int) -> str:
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…" if width else ""
    return text.center(width)
