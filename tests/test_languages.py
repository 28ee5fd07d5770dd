"""The CLI, the domain's messages and the dates in French, Dutch, German and English."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.i18n import current_language, language
from cafepol_tui.services.formatting import (
    format_clock,
    format_day,
    format_short_day,
    format_span,
    format_when,
)
from cafepol_tui.services.meetings import MeetingSummary, availability_text
from cafepol_tui.services.validation import SignupForm, ValidationError, clean_people
from tests.conftest import FIXED_NOW

WINTER = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)  # 10:00 in Brussels
END = datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
SUMMER = datetime(2027, 6, 15, 16, 30, tzinfo=UTC)  # 18:30 in Brussels (CEST)


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "when", "span"),
    [
        ("fr", "mardi 12 janvier 2027 à 10 h", "mardi 12 janvier 2027 de 10 h à 11 h 30"),
        ("nl", "dinsdag 12 januari 2027 om 10:00", "dinsdag 12 januari 2027 van 10:00 tot 11:30"),
        ("de", "Dienstag, 12. Januar 2027 um 10:00",
         "Dienstag, 12. Januar 2027 von 10:00 bis 11:30"),
        ("en", "Tuesday 12 January 2027 at 10:00", "Tuesday 12 January 2027 from 10:00 to 11:30"),
    ],
)
def test_dates_in_each_language(lang, when, span):
    assert format_when(WINTER, lang) == when
    assert format_span(WINTER, END, lang) == span


def test_summer_time_and_clock_per_language():
    assert format_when(SUMMER, "fr") == "mardi 15 juin 2027 à 18 h 30"
    assert format_clock(SUMMER, "nl") == "18:30"
    assert format_clock(SUMMER, "de") == "18:30"
    assert format_clock(SUMMER, "en") == "18:30"
    assert format_day(SUMMER, "de", year=False) == "Dienstag, 15. Juni"
    assert format_day(SUMMER, "en", year=False) == "Tuesday 15 June"
    assert format_short_day(WINTER, "fr") == "mar. 12 janv."


def test_dates_follow_the_current_language_when_none_is_given():
    assert format_when(WINTER) == "mardi 12 janvier 2027 à 10 h"
    with language("nl"):
        assert format_when(WINTER) == "dinsdag 12 januari 2027 om 10:00"
        # An explicit language still wins, connector words included.
        assert format_when(WINTER, "en") == "Tuesday 12 January 2027 at 10:00"
        assert current_language() == "nl"
    assert current_language() == "fr"


# --- domain messages --------------------------------------------------------------------


def test_validation_messages_follow_the_language_they_are_raised_in():
    form = SignupForm(name="", people=9, phone="12", email="nope", consent=False)
    with language("nl"), pytest.raises(ValidationError) as caught:
        form.clean(max_party=4, topic_max=200)
    errors = caught.value.errors
    assert errors["name"] == "Vul uw naam in."
    assert errors["people"] == "Geef een aantal personen van 1 tot 4 op."
    assert errors["phone"].startswith("Dit telefoonnummer is niet geldig")
    assert errors["email"].startswith("Dit e-mailadres is niet geldig")
    assert errors["consent"].startswith("Vink het vakje aan")
    with language("de"), pytest.raises(ValidationError) as caught:
        clean_people("x", 6)
    assert caught.value.first() == "Geben Sie eine Personenzahl von 1 bis 6 an."
    with pytest.raises(ValidationError) as caught:  # French by default, as before
        clean_people("x", 6)
    assert caught.value.first() == "Indiquez un nombre de personnes de 1 à 6."


def _summary(seats_taken: int = 19) -> MeetingSummary:
    return MeetingSummary(1, WINTER, 90, "Boussu", "Salle", "", 20, seats_taken, "scheduled", None)


def test_availability_in_words_with_plurals():
    one, many = _summary(), _summary(seats_taken=15)
    assert availability_text(one) == "1 place libre"
    assert availability_text(many) == "5 places libres"
    with language("nl"):
        assert availability_text(one) == "1 plaats vrij"
        assert availability_text(many) == "5 plaatsen vrij"
    with language("en"):
        assert availability_text(many) == "5 seats left"
        assert availability_text(_summary(seats_taken=20)) == "Full – waiting list"


# --- CLI --------------------------------------------------------------------------------


@pytest.fixture
def cli(db_path, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    with time_machine.travel(FIXED_NOW, tick=False):
        assert run("seed", "--demo")[0] == 0
    return run


@time_machine.travel(FIXED_NOW, tick=False)
@pytest.mark.parametrize(
    ("lang", "args", "needle"),
    [
        ("nl", ["cancel", "ZZZZZZ"], "Er is geen inschrijving met code ZZZZZZ."),
        ("de", ["cancel", "ZZZZZZ"], "Es gibt keine Anmeldung mit dem Code ZZZZZZ."),
        ("en", ["cancel", "ZZZZZZ"], "No registration has the code ZZZZZZ."),
        ("nl", ["register", "1", "--name", "X", "--people", "9", "--consent"],
         "--people: Geef een aantal personen van 1 tot 4 op."),
        ("de", ["register", "1", "--name", "X"], "--consent: Kreuzen Sie das Feld an"),
        ("en", ["register", "1", "--name", "X", "--phone", "12", "--consent"],
         "--phone: This phone number is not valid"),
        ("nl", ["register", "9999", "--name", "X", "--consent"], "geen ontmoeting met id 9999"),
        ("de", ["meetings", "--commune", "Mons"], "unbekannte Gemeinde 'Mons'"),
        ("en", ["stats", "--months", "99"], "--months must be between 1 and 36"),
        ("nl", ["stats", "--months", "99"], "--months moet tussen 1 en 36 liggen"),
        ("de", ["purge", "--as-of", "gestern"], "--as-of: 'gestern' ist kein Datum"),
        ("nl", ["programme", "--month", "dec"], "ongeldige maand 'dec'"),
        ("en", ["flyer", "1", "--copies", "0"], "--copies must be between 1 and 10000"),
    ],
)
def test_cli_errors_are_one_translated_line_and_exit_2(cli, lang, args, needle):
    code, out, err = cli("--lang", lang, *args)
    assert code == 2
    assert err.startswith("cafepol: ") and needle in err
    assert len(err.strip().splitlines()) == 1
    assert current_language() == "fr"  # the language did not leak out of the command


@time_machine.travel(FIXED_NOW, tick=False)
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["register", "9999", "--name", "X", "--consent"], "aucune rencontre avec le numéro 9999"),
        (["meetings", "--commune", "Mons"], "commune inconnue « Mons »"),
        (["stats", "--months", "99"], "--months doit être compris entre 1 et 36"),
        (["export", "json", "--out", "/nonexistent/dir/x.json"], "impossible d'écrire"),
        (["--db", "postgresql://nobody@127.0.0.1:1/none", "meetings"], "injoignable"),
    ],
)
def test_cli_speaks_french_by_default(cli, args, needle):
    """Technical messages are written in English in the code; the default language is French."""
    code, out, err = cli(*args)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1


def test_seed_says_it_in_french(db_path, capsys):
    with time_machine.travel(FIXED_NOW, tick=False):
        assert main(["--db", str(db_path), "seed", "--demo"]) == 0
        assert "rencontres et" in capsys.readouterr().out
        assert main(["--db", str(db_path), "seed", "--demo"]) == 0
        assert "rien ajouté" in capsys.readouterr().out


def test_bad_config_is_reported_in_the_asked_language(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[kiosk]\nidle_timeout_s = 'x'\n", encoding="utf-8")
    assert main(["--lang", "de", "--config", str(bad), "meetings"]) == 2
    err = capsys.readouterr().err
    assert "kiosk.idle_timeout_s: ganze Zahl erwartet" in err
    assert err.startswith("cafepol: Konfigurationsdatei ")


@time_machine.travel(FIXED_NOW, tick=False)
def test_register_keeps_its_status_word_for_scripts(cli):
    meeting = json.loads(cli("meetings", "--json")[1])[0]
    for lang in ("nl", "de", "en"):
        code, out, _ = cli("--lang", lang, "register", str(meeting["id"]), "--name",
                           f"Persoon {lang}", "--consent")
        assert code == 0
        reference, status = out.split()[:2]
        assert status in ("confirmed", "waitlisted") and len(reference) == 6
        code, out, _ = cli("--lang", lang, "cancel", reference)
        assert code == 0 and out.startswith(f"{reference} cancelled")


@time_machine.travel(FIXED_NOW, tick=False)
def test_meetings_list_and_seed_in_dutch(cli, db_path):
    code, out, _ = cli("--lang", "nl", "meetings")
    assert code == 0
    assert " om " in out and "[volzet]" in out and "[geannuleerd]" in out
    code, out, _ = cli("--lang", "nl", "seed", "--demo")
    assert code == 0 and out.strip() == "demogegevens zijn al aanwezig: niets toegevoegd"
    code, out, _ = cli("meetings")  # French stays the default
    assert " à " in out and "[complet]" in out


@time_machine.travel(FIXED_NOW, tick=False)
def test_json_keys_and_csv_columns_do_not_change_with_the_language(cli):
    french_json, french_csv = cli("export", "json")[1], cli("export", "csv")[1]
    assert cli("--lang", "de", "export", "json")[1] == french_json
    assert cli("--lang", "de", "export", "csv")[1] == french_csv
