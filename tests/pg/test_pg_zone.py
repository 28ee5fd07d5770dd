"""The zone database on PostgreSQL: schema upgrade, the race, copy-db, every CLI command."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.db.engine import DatabaseConfigError, make_database
from cafepol_tui.db.migrations import SCHEMA_VERSION, read_version
from cafepol_tui.db.models import Meeting, Registration, utcnow
from cafepol_tui.db.open import open_database
from cafepol_tui.services.copy_db import count_rows
from cafepol_tui.services.registrations import cancel, list_for_meeting, register
from cafepol_tui.services.validation import SignupForm
from tests.db.fixtures.make_v1 import FIXTURE, ROWS, create_v1
from tests.db.racing import check_mixed_race, check_race_result, mixed_race, race
from tests.factories import make_meeting, sign_up

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_peewee_talks_to_postgresql_through_psycopg(pg_db: peewee.Database) -> None:
    assert isinstance(pg_db, peewee.PostgresqlDatabase)
    assert read_version(pg_db) == SCHEMA_VERSION


def test_a_version_1_postgresql_database_is_upgraded_keeping_every_row(pg_fresh_url: str) -> None:
    raw = make_database(pg_fresh_url)
    with raw.connection_context():
        create_v1(raw)
        assert read_version(raw) == 1
    db = open_database(pg_fresh_url)
    with db.connection_context():
        assert read_version(db) == SCHEMA_VERSION
        for table, rows in ROWS.items():
            if table != "meta":
                assert db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == len(rows)
        assert Registration.get(Registration.reference == "W8HN5C").waitlist_position == 1
        result = register(
            1, SignupForm(name="Paul Fontaine", consent=True), max_party=4, topic_max=300, now=NOW
        )
        assert result.waitlist_rank == 2
        assert Registration.get(Registration.reference == result.reference).id == 6


@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_a_newer_postgresql_database_is_refused(pg_fresh_url: str) -> None:
    open_database(pg_fresh_url)
    raw = make_database(pg_fresh_url)
    with raw.connection_context():
        raw.execute_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DatabaseConfigError, match="schema version 99"):
        open_database(pg_fresh_url)


def test_waiting_list_and_promotion_on_postgresql(pg_db: peewee.Database) -> None:
    meeting = make_meeting(capacity=2)
    first = sign_up(meeting, "Marie Dubois", 2)
    second = sign_up(meeting, "André Cornez", 1)
    assert first.confirmed and second.waitlist_rank == 1
    result = cancel(first.reference, now=NOW)
    assert result.promoted == (second.reference,)
    assert Meeting.get_by_id(meeting.id).seats_taken == 1


def test_a_retried_submission_is_saved_once(pg_db: peewee.Database) -> None:
    meeting = make_meeting(capacity=5)
    form = SignupForm(name="Nadia Haddad", consent=True)
    kwargs = dict(max_party=4, topic_max=300, now=NOW, submission_key="k" * 32)
    first = register(meeting.id, form, **kwargs)  # type: ignore[arg-type]
    again = register(meeting.id, form, **kwargs)  # type: ignore[arg-type]
    assert again == first
    assert Registration.select().where(Registration.meeting == meeting.id).count() == 1


def test_eight_processes_never_overbook_postgresql(
    pg_db: peewee.Database, pg_empty_url: str
) -> None:
    meeting = make_meeting(capacity=30)
    race(pg_empty_url, meeting.id)
    check_race_result(meeting.id, capacity=30, total=200)


def test_parties_and_cancellations_race_postgresql(
    pg_db: peewee.Database, pg_empty_url: str
) -> None:
    meeting = make_meeting(capacity=60, starts_at=utcnow() + timedelta(days=30))
    signed, cancels = mixed_race(pg_empty_url, meeting.id)
    check_mixed_race(meeting.id, 60, signed, cancels)


@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_every_cli_command_runs_on_postgresql(
    pg_fresh_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", pg_fresh_url, "seed", "--demo"]) == 0
    capsys.readouterr()
    assert main(["--db", pg_fresh_url, "meetings", "--json"]) == 0
    meetings = json.loads(capsys.readouterr().out)
    assert meetings
    target = next(m for m in meetings if m["status"] == "scheduled")
    args = ["--db", pg_fresh_url, "register", str(target["id"]), "--name", "Paul Test", "--consent"]
    assert main(args) == 0
    code = capsys.readouterr().out.split()[0]
    assert main(["--db", pg_fresh_url, "cancel", code]) == 0
    assert main(["--db", pg_fresh_url, "export", "json", "--out", str(tmp_path / "x.json")]) == 0
    assert json.loads((tmp_path / "x.json").read_text())
    assert main(["--db", pg_fresh_url, "migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_the_cli_says_in_one_line_when_postgresql_is_unreachable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--db", "postgresql://postgres@127.0.0.1:1/nowhere", "meetings"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "database unreachable" in err


@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_copy_db_sqlite_to_postgresql_and_back_keeps_ids(
    pg_fresh_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "commissariat.sqlite3"
    shutil.copyfile(FIXTURE, local)  # an old (v1) local database, upgraded on the way
    assert main(["--db", str(local), "copy-db", "--to", pg_fresh_url]) == 0
    out = capsys.readouterr().out
    assert "copied 19 rows" in out and "4 registration" in out
    pg = open_database(pg_fresh_url)
    with pg.connection_context():
        waiting = Registration.get(Registration.reference == "W8HN5C")
        assert (waiting.id, waiting.meeting_id, waiting.meeting.place) == (3, 1, "Salle Le Trianon")
        new = register(
            1, SignupForm(name="Paul Fontaine", consent=True), max_party=4, topic_max=300, now=NOW
        )
        assert Registration.get(Registration.reference == new.reference).id == 6  # sequence moved
    # A second copy into the now non-empty database is refused, unless forced.
    assert main(["--db", str(local), "copy-db", "--to", pg_fresh_url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not empty" in err and "--force" in err
    assert main(["--db", str(local), "copy-db", "--to", pg_fresh_url, "--force"]) == 0
    assert "rows that were in the target were replaced" in capsys.readouterr().out
    back = tmp_path / "back.sqlite3"
    assert main(["--db", pg_fresh_url, "copy-db", "--to", str(back)]) == 0
    a, b = make_database(str(local)), make_database(str(back))
    with a.connection_context(), b.connection_context():
        # Each copy-db is audited in its source, after the copy: those entries differ by design.
        rows_a, rows_b = count_rows(a), count_rows(b)
        rows_a.pop("audit_entry"), rows_b.pop("audit_entry")
        assert rows_a == rows_b
        for table in ("registration", "meeting", "officer"):
            columns = ", ".join(sorted(f'"{c.name}"' for c in a.get_columns(table)))
            query = f'SELECT {columns} FROM "{table}" ORDER BY id'  # migrated: other column order
            assert a.execute_sql(query).fetchall() == b.execute_sql(query).fetchall()


@pytest.mark.parametrize("name", ["ß" * 100, "ﬃ" * 100, "Straße " * 13 + "Maßmann"])
def test_a_name_that_fits_on_sqlite_fits_on_postgresql(pg_db: peewee.Database, name: str) -> None:
    """Folding lengthens « ß » and ligatures past varchar(100): the key is cut, not refused."""
    meeting = make_meeting()
    for _ in range(2):  # and a namesake: accepted at the kiosk, marked for staff
        result = sign_up(meeting, name, now=NOW)
        assert result.status == "confirmed"
    row = Registration.get(Registration.reference == result.reference)
    assert row.name == name and len(row.name_key) == 100
    assert [v.possible_duplicate for v in list_for_meeting(meeting.id)] == [True, True]
