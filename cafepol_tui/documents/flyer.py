"""The flyer for one meeting, for mailbox runs: A5, two A5 on A4 (the mailbox default), or
four A6 on A4.

Made for older readers: on the A5 flyer every text is at least 12 pt but the web address
and the « éditeur responsable » line (8 pt and more), grey text at least 4.5:1 against white.
The A6 flyer of the 4-up sheet keeps only what fits at 9 pt and more: the zone's band, the
headline, day, hours, place, the phone to sign up by and the QR code (and the publisher's
line the law asks for, at 8 pt).

The zone's identity comes from its zone file: the logo (PNG or SVG; cafepol's cup when it has
none), a blue band, the commissariat's address, phone and opening hours, « Urgence : 101 / 112 »
and the publisher; on the A5 flyer, the officer's photo beside their name when the file gives
one. The introduction takes the room left, in whole sentences; the photo gives way to it. A cancelled meeting's flyer is a cancellation notice: the reason, the
replacement's date if there is one, no sign-up block and no QR code.

It is laid out once and replayed in every slot; the QR code is one image in the file however
many copies are printed. Crop marks start 5.5 mm inside the sheet, where printers print.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image

from cafepol_tui.documents import fonts
from cafepol_tui.documents.base import BLUE, RED, DocumentPDF, Progress
from cafepol_tui.documents.qr import EventLink, event_link
from cafepol_tui.documents.texts import (
    CANCELLED,
    CANCELLED_INFO,
    CANCELLED_INFO_GENERIC,
    CANCELLED_NOTE,
    COMMUNE,
    EMERGENCY,
    FLYER_INTRO,
    HEADLINE,
    INTERESTED,
    OPENING_HOURS,
    PARTNERS,
    PUBLISHER,
    REPLACED_BY,
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
from cafepol_tui.services.formatting import format_day, format_hours
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings

_ = translator("texts")

A5 = (148.0, 210.0)
A6 = (105.0, 148.0)
A4_PORTRAIT = (210.0, 297.0)
A4_LANDSCAPE = (297.0, 210.0)

# Text colours: black, the zone's blue, and a grey that keeps 7:1 against white (the
# lighter greys of old were 4.4:1). White on the blue band: 13:1.
INK = (0, 0, 0)
DARK_GREY = (80, 80, 80)
WHITE = (255, 255, 255)
MARK = (60, 60, 60)  # crop marks: dark enough for the guillotine operator to see

MIN_PT = 12.0  # every text of the A5 flyer…
SMALL_PT = 8.5  # …but the web address and the publisher's line
A6_MIN_PT = 9.0

UNPRINTABLE = 5.0  # mm a laser printer can't print at each sheet edge
MARK_START = 5.5  # crop marks run from here…
MARK_LENGTH = 6.0  # …this far into the sheet


@dataclass(frozen=True)
class Layout:
    name: str
    page: tuple[float, float]
    compact: bool  # the A6 flyer: only what fits at 9 pt
    slots: tuple[tuple[float, float], ...]  # top-left corner of each flyer, in mm
    cuts_x: tuple[float, ...] = ()
    cuts_y: tuple[float, ...] = ()

    @property
    def per_page(self) -> int:
        return len(self.slots)

    @property
    def scale(self) -> float:  # kept for callers of the old layouts
        return A6[0] / A5[0] if self.compact else 1.0


A6_SCALE = A6[0] / A5[0]

LAYOUTS: dict[str, Layout] = {
    "a5": Layout("a5", A5, False, ((0.0, 0.0),)),
    "a4-2up": Layout("a4-2up", A4_LANDSCAPE, False, ((0.5, 0.0), (148.5, 0.0)), cuts_x=(148.5,)),
    "a4-4up": Layout(
        "a4-4up",
        A4_PORTRAIT,
        True,
        ((0.0, 0.5), (105.0, 0.5), (0.0, 148.5), (105.0, 148.5)),
        cuts_x=(105.0,),
        cuts_y=(148.5,),
    ),
}
# What the staff console offers first for a mailbox run: two A5 flyers a sheet.
MAILBOX_LAYOUT = "a4-2up"

# The A5 flyer, in mm.
MARGIN = 11.0
WIDTH = A5[0] - 2 * MARGIN
BAND_INSET = 7.5  # the blue band stays inside the printable area of every layout
BAND_H = 22.0
QR_SIZE = 36.0  # quiet zone included: as on the A6 flyer, 0.5 mm modules and more
# The A6 flyer, in mm.
A6_MARGIN = 8.0
A6_WIDTH = A6[0] - 2 * A6_MARGIN
A6_QR = 36.0
PHOTO_MM = 20.0  # the officer's photo on the A5 flyer, a disc this wide
PHOTO_GAP = 3.0  # between it and the lines beside it
PHOTO_PX = 300  # its pixels across: 380 dpi at 20 mm
# The introduction (12 pt, grey) takes the room the other sections leave, sentence by sentence.
INTRO_GAP = 2.0  # mm between the sections at their closest, when room is made for it
INTRO_LEADING = 1.3
INTRO_MAX_LINES = 8
# Where a sentence ends: « … », « . », « ! » or « ? » and a space before a capital.
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ])")


class LayoutError(ValueError):
    """An unknown layout name."""


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        known = ", ".join(LAYOUTS)
        raise LayoutError(
            _("mise en page inconnue « {name} » (au choix : {known})").format(
                name=name, known=known
            )
        ) from None


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
        link = flyer_link(meeting, settings)
        pdf.add_page()  # fpdf2 measures text on a page
        with pdf.recording() as ops:
            if chosen.compact:
                draw_compact(pdf, meeting, settings, link)
            else:
                draw_flyer(pdf, meeting, settings, link)
        for page in range(pages):
            if page:
                pdf.add_page()
            for x, y in chosen.slots:
                pdf.replay(ops, x, y)
            crop_marks(pdf, chosen)
            if progress is not None:
                progress(page + 1, pages)
        return bytes(pdf.output())


def flyer_link(meeting: MeetingDetail, settings: Settings) -> EventLink:
    """The meeting's page, else the zone's; none at all for a cancelled meeting (no code
    invites anyone to say « Intéressé(e) » to it)."""
    if meeting.is_cancelled:
        return EventLink(None, False, None)
    return event_link(meeting.event_url, settings.zone_page_url)


def crop_marks(pdf: DocumentPDF, layout: Layout) -> None:
    """Dark marks on each cut, from 5.5 mm inside the sheet edge (outside the band a printer
    can't print), and a cross where two cuts meet."""
    w, h = layout.page
    start, end = MARK_START, MARK_START + MARK_LENGTH
    for x in layout.cuts_x:
        pdf.stroke(x, start, x, end, MARK, 0.25)
        pdf.stroke(x, h - end, x, h - start, MARK, 0.25)
    for y in layout.cuts_y:
        pdf.stroke(start, y, end, y, MARK, 0.25)
        pdf.stroke(w - end, y, w - start, y, MARK, 0.25)
    for x in layout.cuts_x:
        for y in layout.cuts_y:
            pdf.stroke(x - 3, y, x + 3, y, MARK, 0.25)
            pdf.stroke(x, y - 3, x, y + 3, MARK, 0.25)


def logo_file(settings: Settings) -> Path | None:
    """The zone's logo (PNG, JPEG or SVG), else cafepol's cup; None only when turned off."""
    configured = settings.documents.logo
    found = fonts.logo_path(configured)
    if found is None and configured.strip().lower() != "none":
        found = fonts.logo_path("")
    return found


def officer_portrait(data: bytes | None) -> Image.Image | None:
    """The officer's photo as printed: turned upright (a phone's EXIF orientation), cropped
    to a square around the upper middle (where a portrait's face is), in a disc (an alpha
    mask, drawn 4× larger then reduced for a smooth edge). None without a photo or when the
    bytes can't be read (the zone file checked them: a row written by another tool)."""
    if not data:
        return None
    from PIL import ImageDraw, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened).convert("RGB")
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken image
        return None
    square = ImageOps.fit(upright, (PHOTO_PX, PHOTO_PX), Image.Resampling.LANCZOS,
                          centering=(0.5, 0.35))
    mask = Image.new("L", (PHOTO_PX * 4, PHOTO_PX * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, PHOTO_PX * 4 - 1, PHOTO_PX * 4 - 1), fill=255)
    square.putalpha(mask.resize((PHOTO_PX, PHOTO_PX), Image.Resampling.LANCZOS))
    return square


def _band(
    pdf: DocumentPDF, settings: Settings, meeting: MeetingDetail, x: float, w: float,
    top: float, height: float, name_pt: float, commune_pt: float, logo_mm: float,
) -> None:
    """The zone's blue band: its logo on a white tile, its name, the commune."""
    pdf.box(x, top, w, height, BLUE, fill=BLUE, width=0.1)
    text_x = x + 3
    logo = logo_file(settings)
    if logo is not None:
        pad = (height - logo_mm) / 2
        pdf.box(x + pad - 1, top + pad - 1, logo_mm + 2, logo_mm + 2, WHITE, fill=WHITE, width=0.1)
        pdf.picture(str(logo), x + pad, top + pad, logo_mm, logo_mm)
        text_x = x + pad + logo_mm + 4
    tw = x + w - 3 - text_x
    pdf.use(name_pt, bold=True, color=WHITE)
    lines_h = name_pt * 0.3528 * 1.15 * 2 + commune_pt * 0.3528 * 1.25
    y = top + max(1.0, (height - lines_h) / 2)
    y = pdf.para(settings.zone_name, text_x, y, tw, max_lines=2, leading=1.15,
                 min_size=name_pt)
    pdf.use(commune_pt, color=WHITE)
    pdf.put(t(COMMUNE, commune=meeting.commune), text_x, y, tw, min_size=commune_pt)


def _foot(pdf: DocumentPDF, settings: Settings, x: float, w: float, bottom: float,
          emergency_pt: float, small_pt: float) -> float:
    """« Urgence : 101 / 112 » and the publisher's line, ending at `bottom`; returns the top."""
    # One line: a publisher typed over two (name, then address) is joined with a comma.
    publisher = ", ".join(part.strip() for part in settings.documents.publisher.splitlines()
                          if part.strip())
    lines: list[tuple[str, float, bool, tuple[int, int, int]]] = []
    emergency = settings.documents.emergency.strip()
    if emergency:
        lines.append((t(EMERGENCY, numbers=emergency), emergency_pt, True, RED))
    if settings.documents.website.strip():
        lines.append((settings.documents.website.strip(), small_pt, False, DARK_GREY))
    if publisher:
        lines.append((t(PUBLISHER, publisher=publisher), small_pt, False, DARK_GREY))
    height = sum(size * 0.3528 * 1.25 for _text, size, _bold, _color in lines)
    y = top = bottom - height
    for text, size, bold, color in lines:
        pdf.use(size, bold=bold, color=color)
        y = pdf.put(text, x, y, w, min_size=size)
    return top


def _measure(draw: Callable[[float], float], pdf: DocumentPDF) -> float:
    """How tall `draw` (given its top y, returning the y under it) is, without drawing."""
    with pdf.recording():
        return draw(0.0)


def draw_flyer(
    pdf: DocumentPDF,
    meeting: MeetingDetail,
    settings: Settings,
    link: EventLink,
    scale: float = 1.0,
) -> None:
    """The A5 flyer with its top-left corner at (0, 0). The sections are measured first, then
    spread down the page: no blank band under the introduction."""
    lang = current_language()
    x, w = MARGIN, WIDTH
    band_h = BAND_H
    _band(pdf, settings, meeting, BAND_INSET, A5[0] - 2 * BAND_INSET, BAND_INSET, band_h,
          14, MIN_PT, 16)
    foot_top = _foot(pdf, settings, x, w, A5[1] - MARGIN, 13, SMALL_PT)

    def headline(y: float) -> float:
        pdf.use(22, bold=True, color=BLUE)
        return pdf.para(t(HEADLINE), x, y, w, max_lines=2, leading=1.15, min_size=16)

    def when_where(y: float) -> float:
        if meeting.is_cancelled:
            pdf.use(26, bold=True, color=RED)
            y = pdf.put(t(CANCELLED), x, y, w, min_size=18)
            pdf.use(15, bold=True, color=RED)
            y = pdf.para(meeting.cancel_reason or t(CANCELLED_NOTE), x, y, w, max_lines=3,
                         min_size=MIN_PT)
            y += 2
        day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
        pdf.use(18, bold=True, color=INK)
        y = pdf.put(day, x, y, w, min_size=14)
        pdf.use(16, color=INK)
        y = pdf.put(hours, x, y, w, min_size=MIN_PT)
        pdf.use(15, bold=True, color=INK)
        y = pdf.para(meeting.place, x, y + 2, w, max_lines=2, leading=1.2, min_size=MIN_PT)
        if meeting.address:
            pdf.use(13, color=INK)
            y = pdf.para(meeting.address, x, y, w, max_lines=2, leading=1.2, min_size=MIN_PT)
        return y

    # The officer's photo, while it leaves room for the introduction (see below).
    photo = [officer_portrait(meeting.officer_photo) if meeting.officer_name else None]

    def who_what_text(y: float, beside: float = 0.0) -> float:
        """The officer, partners and themes from `y`; a paragraph that starts beside the
        photo (above `beside`) is set right of it, one line longer as it is narrower."""
        pdf.use(MIN_PT, color=INK)
        paragraphs = []
        if meeting.officer_name:
            paragraphs.append(officer_line(meeting.officer_gender, meeting.officer_grade,
                                           meeting.officer_name))
        if meeting.partners:
            paragraphs.append(t(PARTNERS, names=", ".join(meeting.partners)))
        themes = meeting.themes_in(lang)
        if themes:
            paragraphs.append(t(THEMES, names=" · ".join(themes)))
        for text in paragraphs:
            if y < beside - 0.5:
                y = pdf.para(text, x + PHOTO_MM + PHOTO_GAP, y, w - PHOTO_MM - PHOTO_GAP,
                             max_lines=3, min_size=MIN_PT)
            else:
                y = pdf.para(text, x, y, w, max_lines=2, min_size=MIN_PT)
        return y

    def who_what(y: float) -> float:
        portrait = photo[0]
        if portrait is None:
            return who_what_text(y)
        # The officer's photo on the left, the lines beside it; centred on it when shorter.
        text_h = _measure(lambda top: who_what_text(top, top + PHOTO_MM), pdf)
        pdf.picture(portrait, x, y, PHOTO_MM, PHOTO_MM)
        shift = max(0.0, (PHOTO_MM - text_h) / 2)
        return max(who_what_text(y + shift, y + PHOTO_MM), y + PHOTO_MM)

    if meeting.is_cancelled:
        def closing(y: float) -> float:
            return _cancel_block(pdf, meeting, x, y, w, lang)
    else:
        def closing(y: float) -> float:
            return _signup(pdf, meeting, link, x, y, w)

    intro_text = meeting.description or settings.documents.intro_text or t(FLYER_INTRO)
    sections = [headline, when_where, who_what]
    heights = [_measure(section, pdf) for section in sections]
    closing_h = _measure(closing, pdf)
    top = BAND_INSET + band_h + 3.5
    if not meeting.is_cancelled:
        # What is left between the sections at their closest (INTRO_GAP apart) holds the
        # introduction: as many of its sentences as fit, never cut in the middle of one.
        # It says what the meeting is: the photo gives way when it leaves no room for it.
        gaps = len(sections) + 1  # with the introduction and the closing block
        room = foot_top - 3 - top - sum(heights) - closing_h - INTRO_GAP * gaps
        text, lines = _fitting_intro(pdf, intro_text, w, room)
        if not text and photo[0] is not None:
            photo[0] = None
            heights[2] = _measure(who_what, pdf)
            room = foot_top - 3 - top - sum(heights) - closing_h - INTRO_GAP * gaps
            text, lines = _fitting_intro(pdf, intro_text, w, room)
        if text:
            def intro(y: float) -> float:
                pdf.use(MIN_PT, color=DARK_GREY)
                return pdf.para(text, x, y, w, max_lines=lines, leading=INTRO_LEADING,
                                min_size=MIN_PT)

            sections.append(intro)
            heights.append(_measure(intro, pdf))
    sections.append(closing)
    heights.append(closing_h)
    spare = foot_top - 3 - top - sum(heights)
    gap = max(1.5, min(9.0, spare / len(sections)))
    y = top
    for section in sections:
        if section is closing:
            # What to do next sits above the foot; the spare room goes between the sections.
            y = max(y, foot_top - 3 - closing_h)
            pdf.stroke(x, y - gap / 2, x + w, y - gap / 2, BLUE, 0.4)
        y = section(y) + gap


def _fitting_intro(pdf: DocumentPDF, text: str, w: float, room: float) -> tuple[str, int]:
    """The introduction for `room` mm at 12 pt, and its lines: its first sentences, as many
    as fit whole (a sentence cut short reads as a mistake; the standard introduction opens
    with a one-line sentence for a busy flyer). A first sentence too long for the room ends
    with « … » when two lines fit; ("", 0) when nothing fits."""
    line_h = MIN_PT * 0.3528 * INTRO_LEADING
    lines = min(INTRO_MAX_LINES, int(room // line_h))
    if lines < 1:
        return "", 0
    pdf.use(MIN_PT, color=DARK_GREY)
    sentences = SENTENCE_END.split(" ".join(text.split()))
    fitting = ""
    for end in range(1, len(sentences) + 1):
        candidate = " ".join(sentences[:end])
        if _lines_of(pdf, candidate, w) > lines:
            break
        fitting = candidate
    if not fitting and lines >= 2:
        fitting = sentences[0]  # `para` ends it with « … » at `lines`
    return fitting, lines


def _lines_of(pdf: DocumentPDF, text: str, w: float) -> int:
    """How many lines `text` takes at the current font in a box `w` wide."""
    line_h = pdf.font_size_pt * 0.3528 * INTRO_LEADING
    with pdf.recording():
        height = pdf.para(text, 0, 0, w, max_lines=99, leading=INTRO_LEADING,
                          min_size=pdf.font_size_pt)
    return round(height / line_h)


def _signup(
    pdf: DocumentPDF, meeting: MeetingDetail, link: EventLink, x: float, y: float, w: float
) -> float:
    """How to sign up: the counter (address, hours), the phone, the kiosk; the QR code on the
    left with its address under it, and what scanning it does."""
    pdf.use(17, bold=True, color=BLUE)
    y = pdf.put(t(SIGNUP_TITLE), x, y, w, min_size=MIN_PT)
    top = y + 1
    text_x = x
    if link.image is not None and link.url:
        pdf.picture(link.image, x - 2, top, QR_SIZE, QR_SIZE)  # its quiet zone in the margin
        text_x = x + QR_SIZE + 1
    tw = x + w - text_x
    station = meeting.station
    counter_name = station.name if station else meeting.commissariat
    pdf.use(MIN_PT, color=INK)
    ty = pdf.para(
        t(SIGNUP_COUNTER, place=counter_name) if counter_name else t(SIGNUP_COUNTER_GENERIC),
        text_x, top + 1, tw, max_lines=2, min_size=MIN_PT,
    )
    if station and station.address:
        ty = pdf.para(station.address, text_x, ty, tw, max_lines=2, min_size=MIN_PT)
    if station and station.hours:
        pdf.use(MIN_PT, color=DARK_GREY)
        ty = pdf.para(t(OPENING_HOURS, hours=station.hours), text_x, ty, tw, max_lines=3,
                      min_size=MIN_PT)
    phone = (station.phone if station else "") or meeting.officer_phone
    if phone:
        pdf.use(14, bold=True, color=INK)
        ty = pdf.para(t(SIGNUP_PHONE, phone=_unbroken(phone_for_print(phone))), text_x, ty + 1, tw,
                      max_lines=2, min_size=MIN_PT)
    pdf.use(MIN_PT, color=INK)
    ty = pdf.put(t(SIGNUP_KIOSK), text_x, ty, tw, min_size=MIN_PT)
    y = max(ty, top + (QR_SIZE if link.image is not None else 0))
    if link.image is not None and link.url:
        pdf.use(SMALL_PT, color=DARK_GREY)
        y = pdf.put(link.url, x, y, w, min_size=SMALL_PT)
        pdf.use(MIN_PT, color=INK)
        note = t(INTERESTED) if link.own_page else t(ZONE_PAGE)
        y = pdf.para(note, x, y + 1, w, max_lines=3, min_size=MIN_PT)
    return y


def _cancel_block(
    pdf: DocumentPDF, meeting: MeetingDetail, x: float, y: float, w: float, lang: str
) -> float:
    """A cancelled meeting: its replacement (if one was named) and where to ask."""
    repl = meeting.replacement
    if repl is not None and not repl.cancelled:
        day = format_day(repl.starts_at, lang)
        pdf.use(15, bold=True, color=BLUE)
        y = pdf.para(
            t(REPLACED_BY, day=day[:1].upper() + day[1:],
              hours=format_hours(repl.starts_at, repl.ends_at, lang), place=repl.place),
            x, y, w, max_lines=3, min_size=MIN_PT,
        )
        y += 2
    station = meeting.station
    name = station.name if station else meeting.commissariat
    pdf.use(MIN_PT, color=INK)
    y = pdf.para(t(CANCELLED_INFO, place=name) if name else t(CANCELLED_INFO_GENERIC),
                 x, y, w, max_lines=2, min_size=MIN_PT)
    phone = (station.phone if station else "") or meeting.officer_phone
    if phone:
        pdf.use(14, bold=True, color=INK)
        y = pdf.put(t(SIGNUP_PHONE, phone=phone_for_print(phone)), x, y, w, min_size=MIN_PT)
    return y


def draw_compact(
    pdf: DocumentPDF, meeting: MeetingDetail, settings: Settings, link: EventLink
) -> None:
    """The A6 flyer (105 × 148 mm) with its top-left corner at (0, 0): only what fits at
    9 pt and more."""
    lang = current_language()
    x, w = A6_MARGIN, A6_WIDTH
    inset = 6.0
    band_h = 18.0
    _band(pdf, settings, meeting, inset, A6[0] - 2 * inset, inset, band_h, 10, A6_MIN_PT, 12)
    foot_top = _foot(pdf, settings, x, w, A6[1] - 6.5, 10, 8.0)
    station = meeting.station
    phone = (station.phone if station else "") or meeting.officer_phone
    top = foot_top - 2 - A6_QR  # the sign-up block's

    def middle(y: float) -> float:
        pdf.use(15, bold=True, color=BLUE)
        y = pdf.para(t(HEADLINE), x, y, w, max_lines=2, leading=1.15, min_size=11)
        if meeting.is_cancelled:
            pdf.use(18, bold=True, color=RED)
            y = pdf.put(t(CANCELLED), x, y + 1, w, min_size=12)
            pdf.use(11, bold=True, color=RED)
            y = pdf.para(meeting.cancel_reason or t(CANCELLED_NOTE), x, y, w, max_lines=2,
                         min_size=A6_MIN_PT)
        day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
        pdf.use(14, bold=True, color=INK)
        y = pdf.put(day, x, y + 2, w, min_size=10)
        pdf.use(13, color=INK)
        y = pdf.put(hours, x, y, w, min_size=A6_MIN_PT)
        pdf.use(12.5, bold=True, color=INK)
        y = pdf.para(meeting.place, x, y + 2, w, max_lines=2, leading=1.15, min_size=A6_MIN_PT)
        if meeting.is_cancelled:
            repl = meeting.replacement
            if repl is not None and not repl.cancelled:
                rday = format_day(repl.starts_at, lang)
                pdf.use(11.5, bold=True, color=BLUE)
                y = pdf.para(
                    t(REPLACED_BY, day=rday[:1].upper() + rday[1:],
                      hours=format_hours(repl.starts_at, repl.ends_at, lang), place=repl.place),
                    x, y + 3, w, max_lines=3, min_size=A6_MIN_PT,
                )
            if phone:
                pdf.use(11.5, bold=True, color=INK)
                y = pdf.para(t(SIGNUP_PHONE, phone=_unbroken(phone_for_print(phone))), x, y + 3,
                             w, max_lines=2, min_size=A6_MIN_PT)
        return y

    first = inset + band_h + 3
    bottom = foot_top - 3 if meeting.is_cancelled else top - 3
    spare = bottom - first - _measure(middle, pdf)
    middle(first + max(0.0, spare / 2))
    if meeting.is_cancelled:
        return
    pdf.stroke(x, top - 1.5, x + w, top - 1.5, BLUE, 0.35)
    text_x = x
    if link.image is not None:
        pdf.picture(link.image, x - 1.5, top, A6_QR, A6_QR)
        text_x = x + A6_QR
    tw = x + w - text_x
    pdf.use(12.5, bold=True, color=BLUE)
    ty = pdf.para(t(SIGNUP_TITLE), text_x, top + 3, tw, max_lines=2, min_size=A6_MIN_PT)
    if phone:
        pdf.use(11, bold=True, color=INK)
        pdf.para(t(SIGNUP_PHONE, phone=_unbroken(phone_for_print(phone))), text_x, ty + 1.5,
                 tw, max_lines=2, min_size=A6_MIN_PT)


def _unbroken(phone: str) -> str:
    """A phone number kept on one line (no-break spaces between its groups)."""
    return phone.replace(" ", "\u00a0")
