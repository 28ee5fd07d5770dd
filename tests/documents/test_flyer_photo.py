"""The officer's photo from the zone file on the A5 flyer: a disc beside the officer's line,
on the page once per slot, never under any text, and the 12 pt rule kept."""

from __future__ import annotations

import dataclasses
import io

import peewee
import pytest
from pypdf import PdfReader

from cafepol_tui.db.models import Officer
from cafepol_tui.documents.flyer import MARGIN, PHOTO_MM, render_flyer
from cafepol_tui.services.meetings import MeetingDetail, get_meeting, list_upcoming
from cafepol_tui.services.zone import zone_settings
from cafepol_tui.settings import Settings
from tests.conftest import FIXED_NOW
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, pdf_text
from tests.documents.test_flyer_intro import _sentences
from tests.documents.test_printed_matter import SMALL_ALLOWED, operations, text_sizes
from tests.zones import photo_jpeg

MM = 72 / 25.4  # PDF points per mm
Box = tuple[float, float, float, float]  # left, top, right, bottom in mm from the top-left


@pytest.fixture
def zoned(demo: peewee.Database, settings: Settings) -> Settings:
    return zone_settings(settings)


@pytest.fixture
def pictured(meeting: MeetingDetail) -> MeetingDetail:
    """A meeting without partners (room for the photo in every language), its officer with a
    photo (taller than wide, as a portrait is)."""
    quiet = min(
        (get_meeting(m.id) for m in list_upcoming(now=FIXED_NOW, include_cancelled=False)),
        key=lambda m: (len(m.partners), len(m.themes), m.starts_at),
    )
    assert not quiet.partners and quiet.officer_name
    Officer.update(photo=photo_jpeg((300, 400)), photo_name="portrait.jpg").where(
        Officer.name == quiet.officer_name
    ).execute()
    shown = get_meeting(quiet.id)
    assert shown.officer_photo == photo_jpeg((300, 400))
    return shown


def image_boxes(pdf: bytes, page: int = 0) -> list[tuple[str, Box]]:
    """(name, box) of every image drawn: fpdf2 writes `q w 0 0 h x y cm /I1 Do Q`."""
    height = float(PdfReader(io.BytesIO(pdf)).pages[page].mediabox.height)
    found, matrix = [], None
    for operands, op in operations(pdf, page):
        if op == b"cm":
            matrix = [float(v) for v in operands]
        elif op == b"Do" and matrix is not None:
            w, h, x, y = matrix[0], matrix[3], matrix[4], matrix[5]
            found.append((str(operands[0]),
                          (x / MM, (height - y - h) / MM, (x + w) / MM, (height - y) / MM)))
    return found


def text_boxes(pdf: bytes, page: int = 0) -> list[tuple[str, Box]]:
    """(text, box) of every run of text on the page, as pdfium lays it out."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pdf_page = document[page]
        height = pdf_page.get_height()
        text = pdf_page.get_textpage()
        boxes = []
        for i in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(i)
            words = text.get_text_bounded(left, bottom, right, top).strip()
            if words:
                boxes.append((words, (left / 72 * 25.4, (height - top) / 72 * 25.4,
                                      right / 72 * 25.4, (height - bottom) / 72 * 25.4)))
        return boxes
    finally:
        document.close()


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def photos(pdf: bytes, page: int = 0) -> list[Box]:
    """The boxes of the images PHOTO_MM square (the QR code and the logo are other sizes)."""
    return [box for _name, box in image_boxes(pdf, page)
            if abs(box[2] - box[0] - PHOTO_MM) < 0.01 and abs(box[3] - box[1] - PHOTO_MM) < 0.01]


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_the_photo_is_beside_the_officer_line_and_under_no_text(
    pictured: MeetingDetail, zoned: Settings, lang: str
) -> None:
    pdf = render_flyer(pictured, zoned, lang=lang, creation_date=CREATED)
    [photo] = photos(pdf)
    assert abs(photo[0] - MARGIN) < 0.01  # at the left margin
    texts = text_boxes(pdf)
    assert texts
    for words, box in texts:
        assert not overlap(photo, box), (words, box, photo)
    # Beside the officer's line: that line starts right of the photo, within its height.
    officer = [box for words, box in texts if pictured.officer_name.split()[-1] in words
               or "Inspecteur" in words]
    assert any(box[0] > photo[2] and photo[1] <= box[1] < photo[3] for box in officer)
    # The QR code and the logo are still there; the photo came in addition.
    assert len(image_boxes(pdf)) == 3


def test_the_photo_is_a_disc_embedded_once(pictured: MeetingDetail, zoned: Settings) -> None:
    pdf = render_flyer(pictured, zoned, "a4-2up", copies=4, creation_date=CREATED)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for page in range(2):
        assert len(photos(pdf, page)) == 2  # both slots
    # One image object for every copy: the photo, with its round mask (an alpha channel).
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    masked = [name for name, ref in xobjects.items() if "/SMask" in ref.get_object()]
    assert len(masked) == 1
    assert xobjects == reader.pages[1]["/Resources"]["/XObject"]


def test_with_a_photo_every_text_keeps_12_pt(pictured: MeetingDetail, zoned: Settings) -> None:
    for size, text in text_sizes(render_flyer(pictured, zoned, creation_date=CREATED)):
        assert size >= (8 if text.startswith(SMALL_ALLOWED) else 12), (size, text)


def test_no_photo_no_image_and_the_same_words(pictured: MeetingDetail, zoned: Settings
                                              ) -> None:
    plain = render_flyer(dataclasses.replace(pictured, officer_photo=None), zoned,
                         creation_date=CREATED)
    assert photos(plain) == [] and len(image_boxes(plain)) == 2
    with_photo = render_flyer(pictured, zoned, creation_date=CREATED)
    assert flat(pdf_text(plain)[0]) == flat(pdf_text(with_photo)[0])


def test_the_a6_flyer_has_no_photo(pictured: MeetingDetail, zoned: Settings) -> None:
    pdf = render_flyer(pictured, zoned, "a4-4up", creation_date=CREATED)
    assert photos(pdf) == []


def test_bytes_that_are_no_image_print_the_flyer_without_photo(
    pictured: MeetingDetail, zoned: Settings
) -> None:
    broken = dataclasses.replace(pictured, officer_photo=b"\xff\xd8\xff not a jpeg")
    assert photos(render_flyer(broken, zoned, creation_date=CREATED)) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_photo_gives_way_to_the_introduction(zoned: Settings, lang: str) -> None:
    """Every officer with a photo: every scheduled demo flyer keeps its introduction; where
    both don't fit (many partners and themes), the photo is left out, and where it is drawn
    it is under no text."""
    Officer.update(photo=photo_jpeg((300, 400)), photo_name="portrait.jpg").execute()
    first = _sentences(lang)[0]
    drawn = left_out = 0
    for summary in list_upcoming(now=FIXED_NOW, include_cancelled=False):
        shown = get_meeting(summary.id)
        pdf = render_flyer(shown, zoned, lang=lang, creation_date=CREATED)
        assert first in flat(pdf_text(pdf)[0]), shown.place
        found = photos(pdf)
        if found:
            drawn += 1
            assert not any(overlap(found[0], box) for _words, box in text_boxes(pdf))
        else:
            left_out += 1
            assert len(shown.partners) >= 2 or len(shown.themes) >= 3, shown.place
    assert drawn > left_out > 0
