"""Names and places in any script print; a character no font has prints as « � », never raises."""

from __future__ import annotations

import dataclasses
import io
import logging
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from cafepol_tui.documents import fonts
from cafepol_tui.documents.attendance import render_attendance
from cafepol_tui.documents.flyer import render_flyer
from cafepol_tui.documents.slip import render_slip
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import RegistrationView
from cafepol_tui.settings import Settings
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, pdf_text, qr_codes, render_page

LATIN_NAMES = [
    "Zbigniew Wiśniewski",  # Polish
    "Agnieszka Łukasiewicz-Żółć",
    "Mehmet Yılmaz Öztürk Ğİş",  # Turkish dotless and dotted i
    "Nguyễn Thị Hoa",  # Vietnamese, stacked diacritics
    "Trần Văn Minh",
    "Œdipe D’Hondt – 5 €",  # French typography
    "Ελένη Παπαδοπούλου",  # Greek
    "Ольга Иванова",  # Cyrillic
]
ARABIC_NAME = "فاطمة الزهراء"


def _registration(i: int, name: str, **changes: object) -> RegistrationView:
    base = RegistrationView(
        id=i,
        reference=f"ABC{i:03d}",
        meeting_id=1,
        name=name,
        people=1 + i % 3,
        phone="+32470123456",
        email="",
        topic="",
        status="confirmed",
        waitlist_rank=None,
        channel="counter",
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    return dataclasses.replace(base, **changes)


def test_latin_greek_cyrillic_names_come_out_as_typed(
    meeting: MeetingDetail, settings: Settings
) -> None:
    regs = [_registration(i, name) for i, name in enumerate(LATIN_NAMES)]
    text = pdf_text(render_attendance(meeting, regs, settings, creation_date=CREATED))[0]
    for name in LATIN_NAMES:
        assert name in text, name


def test_place_in_vietnamese_and_turkish_on_the_flyer(
    meeting: MeetingDetail, settings: Settings
) -> None:
    place = "Nhà văn hóa Phường Bến Nghé · Kültür Merkezi İçi"
    pdf = render_flyer(dataclasses.replace(meeting, place=place), settings, creation_date=CREATED)
    assert place in flat(pdf_text(pdf)[0])


def test_arabic_uses_the_arabic_font_and_renders(
    meeting: MeetingDetail, settings: Settings
) -> None:
    registration = _registration(1, ARABIC_NAME, topic="السلام عليكم، أين نركن السيارة؟")
    pdf = render_slip(registration, meeting, settings, creation_date=CREATED)
    reader = PdfReader(io.BytesIO(pdf))
    font_names = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("NotoSansArabic" in name for name in font_names), font_names
    assert qr_codes(pdf) == [meeting.event_url]


def test_arabic_is_shaped_right_to_left(settings: Settings) -> None:
    """Joined letters are narrower than isolated ones: shaping took place."""
    from cafepol_tui.documents.base import DocumentPDF

    pdf = DocumentPDF((100, 50), creation_date=CREATED)
    pdf.add_page()
    pdf.use(20)
    shaped = pdf.width_of(ARABIC_NAME)
    pdf._shaping = False
    unshaped = pdf.width_of(ARABIC_NAME)
    assert shaped < unshaped
    # And the run starts at the right: with the box right-aligned, ink ends at the right edge.
    pdf._shaping = True
    pdf.put(ARABIC_NAME, 5, 5, 90, align="R")
    image = render_page(bytes(pdf.output()), 0, 100).convert("L")
    ink = [x for x in range(image.width) for y in range(20, 60) if image.getpixel((x, y)) < 128]
    assert max(ink) > image.width * 0.85


def test_characters_no_font_has_become_a_visible_replacement(
    meeting: MeetingDetail, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    strange = "王小明 नमस्ते \U0001fae0 \x07bell"
    registration = _registration(1, strange, topic=strange)
    with caplog.at_level(logging.WARNING):
        slip = render_slip(registration, meeting, settings, creation_date=CREATED)
        sheet = render_attendance(meeting, [registration], settings, creation_date=CREATED)
    for pdf in (slip, sheet):
        text = pdf_text(pdf)[0]
        assert "\ufffd" in text
        assert "bell" in text and "\x07" not in text
    assert "missing the following glyphs" not in caplog.text


def test_printable_keeps_what_fonts_have_and_replaces_the_rest() -> None:
    assert fonts.printable("Œdipe’s 5 €") == "Œdipe’s 5 €"
    assert fonts.printable("a\u0000b\tc") == "ab c"
    assert fonts.printable("中") == "中"  # the CJK fallback has it
    assert fonts.printable("\U00013000") == "\ufffd"  # no shipped font draws hieroglyphs
    # Decomposed input is composed first, so it uses the fonts' precomposed glyphs.
    assert fonts.printable("Nguye\u0302\u0303n") == "Nguyễn"


def test_empty_and_whitespace_texts_do_not_crash(
    meeting: MeetingDetail, settings: Settings
) -> None:
    blank = dataclasses.replace(
        meeting,
        place="",
        address="",
        officer_name="",
        officer_phone="",
        commissariat="",
        partners=(),
        themes=(),
        description=" ",
    )
    pdf = render_flyer(blank, settings, "a4-4up", creation_date=CREATED)
    assert qr_codes(pdf) == [meeting.event_url] * 4
