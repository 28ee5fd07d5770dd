"""Documents made from plain service data: exports, and PDFs (flyers, slips, sheets, programme).

Nothing here queries the database (import-linter keeps `cafepol_tui.db` out): the services
read it and hand over plain dataclasses and rows. No Textual here either, and fpdf2 is
imported only when a PDF is asked for, so `cafepol export` stays light. Every renderer returns
the PDF as bytes and is safe to call from a worker thread; wrap the services' database reads
in `with db.connection_context():` in that thread.

The API for the UI and the CLI::

    from cafepol_tui.documents import (
        render_flyer, render_slip, render_attendance, render_programme, deliver,
    )

    render_flyer(meeting: MeetingDetail, settings: Settings, layout: str = "a5",
                 copies: int = 1, *, lang: str | None = None,
                 creation_date: datetime | None = None,
                 progress: Callable[[int, int], None] | None = None) -> bytes
        layout: "a5" (one A5 per page), "a4-2up" (two A5 on A4 landscape) or "a4-4up"
        (four A6 on A4 portrait: only what fits at 9 pt), with crop marks from 5.5 mm in;
        ceil(copies / per page) pages, all slots filled. progress(page_done, pages_total).
        Unknown layout: flyer.LayoutError. flyer.MAILBOX_LAYOUT ("a4-2up") is the default
        offered for a mailbox run. A cancelled meeting gives a cancellation notice.

    share_kit(meeting: MeetingDetail, settings: Settings, *, lang=None) -> ShareKit
        ShareKit(cover: bytes (1920 × 1005 PNG), text: str): the Facebook event's cover
        image and its text, ready to paste (`cafepol share-kit ID --out DIR`).

    render_slip(registration: RegistrationView, meeting: MeetingDetail, settings: Settings,
                fmt: str | None = None, *, lang: str | None = None,
                creation_date: datetime | None = None) -> bytes
        fmt: "a6" or "receipt" (80 mm wide, as long as needed); None = settings.documents.slip_format.

    render_attendance(meeting: MeetingDetail, registrations: Sequence[RegistrationView],
                      settings: Settings, *, lang=None, creation_date=None, progress=None,
                      phones: bool = False) -> bytes
        registrations as from services.registrations.list_for_meeting(meeting.id); phone
        numbers printed only with phones=True.

    render_programme(meetings: Sequence[MeetingDetail], settings: Settings, month: date,
                     commune: str | None = None, *, lang=None, creation_date=None,
                     progress=None) -> bytes
        meetings as from services.meetings.programme_meetings(month, commune).
        parse_month("2026-12") -> date(2026, 12, 1); a bad month raises programme.MonthError.

    deliver(pdf: bytes, name: str, settings: Settings, print_: bool = True, *,
            copies: int | None = None, document: str | None = None) -> PrintOutcome
        Saves the PDF in settings.output_dir (atomically), then runs `lp` if print_, with
        the printer and media of [printing.KIND] (KIND: `document`, else read from `name`);
        a paused or refusing queue, or CUPS stopped, is said as such (lpstat before/after).
        Never raises for disk or printer problems. PrintOutcome(ok: bool, path: Path | None,
        message: str (for a person, in the current language), job_id: str | None, printed: bool).

`lang` ("fr", "nl", "de" or "en"; default: the current language, `i18n.current_language()`)
is the language of every printed word and date; a meeting's own texts (place, address,
description) are printed as staff typed them.
`creation_date` fixes the PDF's dates so identical input gives identical bytes (tests).
Text in any script is accepted: undrawable characters print as « � », never raise.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "render_flyer": "flyer",
    "render_slip": "slip",
    "render_attendance": "attendance",
    "render_programme": "programme",
    "parse_month": "programme",
    "deliver": "printing",
    "PrintOutcome": "printing",
    "share_kit": "share_kit",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"{__name__}.{name}", name=name)
    return getattr(import_module(f"{__name__}.{module}"), name)
