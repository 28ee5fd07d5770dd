"""A QR code drawn with half-block characters, dark on light, scannable from the screen."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from rich.text import Text
from textual.widgets import Static

# Each terminal cell holds two modules, one above the other.
_CELLS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


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


class QRCode(Static):
    """Shows `url` as a QR code. Always black on white, whatever the theme, so phones read it."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    def __init__(self, url: str, **kwargs: object) -> None:
        self.url = url
        super().__init__(self._render_code(url), **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def _render_code(url: str) -> Text:
        return Text("\n".join(qr_lines(url)), style="#000000 on #ffffff", no_wrap=True)
