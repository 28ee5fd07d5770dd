"""Flyers: layouts and page counts, the words on them, and a QR code a phone can read."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from cafepol_tui.documents.flyer import LayoutError, render_flyer
from cafepol_tui.services.formatting import format_clock, format_day
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, page_sizes_mm, pdf_text, qr_codes


@pytest.mark.parametrize(
    ("layout", "copies", "pages", "size"),
    [
        ("a5", 1, 1, (148, 210)),
        ("a5", 3, 3, (148, 210)),
        ("a4-2up", 3, 2, (297, 210)),
        ("a4-4up", 1, 1, (210, 297)),
        ("a4-4up", 9, 3, (210, 297)),
    ],
)
def test_layouts_fill_ceil_copies_over_slots_pages(
    meeting: MeetingDetail, settings: Settings, layout: str, copies: int, pages: int, size: tuple
) -> None:
    pdf = render_flyer(meeting, settings, layout, copies, creation_date=CREATED)
    assert page_sizes_mm(pdf) == [size] * pages


def test_flyer_says_when_where_and_who(meeting: MeetingDetail, settings: Settings) -> None:
    text = pdf_text(render_flyer(meeting, settings, creation_date=CREATED))[0]
    day = format_day(meeting.starts_at)
    assert day[0].upper() + day[1:] in text  # « Mercredi 2 décembre 2026 »
    assert f"de {format_clock(meeting.starts_at)} à {format_clock(meeting.ends_at)}" in text
    assert "Un café avec votre policier" in text
    assert meeting.place in text
    assert meeting.address in text
    assert f"Commune de {meeting.commune}" in text
    assert meeting.officer_name in text
    assert "065 71" in text  # the commissariat's number, as people dial it
    assert meeting.event_url in text  # printed under the code for those who type it
    for theme in meeting.themes:
        assert theme in flat(text)


@pytest.mark.parametrize("layout", ["a5", "a4-2up", "a4-4up"])
def test_every_qr_on_the_page_decodes_to_the_event_page(
    meeting: MeetingDetail, settings: Settings, layout: str
) -> None:
    pdf = render_flyer(meeting, settings, layout, creation_date=CREATED)
    slots = {"a5": 1, "a4-2up": 2, "a4-4up": 4}[layout]
    assert qr_codes(pdf) == [meeting.event_url] * slots


def test_qr_is_at_least_25_mm_even_four_up(meeting: MeetingDetail, settings: Settings) -> None:
    import zxingcpp

    from tests.documents.pdfcheck import render_page

    dpi = 200
    pdf = render_flyer(meeting, settings, "a4-4up", creation_date=CREATED)
    result = zxingcpp.read_barcodes(render_page(pdf, 0, dpi))[0]
    pos = result.position
    side_px = max(abs(pos.top_right.x - pos.top_left.x), abs(pos.bottom_left.y - pos.top_left.y))
    assert side_px / dpi * 25.4 >= 25.0


def test_one_qr_image_however_many_copies(meeting: MeetingDetail, settings: Settings) -> None:
    pdf = render_flyer(meeting, settings, "a4-4up", 40, creation_date=CREATED)
    reader = PdfReader(io.BytesIO(pdf))
    image_refs = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/XObject"].values():
            image_refs.add(ref.idnum)
    assert len(image_refs) == 2  # the QR code and the logo, shared by all 10 pages
    single = render_flyer(meeting, settings, "a4-4up", 4, creation_date=CREATED)
    assert len(pdf) < 2 * len(single)


def test_without_event_page_the_zone_page_is_used(
    meeting: MeetingDetail, zone_settings: Settings
) -> None:
    no_url = dataclasses.replace(meeting, event_url=None)
    pdf = render_flyer(no_url, zone_settings, creation_date=CREATED)
    assert qr_codes(pdf) == [zone_settings.zone_page_url]
    assert "page de la zone" in pdf_text(pdf)[0]


@pytest.mark.parametrize("bad_url", [None, "", "pas une adresse", "javascript:alert(1)"])
def test_without_any_page_the_qr_block_is_left_out_cleanly(
    meeting: MeetingDetail, settings: Settings, bad_url: str | None
) -> None:
    no_url = dataclasses.replace(meeting, event_url=bad_url)
    pdf = render_flyer(no_url, settings, creation_date=CREATED)
    assert qr_codes(pdf) == []
    text = flat(pdf_text(pdf)[0])
    # No staff warning on public paper: how to sign up, without the code.
    assert "pas de page en ligne" not in text
    assert "Inscription gratuite" in text and "065 71" in text


def test_a_url_too_long_to_scan_gets_no_code(meeting: MeetingDetail, settings: Settings) -> None:
    long_url = "https://www.facebook.com/events/" + "x" * 400
    pdf = render_flyer(
        dataclasses.replace(meeting, event_url=long_url), settings, creation_date=CREATED
    )
    assert qr_codes(pdf) == []


def test_cancelled_meeting_flyer_says_so(meeting: MeetingDetail, settings: Settings) -> None:
    cancelled = dataclasses.replace(meeting, status="cancelled", cancel_reason="Salle inondée.")
    text = pdf_text(render_flyer(cancelled, settings, creation_date=CREATED))[0]
    assert "ANNULÉE" in text and "Salle inondée." in text


def test_same_input_same_bytes(meeting: MeetingDetail, settings: Settings) -> None:
    first = render_flyer(meeting, settings, "a4-2up", 2, creation_date=CREATED)
    assert render_flyer(meeting, settings, "a4-2up", 2, creation_date=CREATED) == first
    assert PdfReader(io.BytesIO(first)).metadata.creation_date.year == 2026


def test_progress_is_reported_per_page(meeting: MeetingDetail, settings: Settings) -> None:
    seen: list[tuple[int, int]] = []
    render_flyer(meeting, settings, "a4-4up", 10, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.usefixtures("english")
def test_bad_layout_and_copies_are_refused(meeting: MeetingDetail, settings: Settings) -> None:
    with pytest.raises(LayoutError, match="unknown layout 'a3'"):
        render_flyer(meeting, settings, "a3")
    with pytest.raises(ValueError):
        render_flyer(meeting, settings, "a5", 0)


def test_long_texts_are_shrunk_or_cut_not_overflowing(
    meeting: MeetingDetail, settings: Settings
) -> None:
    crowded = dataclasses.replace(
        meeting,
        place="Salle polyvalente " * 8,
        address="Rue " + "très " * 30 + "longue 1",
        partners=tuple(f"Partenaire numéro {i}" for i in range(15)),
        description="Texte. " * 200,
    )
    pdf = render_flyer(crowded, settings, creation_date=CREATED)
    assert qr_codes(pdf) == [meeting.event_url]  # nothing drew over the code
    assert "…" in pdf_text(pdf)[0]


def test_missing_logo_file_prints_without_logo(meeting: MeetingDetail, settings: Settings) -> None:
    docs = dataclasses.replace(settings.documents, logo="/nowhere/logo.png")
    pdf = render_flyer(
        meeting, dataclasses.replace(settings, documents=docs), creation_date=CREATED
    )
    assert qr_codes(pdf) == [meeting.event_url]
