"""The officer's attendance sheet, made for a pen on a café table.

A4 portrait. The meeting's header on every page (in full on the first, one line after);
the confirmed parties in alphabetical order, each with a box to tick, the party size, the
code, the state as checked in (« présent », « absent » for a no-show, « inscrit » otherwise)
and a blank notes column; blank rows for people who come without signing up; the waiting
list in order; the topics sent in advance. Phone numbers only when asked for (`phones`).
« Confidentiel — à détruire après la rencontre » at the foot of every page. A cancelled
meeting's sheet says « ANNULÉE » under its title, with the reason.

Laid out page by page into recorded operations first, so every footer can say « Page n/total ».
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from cafepol_tui.documents.base import BLUE, GREY, LIGHT, RED, DocumentPDF, Progress
from cafepol_tui.documents.texts import (
    ATTENDANCE_CANCELLED,
    ATTENDANCE_COL_NAME,
    ATTENDANCE_COL_NOTES,
    ATTENDANCE_COL_PEOPLE,
    ATTENDANCE_COL_PHONE,
    ATTENDANCE_COL_REF,
    ATTENDANCE_COL_STATUS,
    ATTENDANCE_COL_TICK,
    ATTENDANCE_CONFIDENTIAL,
    ATTENDANCE_CONFIRMED_HEAD,
    ATTENDANCE_NO_TOPICS,
    ATTENDANCE_NONE,
    ATTENDANCE_SEATS,
    ATTENDANCE_TITLE,
    ATTENDANCE_TOPICS,
    ATTENDANCE_WAITLIST,
    ATTENDANCE_WALK_INS,
    CANCEL_REASON,
    CANCELLED,
    COMMUNE,
    OFFICER,
    PAGE,
    PRINTED,
    STATUS_ABSENT,
    STATUS_ATTENDED,
    STATUS_CONFIRMED,
    STATUS_WAITLISTED,
    THEMES,
    day_and_hours,
    phone_for_print,
    plural,
    t,
)
from cafepol_tui.i18n import current_language, language
from cafepol_tui.services.formatting import format_clock, format_day
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import RegistrationView
from cafepol_tui.services.validation import fold
from cafepol_tui.settings import Settings
from cafepol_tui.statuses import RegistrationStatus

A4 = (210.0, 297.0)
MARGIN = 14.0
WIDTH = A4[0] - 2 * MARGIN
BOTTOM = A4[1] - 20.0
ROW = 8.0  # mm: room for a pen
NUMBER = 7.5  # the row number before the name
WALK_IN_ROWS = 8

# (key, width in mm, align); the notes column takes what is left.
_TICK = (ATTENDANCE_COL_TICK, 15.0, "C")
_NAME = (ATTENDANCE_COL_NAME, 58.0, "L")
_PEOPLE = (ATTENDANCE_COL_PEOPLE, 11.0, "C")
_REF = (ATTENDANCE_COL_REF, 18.0, "C")
_PHONE = (ATTENDANCE_COL_PHONE, 28.0, "L")
_STATUS = (ATTENDANCE_COL_STATUS, 20.0, "L")


def columns(phones: bool) -> tuple[tuple[str, float, str], ...]:
    fixed = (_TICK, _NAME, _PEOPLE, _REF, *((_PHONE,) if phones else ()), _STATUS)
    notes = (ATTENDANCE_COL_NOTES, WIDTH - sum(c[1] for c in fixed), "L")
    return (*fixed, notes)


class _Pages:
    """Recorded operations, one list per page; `need(h)` starts a new page when h won't fit."""

    def __init__(self, pdf: DocumentPDF, header: Callable[[float], float]) -> None:
        self.pdf = pdf
        self.header = header
        self.pages: list[list[tuple[Any, ...]]] = []
        self.y = MARGIN
        self.on_new_page: Callable[[], None] | None = None
        self._start()

    def _start(self) -> None:
        ops: list[tuple[Any, ...]] = []
        self.pages.append(ops)
        self.pdf._ops = ops
        self.y = self.header(MARGIN) if len(self.pages) > 1 else MARGIN

    def need(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self._start()
            if self.on_new_page is not None:
                self.on_new_page()


def sheet_order(registrations: Sequence[RegistrationView]) -> list[RegistrationView]:
    """The parties holding seats, alphabetical (case and accents folded), then by code."""
    holding = [r for r in registrations if r.status in RegistrationStatus.HOLDING_SEATS]
    return sorted(holding, key=lambda r: (fold(r.name), r.reference))


def render_attendance(
    meeting: MeetingDetail,
    registrations: Sequence[RegistrationView],
    settings: Settings,
    *,
    lang: str | None = None,
    creation_date: datetime | None = None,
    progress: Progress | None = None,
    phones: bool = False,
) -> bytes:
    lang = lang or current_language()
    with language(lang):
        printed_at = creation_date or datetime.now(UTC)
        title = f"{t(ATTENDANCE_TITLE)} — {meeting.commune}"
        if meeting.is_cancelled:
            title = f"{t(ATTENDANCE_TITLE)} — {t(CANCELLED)} — {meeting.commune}"
        pdf = DocumentPDF(A4, title=title, creation_date=creation_date)
        pdf.add_page()
        confirmed = sheet_order(registrations)
        waiting = sorted(
            (r for r in registrations if r.status == RegistrationStatus.WAITLISTED),
            key=lambda r: (r.waitlist_rank or 0, r.reference),
        )
        topics = [
            r for r in registrations if r.topic.strip() and r.status != RegistrationStatus.CANCELLED
        ]
        total_rows = len(confirmed) + len(waiting) + len(topics)
        done = 0
        cols = columns(phones)

        pages = _Pages(pdf, lambda y: _short_header(pdf, meeting, y))
        try:
            pages.y = _header(pdf, meeting, settings, MARGIN)
            people = sum(r.people for r in confirmed)
            heading = t(
                ATTENDANCE_CONFIRMED_HEAD,
                registrations=plural("{n} inscription", "{n} inscriptions", len(confirmed)),
                people=plural("{n} personne", "{n} personnes", people),
            )
            sections: list[tuple[str, list[RegistrationView | None]]] = [
                (heading, list(confirmed)),
            ]
            if not meeting.is_cancelled:
                sections.append((t(ATTENDANCE_WALK_INS), [None] * WALK_IN_ROWS))
            if waiting:
                sections.append((t(ATTENDANCE_WAITLIST, count=len(waiting)), list(waiting)))
            for section, rows in sections:
                pages.need(10 + ROW * 2)
                pdf.use(11, bold=True, color=BLUE)
                pages.y = pdf.put(section, MARGIN, pages.y + 3, WIDTH) + 1
                if not rows:
                    pdf.use(9, color=GREY)
                    pages.y = pdf.put(t(ATTENDANCE_NONE), MARGIN, pages.y, WIDTH)
                    continue
                pages.y = _table_head(pdf, pages.y, cols)
                pages.on_new_page = lambda: setattr(pages, "y", _table_head(pdf, pages.y, cols))
                for index, registration in enumerate(rows, start=1):
                    pages.need(ROW)
                    pages.y = _row(pdf, pages.y, index, registration, cols)
                    if registration is not None:
                        done += 1
                        if progress is not None:
                            progress(done, total_rows)
                pages.on_new_page = None

            pages.need(16)
            pdf.use(11, bold=True, color=BLUE)
            pages.y = pdf.put(t(ATTENDANCE_TOPICS), MARGIN, pages.y + 5, WIDTH) + 1
            if not topics:
                pdf.use(9, color=GREY)
                pages.y = pdf.put(t(ATTENDANCE_NO_TOPICS), MARGIN, pages.y, WIDTH)
            for registration in topics:
                pages.need(14)
                pdf.use(9, bold=True)
                # The code first: a Latin start keeps the line left-to-right around an Arabic name.
                pages.y = pdf.put(
                    f"{registration.reference} — {registration.name}", MARGIN, pages.y + 1, WIDTH
                )
                pdf.use(9)
                pages.y = pdf.para(registration.topic, MARGIN + 4, pages.y, WIDTH - 4, max_lines=6)
                done += 1
                if progress is not None:
                    progress(done, total_rows)
        finally:
            pdf._ops = None

        printed = t(PRINTED, when=f"{format_day(printed_at, lang)} {format_clock(printed_at, lang)}")
        for number, ops in enumerate(pages.pages, start=1):
            if number > 1:
                pdf.add_page()
            pdf.replay(ops)
            pdf.rule(MARGIN, A4[1] - 17, WIDTH, GREY, 0.3)
            pdf.use(8.5, bold=True, color=RED)
            pdf.put(t(ATTENDANCE_CONFIDENTIAL), MARGIN, A4[1] - 16, WIDTH, align="C")
            pdf.use(7.5, color=GREY)
            pdf.put(f"{meeting.commune} · {meeting.place} · {printed}", MARGIN, A4[1] - 11.5,
                    WIDTH - 25)
            pdf.put(
                t(PAGE, n=number, total=len(pages.pages)), MARGIN, A4[1] - 11.5, WIDTH, align="R"
            )
        if progress is not None and total_rows == 0:
            progress(1, 1)
        return bytes(pdf.output())


def _cancelled(pdf: DocumentPDF, meeting: MeetingDetail, y: float) -> float:
    pdf.use(20, bold=True, color=RED)
    y = pdf.put(t(CANCELLED), MARGIN, y + 1, WIDTH)
    pdf.use(10, bold=True, color=RED)
    y = pdf.put(t(ATTENDANCE_CANCELLED), MARGIN, y, WIDTH)
    if meeting.cancel_reason.strip():
        pdf.use(10, color=RED)
        y = pdf.para(t(CANCEL_REASON, reason=meeting.cancel_reason), MARGIN, y, WIDTH, max_lines=3)
    return y


def _header(pdf: DocumentPDF, meeting: MeetingDetail, settings: Settings, y: float) -> float:
    lang = current_language()
    pdf.use(8.5, bold=True, color=BLUE)
    y = pdf.put(settings.zone_name, MARGIN, y, WIDTH)
    pdf.use(16, bold=True, color=BLUE)
    y = pdf.put(t(ATTENDANCE_TITLE), MARGIN, y + 1, WIDTH)
    if meeting.is_cancelled:
        y = _cancelled(pdf, meeting, y)
    day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, lang)
    pdf.use(11, bold=True)
    y = pdf.put(f"{day}, {hours}", MARGIN, y + 1, WIDTH)
    pdf.use(10)
    place = ", ".join(p for p in (meeting.place, meeting.address) if p)
    y = pdf.para(place, MARGIN, y, WIDTH, max_lines=2)
    y = pdf.put(t(COMMUNE, commune=meeting.commune), MARGIN, y, WIDTH)
    if meeting.officer_name:
        y = pdf.put(t(OFFICER, name=meeting.officer_name), MARGIN, y, WIDTH)
    pdf.use(10, bold=True)
    y = pdf.put(
        t(ATTENDANCE_SEATS,
            taken=meeting.seats_taken,
            capacity=meeting.capacity,
            waiting=meeting.waitlist_count,
        ),
        MARGIN,
        y + 1,
        WIDTH,
    )
    if meeting.themes:
        pdf.use(9)
        y = pdf.para(
            t(THEMES, names=" · ".join(meeting.themes)), MARGIN, y, WIDTH, max_lines=2
        )
    pdf.rule(MARGIN, y + 2, WIDTH, BLUE, 0.5)
    return y + 3


def _short_header(pdf: DocumentPDF, meeting: MeetingDetail, y: float) -> float:
    """The meeting on one line at the top of the following pages: a loose page still says which."""
    day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, current_language())
    pdf.use(11, bold=True, color=RED if meeting.is_cancelled else BLUE)
    head = t(ATTENDANCE_TITLE)
    if meeting.is_cancelled:
        head = f"{head} — {t(CANCELLED)}"
    y = pdf.put(head, MARGIN, y, WIDTH)
    pdf.use(9.5, bold=True)
    y = pdf.put(f"{day}, {hours} · {meeting.place} · {meeting.commune}", MARGIN, y, WIDTH)
    pdf.rule(MARGIN, y + 1.5, WIDTH, BLUE, 0.5)
    return y + 2.5


def _table_head(pdf: DocumentPDF, y: float, cols: tuple[tuple[str, float, str], ...]) -> float:
    pdf.box(MARGIN, y, WIDTH, ROW - 1, LIGHT, fill=(232, 236, 244), width=0.2)
    pdf.use(8.5, bold=True, color=BLUE)
    x = MARGIN
    for key, width, align in cols:
        pad = NUMBER if key == ATTENDANCE_COL_NAME else 0.0  # the row number sits before names
        pdf.put(t(key), x + 1.5 + pad, y + 1.4, width - 3 - pad, align=align)
        x += width
    return y + ROW - 1


def _status(registration: RegistrationView) -> str:
    status = registration.status
    if status == RegistrationStatus.WAITLISTED:
        return t(STATUS_WAITLISTED, rank=registration.waitlist_rank or "")
    if status == RegistrationStatus.ATTENDED:
        return t(STATUS_ATTENDED)
    if status == RegistrationStatus.NO_SHOW:
        return t(STATUS_ABSENT)
    return t(STATUS_CONFIRMED)


def _row(
    pdf: DocumentPDF,
    y: float,
    index: int,
    registration: RegistrationView | None,
    cols: tuple[tuple[str, float, str], ...],
) -> float:
    """One party (or, for None, a blank row to fill in by hand); returns the y under it."""
    x = MARGIN
    tick = cols[0][1]
    box_x, box_y = x + tick / 2 - 2.75, y + 1.25
    pdf.box(box_x, box_y, 5.5, 5.5, (60, 60, 60), width=0.3)
    if registration is not None and registration.status == RegistrationStatus.ATTENDED:
        # Checked in at the door: the box is ticked already.
        pdf.stroke(box_x + 1.0, box_y + 2.9, box_x + 2.3, box_y + 4.4, BLUE, 0.6)
        pdf.stroke(box_x + 2.3, box_y + 4.4, box_x + 4.7, box_y + 1.0, BLUE, 0.6)
    x += tick
    # The number in its own box, so an Arabic name (right-to-left) can't carry it to its end.
    pdf.use(8.5, color=GREY)
    pdf.put(f"{index}.", x, y + 2, NUMBER - 0.5, align="R")
    x += NUMBER
    if registration is None:
        # Blank: lines to write on, the same columns as above.
        for key, width, _align in cols[1:]:
            if key != ATTENDANCE_COL_NAME:
                pdf.stroke(x, y + 1.5, x, y + ROW - 0.5, LIGHT, 0.2)
            x += width - (NUMBER if key == ATTENDANCE_COL_NAME else 0.0)
        pdf.rule(MARGIN, y + ROW, WIDTH, GREY, 0.25)
        return y + ROW
    values = {
        ATTENDANCE_COL_NAME: (registration.name, 9.5, True),
        ATTENDANCE_COL_PEOPLE: (str(registration.people), 9.5, True),
        ATTENDANCE_COL_REF: (registration.reference, 8.5, False),
        ATTENDANCE_COL_PHONE: (phone_for_print(registration.phone), 8.5, False),
        ATTENDANCE_COL_STATUS: (_status(registration), 8.5, False),
        ATTENDANCE_COL_NOTES: ("", 8.5, False),
    }
    for key, width, align in cols[1:]:
        text, size, bold = values[key]
        inner = width - (NUMBER if key == ATTENDANCE_COL_NAME else 0.0)
        if key == ATTENDANCE_COL_STATUS and registration.status == RegistrationStatus.NO_SHOW:
            pdf.use(size, bold=True, color=RED)
        else:
            pdf.use(size, bold=bold)
        if text:
            pdf.put(text, x + 1.5, y + 1.9, inner - 3, align=align, min_size=7.0)
        x += inner
    pdf.rule(MARGIN, y + ROW, WIDTH, LIGHT, 0.2)
    return y + ROW
