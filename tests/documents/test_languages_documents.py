"""Documents in the four languages: the printed words and dates follow `lang`, the meeting's
own texts stay as staff typed them, and the CLI's --lang reaches the PDF."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.documents.attendance import render_attendance
from cafepol_tui.documents.flyer import render_flyer
from cafepol_tui.documents.slip import render_slip
from cafepol_tui.i18n import current_language, language
from cafepol_tui.services.formatting import format_day, format_hours
from cafepol_tui.services.meetings import MeetingDetail, get_meeting
from cafepol_tui.services.registrations import list_for_meeting
from cafepol_tui.settings import Settings
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, pdf_text

HEADLINES = {
    "fr": "Un café avec votre policier de quartier",
    "nl": "Een koffie met uw wijkagent",
    "de": "Ein Kaffee mit Ihrem Bezirksbeamten",
    "en": "A coffee with your neighbourhood officer",
}
SIGNUP = {
    "fr": "Inscription gratuite",
    "nl": "Gratis inschrijving",
    "de": "Kostenlose Anmeldung",
    "en": "Free sign-up",
}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_a_flyer_in_each_language(meeting: MeetingDetail, settings: Settings, lang: str) -> None:
    text = flat(pdf_text(render_flyer(meeting, settings, lang=lang, creation_date=CREATED))[0])
    assert HEADLINES[lang] in text
    assert SIGNUP[lang] in text
    assert _capitalised(format_day(meeting.starts_at, lang)) in text
    assert format_hours(meeting.starts_at, meeting.ends_at, lang) in text
    assert meeting.place in text  # as staff typed it, in every language
    for other, headline in HEADLINES.items():
        if other != lang:
            assert headline not in text


def test_dutch_flyer_date_words(meeting: MeetingDetail, settings: Settings) -> None:
    text = flat(pdf_text(render_flyer(meeting, settings, lang="nl", creation_date=CREATED))[0])
    day = format_day(meeting.starts_at, "nl")
    assert day.split()[0] in {
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"
    }
    assert " van " in text and " tot " in text and "Gemeente " in text
    # The default introduction is translated; a meeting description would be printed as typed.
    if not meeting.description:
        assert "luistert uw wijkagent" in text


def test_lang_defaults_to_the_current_language(meeting: MeetingDetail, settings: Settings):
    assert current_language() == "fr"
    with language("de"):
        text = flat(pdf_text(render_flyer(meeting, settings, creation_date=CREATED))[0])
    assert HEADLINES["de"] in text
    # Explicit lang wins over the current language, and leaves it unchanged afterwards.
    with language("de"):
        text = flat(pdf_text(render_flyer(meeting, settings, lang="en", creation_date=CREATED))[0])
        assert current_language() == "de"
    assert HEADLINES["en"] in text


def _busy_meeting() -> MeetingDetail:
    from cafepol_tui.db.models import Meeting

    for m in Meeting.select().order_by(Meeting.starts_at):
        detail = get_meeting(m.id)
        if detail.waitlist_count:
            return detail
    raise AssertionError("no meeting with a waiting list in the demo zone")


def test_slip_in_german(demo: peewee.Database, settings: Settings) -> None:
    meeting = _busy_meeting()
    registrations = list_for_meeting(meeting.id)
    confirmed = next(r for r in registrations if r.status == "confirmed")
    text = flat(pdf_text(render_slip(confirmed, meeting, settings, lang="de",
                                     creation_date=CREATED))[0])
    assert "Anmeldebestätigung" in text
    assert f"Anzahl Personen: {confirmed.people}" in text
    assert f"Gemeinde {meeting.commune}" in text
    assert "Zum Stornieren" in text
    assert _capitalised(format_day(meeting.starts_at, "de")) in text
    assert confirmed.name in text
    waiting = next(r for r in registrations if r.status == "waitlisted")
    text = flat(pdf_text(render_slip(waiting, meeting, settings, lang="de",
                                     creation_date=CREATED))[0])
    assert f"Warteliste — Platz {waiting.waitlist_rank}" in text


def test_attendance_sheet_in_english(demo: peewee.Database, settings: Settings) -> None:
    meeting = _busy_meeting()
    registrations = list_for_meeting(meeting.id)
    pages = pdf_text(render_attendance(meeting, registrations, settings, lang="en",
                                       creation_date=CREATED, phones=True))
    text = flat(" ".join(pages))
    assert "Attendance sheet" in text
    # The confirmed parties' heading is new (« Inscrits ({registrations}, {people}) », with
    # plural forms): it reads in English once the catalogs are translated.
    assert "Waiting list (" in text
    for head in ("Present", "Name", "Phone", "Status"):
        assert head in text
    assert f"Page 1/{len(pages)}" in text
    assert "Printed on " in text
    assert "Liste de présence" not in text


def test_cli_lang_makes_a_dutch_flyer(
    meeting: MeetingDetail, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "nl.pdf"
    code = main(["--db", settings.database_url, "--lang", "nl", "flyer", str(meeting.id),
                 "--out", str(out)])
    assert code == 0
    text = flat(pdf_text(out.read_bytes())[0])
    assert HEADLINES["nl"] in text
    assert _capitalised(format_day(meeting.starts_at, "nl")) in text
    assert current_language() == "fr"  # --lang did not leak out of the command


def test_config_language_is_the_cli_default(
    meeting: MeetingDetail, settings: Settings, tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    out = tmp_path / "en.pdf"
    code = main(["--db", settings.database_url, "--config", str(config), "flyer",
                 str(meeting.id), "--out", str(out)])
    assert code == 0
    assert HEADLINES["en"] in flat(pdf_text(out.read_bytes())[0])


def test_printing_outcomes_in_the_current_language(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from cafepol_tui.documents.printing import deliver
    from cafepol_tui.settings import PrintSettings

    kept = dataclasses.replace(
        settings, printing=PrintSettings(printer="Accueil_HP", output_dir=str(tmp_path / "out"))
    )
    with language("nl"):
        saved = deliver(b"%PDF-1.4\n", "flyer.pdf", kept, print_=False)
    assert saved.ok and saved.message == f"Pdf opgeslagen: {saved.path}"
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with language("de"):
        failed = deliver(b"%PDF-1.4\n", "flyer.pdf", kept)
    assert not failed.ok
    assert failed.message.startswith("Drucken nicht möglich: der Befehl „lp“ wurde nicht gefunden")
    assert f"Das PDF ist hier gespeichert: {failed.path}" in failed.message
