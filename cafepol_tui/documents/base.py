"""The fpdf2 document every PDF starts from: shipped fonts, fixed dates, text that always fits.

The drawing helpers take text as people typed it (any script) and never raise on content:
text is cleaned by `fonts.printable`, Arabic runs switch to the Arabic face with HarfBuzz
shaping and the bidi algorithm, and text too long for its box shrinks, then ends in « … ».

Only text that needs it pays for it: text DejaVu draws whole is drawn without fallback fonts
(fpdf2 then skips its character-by-character font search) and without HarfBuzz; the Arabic
faces are added to the document (parsed, then embedded) only once some text needs them; and
the choice is made once per string, not once per copy drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import TTFFont

import cafepol_tui
from cafepol_tui.documents import fonts

Progress = Callable[[int, int], None]

# Zone colours (RGB): police blue for titles, a soft grey for rules and cut marks.
BLUE = (24, 52, 102)
GREY = (120, 120, 120)
LIGHT = (190, 190, 190)
RED = (170, 20, 20)
BLACK = (0, 0, 0)

PT = 0.3528  # mm per point
MIN_PT = 7.0  # no text is shrunk below this to fit: it wraps or ends with « … » instead
CREATOR = cafepol_tui.__name__  # the PDF's Creator field: « cafepol_tui »


# What a Code 39 barcode can carry (« * » is its start and stop mark).
CODE39_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%")
CODE39_MAX_NARROW = 0.4  # mm


class DocumentPDF(FPDF):
    def __init__(
        self,
        page_size: tuple[float, float],
        *,
        title: str = "",
        creation_date: datetime | None = None,
    ) -> None:
        # fpdf2 takes (width, height) as given with "P"; "L" would swap them.
        super().__init__(orientation="P", unit="mm", format=page_size)
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.c_margin = 0
        self._families: set[str] = set()
        self._add_family(fonts.MAIN_FAMILY)
        self.set_font(fonts.MAIN_FAMILY, "", 10)
        self._fallback: tuple[str, ...] = ()  # the families fpdf2 falls back on
        self._choices: dict[tuple[str, str], tuple[str, tuple[str, ...], bool]] = {}
        self._shaping = True  # HarfBuzz for right-to-left runs (uharfbuzz is a dependency)
        self._style = ""
        self._size = 10.0
        self._color: tuple[int, int, int] = BLACK
        self._text_rgb: tuple[int, int, int] | None = None  # the colour fpdf2 was last given
        self._ops: list[tuple[Any, ...]] | None = None
        self.set_creator(CREATOR)
        self.set_producer(f"{CREATOR} (fpdf2)")
        if title:
            self.set_title(fonts.printable(title))
        self.set_creation_date(creation_date or datetime.now(UTC))

    # --- fonts --------------------------------------------------------------------------

    def _add_family(self, family: str) -> None:
        """Both faces of a shipped family, the first time the document needs them."""
        if family not in self._families:
            styles = ("",) if family in fonts.REGULAR_ONLY else ("", "B")
            for style in styles:
                self.add_font(family, style, str(fonts.font_path(family, style)))
            regular = self.fonts[family.lower()]
            assert isinstance(regular, TTFFont)
            fonts.share_codepoints(family, regular.cmap)
            self._families.add(family)

    def use(self, size: float, bold: bool = False, color: tuple[int, int, int] = BLACK) -> None:
        """Choose size, weight and colour for the next text calls."""
        self._style = "B" if bold else ""
        self._size = size
        self._color = color
        self.set_font(fonts.MAIN_FAMILY, self._style, size)
        self._apply_color(color)

    def _apply_color(self, color: tuple[int, int, int]) -> None:
        if color != self._text_rgb:
            self.set_text_color(*color)
            self._text_rgb = color

    def _prepare(self, text: str, size: float | None = None) -> str:
        """Clean the text and set font and shaping for its script (Arabic: Noto, shaped, bidi)."""
        clean = fonts.printable(text)
        self._select(clean, size)
        return clean

    def _select(self, clean: str, size: float | None = None) -> None:
        """Font, fallback and shaping for text already cleaned by `fonts.printable`."""
        key = (self._style, clean)
        choice = self._choices.get(key)
        if choice is None:
            choice = self._choices[key] = self._choose(clean)
        family, fallback, shaped = choice
        self.set_font(family, self._style, self._size if size is None else size)
        if fallback != self._fallback:
            self.set_fallback_fonts(list(fallback), exact_match=False)
            self._fallback = fallback
        if shaped and self._shaping:
            self.set_text_shaping(True)
        elif self.text_shaping:
            self.set_text_shaping(False)

    def _choose(self, clean: str) -> tuple[str, tuple[str, ...], bool]:
        """(family, fallback families, shaped) for one cleaned string in the current style.

        Arabic runs: Noto Sans Arabic, DejaVu then the other fallbacks for the rest. Otherwise
        DejaVu, with the fallback faces (CJK, Hangul, Devanagari, symbols) the text needs,
        added to the document only then. HarfBuzz shapes right-to-left and Devanagari text:
        Latin, Greek, Cyrillic, CJK and Hangul need none with these fonts.
        """
        fallback: tuple[str, ...] = ()
        family = fonts.MAIN_FAMILY
        if not (clean.isascii() or self._main_covers(clean)):
            fallback = fonts.families_for(clean)
        if fonts.has_arabic(clean):
            family = fonts.ARABIC_FAMILY
            fallback = (fonts.MAIN_FAMILY, *(f for f in fallback if f != fonts.ARABIC_FAMILY))
        for name in (family, *fallback):
            self._add_family(name)
        return family, fallback, fonts.needs_shaping(clean)

    def _main_covers(self, clean: str) -> bool:
        font = self.fonts[fonts.MAIN_FAMILY.lower() + self._style]  # fpdf2: « dejavuB »
        assert isinstance(font, TTFFont)  # a shipped TTF, added in __init__
        return all(ord(ch) in font.cmap for ch in set(clean) if ch != "\n")

    def width_of(self, text: str, size: float | None = None) -> float:
        return self.get_string_width(self._prepare(text, size))

    # --- drawing ------------------------------------------------------------------------

    def put(
        self,
        text: str,
        x: float,
        y: float,
        w: float,
        *,
        align: str = "L",
        min_size: float = 5.0,
    ) -> float:
        """One line in a box `w` wide, top at `y`: shrink to fit, then cut with « … ».

        Returns the y under the line. Never shrinks below MIN_PT.
        """
        min_size = max(min_size, MIN_PT)
        size = self._size
        clean = self._prepare(text, size)
        width = self.get_string_width(clean)
        if width > w and size > min_size:
            size = max(min_size, size * w / width)
            width = self.get_string_width(self._prepare(text, size))
        if width > w:
            clean = self._truncate(clean, w)
        h = size * PT * 1.25
        self._text(clean, x, y, w, h, align, size)
        self.set_font_size(self._size)
        return y + h

    def _truncate(self, clean: str, w: float) -> str:
        ellipsis = "…"
        lo, hi = 0, len(clean)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.get_string_width(clean[:mid].rstrip() + ellipsis) <= w:
                lo = mid
            else:
                hi = mid - 1
        return clean[:lo].rstrip() + ellipsis

    def para(
        self,
        text: str,
        x: float,
        y: float,
        w: float,
        *,
        max_lines: int = 6,
        align: str = "L",
        leading: float = 1.3,
        min_size: float = 5.5,
    ) -> float:
        """Wrapped text in a box `w` wide and at most `max_lines` lines: shrink, then cut.

        Returns the y under the last line. Never shrinks below MIN_PT.
        """
        if not text.strip():
            return y
        min_size = max(min_size, MIN_PT)
        size = self._size
        while True:
            clean = self._prepare(text, size)
            wrapped = self.multi_cell(
                w, size * PT * leading, clean, dry_run=True, output=MethodReturnValue.LINES
            )
            lines: list[str] = list(wrapped)  # type: ignore[arg-type]  # LINES gives list[str]
            if len(lines) <= max_lines or size <= min_size:
                break
            size = max(min_size, size * 0.9)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self._truncate(lines[-1] + " …", w)
        h = size * PT * leading
        for i, line in enumerate(lines):
            self._text(line, x, y + i * h, w, h, align, size)
        self.set_font_size(self._size)
        return y + len(lines) * h

    def rule(
        self, x: float, y: float, w: float, color: tuple[int, int, int] = LIGHT, width: float = 0.3
    ) -> None:
        self.stroke(x, y, x + w, y, color, width)

    # --- primitives, recorded or drawn ----------------------------------------------------
    #
    # A flyer is laid out once (widths measured, lines wrapped, sizes shrunk) and the drawing
    # operations are replayed in every slot of every page: 500 copies cost 500 replays, not
    # 500 layouts.

    @contextmanager
    def recording(self) -> Iterator[list[tuple[Any, ...]]]:
        ops: list[tuple[Any, ...]] = []
        previous, self._ops = self._ops, ops  # a recording inside another (measuring) nests
        try:
            yield ops
        finally:
            self._ops = previous

    def replay(self, ops: list[tuple[Any, ...]], dx: float = 0.0, dy: float = 0.0) -> None:
        for op in ops:
            kind = op[0]
            if kind == "text":
                _, clean, x, y, w, h, align, size, style, color = op
                self._style, self._color = style, color
                self._draw_text(clean, x + dx, y + dy, w, h, align, size)
            elif kind == "image":
                _, image, x, y, w, h = op
                self.image(image, x + dx, y + dy, w, h)
            elif kind == "stroke":
                _, x1, y1, x2, y2, color, width = op
                self._draw_stroke(x1 + dx, y1 + dy, x2 + dx, y2 + dy, color, width)
            elif kind == "barcode":
                _, text, x, y, wide, h = op
                self._draw_barcode(text, x + dx, y + dy, wide, h)
            elif kind == "box":
                _, x, y, w, h, color, fill, width = op
                self._draw_box(x + dx, y + dy, w, h, color, fill, width)

    def barcode(self, code: str, x: float, y: float, w: float, h: float) -> float:
        """`code` as a Code 39 barcode centred in `w` (quiet zones included), `h` tall.

        The bars are as wide as fit, up to a 0.4 mm narrow bar (scanners at the door read
        it at arm's length); returns the y under it. Raises ValueError for a character
        Code 39 can't carry.
        """
        if not code or any(ch not in CODE39_CHARS for ch in code.upper()):
            raise ValueError(f"not valid in Code 39: {code!r}")
        symbols = len(code) + 2  # the « * » start and stop
        # A symbol is 3 wide (3 narrow each) + 6 narrow bars and a narrow gap: 16 narrow;
        # 10 narrow of quiet zone each side.
        narrow = min(CODE39_MAX_NARROW, w / (16 * symbols - 1 + 20))
        width = narrow * (16 * symbols - 1)
        op = ("barcode", f"*{code.upper()}*", x + (w - width) / 2, y, narrow * 3, h)
        if self._ops is not None:
            self._ops.append(op)
        else:
            self._draw_barcode(*op[1:])
        return y + h

    def _draw_barcode(self, text: str, x: float, y: float, wide: float, h: float) -> None:
        self.set_fill_color(0, 0, 0)
        self.code39(text, x, y, w=wide, h=h)

    def _text(
        self, clean: str, x: float, y: float, w: float, h: float, align: str, size: float
    ) -> None:
        if self._ops is not None:
            self._ops.append(("text", clean, x, y, w, h, align, size, self._style, self._color))
        else:
            self._draw_text(clean, x, y, w, h, align, size)

    def _draw_text(
        self, clean: str, x: float, y: float, w: float, h: float, align: str, size: float
    ) -> None:
        self._select(clean, size)
        self._apply_color(self._color)
        self.set_xy(x, y)
        self.cell(w, h, clean, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self._fallback:
            # fpdf2 may leave a fallback face as its current font when the text began with
            # one: forget the family so the next set_font selects DejaVu again, for real.
            self.font_family = ""

    def picture(self, image: Any, x: float, y: float, w: float, h: float) -> None:
        if self._ops is not None:
            self._ops.append(("image", image, x, y, w, h))
        else:
            self.image(image, x, y, w, h)

    def stroke(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        color: tuple[int, int, int] = LIGHT,
        width: float = 0.3,
    ) -> None:
        if self._ops is not None:
            self._ops.append(("stroke", x1, y1, x2, y2, color, width))
        else:
            self._draw_stroke(x1, y1, x2, y2, color, width)

    def _draw_stroke(
        self, x1: float, y1: float, x2: float, y2: float, color: tuple[int, int, int], width: float
    ) -> None:
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(x1, y1, x2, y2)

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        color: tuple[int, int, int] = LIGHT,
        fill: tuple[int, int, int] | None = None,
        width: float = 0.3,
    ) -> None:
        if self._ops is not None:
            self._ops.append(("box", x, y, w, h, color, fill, width))
        else:
            self._draw_box(x, y, w, h, color, fill, width)

    def _draw_box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        color: tuple[int, int, int],
        fill: tuple[int, int, int] | None,
        width: float,
    ) -> None:
        self.set_draw_color(*color)
        self.set_line_width(width)
        if fill is not None:
            self.set_fill_color(*fill)
        self.rect(x, y, w, h, style="DF" if fill is not None else "D")
