"""`cafepol meeting add|edit|cancel` and what `meetings --json` says of a meeting."""

from __future__ import annotations

import json

import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.db.models import AuditEntry, Meeting, MeetingPartner, MeetingTheme, Partner
from cafepol_tui.db.open import open_database
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.usefixtures("english", "frozen")

ADD = ["meeting", "add", "--commune", "boussu", "--place", "Salle Saint-Charles",
       "--address", "Rue de Mons 12, 7300 Boussu", "--start", "2027-01-12 18:30"]
OLD_KEYS = ["id", "starts_at", "ends_at", "commune", "place", "address", "capacity",
            "seats_taken", "seats_left", "status", "event_url"]
NEW_KEYS = ["officer", "partners", "themes", "interested", "duration_min", "cancel_reason"]


@pytest.fixture
def frozen():
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


@pytest.fixture
def cli(db_path, capsys, frozen):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("seed", "--demo")[0] == 0
    return run


def _db(db_path):
    return open_database(str(db_path)).connection_context()


def _shown(cli, meeting_id: int) -> dict:
    code, out, _ = cli("meetings", "--json")
    assert code == 0
    return next(m for m in json.loads(out) if m["id"] == meeting_id)


def test_add_with_partners_and_themes(cli):
    code, out, err = cli(
        *ADD, "--duration", "120", "--officer", "inspecteur karim benali", "--capacity", "30",
        "--partner", "Hygea", "--partner", "service de prévention", "--partner", "HYGEA",
        "--theme", "Senior Focus", "--event-url", "https://www.facebook.com/events/42/",
        "--interested", "17",
    )
    assert code == 0, err
    meeting_id = int(out.strip())
    shown = _shown(cli, meeting_id)
    assert list(shown) == OLD_KEYS + NEW_KEYS
    assert shown | {"id": 0} == {
        "id": 0,
        "starts_at": "2027-01-12T18:30:00+01:00",
        "ends_at": "2027-01-12T20:30:00+01:00",
        "commune": "Boussu",
        "place": "Salle Saint-Charles",
        "address": "Rue de Mons 12, 7300 Boussu",
        "capacity": 30,
        "seats_taken": 0,
        "seats_left": 30,
        "status": "scheduled",
        "event_url": "https://www.facebook.com/events/42/",
        "officer": "Inspecteur Karim Benali",
        "partners": ["Hygea", "Service de prévention"],
        "themes": ["Senior Focus"],
        "interested": 17,
        "duration_min": 120,
        "cancel_reason": "",
    }


def test_add_json_is_the_meetings_json_shape(cli):
    code, out, _ = cli(*ADD, "--json")
    assert code == 0
    added = json.loads(out)
    assert added == _shown(cli, added["id"])
    assert added["officer"] is None and added["partners"] == [] and added["themes"] == []
    assert added["duration_min"] == 90 and added["capacity"] == 45 and added["interested"] == 0


def test_every_listed_meeting_has_the_new_fields(cli):
    code, out, _ = cli("meetings", "--json")
    rows = json.loads(out)
    assert all(list(r) == OLD_KEYS + NEW_KEYS for r in rows)
    assert any(r["partners"] and r["themes"] and r["officer"] for r in rows)
    assert any(r["status"] == "cancelled" and r["cancel_reason"] for r in rows)


def test_edit_changes_only_what_is_given(cli):
    _, out, _ = cli(*ADD, "--partner", "Hygea", "--theme", "Senior Focus", "--interested", "9",
                    "--officer", "Inspectrice Julie Desmet", "--json")
    before = json.loads(out)
    code, out, err = cli("meeting", "edit", str(before["id"]), "--capacity", "20")
    assert code == 0, err
    assert out.strip() == str(before["id"])
    after = _shown(cli, before["id"])
    assert after == before | {"capacity": 20, "seats_left": 20}
    code, out, _ = cli("meeting", "edit", str(before["id"]), "--theme", "Problèmes de quartier",
                       "--theme", "senior focus", "--start", "2027-01-13 10:00", "--json")
    assert code == 0
    edited = json.loads(out)
    assert edited == after | {
        "themes": ["Problèmes de quartier", "Senior Focus"],
        "starts_at": "2027-01-13T10:00:00+01:00",
        "ends_at": "2027-01-13T11:30:00+01:00",
    }
    code, out, _ = cli("meeting", "edit", str(before["id"]), "--no-partners", "--officer", "",
                       "--event-url", "", "--json")
    assert json.loads(out) == edited | {"partners": [], "officer": None}


def test_edit_keeps_an_inactive_partner_it_has(cli, db_path):
    _, out, _ = cli(*ADD, "--partner", "Hygea")
    meeting_id = int(out)
    with _db(db_path):
        Partner.update(active=False).where(Partner.name == "Hygea").execute()
    assert cli("meeting", "edit", str(meeting_id), "--partner", "hygea")[0] == 0
    code, out, err = cli(*ADD, "--partner", "Hygea")  # not for a new meeting
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "--partner:" in err and "Hygea" in err


def test_cancel_with_reason(cli):
    _, out, _ = cli(*ADD)
    meeting_id = out.strip()
    code, out, err = cli("meeting", "cancel", meeting_id, "--reason", "Salle indisponible")
    assert code == 0, err
    assert out == f"{meeting_id} cancelled\n"
    shown = _shown(cli, int(meeting_id))
    assert shown["status"] == "cancelled" and shown["cancel_reason"] == "Salle indisponible"
    code, out, err = cli("meeting", "edit", meeting_id, "--capacity", "3")
    assert code == 2 and out == "" and len(err.splitlines()) == 1


def test_cancel_with_a_replacement(cli, db_path):
    first = cli(*ADD)[1].strip()
    rows = json.loads(cli("meetings", "--json")[1])
    other = next(
        r for r in rows if r["status"] == "scheduled" and str(r["id"]) != first
    )
    code, out, err = cli(
        "meeting", "cancel", first, "--reason", "Travaux", "--replacement", str(other["id"])
    )
    assert code == 0, err
    assert out == f"{first} cancelled\n"
    with _db(db_path):
        assert Meeting.get_by_id(int(first)).replacement_id == other["id"]


def test_cancel_with_a_bad_replacement_is_one_line_and_cancels_nothing(cli):
    first = cli(*ADD)[1].strip()
    code, out, err = cli("meeting", "cancel", first, "--reason", "Travaux", "--replacement", first)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert _shown(cli, int(first))["status"] == "scheduled"


def test_cancel_counts_the_sign_ups_to_warn(cli):
    rows = json.loads(cli("meetings", "--json")[1])
    busy = next(r for r in rows if r["status"] == "scheduled" and r["seats_taken"])
    code, out, _ = cli("meeting", "cancel", str(busy["id"]), "--reason", "Météo")
    assert code == 0
    first, second = out.splitlines()
    assert first == f"{busy['id']} cancelled" and "to warn" in second


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--commune", "Atlantis"], "unknown commune 'Atlantis' (known: Boussu,"),
        (["--officer", "Inspecteur Gadget"], "--officer:"),
        (["--partner", "Hygea", "--partner", "Les Amis"], "--partner:"),
        (["--theme", "Pêche"], "--theme:"),
    ],
)
def test_unknown_names_are_one_line_and_exit_2(cli, db_path, extra, needle):
    with _db(db_path):
        before = (Meeting.select().count(), MeetingPartner.select().count(),
                  MeetingTheme.select().count(), AuditEntry.select().count())
    for command in (ADD + extra, ["meeting", "edit", "1", *extra]):
        code, out, err = cli(*command)
        assert code == 2 and out == ""
        assert len(err.splitlines()) == 1 and needle in err, err
        assert extra[-1] in err or extra[-1] == "Inspecteur Gadget"
    with _db(db_path):
        after = (Meeting.select().count(), MeetingPartner.select().count(),
                 MeetingTheme.select().count(), AuditEntry.select().count())
    assert after == before


def test_changes_are_audited_as_cli(cli, db_path):
    _, out, _ = cli(*ADD, "--partner", "Hygea")
    meeting_id = out.strip()
    cli("meeting", "edit", meeting_id, "--interested", "4")
    cli("meeting", "cancel", meeting_id, "--reason", "Travaux")
    with _db(db_path):
        entries = list(
            AuditEntry.select()
            .where(AuditEntry.target == f"meeting:{meeting_id}")
            .order_by(AuditEntry.id)
        )
    assert [(e.actor, e.action) for e in entries] == [
        ("cli", "meeting-create"), ("cli", "meeting-edit"), ("cli", "meeting-cancel")
    ]
    assert entries[-1].detail == "Travaux"


def test_meeting_alone_asks_for_an_action(cli):
    code, out, err = cli("meeting")
    assert code == 2 and out == "" and "ACTION" in err


def test_a_twin_meeting_needs_allow_duplicate(cli, db_path):
    code, out, err = cli(*ADD)
    assert code == 0, err
    first = int(out.strip())
    code, out, err = cli(*ADD)
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert str(first) in err
    code, out, err = cli(*ADD, "--allow-duplicate")
    assert code == 0, err
    second = int(out.strip())
    code, out, err = cli(*ADD[:-1], "2027-01-12 20:00")
    third = int(out.strip())
    code, out, err = cli("meeting", "edit", str(third), "--start", "2027-01-12 18:30")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    code, out, err = cli(
        "meeting", "edit", str(third), "--start", "2027-01-12 18:30", "--allow-duplicate"
    )
    assert code == 0, err
    with _db(db_path):
        assert Meeting.select().where(Meeting.id.in_([first, second, third])).count() == 3
