"""The QR code drawn in the terminal is a real one: rebuild its pixels and decode with zxing-cpp."""

from __future__ import annotations

import pytest
from PIL import Image

from cafepol_tui.ui.widgets.qr import qr_lines

zxingcpp = pytest.importorskip("zxingcpp")

TOP = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}


def as_image(lines: list[str], scale: int = 8) -> Image.Image:
    """Each character is two modules stacked: dark where the half block is drawn."""
    width, height = len(lines[0]), len(lines) * 2
    img = Image.new("L", (width, height), 255)
    for y, line in enumerate(lines):
        for x, ch in enumerate(line):
            top, bottom = TOP[ch]
            if top:
                img.putpixel((x, 2 * y), 0)
            if bottom:
                img.putpixel((x, 2 * y + 1), 0)
    img = img.resize((width * scale, height * scale), Image.NEAREST)
    framed = Image.new("L", (img.width + 8 * scale, img.height + 8 * scale), 255)
    framed.paste(img, (4 * scale, 4 * scale))
    return framed


@pytest.mark.parametrize(
    "url",
    ["https://www.facebook.com/events/1234567890123456/", "https://www.police.be/5330/"],
)
def test_terminal_qr_decodes_to_the_url(url):
    results = zxingcpp.read_barcodes(as_image(qr_lines(url)))
    assert [r.text for r in results] == [url]


def test_qr_uses_error_correction_m_and_a_quiet_zone():
    lines = qr_lines("https://www.facebook.com/events/1/")
    assert set(lines[0]) == {" "}  # quiet zone above
    assert all(line[0] == " " and line[-1] == " " for line in lines)
