"""Statistics that plan ahead: the coming months against the aim, check-ins, walk-ins, JSON codes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import time_machine
from textual.widgets import DataTable, Static

from cafepol_tui.cli import main
from cafepol_tui.db.models import Meeting, Registration
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services.registrations import register
from cafepol_tui.services.stats import compute
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.statuses import MeetingStatus
from cafepol_tui.ui.app import make_app
from tests.conftest import FIXED_NOW
from tests.factories import COUNTER
from tests.pilot import settle, wait_until
from tests.staff.test_pilot import SIZE, login

SEEN = FIXED_NOW - timedelta(days=3)


def copy_meeting(template: int, when: datetime, status: str = MeetingStatus.SCHEDULED) -> int:
    m = Meeting.get_by_id(template)
    return Meeting.create(
        commune=m.commune,
        place=m.place,
        address=m.address,
        starts_at=when,
        officer=m.officer,
        capacity=m.capacity,
        status=status,
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    ).id


def plan_ahead(zone) -> None:  # type: ignore[no-untyped-def]
    # Boussu: "soon" (1 Dec) + 2 in January; Frameries: "later" (8 Dec) + 4 in February,
    # and a cancelled January meeting that doesn't count.
    for day in (6, 20):
        copy_meeting(zone["soon"], datetime(2027, 1, day, 10, tzinfo=FIXED_NOW.tzinfo))
    for day in (2, 9, 16, 23):
        copy_meeting(zone["later"], datetime(2027, 2, day, 10, tzinfo=FIXED_NOW.tzinfo))
    copy_meeting(
        zone["later"], datetime(2027, 1, 5, 10, tzinfo=FIXED_NOW.tzinfo), MeetingStatus.CANCELLED
    )
    copy_meeting(zone["later"], datetime(2027, 3, 5, 10, tzinfo=FIXED_NOW.tzinfo))  # beyond


def test_the_coming_three_months_against_the_aim(zone):
    plan_ahead(zone)
    s = compute(now=FIXED_NOW, months=2)
    assert s.planned_months == ("2026-12", "2027-01", "2027-02")
    planned = {(r.commune, r.month): (r.meetings, r.aim) for r in s.planned}
    assert planned == {
        ("Boussu", "2026-12"): (1, "below"),
        ("Boussu", "2027-01"): (2, "within"),
        ("Boussu", "2027-02"): (0, "below"),
        ("Frameries", "2026-12"): (1, "below"),
        ("Frameries", "2027-01"): (0, "below"),
        ("Frameries", "2027-02"): (4, "above"),
    }
    data = s.as_json()
    assert data["planned"]["months"] == ["2026-12", "2027-01", "2027-02"]  # type: ignore[index]
    assert {"commune": "Frameries", "month": "2027-02", "meetings": 4, "aim": "above"} in (
        data["planned"]["meetings_per_commune_month"]  # type: ignore[index]
    )


def test_meetings_never_checked_in_are_not_zero_present(zone):
    # A second past meeting, in November too, with people registered but never checked in.
    unchecked = copy_meeting(zone["past"], FIXED_NOW - timedelta(days=5))
    with time_machine.travel(FIXED_NOW - timedelta(days=10), tick=False):
        refs = [
            register(mid, SignupForm(name=n, people=2, consent=True), max_party=4, topic_max=300)
            for mid, n in ((zone["past"], "Alice"), (zone["past"], "Bruno"), (unchecked, "Chloé"))
        ]
    ids = [Registration.get(Registration.reference == r.reference).id for r in refs]
    ra.check_in(ids[0], True, COUNTER, now=SEEN)
    ra.check_in(ids[1], False, COUNTER, now=SEEN)
    s = compute(now=FIXED_NOW, months=2)
    rows = {r.meeting_id: r for r in s.attendance}
    assert rows[zone["past"]].checked_in and not rows[unchecked].checked_in
    assert s.not_checked_in == 1
    ci = s.checked_in_totals
    assert ci["meetings"] == 1 and ci["not_checked_in"] == 1
    assert ci["average_attended"] == 2.0  # not (2 + 0) / 2
    assert ci["show_rate"] == 0.5  # 2 of the 4 registered came; the unchecked 2 are left out


def test_walkins_are_counted_once(zone):
    ra.add_walkins(zone["past"], 3, COUNTER, now=SEEN)
    assert Registration.select().where(Registration.meeting == zone["past"]).count() == 0
    s = compute(now=FIXED_NOW, months=2)
    row = next(r for r in s.attendance if r.meeting_id == zone["past"])
    assert row.checked_in  # walk-ins counted: somebody checked the meeting in
    assert (row.registered, row.attended, row.walkins) == (0, 3, 3)
    assert s.totals["attended"] == 3
    assert s.checked_in_totals["attended"] == 3 and s.checked_in_totals["walkins"] == 3


def test_json_is_the_same_in_every_language(zone, settings, capsys):
    plan_ahead(zone)
    outputs = []
    with time_machine.travel(FIXED_NOW, tick=False):
        for lang in ("fr", "nl"):
            assert main(["--lang", lang, "--db", settings.database_url, "stats", "--json"]) == 0
            outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    # The existing keys stay; codes sit beside the old French verdict.
    assert {
        "aim_per_month",
        "months",
        "meetings_per_commune_month",
        "attendance",
        "totals",
        "concerns",
    } <= set(data)
    assert {r["aim"] for r in data["meetings_per_commune_month"]} <= {"below", "within", "above"}
    assert "verdict" in data["meetings_per_commune_month"][0]
    assert main(["--db", settings.database_url, "stats"]) == 0
    text = capsys.readouterr().out
    assert "27-02" in text and "Frameries" in text  # the planned months in the text too


async def test_the_stats_screen_shows_the_planning_table(zone, admin, settings, db):
    plan_ahead(zone)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await login(app, pilot, "9999")
            from cafepol_tui.ui.screens.staff.stats import StatsScreen

            await app.push_screen(StatsScreen())
            await settle(pilot)
            table = app.screen.query_one("#stats-planned", DataTable)
            await wait_until(pilot, lambda: table.row_count == 2, what="the planning table")
            headers = [str(c.label) for c in table.columns.values()]
            assert headers == ["Commune", "12/26", "01/27", "02/27"]
            frameries = table.get_row_at(1)
            assert frameries[0] == "Frameries" and frameries[3] == "4 — au-delà"
            keys = str(app.screen.query_one("#stats-keys", Static).render())
            assert "non pointée" in keys
