"""The slip a citizen takes home with a concern's reference: the code, big and as a barcode;
what happens next; never the description or the contact."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest
import zxingcpp

from cafepol_tui.cli import main
from cafepol_tui.db.models import Concern, Theme
from cafepol_tui.services import concerns
from cafepol_tui.settings import Settings
from tests.documents.pdfcheck import flat, pdf_text, render_page
from tests.factories import ADMIN, make_meeting


@pytest.mark.parametrize(
    ("lang", "title", "how"),
    [("fr", "Votre demande est enregistrée", "par e-mail"),
     ("nl", "Uw aanvraag is geregistreerd", "per e-mail")],
)
def test_the_concern_slip_carries_the_reference_and_nothing_private(
    settings: Settings, db: peewee.Database, tmp_path: Path, lang: str, title: str, how: str
) -> None:
    Theme.create(name="Stationnement", name_nl="Parkeren")
    meeting = make_meeting()
    concern_id = concerns.create_concern(
        concerns.ConcernForm(
            theme="Stationnement", description="Mon voisin Albert se gare devant mon garage",
            place="Rue de la Gare 12", meeting_id=meeting.id, wants_feedback=True,
            contact_name="Jérôme Müller", contact_email="jm@example.be",
        ),
        ADMIN,
    )
    reference = Concern.get_by_id(concern_id).reference
    out = tmp_path / "slip.pdf"
    assert main(["--db", settings.resolved_database_url, "concern", "slip", reference.lower(),
                 "--lang", lang, "--out", str(out)]) == 0
    text = flat(" ".join(pdf_text(out.read_bytes())))
    assert title in text and how in text and " ".join(reference) in text
    assert "Rue de la Gare 12" in text and "065 71 23 00" in text  # the officer's, to call
    for private in ("Albert", "Jérôme", "Müller", "jm@example.be", "garage"):
        assert private not in text
    codes = [r.text for r in zxingcpp.read_barcodes(render_page(out.read_bytes(), dpi=300))]
    assert f"{reference}-" in codes
