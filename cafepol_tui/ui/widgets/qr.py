"""A QR code drawn with half-block characters, dark on light, scannable from the screen."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

# Each terminal cell holds two modules, one above the other.
_CELLS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
_STYLE = Style(color="#000000", bgcolor="#ffffff")


def qr_lines(data: str, border: int = 2) -> list[str]:
    """Rows of half-block characters; █ is a dark module pair. Quiet zone of `border` modules."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    return [
        "".join(_CELLS[(top, bottom)] for top, bottom in zip(matrix[y], matrix[y + 1], strict=True))
        for y in range(0, len(matrix), 2)
    ]


class QRCode(Widget):
    """Shows `url` as a QR code, always black on white whatever the theme, so phones read it.

    Drawn line by line as raw segments: no text processing may trim the quiet zone.
    """

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    def __init__(self, url: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.url = url
        self.lines = qr_lines(url)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self.lines[0])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    def render_line(self, y: int) -> Strip:
        if y >= len(self.lines):
            return Strip.blank(self.size.width)
        return Strip([Segment(self.lines[y], _STYLE)], len(self.lines[y]))
