"""The officer's attendance sheet: who is expected, who waits, what they want to talk about.

A4 portrait. Confirmed parties first (a box to tick, the party size, the code), then the
waiting list in order, then the topics sent in advance. Laid out page by page into recorded
operations first, so every footer can say « Page n/total ».
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from cafepol_tui.documents.base import BLUE, GREY, LIGHT, DocumentPDF, Progress
from cafepol_tui.documents.texts import (
    ATTENDANCE_COL_NAME,
    ATTENDANCE_COL_PEOPLE,
    ATTENDANCE_COL_PHONE,
    ATTENDANCE_COL_REF,
    ATTENDANCE_COL_STATUS,
    ATTENDANCE_COL_TICK,
    ATTENDANCE_CONFIRMED,
    ATTENDANCE_NO_TOPICS,
    ATTENDANCE_NONE,
    ATTENDANCE_SEATS,
    ATTENDANCE_TITLE,
    ATTENDANCE_TOPICS,
    ATTENDANCE_WAITLIST,
    COMMUNE,
    OFFICER,
    PAGE,
    PRINTED,
    STATUS_ATTENDED,
    STATUS_CONFIRMED,
    STATUS_WAITLISTED,
    THEMES,
    day_and_hours,
    phone_for_print,
    t,
)
from cafepol_tui.i18n import current_language, language
from cafepol_tui.services.formatting import format_clock, format_day
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import RegistrationStatus, RegistrationView
from cafepol_tui.settings import Settings

A4 = (210.0, 297.0)
MARGIN = 14.0
WIDTH = A4[0] - 2 * MARGIN
BOTTOM = A4[1] - 18.0
ROW = 7.5

# (key, width in mm, align)
COLUMNS = (
    (ATTENDANCE_COL_TICK, 16.0, "C"),
    (ATTENDANCE_COL_NAME, 70.0, "L"),
    (ATTENDANCE_COL_PEOPLE, 12.0, "C"),
    (ATTENDANCE_COL_REF, 20.0, "C"),
    (ATTENDANCE_COL_PHONE, 32.0, "L"),
    (ATTENDANCE_COL_STATUS, WIDTH - 150.0, "L"),
)


class _Pages:
    """Recorded operations, one list per page; `need(h)` starts a new page when h won't fit."""

    def __init__(self, pdf: DocumentPDF, top: float) -> None:
        self.pdf = pdf
        self.top = top
        self.pages: list[list[tuple[Any, ...]]] = []
        self.y = top
        self.on_new_page: Any = None
        self._start()

    def _start(self) -> None:
        ops: list[tuple[Any, ...]] = []
        self.pages.append(ops)
        self.pdf._ops = ops
        self.y = self.top

    def need(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self._start()
            if self.on_new_page is not None:
                self.on_new_page()


def render_attendance(
    meeting: MeetingDetail,
    registrations: Sequence[RegistrationView],
    settings: Settings,
    *,
    lang: str | None = None,
    creation_date: datetime | None = None,
    progress: Progress | None = None,
) -> bytes:
    lang = lang or current_language()
    with language(lang):
        printed_at = creation_date or datetime.now(UTC)
        pdf = DocumentPDF(
            A4, title=f"{t(ATTENDANCE_TITLE)} — {meeting.commune}", creation_date=creation_date
        )
        pdf.add_page()
        confirmed = [r for r in registrations if r.status in RegistrationStatus.HOLDING_SEATS]
        waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
        topics = [
            r for r in registrations if r.topic.strip() and r.status != RegistrationStatus.CANCELLED
        ]
        total_rows = len(confirmed) + len(waiting) + len(topics)
        done = 0

        pages = _Pages(pdf, MARGIN)
        try:
            pages.y = _header(pdf, meeting, settings, MARGIN)
            for title, rows in (
                (
                    t(ATTENDANCE_CONFIRMED,
                        count=len(confirmed),
                        people=sum(r.people for r in confirmed),
                    ),
                    confirmed,
                ),
                (t(ATTENDANCE_WAITLIST, count=len(waiting)), waiting),
            ):
                if rows is waiting and not waiting:
                    continue
                pages.need(10 + ROW * 2)
                pdf.use(11, bold=True, color=BLUE)
                pages.y = pdf.put(title, MARGIN, pages.y + 3, WIDTH) + 1
                if not rows:
                    pdf.use(9, color=GREY)
                    pages.y = pdf.put(t(ATTENDANCE_NONE), MARGIN, pages.y, WIDTH)
                    continue
                pages.y = _table_head(pdf, pages.y, lang)
                pages.on_new_page = lambda: setattr(pages, "y", _table_head(pdf, pages.y, lang))
                for index, registration in enumerate(rows, start=1):
                    pages.need(ROW)
                    pages.y = _row(pdf, pages.y, index, registration, lang)
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

        printed = t(PRINTED, when=f"{format_day(printed_at, lang)} {format_clock(printed_at, lang)}"
        )
        for number, ops in enumerate(pages.pages, start=1):
            if number > 1:
                pdf.add_page()
            pdf.replay(ops)
            pdf.use(7.5, color=GREY)
            pdf.put(f"{meeting.commune} · {meeting.place} · {printed}", MARGIN, A4[1] - 12, WIDTH - 25)
            pdf.put(
                t(PAGE, n=number, total=len(pages.pages)), MARGIN, A4[1] - 12, WIDTH, align="R"
            )
        if progress is not None and total_rows == 0:
            progress(1, 1)
        return bytes(pdf.output())


def _header(pdf: DocumentPDF, meeting: MeetingDetail, settings: Settings, y: float) -> float:
    lang = current_language()
    pdf.use(8.5, bold=True, color=BLUE)
    y = pdf.put(settings.zone_name, MARGIN, y, WIDTH)
    pdf.use(16, bold=True, color=BLUE)
    y = pdf.put(t(ATTENDANCE_TITLE), MARGIN, y + 1, WIDTH)
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


def _table_head(pdf: DocumentPDF, y: float, lang: str) -> float:
    pdf.box(MARGIN, y, WIDTH, ROW - 1, LIGHT, fill=(232, 236, 244), width=0.2)
    pdf.use(8.5, bold=True, color=BLUE)
    x = MARGIN
    for key, width, align in COLUMNS:
        pad = 7.5 if key == ATTENDANCE_COL_NAME else 0.0  # the row number sits before names
        pdf.put(t(key), x + 1.5 + pad, y + 1.2, width - 3 - pad, align=align)
        x += width
    return y + ROW - 1


def _row(
    pdf: DocumentPDF, y: float, index: int, registration: RegistrationView, lang: str
) -> float:
    x = MARGIN
    tick = COLUMNS[0][1]
    pdf.box(x + tick / 2 - 2.5, y + 1.3, 5, 5, (60, 60, 60), width=0.3)
    x += tick
    if registration.status == RegistrationStatus.WAITLISTED:
        status = t(STATUS_WAITLISTED, rank=registration.waitlist_rank or "")
    elif registration.status == RegistrationStatus.ATTENDED:
        status = t(STATUS_ATTENDED)
    else:
        status = t(STATUS_CONFIRMED)
    # The number in its own box, so an Arabic name (right-to-left) can't carry it to its end.
    pdf.use(8.5, color=GREY)
    pdf.put(f"{index}.", x, y + 1.6, 7, align="R")
    x += 7.5
    cells = (
        (registration.name, True),
        (str(registration.people), True),
        (registration.reference, False),
        (phone_for_print(registration.phone), False),
        (status, False),
    )
    widths = [COLUMNS[1][1] - 7.5, *(c[1] for c in COLUMNS[2:])]
    for (text, bold), width, (_key, _w, align) in zip(cells, widths, COLUMNS[1:], strict=True):
        pdf.use(9.5 if bold else 8.5, bold=bold)
        pdf.put(text, x + 1.5, y + 1.6, width - 3, align=align)
        x += width
    pdf.rule(MARGIN, y + ROW, WIDTH, LIGHT, 0.2)
    return y + ROW
