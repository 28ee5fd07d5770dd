"""Confirmation slip, attendance sheet and monthly programme."""

from __future__ import annotations

import dataclasses
from datetime import date

import peewee
import pytest

from cafepol_tui.documents.attendance import render_attendance
from cafepol_tui.documents.programme import MonthError, parse_month, render_programme
from cafepol_tui.documents.slip import SlipFormatError, render_slip
from cafepol_tui.services.formatting import format_day
from cafepol_tui.services.meetings import MeetingDetail, get_meeting, programme_meetings
from cafepol_tui.services.registrations import list_for_meeting
from cafepol_tui.services.validation import NotFoundError
from cafepol_tui.settings import Settings
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, page_sizes_mm, pdf_text, qr_codes


def _busy_meeting() -> MeetingDetail:
    """The demo meeting that is full with a waiting list."""
    from cafepol_tui.db.models import Meeting

    for m in Meeting.select().order_by(Meeting.starts_at):
        detail = get_meeting(m.id)
        if detail.waitlist_count:
            return detail
    raise AssertionError("no meeting with a waiting list in the demo zone")


# --- slip -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "width"), [("a6", 105), ("receipt", 80)])
def test_slip_has_code_meeting_party_and_qr(
    demo: peewee.Database, settings: Settings, fmt: str, width: int
) -> None:
    meeting = _busy_meeting()
    registration = next(r for r in list_for_meeting(meeting.id) if r.status == "confirmed")
    pdf = render_slip(registration, meeting, settings, fmt, creation_date=CREATED)
    sizes = page_sizes_mm(pdf)
    assert len(sizes) == 1 and sizes[0][0] == width
    if fmt == "a6":
        assert sizes[0] == (105, 148)
    text = flat(pdf_text(pdf)[0])
    assert registration.reference in text.replace(" ", "")
    assert registration.name in text
    assert f"Nombre de personnes : {registration.people}" in text
    assert meeting.place in text and f"Commune de {meeting.commune}" in text
    assert format_day(meeting.starts_at)[1:] in text
    assert "Pour annuler" in text
    if meeting.event_url:
        assert qr_codes(pdf) == [meeting.event_url]


def test_waitlisted_slip_gives_the_position(demo: peewee.Database, settings: Settings) -> None:
    meeting = _busy_meeting()
    waiting = next(r for r in list_for_meeting(meeting.id) if r.status == "waitlisted")
    text = pdf_text(render_slip(waiting, meeting, settings, creation_date=CREATED))[0]
    assert f"Liste d'attente — position {waiting.waitlist_rank}" in text


def test_slip_format_comes_from_settings_and_is_checked(
    meeting: MeetingDetail, settings: Settings
) -> None:
    registration = list_for_meeting(meeting.id)[0] if list_for_meeting(meeting.id) else None
    if registration is None:
        pytest.skip("no registration on the first meeting")
    receipt = dataclasses.replace(
        settings, documents=dataclasses.replace(settings.documents, slip_format="receipt")
    )
    assert page_sizes_mm(render_slip(registration, meeting, receipt))[0][0] == 80
    with pytest.raises(SlipFormatError):
        render_slip(registration, meeting, settings, "a4")


# --- attendance sheet ---------------------------------------------------------------------


def test_attendance_lists_confirmed_waitlisted_and_topics(
    demo: peewee.Database, settings: Settings
) -> None:
    meeting = _busy_meeting()
    registrations = list_for_meeting(meeting.id)
    seen: list[tuple[int, int]] = []
    pdf = render_attendance(
        meeting,
        registrations,
        settings,
        creation_date=CREATED,
        progress=lambda d, t: seen.append((d, t)),
    )
    text = flat(" ".join(pdf_text(pdf)))
    assert "Liste de présence" in text and meeting.place in text
    for r in registrations:
        if r.status == "cancelled":
            continue
        assert r.name in text and r.reference in text
        if r.topic:
            assert r.topic in text
    assert "Liste d'attente" in text and "attente 1" in text
    assert f"Places : {meeting.seats_taken} / {meeting.capacity}" in text
    assert seen and seen[-1][0] == seen[-1][1]
    pages = len(page_sizes_mm(pdf))
    assert f"Page {pages}/{pages}" in text


def test_attendance_runs_over_pages_with_numbers(
    meeting: MeetingDetail, settings: Settings
) -> None:
    from datetime import UTC, datetime

    from cafepol_tui.services.registrations import RegistrationView

    many = [
        RegistrationView(
            i,
            f"R{i:05d}",
            meeting.id,
            f"Personne {i}",
            1,
            "",
            "",
            "",
            "confirmed",
            None,
            "kiosk",
            datetime(2026, 11, 1, tzinfo=UTC),
        )
        for i in range(70)
    ]
    pdf = render_attendance(meeting, many, settings, creation_date=CREATED)
    texts = pdf_text(pdf)
    assert len(texts) >= 2 and all(s == (210, 297) for s in page_sizes_mm(pdf))
    assert f"Page 1/{len(texts)}" in texts[0]
    assert "Personne 69" in texts[-1] or "Personne 69" in " ".join(texts)
    assert "Nom" in texts[1]  # the column heads are repeated


def test_attendance_with_nobody(meeting: MeetingDetail, settings: Settings) -> None:
    text = flat(pdf_text(render_attendance(meeting, [], settings, creation_date=CREATED))[0])
    assert "Aucune inscription." in text and "Aucun sujet signalé." in text


# --- programme ----------------------------------------------------------------------------


def test_programme_of_the_zone_has_one_code_per_meeting(
    demo: peewee.Database, settings: Settings
) -> None:
    month = date(2026, 12, 1)
    meetings = programme_meetings(month)
    assert meetings
    pdf = render_programme(meetings, settings, month, creation_date=CREATED)
    assert page_sizes_mm(pdf)[0] == (210, 297)
    text = flat(" ".join(pdf_text(pdf)))
    assert "Programme du mois de décembre 2026" in text
    for m in meetings:
        assert m.place in text
    expected = sorted(m.event_url for m in meetings[:16] if m.event_url and not m.is_cancelled)
    assert sorted(qr_codes(pdf, 0, 300)) == expected


def test_programme_for_one_commune(demo: peewee.Database, settings: Settings) -> None:
    month = date(2026, 12, 1)
    meetings = programme_meetings(month, "boussu")
    assert meetings and {m.commune for m in meetings} == {"Boussu"}
    text = flat(
        pdf_text(render_programme(meetings, settings, month, "Boussu", creation_date=CREATED))[0]
    )
    assert "Commune de Boussu" in text
    with pytest.raises(NotFoundError):
        programme_meetings(month, "Mons")


def test_empty_month_says_so(demo: peewee.Database, settings: Settings) -> None:
    month = date(2030, 1, 1)
    pdf = render_programme(programme_meetings(month), settings, month, creation_date=CREATED)
    assert "Aucune rencontre" in pdf_text(pdf)[0]


def test_parse_month() -> None:
    assert parse_month("2026-12") == date(2026, 12, 1)
    for bad in ("2026-13", "12-2026x", "", "2026"):
        with pytest.raises(MonthError):
            parse_month(bad)
