"""The monthly programme: one A4 poster of a month's meetings, each card with its own QR code.

The meetings come from `services.meetings.programme_meetings`.

Two columns of eight cards fit a page; a busier month continues on a second page (numbered)
rather than shrinking the codes below what a phone can read. A quiet month gets fewer,
taller cards with bigger text (one column up to four meetings). The footer gives the
counter's phone number; places wrap rather than shrink (9 pt at least); the title elides in
French (« Programme du mois d'avril 2026 »), the officer is named by the title of their
gender, the seats left are counted in the document's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_date

from cafepol_tui.documents import fonts
from cafepol_tui.documents.base import BLUE, LIGHT, RED, DocumentPDF, Progress
from cafepol_tui.documents.qr import event_link
from cafepol_tui.documents.texts import (
    CANCELLED,
    COMMUNE,
    HEADLINE,
    PAGE,
    PROGRAMME_COMMUNE,
    PROGRAMME_EMPTY,
    PROGRAMME_OFFICER,
    PROGRAMME_PHONE,
    PROGRAMME_SIGNUP,
    PROGRAMME_TITLE,
    PROGRAMME_TITLE_ELIDED,
    PROGRAMME_ZONE,
    THEMES,
    elided,
    officer_title,
    phone_for_print,
    t,
)
from cafepol_tui.i18n import current_language, language, translator
from cafepol_tui.services.formatting import babel_locale, format_clock, format_day
from cafepol_tui.services.meetings import MeetingDetail, availability_text
from cafepol_tui.settings import Settings

_ = translator("texts")

A4 = (210.0, 297.0)
MARGIN = 12.0
GAP = 6.0
CARD_W = (A4[0] - 2 * MARGIN - GAP) / 2
CARD_H = 28.0
QR_MM = 25.0
HEADER_H = 44.0
FOOTER_H = 17.0
ROWS = 8
ROW_GAP = 1.5
CARD_H_MAX = 58.0  # a quiet month's cards: big text, a 40 mm code
INK = (0, 0, 0)
DARK_GREY = (80, 80, 80)  # 7:1 against white


class MonthError(ValueError):
    """A month that isn't YYYY-MM."""


def parse_month(text: str) -> date:
    """« 2026-12 » -> date(2026, 12, 1)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise MonthError(
            _("mois incorrect « {month} » (format AAAA-MM, ex. 2026-12)").format(month=text)
        ) from None


def render_programme(
    meetings: Sequence[MeetingDetail],
    settings: Settings,
    month: date,
    commune: str | None = None,
    *,
    lang: str | None = None,
    creation_date: datetime | None = None,
    progress: Progress | None = None,
) -> bytes:
    lang = lang or current_language()
    with language(lang):
        month_name = format_date(month, "MMMM y", locale=babel_locale(lang))
        title = elided(PROGRAMME_TITLE, PROGRAMME_TITLE_ELIDED, month_name, month=month_name)
        pdf = DocumentPDF(A4, title=title, creation_date=creation_date)
        per_page = 2 * ROWS
        chunks = [meetings[i : i + per_page] for i in range(0, len(meetings), per_page)] or [[]]
        # A quiet month: fewer, taller cards (one column up to 4 meetings), bigger text.
        rows = ROWS if len(meetings) > 8 else max(4, len(meetings))
        columns = 1 if len(meetings) <= 4 else 2
        rows = min(rows, ROWS) if columns == 2 else max(1, len(meetings))
        body = A4[1] - HEADER_H - FOOTER_H
        card_h = min(CARD_H_MAX, (body - (rows - 1) * ROW_GAP) / max(rows, 1))
        if len(meetings) > 8:
            card_h = CARD_H
        card_w = A4[0] - 2 * MARGIN if columns == 1 else CARD_W
        phone = _counter_phone(meetings, settings)
        done = 0
        for page, chunk in enumerate(chunks, 1):
            pdf.add_page()
            _header(pdf, settings, title, commune, page, len(chunks))
            if not meetings:
                pdf.use(14, color=DARK_GREY)
                pdf.put(
                    t(PROGRAMME_EMPTY), MARGIN, HEADER_H + 20, A4[0] - 2 * MARGIN, align="C"
                )
            per_column = rows if columns == 2 else len(chunk)
            for index, meeting in enumerate(chunk):
                column, row = index // per_column, index % per_column
                x = MARGIN + column * (CARD_W + GAP)
                y = HEADER_H + row * (card_h + ROW_GAP)
                _card(pdf, meeting, x, y, card_w, card_h, show_commune=commune is None)
                done += 1
                if progress is not None:
                    progress(done, len(meetings))
            _footer(pdf, phone)
        return bytes(pdf.output())


def _counter_phone(meetings: Sequence[MeetingDetail], settings: Settings) -> str:
    """The number to sign up by: the commissariat of the programme's meetings (the first that
    has one), else their officer's."""
    for m in meetings:
        if m.station is not None and m.station.phone:
            return m.station.phone
    return next((m.officer_phone for m in meetings if m.officer_phone), "")


def _footer(pdf: DocumentPDF, phone: str) -> None:
    w = A4[0] - 2 * MARGIN
    pdf.rule(MARGIN, A4[1] - FOOTER_H + 2, w, BLUE, 0.4)
    pdf.use(11, bold=True, color=BLUE)
    signup = (
        t(PROGRAMME_PHONE, phone=phone_for_print(phone).replace(" ", "\u00a0"))
        if phone else t(PROGRAMME_SIGNUP)
    )
    pdf.para(signup, MARGIN, A4[1] - FOOTER_H + 4, w, max_lines=2, align="C", min_size=10)


def _header(
    pdf: DocumentPDF, settings: Settings, title: str, commune: str | None, page: int = 1,
    pages: int = 1,
) -> None:
    w = A4[0] - 2 * MARGIN
    x = MARGIN
    logo = fonts.logo_path(settings.documents.logo)
    if logo is None and settings.documents.logo.strip().lower() != "none":
        logo = fonts.logo_path("")
    if logo is not None:
        pdf.image(str(logo), x, MARGIN, 20, 20)
        x += 24
        w -= 24
    pdf.use(11, bold=True, color=BLUE)
    y = pdf.put(settings.zone_name, x, MARGIN, w)
    pdf.use(19, bold=True, color=BLUE)
    y = pdf.put(t(HEADLINE), x, y + 0.5, w)
    pdf.use(14, bold=True)
    y = pdf.put(title, x, y + 0.5, w)
    pdf.use(12, color=DARK_GREY)
    where = (
        t(PROGRAMME_COMMUNE, commune=commune)
        if commune
        else t(PROGRAMME_ZONE, zone=settings.zone_name)
    )
    if pages > 1:  # « Page 1/2 » on the right of the commune line
        number = t(PAGE, n=page, total=pages)
        number_w = pdf.width_of(number) + 2
        pdf.put(number, x + w - number_w, y, number_w, align="R", min_size=12)
        w -= number_w + 2
    pdf.use(12, color=DARK_GREY)
    y = pdf.put(where, x, y, w)
    pdf.rule(MARGIN, HEADER_H - 3.5, A4[0] - 2 * MARGIN, BLUE, 0.6)


def _card(
    pdf: DocumentPDF,
    meeting: MeetingDetail,
    x: float,
    y: float,
    card_w: float,
    card_h: float,
    show_commune: bool,
) -> None:
    """One meeting: day and hour, place (wrapped, never below 9 pt), address, commune,
    officer, seats; its QR code on the right. The text grows with the card."""
    lang = current_language()
    big = card_h >= 40
    pdf.box(x, y, card_w, card_h, LIGHT, width=0.25)
    link = event_link(meeting.event_url, None)
    qr = min(card_h - 3, 40.0 if big else QR_MM)
    text_w = card_w - 5
    if link.image is not None and not meeting.is_cancelled:
        pdf.image(link.image, x + card_w - qr - 1.5, y + (card_h - qr) / 2, qr, qr)
        text_w = card_w - qr - 5
    tx = x + 3
    bottom = y + card_h - 1.5
    day = format_day(meeting.starts_at, lang, year=False)
    when = f"{day[:1].upper()}{day[1:]} · {format_clock(meeting.starts_at, lang)}"
    pdf.use(15 if big else 10.5, bold=True, color=BLUE)
    ty = pdf.put(when, tx, y + 2, text_w, min_size=9)
    if meeting.is_cancelled:
        pdf.use(13 if big else 10, bold=True, color=RED)
        ty = pdf.put(t(CANCELLED), tx, ty, text_w, min_size=9)
    pdf.use(14 if big else 9.5, bold=True)
    ty = pdf.para(meeting.place, tx, ty + 0.5, text_w, max_lines=3 if big else 2,
                  leading=1.15, min_size=9)
    pdf.use(12 if big else 9)
    line = (12 if big else 9) * 0.3528 * 1.3
    if meeting.address and ty + line <= bottom:
        ty = pdf.para(meeting.address, tx, ty, text_w, max_lines=2 if big else 1, min_size=9)
    if show_commune and ty + line <= bottom:
        ty = pdf.put(t(COMMUNE, commune=meeting.commune), tx, ty, text_w, min_size=9)
    pdf.use(12 if big else 9, color=DARK_GREY)
    if meeting.officer_name and ty + line <= bottom:
        name = officer_title(meeting.officer_gender, meeting.officer_grade, meeting.officer_name)
        ty = pdf.put(t(PROGRAMME_OFFICER, name=name), tx, ty, text_w, min_size=9)
    if not meeting.is_cancelled and ty + line <= bottom:
        pdf.use(12 if big else 9, bold=True, color=INK)
        ty = pdf.put(availability_text(meeting), tx, ty, text_w, min_size=9)
    themes = meeting.themes_in(lang)
    if big and themes and ty + line <= bottom:
        pdf.use(12, color=DARK_GREY)
        pdf.para(t(THEMES, names=" · ".join(themes)), tx, ty, text_w, max_lines=2, min_size=9)
