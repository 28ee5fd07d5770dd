"""The slip a citizen takes home when they raise a concern: its reference, to follow it.

Like a registration's slip (A6), it gives the code first, in large letters and as a barcode,
then what was recorded (the theme, the place; never the description, which may name a
neighbour), what happens next, and how to follow it: « Suivre mon inscription ou ma demande »
at the kiosk, `cafepol status` at the counter, or a call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cafepol_tui.documents.base import BLUE, CODE39_CHARS, GREY, DocumentPDF
from cafepol_tui.documents.texts import HEADLINE, phone_for_print, t
from cafepol_tui.i18n import N_, language, translator

_ = translator("texts")  # the catalog of the constants below (shown with t())

TITLE = N_("Votre demande est enregistrée")
REFERENCE = N_("Votre référence")
THEME = N_("Thème : {theme}")
PLACE = N_("Lieu : {place}")
COMMUNE = N_("Commune : {commune}")
RECORDED = N_("Enregistrée le {day}")
NEXT = N_(
    "Votre policier de quartier la suit dans les jours ou les semaines qui viennent. "
    "Vous serez informé(e) de la réponse {how}."
)
HOW_EMAIL = N_("par e-mail")
HOW_PHONE = N_("par téléphone")
HOW_LETTER = N_("par courrier")
HOW_NONE = N_("lors d'une prochaine rencontre ou au guichet")
FOLLOW = N_(
    "Pour savoir où elle en est : à la borne du commissariat, « Suivre mon inscription ou ma "
    "demande », avec cette référence."
)
CALL = N_("Ou appelez le {phone} en donnant la référence.")

A6 = (105.0, 148.0)
MARGIN = 7.0
BARCODE_MM = 9.0


@dataclass(frozen=True)
class ConcernSlip:
    zone_name: str
    reference: str
    theme: str
    place: str
    commune: str
    recorded_on: str  # « mardi 8 décembre 2026 », in the slip's language
    reply_by: str  # "email", "phone", "letter" or "" (no contact left)
    phone: str = ""  # the counter's, to call about it
    language: str = "fr"


def concern_slip_pdf(slip: ConcernSlip, *, creation_date: datetime | None = None) -> bytes:
    with language(slip.language):
        pdf = DocumentPDF(A6, title=t(TITLE), creation_date=creation_date)
        pdf.add_page()
        x, w = MARGIN, A6[0] - 2 * MARGIN
        y = MARGIN
        pdf.use(9, bold=True, color=BLUE)
        y = pdf.para(slip.zone_name, x, y, w, max_lines=2, min_size=9)
        pdf.rule(x, y + 1, w, BLUE, 0.4)
        y += 3
        pdf.use(13, bold=True, color=BLUE)
        y = pdf.para(t(TITLE), x, y, w, max_lines=2, min_size=12)
        pdf.use(9, color=GREY)
        y = pdf.put(t(REFERENCE), x, y + 2, w, align="C", min_size=9)
        pdf.use(24, bold=True)
        y = pdf.put(" ".join(slip.reference), x, y, w, align="C", min_size=18)
        if all(ch in CODE39_CHARS for ch in slip.reference):
            y = pdf.barcode(slip.reference + "-", x, y + 0.5, w, BARCODE_MM) + 1
        pdf.rule(x, y + 1, w)
        y += 3
        pdf.use(9, color=GREY)
        y = pdf.put(t(HEADLINE), x, y, w, min_size=9)
        pdf.use(10)
        for line in (
            t(THEME, theme=slip.theme) if slip.theme else "",
            t(PLACE, place=slip.place) if slip.place else "",
            t(COMMUNE, commune=slip.commune) if slip.commune else "",
            t(RECORDED, day=slip.recorded_on),
        ):
            if line:
                y = pdf.para(line, x, y, w, max_lines=2, min_size=9)
        pdf.rule(x, y + 1.5, w)
        y += 3.5
        how = {"email": HOW_EMAIL, "phone": HOW_PHONE, "letter": HOW_LETTER}.get(
            slip.reply_by, HOW_NONE
        )
        pdf.use(10)
        y = pdf.para(t(NEXT, how=t(how)), x, y, w, max_lines=5, min_size=9)
        y = pdf.para(t(FOLLOW), x, y + 1.5, w, max_lines=4, min_size=9)
        if slip.phone:
            pdf.use(10, bold=True)
            pdf.para(t(CALL, phone=phone_for_print(slip.phone)), x, y + 1.5, w, max_lines=2,
                     min_size=9)
        return bytes(pdf.output())
