"""Text in block letters three rows tall, for large print: titles, the reference code, a day and
time. Textual's `Digits` draws digits only; this draws letters too, from a 3×5 pixel font, two
pixel rows per terminal row (▀ ▄ █). Accents are left off the big letters (É is drawn E): the
same words stay written in normal letters nearby where they matter."""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual.widgets import Static

# 5 rows per glyph, "#" lit; 3 columns (M, N and W wider, so as not to be read H or U).
FONT: dict[str, str] = {
    "A": ".#.#.#####.##.#",
    "B": "##.#.###.#.###.",
    "C": ".###..#..#...##",
    "D": "##.#.##.##.###.",
    "E": "####..##.#..###",
    "F": "####..##.#..#..",
    "G": ".###..#.##.#.##",
    "H": "#.##.#####.##.#",
    "I": "###.#..#..#.###",
    "J": "..#..#..##.#.#.",
    "K": "#.##.###.#.##.#",
    "L": "#..#..#..#..###",
    "M": "#...###.###.#.##...##...#",
    "N": "#..###.##.###..##..#",
    "O": ".#.#.##.##.#.#.",
    "P": "##.#.###.#..#..",
    "Q": ".#.#.##.###..##",
    "R": "##.#.###.#.##.#",
    "S": ".###...#...###.",
    "T": "###.#..#..#..#.",
    "U": "#.##.##.##.####",
    "V": "#.##.##.##.#.#.",
    "W": "#...##...##.#.###.###...#",
    "X": "#.##.#.#.#.##.#",
    "Y": "#.##.#.#..#..#.",
    "Z": "###..#.#.#..###",
    "0": "####.##.##.####",
    "1": ".#.##..#..#.###",
    "2": "##...#.#.#..###",
    "3": "##...#.#...###.",
    "4": "#.##.####..#..#",
    "5": "####..##...###.",
    "6": ".###..####.####",
    "7": "###..#.#..#..#.",
    "8": "####.#####.####",
    "9": "####.####..###.",
    " ": "...............",
    "-": "......###......",
    "'": ".#..#..........",
    ":": "....#.....#....",
    ".": "............#..",
    ",": ".........#.#...",
    "?": "##...#.#.....#.",
    "!": ".#..#..#.....#.",
    "/": "..#..#.#.#..#..",
    "(": "..#.#.#..#...#.",
    ")": "#...#..#..#.#..",
    "›": "#...#...#.#.#..",
}
ROWS, COLUMNS = 5, 3


def _pixels(char: str) -> tuple[int, str]:
    """(width, pattern) of `char`: without its accent, capital; unknown glyphs drawn « ? »."""
    base = unicodedata.normalize("NFD", char.upper())[:1] or " "
    pattern = FONT.get(base, FONT[" "] if base.isspace() else FONT["?"])
    return len(pattern) // ROWS, pattern


def drawn_width(text: str) -> int:
    """Cells `text` takes in block letters: each glyph and one blank after it, less the last."""
    return max(0, sum(_pixels(c)[0] + 1 for c in text) - 1)


def block_lines(text: str, width: int) -> list[str]:
    """`text` in block letters, wrapped at word boundaries to `width` cells (4 per letter,
    M, N and W a little wider)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if drawn_width(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
        while drawn_width(current) > width and len(current) > 1:  # a word longer than the line
            cut = len(current) - 1
            while cut > 1 and drawn_width(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    drawn: list[str] = []
    for line in lines:
        glyphs = [_pixels(c) for c in line]
        for top in range(0, ROWS + 1, 2):
            row = ""
            for columns, glyph in glyphs:
                for column in range(columns):
                    upper = top < ROWS and glyph[top * columns + column] == "#"
                    lower = top + 1 < ROWS and glyph[(top + 1) * columns + column] == "#"
                    row += "█" if upper and lower else "▀" if upper else "▄" if lower else " "
                row += " "
            drawn.append(row.rstrip())
    return drawn


class BigText(Static):
    """Plain text, drawn in block letters in large print (or always, with `always=True`)."""

    def __init__(
        self, text: str, *, big: str | None = None, always: bool = False, **kwargs: object
    ) -> None:
        """`big`: what is drawn in block letters, when shorter than `text` (a title without its
        details)."""
        super().__init__(text, markup=False, **kwargs)  # type: ignore[arg-type]
        self.text = text
        self.big_text = text if big is None else big
        self.always = always

    @property
    def big(self) -> bool:
        return self.always or self.app.has_class("-large-print")

    def render(self) -> Text:  # type: ignore[override]
        if not self.big:
            return Text(self.text)
        width = self.size.width or (self.app.size.width - 4)
        return Text("\n".join(block_lines(self.big_text, width)), justify="center")

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[no-untyped-def]
        if not self.big:
            return super().get_content_height(container, viewport, width)
        return len(block_lines(self.big_text, width))
