"""The flyer for one meeting, for mailbox runs: A5, two A5 on A4, or four A6 on A4.

A5 and A6 have the same proportions, so one layout drawn in A5 millimetres serves both,
scaled. It is laid out once and replayed in every slot; the QR code is one image in the
file however many copies are printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from cafepol_tui.documents import fonts
from cafepol_tui.documents.base import BLUE, GREY, LIGHT, RED, DocumentPDF, Progress
from cafepol_tui.documents.qr import EventLink, event_link
from cafepol_tui.documents.texts import (
    CANCELLED,
    CANCELLED_NOTE,
    COMMUNE,
    FLYER_INTRO,
    HEADLINE,
    INTERESTED,
    NO_LINK,
    PARTNERS,
    SIGNUP_COUNTER,
    SIGNUP_COUNTER_GENERIC,
    SIGNUP_KIOSK,
    SIGNUP_PHONE,
    SIGNUP_TITLE,
    THEMES,
    ZONE_PAGE,
    day_and_hours,
    officer_line,
    phone_for_print,
    t,
)
from cafepol_tui.i18n import current_language, language, translator
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings

_ = translator("texts")

A5 = (148.0, 210.0)
A4_PORTRAIT = (210.0, 297.0)
A4_LANDSCAPE = (297.0, 210.0)


@dataclass(frozen=True)
class Layout:
    name: str
    page: tuple[float, float]
    scale: float  # 1 = A5
    slots: tuple[tuple[float, float], ...]  # top-left corner of each flyer, in mm
    cuts_x: tuple[float, ...] = ()
    cuts_y: tuple[float, ...] = ()

    @property
    def per_page(self) -> int:
        return len(self.slots)


A6_SCALE = 105.0 / 148.0

LAYOUTS: dict[str, Layout] = {
    "a5": Layout("a5", A5, 1.0, ((0.0, 0.0),)),
    "a4-2up": Layout("a4-2up", A4_LANDSCAPE, 1.0, ((0.5, 0.0), (148.5, 0.0)), cuts_x=(148.5,)),
    "a4-4up": Layout(
        "a4-4up",
        A4_PORTRAIT,
        A6_SCALE,
        ((0.0, 0.5), (105.0, 0.5), (0.0, 148.5), (105.0, 148.5)),
        cuts_x=(105.0,),
        cuts_y=(148.5,),
    ),
}

# In A5 millimetres.
MARGIN = 10.0
WIDTH = 148.0 - 2 * MARGIN
QR_SIZE = 46.0  # 32.6 mm on A6, quiet zone included: the symbol itself stays above 25 mm


class LayoutError(ValueError):
    """An unknown layout name."""


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        known = ", ".join(LAYOUTS)
        raise LayoutError(_("mise en page inconnue « {name} » (au choix : {known})").format(name=name, known=known)) from None


def render_flyer(
    meeting: MeetingDetail,
    settings: Settings,
    layout: str = "a5",
    copies: int = 1,
    *,
    lang: str | None = None,
    creation_date: datetime | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The flyer PDF: ceil(copies / per page) pages, every slot of every page filled."""
    lang = lang or current_language()
    with language(lang):
        chosen = get_layout(layout)
        if copies < 1:
            raise ValueError("copies must be at least 1")
        pages = math.ceil(copies / chosen.per_page)
        pdf = DocumentPDF(
            chosen.page,
            title=f"{t(HEADLINE)} — {meeting.commune}",
            creation_date=creation_date,
        )
        link = event_link(meeting.event_url, settings.zone_page_url)
        pdf.add_page()  # fpdf2 measures text on a page
        with pdf.recording() as ops:
            draw_flyer(pdf, meeting, settings, link, chosen.scale)
        for page in range(pages):
            if page:
                pdf.add_page()
            for x, y in chosen.slots:
                pdf.replay(ops, x, y)
            _cut_marks(pdf, chosen)
            if progress is not None:
                progress(page + 1, pages)
        return bytes(pdf.output())


def _cut_marks(pdf: DocumentPDF, layout: Layout) -> None:
    """Short light lines at the page edges on each cut, and a cross where cuts meet."""
    w, h = layout.page
    mark = 6.0
    for x in layout.cuts_x:
        pdf.stroke(x, 0, x, mark, LIGHT, 0.2)
        pdf.stroke(x, h - mark, x, h, LIGHT, 0.2)
    for y in layout.cuts_y:
        pdf.stroke(0, y, mark, y, LIGHT, 0.2)
        pdf.stroke(w - mark, y, w, y, LIGHT, 0.2)
    for x in layout.cuts_x:
        for y in layout.cuts_y:
            pdf.stroke(x - 3, y, x + 3, y, LIGHT, 0.2)
            pdf.stroke(x, y - 3, x, y + 3, LIGHT, 0.2)


def draw_flyer(
    pdf: DocumentPDF,
    meeting: MeetingDetail,
    settings: Settings,
    link: EventLink,
    scale: float = 1.0,
) -> None:
    """One flyer with its top-left corner at (0, 0), `scale` × A5."""
    lang = current_language()

    def s(v: float) -> float:
        return v * scale

    def use(size: float, bold: bool = False, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        pdf.use(size * scale, bold, color)

    x, w = s(MARGIN), s(WIDTH)

    # Header: logo, zone, commune.
    logo = fonts.logo_path(settings.documents.logo)
    text_x = x
    if logo is not None:
        pdf.picture(str(logo), x, s(9), s(16), s(16))
        text_x = x + s(20)
    use(11, bold=True, color=BLUE)
    pdf.put(settings.zone_name, text_x, s(11), x + w - text_x)
    use(9, color=GREY)
    pdf.put(t(COMMUNE, commune=meeting.commune), text_x, s(17), x + w - text_x)
    pdf.stroke(x, s(28), x + w, s(28), BLUE, s(0.6))

    # Headline, then the meeting.
    use(22, bold=True, color=BLUE)
    y = pdf.para(t(HEADLINE), x, s(31), w, max_lines=2, leading=1.15)
    if meeting.is_cancelled:
        use(14, bold=True, color=RED)
        y = pdf.put(t(CANCELLED), x, y + s(1), w)
        use(9, color=RED)
        y = pdf.para(meeting.cancel_reason or t(CANCELLED_NOTE), x, y, w, max_lines=2)
    day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
    use(17, bold=True)
    y = pdf.put(day, x, y + s(4), w)
    use(15)
    y = pdf.put(hours, x, y, w)
    use(13.5, bold=True)
    y = pdf.para(meeting.place, x, y + s(4), w, max_lines=2, leading=1.2)
    use(11)
    if meeting.address:
        y = pdf.para(meeting.address, x, y, w, max_lines=2, leading=1.2)
    y = pdf.put(t(COMMUNE, commune=meeting.commune), x, y, w)
    pdf.stroke(x, y + s(2.5), x + w, y + s(2.5), LIGHT, s(0.3))
    y += s(5)

    # Who and what: officer, partners, themes, then the intro while there is room.
    bottom_block = s(210 - MARGIN - QR_SIZE - 6)
    use(10.5)
    if meeting.officer_name:
        y = pdf.para(officer_line(meeting.officer_gender, meeting.officer_grade,
                                      meeting.officer_name), x, y, w, max_lines=2)
    if meeting.partners:
        y = pdf.para(t(PARTNERS, names=", ".join(meeting.partners)), x, y, w, max_lines=2)
    if meeting.themes:
        y = pdf.para(t(THEMES, names=" · ".join(meeting.themes)), x, y, w, max_lines=2)
    # The meeting's own text as typed; the default introduction in the flyer's language.
    intro = meeting.description or settings.documents.intro_text or t(FLYER_INTRO)
    use(9.5, color=(60, 60, 60))
    line_h = s(9.5) * 0.3528 * 1.3
    room = int((bottom_block - y - s(2)) // line_h)
    if room >= 2:
        pdf.para(intro, x, y + s(2), w, max_lines=room)

    _draw_signup(pdf, meeting, settings, link, scale)


def _draw_signup(
    pdf: DocumentPDF, meeting: MeetingDetail, settings: Settings, link: EventLink, scale: float
) -> None:
    """Bottom block: the QR and its URL on the left, how to sign up on the right."""

    def s(v: float) -> float:
        return v * scale

    def use(size: float, bold: bool = False, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        pdf.use(size * scale, bold, color)

    x, w = s(MARGIN), s(WIDTH)
    top = s(210 - MARGIN - QR_SIZE - 4)
    pdf.stroke(x, top - s(2), x + w, top - s(2), BLUE, s(0.4))
    if link.image is not None and link.url:
        pdf.picture(link.image, x, top, s(QR_SIZE), s(QR_SIZE))
        use(8.5, color=GREY)
        pdf.put(link.url, x, top + s(QR_SIZE), w, align="L", min_size=5)
        text_x = x + s(QR_SIZE + 3)
    else:
        text_x = x
    tw = x + w - text_x
    y = top + s(2)
    use(13, bold=True, color=BLUE)
    y = pdf.put(t(SIGNUP_TITLE), text_x, y, tw)
    use(10)
    counter = (
        t(SIGNUP_COUNTER, place=meeting.commissariat)
        if meeting.commissariat
        else t(SIGNUP_COUNTER_GENERIC)
    )
    y = pdf.para(counter, text_x, y + s(1), tw, max_lines=2)
    if meeting.officer_phone:
        use(10.5, bold=True)
        y = pdf.put(
            t(SIGNUP_PHONE, phone=phone_for_print(meeting.officer_phone)), text_x, y, tw
        )
    use(9.5)
    y = pdf.put(t(SIGNUP_KIOSK), text_x, y, tw)
    use(7.5, color=GREY)
    if link.image is None:
        use(9, bold=True, color=RED)
        pdf.para(t(NO_LINK), text_x, y + s(3), tw, max_lines=3)
    elif link.own_page:
        pdf.para(t(INTERESTED), text_x, y + s(2), tw, max_lines=3)
    else:
        pdf.para(t(ZONE_PAGE), text_x, y + s(2), tw, max_lines=3)
