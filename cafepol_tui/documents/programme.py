"""The monthly programme: one A4 poster of a month's meetings, each card with its own QR code.

The meetings come from `services.meetings.programme_meetings`.

Two columns of eight cards fit a page; a busier month continues on a second page rather
than shrinking the codes below what a phone can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_date

from cafepol_tui.documents import fonts
from cafepol_tui.documents.base import BLUE, GREY, LIGHT, RED, DocumentPDF, Progress
from cafepol_tui.documents.qr import event_link
from cafepol_tui.documents.texts import (
    CANCELLED,
    COMMUNE,
    HEADLINE,
    PROGRAMME_COMMUNE,
    PROGRAMME_EMPTY,
    PROGRAMME_NO_LINK,
    PROGRAMME_SIGNUP,
    PROGRAMME_TITLE,
    PROGRAMME_ZONE,
    t,
)
from cafepol_tui.i18n import current_language, language, translator
from cafepol_tui.services.formatting import babel_locale, format_clock, format_day
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings

_ = translator("texts")

A4 = (210.0, 297.0)
MARGIN = 12.0
GAP = 6.0
CARD_W = (A4[0] - 2 * MARGIN - GAP) / 2
CARD_H = 28.0
QR_MM = 25.0
HEADER_H = 44.0
ROWS = 8


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
        pdf = DocumentPDF(
            A4,
            title=t(PROGRAMME_TITLE, month=month_name),
            creation_date=creation_date,
        )
        per_page = 2 * ROWS
        chunks = [meetings[i : i + per_page] for i in range(0, len(meetings), per_page)] or [[]]
        done = 0
        for chunk in chunks:
            pdf.add_page()
            _header(pdf, settings, month_name, commune)
            if not meetings:
                pdf.use(13, color=GREY)
                pdf.put(
                    t(PROGRAMME_EMPTY), MARGIN, HEADER_H + 20, A4[0] - 2 * MARGIN, align="C"
                )
            for index, meeting in enumerate(chunk):
                column, row = index // ROWS, index % ROWS
                x = MARGIN + column * (CARD_W + GAP)
                y = HEADER_H + row * (CARD_H + 1.5)
                _card(pdf, meeting, settings, x, y, show_commune=commune is None)
                done += 1
                if progress is not None:
                    progress(done, len(meetings))
            pdf.use(9, bold=True, color=BLUE)
            pdf.put(t(PROGRAMME_SIGNUP), MARGIN, A4[1] - 11, A4[0] - 2 * MARGIN, align="C")
        return bytes(pdf.output())


def _header(pdf: DocumentPDF, settings: Settings, month_name: str, commune: str | None) -> None:
    w = A4[0] - 2 * MARGIN
    x = MARGIN
    logo = fonts.logo_path(settings.documents.logo)
    if logo is not None:
        pdf.image(str(logo), x, MARGIN, 20, 20)
        x += 24
        w -= 24
    pdf.use(10, bold=True, color=BLUE)
    y = pdf.put(settings.zone_name, x, MARGIN, w)
    pdf.use(19, bold=True, color=BLUE)
    y = pdf.put(t(HEADLINE), x, y + 0.5, w)
    pdf.use(13, bold=True)
    y = pdf.put(t(PROGRAMME_TITLE, month=month_name), x, y + 0.5, w)
    pdf.use(11, color=GREY)
    where = (
        t(PROGRAMME_COMMUNE, commune=commune)
        if commune
        else t(PROGRAMME_ZONE, zone=settings.zone_name)
    )
    y = pdf.put(where, x, y, w)
    pdf.rule(MARGIN, HEADER_H - 3.5, A4[0] - 2 * MARGIN, BLUE, 0.6)


def _card(
    pdf: DocumentPDF,
    meeting: MeetingDetail,
    settings: Settings,
    x: float,
    y: float,
    show_commune: bool,
) -> None:
    lang = current_language()
    pdf.box(x, y, CARD_W, CARD_H, LIGHT, width=0.25)
    link = event_link(meeting.event_url, None)
    text_w = CARD_W - 4
    if link.image is not None and not meeting.is_cancelled:
        pdf.image(link.image, x + CARD_W - QR_MM - 2, y + 2, QR_MM, QR_MM)
        text_w = CARD_W - QR_MM - 6
    tx = x + 3
    day = format_day(meeting.starts_at, lang, year=False)
    when = f"{day[:1].upper()}{day[1:]} · {format_clock(meeting.starts_at, lang)}"
    pdf.use(9.5, bold=True, color=BLUE)
    ty = pdf.put(when, tx, y + 2, text_w)
    if meeting.is_cancelled:
        pdf.use(9, bold=True, color=RED)
        ty = pdf.put(t(CANCELLED), tx, ty, text_w)
    pdf.use(8.5, bold=True)
    ty = pdf.para(meeting.place, tx, ty + 0.5, text_w, max_lines=2, leading=1.15)
    pdf.use(7.5)
    if meeting.address:
        ty = pdf.put(meeting.address, tx, ty, text_w)
    if show_commune:
        ty = pdf.put(t(COMMUNE, commune=meeting.commune), tx, ty, text_w)
    if meeting.officer_name and ty < y + CARD_H - 7:
        pdf.use(7, color=GREY)
        ty = pdf.put(meeting.officer_name, tx, ty, text_w)
    if link.image is None and not meeting.is_cancelled and ty < y + CARD_H - 6:
        pdf.use(6.5, color=RED)
        pdf.para(t(PROGRAMME_NO_LINK), tx, ty + 0.5, text_w, max_lines=2)
