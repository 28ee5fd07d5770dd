"""Letters, hand-off sheets: rendered and read back."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf

from cafepol_tui.documents.letter import LetterContent, handoff_sheet_pdf, letter_pdf
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings


def _content(body: str = "Bonjour,\nLa situation a été réglée.") -> LetterContent:
    return LetterContent(
        zone_name="Zone Boraine",
        publisher="Commissaire Dupont",
        sender_lines=("Rue de la Gare 1", "7080 Frameries"),
        recipient_lines=("M. Ahmed عبد الله", "Rue des Lilas 2", "7080 Frameries"),
        place_and_date="Frameries, le 2 décembre 2026",
        subject="Votre signalement",
        body=body,
        reference="C-7K2P",
        language="fr",
    )


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_letter_carries_reference_subject_and_recipient_in_the_window() -> None:
    pages = _text(letter_pdf(_content()))
    assert len(pages) == 1
    text = pages[0]
    assert "Référence : C-7K2P" in text
    assert "Objet : Votre signalement" in text
    assert "Rue des Lilas 2" in text and "7080 Frameries" in text
    positions: list[tuple[float, float]] = []

    def visit(txt: str, cm: object, tm: list[float], *_: object) -> None:
        if "Rue des Lilas" in txt:
            positions.append((tm[4], tm[5]))

    pypdf.PdfReader(io.BytesIO(letter_pdf(_content()))).pages[0].extract_text(visitor_text=visit)
    assert positions
    x_pt, y_pt = positions[0]
    mm = 25.4 / 72
    assert 120 <= x_pt * mm <= 205
    assert 50 <= (297 - y_pt * mm) <= 95


def test_long_body_makes_page_two_with_header_and_numbers() -> None:
    pages = _text(letter_pdf(_content("Texte long " * 600 + "x" * 200)))
    assert len(pages) >= 2
    assert "Page 2/" in pages[1] and "Zone Boraine" in pages[1]
    assert "Page 1/" in pages[0]


def test_handoff_sheet_is_titled_for_the_partner() -> None:
    text = _text(handoff_sheet_pdf(_content()))[0]
    assert "Transmission à un partenaire" in text
    assert "C-7K2P" in text


def test_call_list_blocks_boxes_and_confidential_foot() -> None:
    from datetime import datetime

    from cafepol_tui.documents.calls import CallRow, call_list_pdf

    rows = [
        CallRow(
            "Marie Dubois", "+32470123456", "Promotion", "Bonjour, ici la police. " * 10, "K7P2"
        )
    ] * 8 + [CallRow("王小明 عبد الله", "+32470000000", "Réponse", "Au revoir.", "C-1")]
    pages = _text(
        call_list_pdf(rows, zone_name="Zone Boraine", printed_at=datetime(2026, 12, 2, 9))
    )
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        assert "Confidentiel — à détruire après usage" in page
        assert f"Page {n}/{len(pages)}" in page
        assert "Zone Boraine" in page
    first = pages[0]
    assert "0470 12 34 56" in first
    assert "Joint" in first and "Message laissé" in first and "Pas de réponse" in first
    assert "Au revoir." in pages[-1]


def test_neighbourhood_sheet_empty_and_long() -> None:
    from cafepol_tui.documents.neighbourhood import NeighbourhoodItem, neighbourhood_pdf

    empty = _text(
        neighbourhood_pdf(zone_name="Zone Boraine", commune="Frameries", since="sept.", items=[])
    )
    assert "Aucune situation signalée ces derniers mois." in empty[0]
    item = NeighbourhoodItem(
        "Vitesse", "Rue de la Gare", "retour donné", "Contrôles. " * 60, "nov."
    )
    pages = _text(
        neighbourhood_pdf(
            zone_name="Zone Boraine",
            commune="Frameries",
            since="sept.",
            items=[item] * 6,
            publisher="Commissaire Dupont, rue X 1",
        )
    )
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        assert "Vous nous avez dit… voici ce qui a été fait" in page
        assert f"Page {n}/{len(pages)}" in page
        assert "Éd. resp. : Commissaire Dupont, rue X 1" in page


def test_neighbourhood_cli_shows_no_name_or_contact(
    meeting: MeetingDetail, settings: Settings, tmp_path: Path
) -> None:
    from cafepol_tui.cli import main
    from cafepol_tui.services import concerns as cs
    from tests.factories import OFFICER

    cs.create_concern(
        cs.ConcernForm(
            theme=cs.theme_names()[0],
            description="Secretdescription de dépôts",
            place="Rue des Écoles",
            meeting_id=meeting.id,
            wants_feedback=True,
            contact_name="Ophélie Secretcontact",
            contact_email="ophelie.s@exemple.be",
            contact_phone="+32470999888",
        ),
        OFFICER,
    )
    out = tmp_path / "sheet.pdf"
    rc = main(
        [
            "--db",
            settings.database_url,
            "neighbourhood",
            "--commune",
            meeting.commune,
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    text = "\n".join(_text(out.read_bytes()))
    assert "Rue des Écoles" in text
    assert meeting.commune in text
    for secret in ("Secretcontact", "ophelie", "470", "Secretdescription"):
        assert secret not in text
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)
