"""Printed matter a communications officer would sign off (issue 18): sizes and colours read
back from the PDFs, crop marks where a printer prints, a cancelled flyer that says so, no
staff warning on public paper, event addresses a phone can scan, grammar in four languages,
and the Facebook event's publication kit."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, timedelta
from pathlib import Path

import peewee
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from cafepol_tui.cli import main
from cafepol_tui.db.models import Meeting
from cafepol_tui.documents.base import BLUE
from cafepol_tui.documents.flyer import render_flyer
from cafepol_tui.documents.programme import render_programme
from cafepol_tui.services.formatting import format_day
from cafepol_tui.services.meeting_fields import MeetingForm, clean_meeting
from cafepol_tui.services.meetings import MeetingDetail, get_meeting
from cafepol_tui.services.validation import (
    ValidationError,
    qr_module_mm,
    without_tracking,
)
from cafepol_tui.services.zone import zone_settings
from cafepol_tui.settings import Settings
from cafepol_tui.statuses import MeetingStatus
from tests.conftest import FIXED_NOW
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, pdf_text, qr_codes

MM = 72 / 25.4  # PDF points per mm


@pytest.fixture
def zoned(demo: peewee.Database, settings: Settings) -> Settings:
    """The settings as the commands print with them: the demo zone's file laid over."""
    return zone_settings(settings)


# --- reading the PDF's drawing operations ---------------------------------------------------


def text_sizes(pdf: bytes, page: int = 0) -> list[tuple[float, str]]:
    """(size in pt, text) of every text drawn, as the PDF says it."""
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size) -> None:  # noqa: ANN001 - pypdf's visitor
        if text.strip():
            found.append((round(size * abs(tm[3]) * abs(cm[3]), 2), text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def operations(pdf: bytes, page: int = 0) -> list[tuple[list, bytes]]:
    reader = PdfReader(io.BytesIO(pdf))
    content = ContentStream(reader.pages[page].get_contents(), reader)
    return [(list(operands), op) for operands, op in content.operations]


def text_colours(pdf: bytes, page: int = 0) -> set[tuple[int, int, int]]:
    """The fill colours text is drawn in (RGB 0-255)."""
    colour, used = (0, 0, 0), set()
    for operands, op in operations(pdf, page):
        if op == b"rg":
            colour = tuple(round(float(v) * 255) for v in operands)
        elif op == b"g":
            colour = (round(float(operands[0]) * 255),) * 3
        elif op in (b"Tj", b"TJ"):
            used.add(colour)
    return used


def lines_mm(pdf: bytes, page: int = 0) -> list[tuple[tuple[float, float, float, float], tuple]]:
    """Every straight stroke ((x1, y1, x2, y2) in mm from the top-left, stroke colour)."""
    height = float(PdfReader(io.BytesIO(pdf)).pages[page].mediabox.height)
    colour, start, found = (0, 0, 0), None, []
    for operands, op in operations(pdf, page):
        if op == b"RG":
            colour = tuple(round(float(v) * 255) for v in operands)
        elif op == b"m":
            start = (float(operands[0]), float(operands[1]))
        elif op == b"l" and start is not None:
            x2, y2 = float(operands[0]), float(operands[1])
            found.append(
                ((start[0] / MM, (height - start[1]) / MM, x2 / MM, (height - y2) / MM), colour)
            )
    return found


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- legible for seniors ------------------------------------------------------------------


SMALL_ALLOWED = ("https://", "http://", "Éd. resp.")


def test_every_text_on_the_a5_flyer_is_12_pt_but_the_web_address_and_publisher(
    meeting: MeetingDetail, zoned: Settings
) -> None:
    sizes = text_sizes(render_flyer(meeting, zoned, creation_date=CREATED))
    texts = [text for _size, text in sizes]
    assert any(text.startswith("Éd. resp. : Le Chef de corps") for text in texts)
    assert "Urgence : 101 / 112" in texts
    assert any(text.startswith("Rue Ferrer 1") for text in texts)  # the counter's address
    assert any("du lundi au" in text for text in texts)  # its opening hours
    for size, text in sizes:
        if text.startswith(SMALL_ALLOWED):
            assert size >= 8, text
        else:
            assert size >= 12, (size, text)


def test_the_a6_flyer_keeps_only_what_fits_at_9_pt(meeting: MeetingDetail, zoned: Settings) -> None:
    pdf = render_flyer(meeting, zoned, "a4-4up", creation_date=CREATED)
    sizes = text_sizes(pdf)
    for size, text in sizes:
        assert size >= (8 if text.startswith(SMALL_ALLOWED) else 9), (size, text)
    text = flat(pdf_text(pdf)[0])
    assert "065 71 21 00" in text and meeting.place in text
    assert qr_codes(pdf) == [meeting.event_url] * 4


@pytest.mark.parametrize("layout", ["a5", "a4-2up", "a4-4up"])
def test_text_colours_keep_4_5_to_1(meeting: MeetingDetail, zoned: Settings, layout: str) -> None:
    colours = text_colours(render_flyer(meeting, zoned, layout, creation_date=CREATED))
    assert (255, 255, 255) in colours  # the zone's name on its blue band
    for colour in colours:
        background = BLUE if colour == (255, 255, 255) else (255, 255, 255)
        assert contrast(colour, background) >= 4.5, colour


# --- cut marks a printer can print ----------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "cuts_x", "cuts_y", "sheet"),
    [("a4-2up", (148.5,), (), (297, 210)), ("a4-4up", (105.0,), (148.5,), (210, 297))],
)
def test_crop_marks_start_outside_the_unprintable_border(
    meeting: MeetingDetail,
    zoned: Settings,
    layout: str,
    cuts_x: tuple,
    cuts_y: tuple,
    sheet: tuple,
) -> None:
    marks = []
    for (x1, y1, x2, y2), colour in lines_mm(
        render_flyer(meeting, zoned, layout, creation_date=CREATED)
    ):
        on_x = x1 == pytest.approx(x2, abs=0.01) and any(
            x1 == pytest.approx(c, abs=0.01) for c in cuts_x
        )
        on_y = y1 == pytest.approx(y2, abs=0.01) and any(
            y1 == pytest.approx(c, abs=0.01) for c in cuts_y
        )
        if on_x or on_y:
            marks.append(((x1, y1, x2, y2), colour))
    # Top and bottom of each vertical cut, both ends of each horizontal one, and the cross.
    assert len(marks) >= 2 * len(cuts_x) + 2 * len(cuts_y) + (2 if cuts_y else 0)
    w, h = sheet
    for (x1, y1, x2, y2), colour in marks:
        for x, y in ((x1, y1), (x2, y2)):
            assert 5 < x < w - 5 and 5 < y < h - 5, (x, y)
        assert max(colour) <= 80, colour  # dark enough to see


# --- every case says the truth ------------------------------------------------------------


def test_a_cancelled_flyer_is_a_cancellation_notice(demo: peewee.Database, zoned: Settings) -> None:
    first, second = list(
        Meeting.select()
        .where(Meeting.event_url.is_null(False))
        .order_by(Meeting.starts_at)
        .limit(2)
    )
    Meeting.update(
        status=MeetingStatus.CANCELLED,
        cancel_reason="La salle est inondée.",
        replacement_id=second.id,
    ).where(Meeting.id == first.id).execute()
    cancelled = get_meeting(first.id)
    assert cancelled.replacement is not None and cancelled.replacement.id == second.id
    for layout in ("a5", "a4-4up"):
        pdf = render_flyer(cancelled, zoned, layout, creation_date=CREATED)
        text = flat(pdf_text(pdf)[0])
        assert "ANNULÉE" in text and "La salle est inondée." in text
        assert "Nouvelle date" in text and second.place.split()[0] in text
        assert "Inscription gratuite" not in text
        assert "Intéressé" not in text
        assert qr_codes(pdf) == []


def test_no_staff_warning_on_public_paper(meeting: MeetingDetail, zoned: Settings) -> None:
    for url, page in ((None, None), ("pas une adresse", None)):
        no_page = dataclasses.replace(meeting, event_url=url)
        settings = dataclasses.replace(zoned, zone_page_url=page or "")
        pdf = render_flyer(no_page, settings, creation_date=CREATED)
        text = flat(pdf_text(pdf)[0])
        assert "pas de page en ligne" not in text
        assert qr_codes(pdf) == []
        # Red on public paper is the emergency numbers only.
        assert _red_texts(pdf) == ["Urgence : 101 / 112"]
    # Without an event, the zone's page from the zone file.
    pdf = render_flyer(dataclasses.replace(meeting, event_url=None), zoned, creation_date=CREATED)
    assert qr_codes(pdf) == [zoned.zone_page_url]


def _red_texts(pdf: bytes) -> list[str]:
    """The texts drawn in a red (high red, low green and blue)."""
    colours: list[tuple[int, int, int]] = []
    colour = (0, 0, 0)
    for operands, op in operations(pdf):
        if op == b"rg":
            colour = tuple(round(float(v) * 255) for v in operands)
        elif op == b"g":
            colour = (round(float(operands[0]) * 255),) * 3
        elif op in (b"Tj", b"TJ"):
            colours.append(colour)
    texts = [text for _size, text in text_sizes(pdf)]
    assert len(texts) == len(colours)
    return [t for t, c in zip(texts, colours, strict=True) if c[0] > 120 and max(c[1:]) < 80]


def _form(url: str) -> MeetingForm:
    day = (FIXED_NOW + timedelta(days=30)).strftime("%d/%m/%Y")
    return MeetingForm(commune="Boussu", place="Salle", day=day, start="10:00", event_url=url)


def test_the_meeting_editor_refuses_an_event_address_too_long_to_scan(
    demo: peewee.Database,
) -> None:
    long_url = "https://www.facebook.com/events/123456789/?x=" + "a" * 200
    with pytest.raises(ValidationError) as refused:
        clean_meeting(_form(long_url), now=FIXED_NOW)
    message = refused.value.errors["event_url"]
    assert "trop longue pour un code QR" in message and "152 au maximum" in message
    # What it accepts prints with modules of 0.5 mm at least on the smallest code.
    fine = "https://www.facebook.com/events/" + "7" * 16 + "/"
    assert clean_meeting(_form(fine), now=FIXED_NOW).event_url == fine
    assert qr_module_mm(fine) >= 0.5


def test_facebook_tracking_parameters_are_dropped(zoned: Settings) -> None:
    shared = (
        "https://www.facebook.com/events/676133817941710/?__cft__[0]=AZWxyz&__tn__=-UK-R"
        "&mibextid=Zxz2cZ&ref=newsfeed&utm_source=fb&utm_campaign=x&fbclid=IwAR0abc"
        "&event_time_id=55#_=_"
    )
    clean = clean_meeting(_form(shared), now=FIXED_NOW)
    assert clean.event_url == "https://www.facebook.com/events/676133817941710/?event_time_id=55"
    # Another site keeps its own parameters; campaign and click ids go everywhere.
    assert without_tracking("https://zone.be/agenda?id=3&ref=x&utm_medium=y&fbclid=1") == (
        "https://zone.be/agenda?id=3&ref=x"
    )
    # A link saved before the check prints without them too: never replaced by the zone's.
    meeting = get_meeting(Meeting.select().first().id)
    pdf = render_flyer(dataclasses.replace(meeting, event_url=shared), zoned, creation_date=CREATED)
    assert qr_codes(pdf) == [clean.event_url]


# --- grammar on the programme -------------------------------------------------------------


THEMES = ((("fr", "Cambriolages"), ("nl", "Inbraken"), ("de", "Einbrüche"), ("en", "Burglaries")),)
TITLES = {
    "fr": "Programme du mois d'avril 2027",
    "nl": "Programma voor april 2027",
    "de": "Programm für April 2027",
    "en": "Programme for April 2027",
}
SEATS = {
    "fr": ("1 place libre", "2 places libres"),
    "nl": ("1 plaats vrij", "2 plaatsen vrij"),
    "de": ("1 Platz frei", "2 Plätze frei"),
    "en": ("1 seat left", "2 seats left"),
}


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_programme_grammar_in_four_languages(
    meeting: MeetingDetail, zoned: Settings, lang: str
) -> None:
    one = dataclasses.replace(
        meeting,
        capacity=10,
        seats_taken=9,
        themes=("Cambriolages",),
        theme_names=THEMES,
        officer_name="Sophie Lambert",
        officer_grade="Inspecteur",
        officer_gender="f",
    )
    two = dataclasses.replace(one, id=one.id + 1000, seats_taken=8)
    text = flat(
        pdf_text(
            render_programme([one, two], zoned, date(2027, 4, 1), lang=lang, creation_date=CREATED)
        )[0]
    )
    assert TITLES[lang] in text
    assert "du mois de avril" not in text
    single, plural = SEATS[lang]
    assert single in text and plural in text
    assert dict(THEMES[0])[lang] in text
    if lang == "fr":
        assert "Inspectrice Sophie Lambert" in text and "Inspecteur Sophie" not in text
    # The footer gives the counter's number; the commune is not shrunk below 9 pt.
    assert "065 71 21 00" in text


def test_programme_elides_only_before_a_vowel(meeting: MeetingDetail, zoned: Settings) -> None:
    text = flat(
        pdf_text(render_programme([meeting], zoned, date(2026, 12, 1), creation_date=CREATED))[0]
    )
    assert "Programme du mois de décembre 2026" in text
    october = flat(
        pdf_text(render_programme([], zoned, date(2027, 10, 1), creation_date=CREATED))[0]
    )
    assert "Programme du mois d'octobre 2027" in october


def test_a_long_programme_is_numbered_and_keeps_9_pt(
    meeting: MeetingDetail, zoned: Settings
) -> None:
    many = [
        dataclasses.replace(
            meeting,
            id=meeting.id + i,
            place="Salle polyvalente communale du quartier de la gare " * 2,
        )
        for i in range(20)
    ]
    pdf = render_programme(many, zoned, date(2026, 12, 1), creation_date=CREATED)
    pages = pdf_text(pdf)
    assert len(pages) == 2
    assert "Page 1/2" in pages[0] and "Page 2/2" in pages[1]
    for size, text in text_sizes(pdf):
        assert size >= 9, (size, text)


# --- the zone's identity ------------------------------------------------------------------


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
    '<rect width="100" height="100" fill="#e0a000"/></svg>'
)


def test_an_svg_logo_from_the_zone_file_is_drawn(
    demo: peewee.Database, settings: Settings, tmp_path: Path
) -> None:
    from cafepol_tui.services.zone import import_zone
    from cafepol_tui.services.zone_file import read_zone_file, shipped_zone_file
    from tests.documents.pdfcheck import render_page

    text = (
        shipped_zone_file()
        .read_text(encoding="utf-8")
        .replace('# logo = "logo.svg"', 'logo = "logo.svg"')
    )
    (tmp_path / "logo.svg").write_text(SVG, encoding="utf-8")
    (tmp_path / "zone.toml").write_text(text, encoding="utf-8")
    import_zone(read_zone_file(tmp_path / "zone.toml"), prune=False)
    zoned = zone_settings(settings)
    assert zoned.documents.logo.endswith(".svg")
    meeting = get_meeting(Meeting.select().first().id)
    image = render_page(render_flyer(meeting, zoned, creation_date=CREATED), 0, 100)
    logo_px = image.convert("RGB").getpixel((round(25 / 25.4 * 100), round(20 / 25.4 * 100)))
    assert logo_px == pytest.approx((0xE0, 0xA0, 0x00), abs=8)


# --- the Facebook event's kit -------------------------------------------------------------


def test_share_kit_writes_the_cover_and_the_event_text(
    meeting: MeetingDetail, settings: Settings, tmp_path: Path
) -> None:
    assert (
        main(["--db", settings.database_url, "share-kit", str(meeting.id), "--out", str(tmp_path)])
        == 0
    )
    with Image.open(tmp_path / f"meeting-{meeting.id}-cover.png") as cover:
        assert cover.format == "PNG" and cover.size == (1920, 1005)
        band = cover.convert("RGB").getpixel((1900, 10))
    assert band == BLUE
    text = (tmp_path / f"meeting-{meeting.id}-event.txt").read_text(encoding="utf-8")
    assert text.startswith("Un café avec votre policier de quartier — " + meeting.place)
    assert format_day(meeting.starts_at)[1:] in text  # « …ercredi 2 décembre 2026 »
    assert meeting.address in text
    for name in meeting.partners + meeting.themes:
        assert name in text
    assert "065 71 21 00" in text and "Zone de Police Boraine" in text


def test_share_kit_refuses_a_missing_folder(
    meeting: MeetingDetail, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    code = main(
        [
            "--db",
            settings.database_url,
            "share-kit",
            str(meeting.id),
            "--out",
            str(tmp_path / "nowhere"),
        ]
    )
    assert code == 2
    assert "nowhere" in capsys.readouterr().err


def test_a_broken_svg_logo_is_refused_by_the_zone_file(tmp_path: Path) -> None:
    from cafepol_tui.services.zone_file import ZoneFileError, read_zone_file

    (tmp_path / "logo.svg").write_text("<svg><rect width=", encoding="utf-8")
    (tmp_path / "zone.toml").write_text(
        '[zone]\nname = "Z"\nlanguage = "fr"\nlogo = "logo.svg"\n', encoding="utf-8"
    )
    with pytest.raises(ZoneFileError, match="logo"):
        read_zone_file(tmp_path / "zone.toml")


def test_an_event_page_too_long_to_scan_is_not_replaced_by_the_zones(
    meeting: MeetingDetail, zoned: Settings
) -> None:
    long_url = "https://www.facebook.com/events/" + "x" * 400
    pdf = render_flyer(
        dataclasses.replace(meeting, event_url=long_url), zoned, creation_date=CREATED
    )
    assert zoned.zone_page_url and qr_codes(pdf) == []
    assert "Inscription gratuite" in flat(pdf_text(pdf)[0])
