"""The « À appeler » list on A4: one block per call, with the whole text to say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf.enums import MethodReturnValue

from cafepol_tui.documents.base import BLUE, GREY, PT, DocumentPDF
from cafepol_tui.documents.texts import PAGE, PRINTED, phone_for_print, t
from cafepol_tui.i18n import N_, translator
from cafepol_tui.i18n import language as use_language
from cafepol_tui.services.formatting import format_day

A4 = (210.0, 297.0)
MARGIN = 15.0
WIDTH = 180.0
BOTTOM = 272.0

_ = translator("texts")  # the catalog of the constants below (shown with t())

TITLE = N_("Appels à passer")
CONFIDENTIAL = N_("Confidentiel — à détruire après usage")
REACHED = N_("Joint")
MESSAGE_LEFT = N_("Message laissé")
NO_ANSWER = N_("Pas de réponse")
NOTES = N_("Notes :")
REFERENCE = N_("Référence : {reference}")


@dataclass(frozen=True)
class CallRow:
    name: str
    phone: str
    kind_label: str
    text: str
    reference: str


def call_list_pdf(
    rows: list[CallRow], *, zone_name: str, printed_at: datetime, language: str = "fr"
) -> bytes:
    lang = language
    with use_language(lang):
        pdf = DocumentPDF(A4, title=t(TITLE), creation_date=printed_at)
        when = f"{format_day(printed_at, lang)} {printed_at:%H:%M}"

        def header() -> float:
            pdf.add_page()
            pdf.use(14, bold=True, color=BLUE)
            y = pdf.put(f"{zone_name} — {t(TITLE)}", MARGIN, 12, WIDTH)
            pdf.use(9, color=GREY)
            y = pdf.put(t(PRINTED, when=when), MARGIN, y, WIDTH)
            pdf.rule(MARGIN, y + 1, WIDTH)
            return y + 4

        y = header()
        for row in rows:
            pdf.use(11)
            need = 8 + 9 + 6 + _height(pdf, row.text) + 24
            if y + need > BOTTOM:
                y = header()
            pdf.use(12, bold=True)
            y = pdf.put(row.name, MARGIN, y, WIDTH * 0.6)
            pdf.use(18, bold=True, color=BLUE)
            y = pdf.put(
                phone_for_print(row.phone) if row.phone.startswith("+") else row.phone,
                MARGIN,
                y,
                WIDTH,
            )
            pdf.use(10, color=GREY)
            y = pdf.put(
                f"{row.kind_label} · {t(REFERENCE, reference=row.reference)}", MARGIN, y, WIDTH
            )
            pdf.use(11)
            y = pdf.para(row.text, MARGIN, y + 1, WIDTH, max_lines=200, min_size=11) + 2
            x = MARGIN
            for label in (REACHED, MESSAGE_LEFT, NO_ANSWER):
                pdf.box(x, y + 0.5, 4, 4, color=GREY)
                pdf.put(t(label), x + 6, y, 50)
                x += 6 + pdf.width_of(t(label)) + 10
            y += 7
            pdf.put(t(NOTES), MARGIN, y, 20)
            pdf.rule(MARGIN + 18, y + 5, WIDTH - 18, GREY)
            y += 10
            pdf.rule(MARGIN, y, WIDTH)
            y += 4
        total = pdf.page_no()
        for n in range(1, total + 1):
            pdf.page = n
            pdf.use(9, color=GREY)
            pdf.put(t(CONFIDENTIAL), MARGIN, 282, WIDTH * 0.7)
            pdf.put(t(PAGE, n=n, total=total), MARGIN, 282, WIDTH, align="R")
        return bytes(pdf.output())


def _height(pdf: DocumentPDF, text: str) -> float:
    """The height `para` takes for `text` at 11 pt across the page (not drawn)."""
    if not text.strip():
        return 0.0
    lines = pdf.multi_cell(
        WIDTH, 11 * PT * 1.3, pdf._prepare(text), dry_run=True, output=MethodReturnValue.LINES
    )
    return len(list(lines)) * 11 * PT * 1.3  # type: ignore[arg-type]
