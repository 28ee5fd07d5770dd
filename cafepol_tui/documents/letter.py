"""A4 letters for a DL window envelope (concern replies) and partner hand-off sheets.

Window position used: the DIN 5008 / EN C5/6-DL right window, address field 45 mm high, 85 mm
wide, starting 120 mm from the left edge and 50 mm from the top (the Belgian post's
« fenêtre à droite » placement).
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf.enums import MethodReturnValue

from cafepol_tui.documents.base import BLUE, GREY, PT, DocumentPDF
from cafepol_tui.documents.texts import PAGE, t
from cafepol_tui.i18n import N_, language, translator

A4 = (210.0, 297.0)
WINDOW_X, WINDOW_Y, WINDOW_W, WINDOW_H = 120.0, 50.0, 85.0, 45.0
MARGIN = 20.0
BODY_SIZE = 11.0

_ = translator("texts")  # the catalog of the constants below (shown with t())

SUBJECT = N_("Objet : {subject}")
REFERENCE = N_("Référence : {reference}")
CLOSING = N_("Veuillez agréer nos salutations distinguées.")
HANDOFF_TITLE = N_("Transmission à un partenaire")


@dataclass(frozen=True)
class LetterContent:
    zone_name: str
    publisher: str
    sender_lines: tuple[str, ...]
    recipient_lines: tuple[str, ...]
    place_and_date: str
    subject: str
    body: str
    reference: str
    language: str
    logo: bytes | None = None


def letter_pdf(content: LetterContent) -> bytes:
    return _render(content, title="")


def handoff_sheet_pdf(content: LetterContent) -> bytes:
    """The same letter layout, titled « Transmission à un partenaire »."""
    return _render(content, title=HANDOFF_TITLE)


def _header(pdf: DocumentPDF, c: LetterContent, title: str) -> float:
    y = 15.0
    x = MARGIN
    if c.logo:
        import io

        pdf.picture(io.BytesIO(c.logo), MARGIN, y, 20, 20)
        x = MARGIN + 24
    pdf.use(14, bold=True, color=BLUE)
    y2 = pdf.put(c.zone_name, x, y, 190 - x)
    if title:
        pdf.use(12, bold=True, color=BLUE)
        y2 = pdf.put(t(title), x, y2 + 1, 190 - x)
    return max(y2, y + 22 if c.logo else y2) + 4


def _lines(pdf: DocumentPDF, text: str, w: float) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            out.append("")
            continue
        clean = pdf._prepare(para)
        wrapped = pdf.multi_cell(
            w, BODY_SIZE * PT * 1.35, clean, dry_run=True, output=MethodReturnValue.LINES
        )
        out.extend(list(wrapped))  # type: ignore[arg-type]
    return out


def _render(c: LetterContent, *, title: str) -> bytes:
    with language(c.language):
        pdf = DocumentPDF(A4, title=c.subject)
        pdf.add_page()
        y = _header(pdf, c, title)
        pdf.use(9, color=GREY)
        for line in c.sender_lines:
            y = pdf.put(line, MARGIN, y, 90)
        pdf.use(11)
        ry = WINDOW_Y + 4
        for line in c.recipient_lines[:8]:
            ry = pdf.put(line, WINDOW_X + 2, ry, WINDOW_W - 4)
        y = WINDOW_Y + WINDOW_H + 8
        pdf.put(c.place_and_date, WINDOW_X, y, 70)
        y += 10
        pdf.use(11, bold=True)
        y = pdf.para(t(SUBJECT, subject=c.subject), MARGIN, y, 170, max_lines=3, min_size=11)
        pdf.use(BODY_SIZE)
        y = pdf.put(t(REFERENCE, reference=c.reference), MARGIN, y + 1, 170) + 5
        h = BODY_SIZE * PT * 1.35
        lines = _lines(pdf, c.body, 170) + ["", t(CLOSING), "", c.publisher]
        for line in lines:
            if y + h > 275:
                pdf.add_page()
                y = _header(pdf, c, title)
                pdf.use(BODY_SIZE)
            if line:
                pdf.put(line, MARGIN, y, 170, min_size=BODY_SIZE)
            y += h
        total = pdf.page_no()
        if total > 1:
            for n in range(1, total + 1):
                pdf.page = n
                pdf.use(9, color=GREY)
                pdf.put(t(PAGE, n=n, total=total), MARGIN, 285, 170, align="R")
        return bytes(pdf.output())
