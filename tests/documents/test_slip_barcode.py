"""The slip carries its reference as a Code 39 barcode that a USB scanner at the door reads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import peewee
import pytest

from cafepol_tui.db.models import Registration
from cafepol_tui.documents.base import CODE39_CHARS, DocumentPDF
from cafepol_tui.documents.slip import render_slip
from cafepol_tui.services.meetings import get_meeting
from cafepol_tui.services.registrations import (
    REFERENCE_ALPHABET,
    list_for_meeting,
    normalise_reference,
)
from cafepol_tui.settings import Settings
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import page_sizes_mm


def test_every_reference_character_is_valid_code39() -> None:
    assert set(REFERENCE_ALPHABET) <= CODE39_CHARS


def test_a_character_code39_cannot_carry_is_refused() -> None:
    pdf = DocumentPDF((105.0, 148.0))
    pdf.add_page()
    with pytest.raises(ValueError):
        pdf.barcode("AB*C", 7, 7, 91, 9)


def _decode(pdf: bytes, tmp_path: Path) -> list[str]:
    """Rendered by poppler (pdftoppm), read by a real decoder (zxing-cpp)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler) is not installed")
    source = tmp_path / "slip.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
    )
    with image_module.open(tmp_path / "page.png") as image:
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code39)
    return [r.text for r in results]


@pytest.mark.parametrize("fmt", ["a6", "receipt"])
def test_the_slip_barcode_scans_as_the_reference(
    demo: peewee.Database, settings: Settings, fmt: str, tmp_path: Path
) -> None:
    row = Registration.select().where(Registration.status == "confirmed").first()
    registration = next(r for r in list_for_meeting(row.meeting_id) if r.id == row.id)
    meeting = get_meeting(registration.meeting_id)
    pdf = render_slip(registration, meeting, settings, fmt, creation_date=CREATED)
    assert len(page_sizes_mm(pdf)) == 1
    assert [normalise_reference(code) for code in _decode(pdf, tmp_path)] == [
        registration.reference
    ]


@pytest.mark.parametrize("fmt", ["a6", "receipt"])
def test_a_code_that_looks_like_a_pharmacy_code_still_scans_as_itself(
    demo: peewee.Database, settings: Settings, fmt: str, tmp_path: Path
) -> None:
    """« LKKYDN » is also a valid Code 32 (Italian pharmacy code): read as A622393748 if
    the barcode held only the six characters."""
    row = Registration.select().where(Registration.status == "confirmed").first()
    Registration.update(reference="LKKYDN").where(Registration.id == row.id).execute()
    registration = next(r for r in list_for_meeting(row.meeting_id) if r.id == row.id)
    pdf = render_slip(registration, get_meeting(row.meeting_id), settings, fmt, creation_date=CREATED)
    assert [normalise_reference(code) for code in _decode(pdf, tmp_path)] == ["LKKYDN"]

