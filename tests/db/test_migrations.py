"""Schema versions and migrations on SQLite, from the committed version-1 database."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.db import migrations
from cafepol_tui.db.engine import DatabaseConfigError, make_database
from cafepol_tui.db.migrations import SCHEMA_VERSION, read_version, upgrade
from cafepol_tui.db.models import ALL_MODELS, Concern, ConcernUpdate, Registration
from cafepol_tui.db.open import open_database
from cafepol_tui.services.registrations import REFERENCE_ALPHABET, register
from cafepol_tui.services.validation import SignupForm
from tests.db.fixtures.make_v1 import FIXTURE, ROWS

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def v1_path(tmp_path: Path) -> Path:
    path = tmp_path / "commissariat.sqlite3"
    shutil.copyfile(FIXTURE, path)
    return path


def raw(path: Path) -> peewee.SqliteDatabase:
    return peewee.SqliteDatabase(str(path))


def shape(db: peewee.Database) -> dict[str, object]:
    """Columns (name, type, null, pk) and indexes (name, columns, unique) of every table."""
    result: dict[str, object] = {}
    for table in sorted(db.get_tables()):
        columns = sorted(
            (c.name, c.data_type.upper(), c.null, c.primary_key) for c in db.get_columns(table)
        )
        indexes = sorted((i.name, tuple(i.columns), i.unique) for i in db.get_indexes(table))
        result[table] = (columns, indexes)
    return result


def test_the_fixture_is_version_1() -> None:
    db = raw(FIXTURE)
    with db.connection_context():
        assert read_version(db) == 1
        assert not any(c.name == "kiosk_id" for c in db.get_columns("registration"))


def test_migrations_are_numbered_up_to_schema_version() -> None:
    migrations._check_migrations()
    assert migrations.MIGRATIONS[-1][0] == SCHEMA_VERSION


def test_a_fresh_database_is_created_at_the_latest_version(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "new.sqlite3"))
    with db.connection_context():
        assert read_version(db) == SCHEMA_VERSION
        report = upgrade(db)
    assert report.summary() == f"schema already at version {SCHEMA_VERSION}: nothing to do"


def test_opening_a_version_1_database_upgrades_it_keeping_every_row(v1_path: Path) -> None:
    db = open_database(str(v1_path))
    with db.connection_context():
        assert read_version(db) == SCHEMA_VERSION
        for table, rows in ROWS.items():
            if table == "meta":
                continue
            count = db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            assert count == len(rows), table
        waiting = Registration.get(Registration.reference == "W8HN5C")
        assert (waiting.meeting_id, waiting.waitlist_position, waiting.kiosk_id) == (1, 1, None)
        assert waiting.meeting.place == "Salle Le Trianon"
        assert waiting.name == "Éloïse D'Hondt"
        # The upgraded database takes new sign-ups, with the new columns.
        result = register(
            1,
            SignupForm(name="Paul Fontaine", people=1, consent=True),
            max_party=4,
            topic_max=300,
            now=NOW,
        )
        assert result.status == "waitlisted" and result.waitlist_rank == 2
        new = Registration.get(Registration.reference == result.reference)
        assert new.id == 6  # the ids continue after the highest kept one
        assert new.kiosk_id


def test_version_3_keeps_the_old_gate_and_numbers_new_ones(v1_path: Path) -> None:
    """The v1 zone-wide gate stays (older kiosks still use it during a roll-out); each kiosk
    gets a gate of its own; the v1 account waits for its next login to get its PIN key."""
    from cafepol_tui.db.models import PinGuard, StaffAccount
    from cafepol_tui.services.staff import WrongPinError, verify_pin

    db = open_database(str(v1_path))
    with db.connection_context():
        with pytest.raises(WrongPinError):
            verify_pin("11111111", kiosk_id="borne-hall")
        gates = {g.kiosk_id: (g.id, g.failures) for g in PinGuard.select()}
        assert gates == {None: (1, 1), "borne-hall": (2, 1)}
        assert StaffAccount.get(StaffAccount.name == "admin").pin_key is None


def test_version_3_reserves_id_1_for_older_kiosks_when_no_pin_was_ever_tried(
    v1_path: Path,
) -> None:
    from cafepol_tui.db.models import PinGuard

    db = raw(v1_path)
    with db.connection_context():
        db.execute_sql("DELETE FROM pin_guard")
    db = open_database(str(v1_path))
    with db.connection_context():
        assert [(g.id, g.kiosk_id, g.locked_until) for g in PinGuard.select()] == [(1, None, None)]


def test_version_4_carries_postal_codes_and_keeps_what_older_kiosks_read(v1_path: Path) -> None:
    """The old columns stay (kiosks older than schema 4 still read them); the postal code is
    carried into the list; every existing row is active; no commissariat is made up: the
    first zone import links them by name."""
    from cafepol_tui.db.models import Commissariat, Commune, Officer, Partner, Theme, Zone

    db = open_database(str(v1_path))
    with db.connection_context():
        communes = {c.name: (c.postal_code, c.postal_codes, c.commissariat_id, c.places, c.active)
                    for c in Commune.select()}
        assert communes == {
            "Frameries": ("7080", "7080", None, "[]", True),
            "Colfontaine": ("7340", "7340", None, "[]", True),
        }
        officer = Officer.get_by_id(1)
        assert (officer.commissariat, officer.grade, officer.gender, officer.active) == (
            "Commissariat de Frameries", "", "", True
        )
        partner = Partner.get_by_id(1)
        assert (partner.kind, partner.email, partner.phone, partner.active) == (
            "prévention", "", "", True
        )
        theme = Theme.get_by_id(2)
        assert (theme.name, theme.name_nl, theme.name_en, theme.active) == (
            "Senior Focus", "", "", True
        )
        assert Commissariat.select().count() == 0 and Zone.select().count() == 0
        # A commune's commissariat is a reference that keeps the commune when it goes.
        station = Commissariat.create(name="Commissariat de Frameries")
        Commune.update(commissariat=station).where(Commune.name == "Frameries").execute()
        station.delete_instance()
        assert Commune.get(Commune.name == "Frameries").commissariat_id is None


def test_a_failing_version_4_leaves_a_version_3_database_as_it_was(
    v1_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_database(str(v1_path))
    with db.connection_context():
        upgrade(db, target=3)
        assert read_version(db) == 3

    def half_done(migrator: object) -> None:
        migrations._v4_zone_file(migrator)  # type: ignore[arg-type]
        raise peewee.OperationalError("disk I/O error")

    earlier = [m for m in migrations.MIGRATIONS if m[0] < 4]
    later = [m for m in migrations.MIGRATIONS if m[0] > 4]
    monkeypatch.setattr(migrations, "MIGRATIONS", [*earlier, (4, "boom", half_done), *later])
    with db.connection_context():
        with pytest.raises(migrations.MigrationError, match="nothing was changed"):
            upgrade(db)
        assert read_version(db) == 3
        assert "commissariat" not in db.get_tables()
        assert not any(c.name == "postal_codes" for c in db.get_columns("commune"))


def test_a_migrated_database_has_exactly_the_fresh_schema(v1_path: Path, tmp_path: Path) -> None:
    migrated = open_database(str(v1_path))
    with migrated.connection_context():
        migrated_shape = shape(migrated)
    fresh = open_database(str(tmp_path / "fresh.sqlite3"))
    with fresh.connection_context():
        fresh_shape = shape(fresh)
    assert migrated_shape == fresh_shape


def test_a_newer_database_is_refused_and_left_alone(v1_path: Path) -> None:
    db = raw(v1_path)
    with db.connection_context():
        db.execute_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DatabaseConfigError, match="schema version 99, this cafepol knows up to"):
        open_database(str(v1_path))
    with db.connection_context():
        assert read_version(db) == 99
        assert not any(c.name == "kiosk_id" for c in db.get_columns("registration"))


def test_a_failing_migration_changes_nothing(
    v1_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(migrator: object) -> None:
        migrations._v2_zone_database(migrator)  # type: ignore[arg-type]
        raise peewee.OperationalError("disk I/O error")

    later = migrations.MIGRATIONS[1:]
    monkeypatch.setattr(migrations, "MIGRATIONS", [(2, "boom", half_done), *later])
    db = make_database(str(v1_path))
    with db.connection_context():
        with pytest.raises(migrations.MigrationError, match="nothing was changed"):
            upgrade(db)
        assert read_version(db) == 1
        assert not any(c.name == "kiosk_id" for c in db.get_columns("registration"))
        assert db.execute_sql("SELECT COUNT(*) FROM registration").fetchone()[0] == 4
        assert db.pragma("foreign_keys") == 1


def test_cli_migrate_runs_once_then_has_nothing_to_do(
    v1_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(v1_path), "migrate"]) == 0
    out = capsys.readouterr().out
    assert f"schema upgraded from version 1 to {SCHEMA_VERSION}" in out
    assert main(["--db", str(v1_path), "migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_cli_migrate_refuses_a_newer_database_in_one_line(
    v1_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = raw(v1_path)
    with db.connection_context():
        db.execute_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    assert main(["--db", str(v1_path), "migrate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "schema version 99" in err


def test_every_model_table_exists_after_upgrade(v1_path: Path) -> None:
    db = open_database(str(v1_path))
    with db.connection_context():
        tables = set(db.get_tables())
    assert {m._meta.table_name for m in ALL_MODELS} <= tables


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")


def test_version_5_gives_every_concern_recorded_before_it_a_reference(v1_path: Path) -> None:
    db = make_database(str(v1_path))
    with db.connection_context():
        upgrade(db, target=4)
        # The concern tables as version 4 had them: today's, without what version 5 adds.
        with db.bind_ctx([Concern, ConcernUpdate]):
            db.create_tables([Concern, ConcernUpdate])
        for index in ("concern_reference", "concern_owner"):
            db.execute_sql(f'DROP INDEX "{index}"')
        for column in ("reference", "owner", "contact_address", "reply_text", "reply_channel",
                       "language"):
            db.execute_sql(f'ALTER TABLE "concern" DROP COLUMN "{column}"')
        db.execute_sql('ALTER TABLE "concern_update" DROP COLUMN "public"')
        db.execute_sql(
            'INSERT INTO "concern" ("description", "place", "wants_feedback", "contact_name", '
            '"contact_phone", "contact_email", "status", "due_on", "close_reason", "created_by", '
            '"created_at", "updated_at") VALUES '
            "('Tags', '', 0, '', '', '', 'open', '2026-12-01', '', 'x', "
            "'2026-11-01 10:00:00', '2026-11-01 10:00:00'), "
            "('Bruit', '', 0, '', '', '', 'closed', '2026-12-01', 'fait', 'x', "
            "'2026-11-02 10:00:00', '2026-11-02 10:00:00')"
        )
        upgrade(db)
        assert read_version(db) == SCHEMA_VERSION
        references = [row[0] for row in db.execute_sql('SELECT "reference" FROM "concern"')]
    assert len(references) == 2 and len(set(references)) == 2
    assert all(len(r) == 7 and set(r) <= set(REFERENCE_ALPHABET) for r in references)
