"""Looking at PDFs the way a person or a phone would: text, page sizes, rendered pages, QR codes."""

from __future__ import annotations

import io


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, through pdfium (the renderer the tests also look with)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
        for p in reader.pages
    ]


def render_page(pdf: bytes, index: int = 0, dpi: int = 200):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return document[index].render(scale=dpi / 72).to_pil()
    finally:
        document.close()


def qr_codes(pdf: bytes, index: int = 0, dpi: int = 200) -> list[str]:
    """Decode every QR code on a rendered page with a real decoder (zxing-cpp)."""
    import zxingcpp

    image = render_page(pdf, index, dpi)
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces made single spaces (wrapped lines rejoined)."""
    return " ".join(text.split())
