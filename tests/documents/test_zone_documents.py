"""A flyer of another zone: its name, commune, commissariat, page and logo, nothing of Boraine.

Printed by the command a commissariat runs, whose config is still the tests' Boraine one: the
zone imported into the database is what the flyer says, in the zone's language.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from cafepol_tui.cli import main
from cafepol_tui.documents.flyer import PHOTO_PX
from cafepol_tui.settings import Settings
from tests.documents.pdfcheck import flat, pdf_text, qr_codes
from tests.ui.test_zone_kiosk import polderland_meeting
from tests.zones import BORAINE_WORDS


@pytest.mark.usefixtures("db")
def test_a_flyer_of_another_zone_says_its_name_and_nothing_of_boraine(
    settings: Settings, tmp_path: Path
) -> None:
    meeting = polderland_meeting(tmp_path)
    out = tmp_path / "flyer.pdf"
    assert main(["--db", settings.database_url, "flyer", str(meeting.id), "--out", str(out)]) == 0
    pdf = out.read_bytes()
    text = flat(pdf_text(pdf)[0])
    assert "Politiezone Polderland" in text
    assert "Ontmoetingscentrum De Polder" in text and "Oosterdijk" in text
    # Sign up at the commune's commissariat: its name, address and number (not the officer's).
    assert "Commissariaat Oosterdijk" in text and "03 210 00 00" in text
    assert "Marktplein 1, 2990 Oosterdijk" in text
    assert "Politiezone Polderland, Marktplein 1" in text  # the publisher, on one line
    assert "Inspecteur Jan Peeters" in text
    for word in BORAINE_WORDS:
        assert word not in text, word
    # No event of its own: the zone's page, from the zone file.
    assert qr_codes(pdf) == ["https://www.facebook.com/politiezonepolderland"]
    # Three images: the QR code, the zone's logo (its blue square, not cafepol's cup), and
    # the officer's photo from the zone file (a disc: a square with an alpha channel).
    images = [i.image for i in PdfReader(io.BytesIO(pdf)).pages[0].images]
    assert len(images) == 3
    assert any(i.mode == "RGBA" and i.size == (PHOTO_PX, PHOTO_PX) for i in images)
    assert any(i.size == (64, 64) and i.convert("RGB").getpixel((5, 5)) == (0, 90, 160)
               for i in images)
