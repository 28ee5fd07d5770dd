"""The slip a citizen takes home after signing up: the reference code first, then the meeting.

A6 by default; "receipt" is an 80 mm wide strip for counter receipt printers, as long as
its content (laid out once to measure, then replayed on a page of that height).
"""

from __future__ import annotations

from datetime import datetime

from cafepol_tui.documents.base import BLUE, CODE39_CHARS, GREY, LIGHT, RED, DocumentPDF
from cafepol_tui.documents.qr import EventLink, event_link
from cafepol_tui.documents.texts import (
    CANCELLED,
    COMMUNE,
    HEADLINE,
    SLIP_ATTENDED,
    SLIP_CANCEL,
    SLIP_CANCEL_WAITLIST,
    SLIP_CANCELLED,
    SLIP_CANCELLED_NOTE,
    SLIP_NAME,
    SLIP_PEOPLE,
    SLIP_REFERENCE,
    SLIP_TITLE,
    SLIP_WAITLIST,
    SLIP_WAITLIST_NOTE,
    day_and_hours,
    officer_line,
    phone_for_print,
    t,
)
from cafepol_tui.i18n import current_language, language, translator
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import RegistrationView
from cafepol_tui.settings import Settings
from cafepol_tui.statuses import RegistrationStatus

_ = translator("texts")

SLIP_FORMATS = ("a6", "receipt")
A6 = (105.0, 148.0)
RECEIPT_WIDTH = 80.0
RECEIPT_MARGIN = 4.0  # receipt printers print about 72 mm of the 80 mm paper
A6_MARGIN = 7.0
QR_MM = 30.0
BARCODE_MM = 9.0


class SlipFormatError(ValueError):
    """An unknown slip format."""


def render_slip(
    registration: RegistrationView,
    meeting: MeetingDetail,
    settings: Settings,
    fmt: str | None = None,
    *,
    lang: str | None = None,
    creation_date: datetime | None = None,
) -> bytes:
    """One page: A6, or an 80 mm receipt as long as it needs to be."""
    lang = lang or current_language()
    with language(lang):
        fmt = fmt or settings.documents.slip_format
        if fmt not in SLIP_FORMATS:
            raise SlipFormatError(
                _("format de confirmation inconnu « {name} » (au choix : {known})").format(
                    name=fmt, known=", ".join(SLIP_FORMATS)
                )
            )
        link = event_link(meeting.event_url, settings.zone_page_url)
        title = f"{slip_heading(registration)} {registration.reference}"
        if fmt == "a6":
            pdf = DocumentPDF(A6, title=title, creation_date=creation_date)
            pdf.add_page()
            _draw_slip(pdf, registration, meeting, settings, link, A6[0], A6_MARGIN)
            return bytes(pdf.output())
        probe = DocumentPDF((RECEIPT_WIDTH, 1000.0), creation_date=creation_date)
        probe.add_page()
        with probe.recording() as ops:
            height = _draw_slip(
                probe, registration, meeting, settings, link, RECEIPT_WIDTH, RECEIPT_MARGIN
            )
        pdf = DocumentPDF(
            (RECEIPT_WIDTH, height + RECEIPT_MARGIN), title=title, creation_date=creation_date
        )
        pdf.add_page()
        pdf.replay(ops)
        return bytes(pdf.output())


def slip_heading(registration: RegistrationView) -> str:
    """What the slip is, in the current language: its title on paper and in the PDF."""
    status = registration.status
    if status == RegistrationStatus.WAITLISTED:
        return t(SLIP_WAITLIST, rank=registration.waitlist_rank or "?")
    if status == RegistrationStatus.CANCELLED:
        return t(SLIP_CANCELLED)
    if status == RegistrationStatus.ATTENDED:
        return t(SLIP_ATTENDED)
    return t(SLIP_TITLE)


def _draw_slip(
    pdf: DocumentPDF,
    registration: RegistrationView,
    meeting: MeetingDetail,
    settings: Settings,
    link: EventLink,
    page_width: float,
    margin: float,
) -> float:
    """Draw from the top; return the y under the last thing drawn."""
    lang = current_language()
    x, w = margin, page_width - 2 * margin
    y = margin

    pdf.use(8, bold=True, color=BLUE)
    y = pdf.put(settings.zone_name, x, y, w)
    pdf.rule(x, y + 1, w, BLUE, 0.4)
    y += 2.5

    status = registration.status
    cancelled = status == RegistrationStatus.CANCELLED
    color = RED if status in (RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED) else BLUE
    pdf.use(12, bold=True, color=color)
    y = pdf.para(slip_heading(registration), x, y, w, max_lines=2)
    if status == RegistrationStatus.WAITLISTED:
        pdf.use(7.5, color=RED)
        y = pdf.para(t(SLIP_WAITLIST_NOTE), x, y, w, max_lines=2)
    elif cancelled:
        pdf.use(7.5, bold=True, color=RED)
        y = pdf.para(t(SLIP_CANCELLED_NOTE), x, y, w, max_lines=3)

    pdf.use(7.5, color=GREY)
    y = pdf.put(t(SLIP_REFERENCE), x, y + 1.5, w, align="C")
    pdf.use(24, bold=True)
    y = pdf.put(" ".join(registration.reference), x, y, w, align="C")
    # The same code for the scanner at the door (a USB scanner types it, then Enter). A
    # trailing « - » (dropped by normalise_reference, like any non-letter) keeps it from
    # being 6 base-32 characters: scanners and zxing read those as an Italian pharmacy code
    # (Code 32) when its check digit happens to fit, and type « A622393748 » for « LKKYDN ».
    # A cancelled registration's slip lets no one in: no barcode for the door.
    if not cancelled and all(ch in CODE39_CHARS for ch in registration.reference):
        y = pdf.barcode(registration.reference + "-", x, y + 0.5, w, BARCODE_MM) + 0.5
    pdf.use(9)
    y = pdf.para(t(SLIP_NAME, name=registration.name), x, y + 1, w, max_lines=2)
    y = pdf.put(t(SLIP_PEOPLE, people=registration.people), x, y, w)
    pdf.rule(x, y + 1.5, w)
    y += 3

    pdf.use(8, color=GREY)
    y = pdf.put(t(HEADLINE), x, y, w)
    if meeting.is_cancelled:
        pdf.use(10, bold=True, color=RED)
        y = pdf.put(t(CANCELLED), x, y, w)
    day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
    pdf.use(10.5, bold=True)
    y = pdf.put(day, x, y + 0.5, w)
    pdf.use(10)
    y = pdf.put(hours, x, y, w)
    pdf.use(9.5, bold=True)
    y = pdf.para(meeting.place, x, y + 1, w, max_lines=2)
    pdf.use(8.5)
    if meeting.address:
        y = pdf.para(meeting.address, x, y, w, max_lines=2)
    y = pdf.put(t(COMMUNE, commune=meeting.commune), x, y, w)
    if meeting.officer_name:
        y = pdf.para(officer_line(meeting.officer_gender, meeting.officer_grade,
                                      meeting.officer_name), x, y, w, max_lines=2)
    pdf.rule(x, y + 1.5, w)
    y += 3

    if not cancelled:
        phone = f" ({phone_for_print(meeting.officer_phone)})" if meeting.officer_phone else ""
        how = SLIP_CANCEL_WAITLIST if status == RegistrationStatus.WAITLISTED else SLIP_CANCEL
        pdf.use(7.5)
        y = pdf.para(t(how, phone=phone), x, y, w, max_lines=4)

    # Without an event page nor the zone's, the QR block is left out: public paper carries
    # no note for staff.
    if link.image is not None and link.url:
        qr = min(QR_MM, w)
        pdf.picture(link.image, x + (w - qr) / 2, y + 1.5, qr, qr)
        y += qr + 1.5
        pdf.use(7, color=GREY)
        y = pdf.para(link.url, x, y, w, align="C", max_lines=2)
    pdf.rule(x, y + 1, w, LIGHT, 0.2)
    return y + 1
