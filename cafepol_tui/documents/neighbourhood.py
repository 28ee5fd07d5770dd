"""« Vous nous avez dit… voici ce qui a été fait »: an A4 sheet per commune, without any name."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fpdf.enums import MethodReturnValue

from cafepol_tui.documents.base import BLUE, GREY, LIGHT, PT, DocumentPDF
from cafepol_tui.documents.texts import PAGE, t
from cafepol_tui.i18n import N_, translator
from cafepol_tui.i18n import language as use_language

A4 = (210.0, 297.0)
MARGIN = 15.0
WIDTH = 180.0
BOTTOM = 270.0
BODY = 12.0
LEAD = 1.3

_ = translator("texts")  # the catalog of the constants below (shown with t())

TITLE = N_("Vous nous avez dit… voici ce qui a été fait")
COMMUNE_SINCE = N_("{commune} — depuis {since}")
EMPTY = N_("Aucune situation signalée ces derniers mois.")
WHAT_DONE = N_("Ce qui a été fait : {reply}")
NOT_YET = N_("Le suivi est en cours.")
PUBLISHER = N_("Éd. resp. : {publisher}")


@dataclass(frozen=True)
class NeighbourhoodItem:
    theme: str
    place: str
    state: str
    reply: str
    month: str


def _lines(pdf: DocumentPDF, text: str, w: float) -> list[str]:
    out: list[str] = []
    for part in text.split("\n"):
        if not part.strip():
            continue
        wrapped = pdf.multi_cell(
            w, BODY * PT * LEAD, pdf._prepare(part), dry_run=True, output=MethodReturnValue.LINES
        )
        out.extend(list(wrapped))  # type: ignore[arg-type]
    return out


def neighbourhood_pdf(
    *,
    zone_name: str,
    commune: str,
    since: str,
    items: list[NeighbourhoodItem],
    language: str = "fr",
    logo: bytes | None = None,
    publisher: str = "",
) -> bytes:
    with use_language(language):
        pdf = DocumentPDF(A4, title=t(TITLE))
        h = BODY * PT * LEAD

        def header() -> float:
            pdf.add_page()
            x = MARGIN
            if logo:
                pdf.picture(io.BytesIO(logo), MARGIN, 12, 18, 18)
                x += 22
            pdf.use(11, color=GREY)
            y = pdf.put(zone_name, x, 12, WIDTH - (x - MARGIN))
            pdf.use(18, bold=True, color=BLUE)
            y = pdf.put(t(TITLE), x, y, WIDTH - (x - MARGIN), min_size=12)
            pdf.use(13, bold=True)
            y = pdf.put(t(COMMUNE_SINCE, commune=commune, since=since), x, y + 1, WIDTH)
            y = max(y, 32 if logo else y)
            pdf.rule(MARGIN, y + 2, WIDTH, BLUE, 0.6)
            return y + 6

        y = header()
        if not items:
            pdf.use(14)
            pdf.put(t(EMPTY), MARGIN, y + 10, WIDTH, min_size=9)
        for item in items:
            pdf.use(BODY)
            reply = t(WHAT_DONE, reply=item.reply) if item.reply else t(NOT_YET)
            place = _lines(pdf, item.place, WIDTH)
            body = _lines(pdf, reply, WIDTH - 4)
            need = 7 + h * (len(place) + len(body) + 1) + 6
            if y + need > BOTTOM and y > 45:
                y = header()
            pdf.use(13, bold=True, color=BLUE)
            pdf.put(item.theme, MARGIN, y, WIDTH * 0.7, min_size=9)
            pdf.use(11, color=GREY)
            y = pdf.put(
                item.month, MARGIN + WIDTH * 0.7, y + 0.5, WIDTH * 0.3, align="R", min_size=9
            )
            pdf.use(BODY)
            for line in place:
                y = _line(pdf, line, MARGIN, y, WIDTH, header)
            pdf.use(BODY, bold=True)
            y = _line(pdf, item.state, MARGIN, y, WIDTH, header)
            pdf.use(BODY)
            for line in body:
                y = _line(pdf, line, MARGIN + 4, y, WIDTH - 4, header)
            pdf.rule(MARGIN, y + 2, WIDTH, LIGHT)
            y += 5
        total = pdf.page_no()
        for n in range(1, total + 1):
            pdf.page = n
            pdf.use(10, color=GREY)
            if publisher:
                pdf.put(t(PUBLISHER, publisher=publisher), MARGIN, 282, WIDTH * 0.75, min_size=9)
            pdf.put(t(PAGE, n=n, total=total), MARGIN, 282, WIDTH, align="R")
        return bytes(pdf.output())


def _line(pdf: DocumentPDF, text: str, x: float, y: float, w: float, header) -> float:  # type: ignore[no-untyped-def]
    if y + BODY * PT * LEAD > BOTTOM:
        style = (pdf._size, pdf._style == "B", pdf._color)
        y = header()
        pdf.use(*style)
    return pdf.put(text, x, y, w, min_size=9)
