"""The zone file on PostgreSQL: schema 4 from a version-1 database, the import (twice), a zone
replaced by another, and the export → import round trip."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.db.engine import make_database
from cafepol_tui.db.migrations import SCHEMA_VERSION, read_version
from cafepol_tui.db.models import Commissariat, Commune, Meeting, Officer, Partner, Theme, Zone
from cafepol_tui.db.open import open_database
from cafepol_tui.services.zone import export_zone, import_zone, zone_settings
from cafepol_tui.services.zone_file import read_zone_file, shipped_zone_file
from tests.conftest import FIXED_NOW
from tests.db.fixtures.make_v1 import create_v1
from tests.pg.conftest import create_test_database, drop_test_database
from tests.zones import BORAINE_NAMES, POLDERLAND_NAMES, logo_png, write_polderland


def _shape(db: peewee.Database) -> dict[str, object]:
    """Columns with their types, lengths and nullability; indexes; foreign keys."""
    rows = db.execute_sql(
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable "
        "FROM information_schema.columns WHERE table_schema = 'public' "
        "ORDER BY table_name, column_name"
    ).fetchall()
    shape: dict[str, object] = {"columns": rows}
    for table in sorted(db.get_tables()):
        shape[f"{table} indexes"] = sorted(
            (i.name, tuple(i.columns), i.unique) for i in db.get_indexes(table)
        )
        shape[f"{table} keys"] = sorted(
            (k.column, k.dest_table, k.dest_column) for k in db.get_foreign_keys(table)
        )
    rules = db.execute_sql(
        "SELECT tc.table_name, kcu.column_name, rc.delete_rule "
        "FROM information_schema.referential_constraints rc "
        "JOIN information_schema.table_constraints tc ON tc.constraint_name = rc.constraint_name "
        "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name "
        "ORDER BY 1, 2"
    ).fetchall()
    shape["on delete"] = rules
    return shape


def test_a_version_1_database_gets_exactly_the_fresh_schema(pg_server: str) -> None:
    old_url, fresh_url = create_test_database(pg_server), create_test_database(pg_server)
    try:
        raw = make_database(old_url)
        with raw.connection_context():
            create_v1(raw)
        migrated = open_database(old_url)
        with migrated.connection_context():
            assert read_version(migrated) == SCHEMA_VERSION == 6
            migrated_shape = _shape(migrated)
            assert [(c.name, c.postal_code, c.postal_codes, c.active) for c in
                    Commune.select().order_by(Commune.id)] == [
                ("Frameries", "7080", "7080", True), ("Colfontaine", "7340", "7340", True)
            ]
            assert Officer.get_by_id(1).commissariat == "Commissariat de Frameries"
        migrated.close()
        fresh = open_database(fresh_url)
        with fresh.connection_context():
            fresh_shape = _shape(fresh)
        fresh.close()
        assert migrated_shape == fresh_shape
    finally:
        drop_test_database(pg_server, old_url)
        drop_test_database(pg_server, fresh_url)


def test_import_twice_then_another_zone_then_back(pg_db: peewee.Database, tmp_path: Path) -> None:
    from cafepol_tui.services.demo import seed_demo

    seed_demo(now=FIXED_NOW)
    assert [c.name for c in Commune.select().order_by(Commune.id)] == BORAINE_NAMES["communes"]
    assert not import_zone(read_zone_file(shipped_zone_file())).changed
    polderland = write_polderland(tmp_path)
    report = import_zone(read_zone_file(polderland))
    assert report.changed
    assert not import_zone(read_zone_file(polderland)).changed
    active = [c.name for c in Commune.select().where(Commune.active).order_by(Commune.name)]
    assert active == POLDERLAND_NAMES["communes"]
    used = {m.commune.name for m in Meeting.select()}
    assert {c.name for c in Commune.select().where(~Commune.active)} == used
    assert bytes(Zone.get().logo) == logo_png()
    assert Theme.get(Theme.name == "Verkeersveiligheid").name_fr == "Sécurité routière"
    assert Commissariat.select().where(Commissariat.active).count() == 2
    assert Partner.select().where(Partner.active).count() == 2
    back = import_zone(read_zone_file(shipped_zone_file()))
    assert back.changed
    assert {c.name for c in Commune.select().where(Commune.active)} == set(BORAINE_NAMES["communes"])


@pytest.mark.usefixtures("english")
def test_export_then_import_changes_nothing_on_postgresql(
    pg_db: peewee.Database, pg_empty_url: str, settings, tmp_path: Path, capsys
) -> None:
    polderland = write_polderland(tmp_path / "source")
    assert main(["--db", pg_empty_url, "zone", "import", str(polderland)]) == 0
    out = tmp_path / "zone.toml"
    assert main(["--db", pg_empty_url, "zone", "export", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["--db", pg_empty_url, "zone", "import", str(out)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    # The exported file, its logo and photo written beside it, reads back as the database.
    assert export_zone(settings) == read_zone_file(out)
    assert read_zone_file(out).officers[0].photo_data == read_zone_file(polderland).officers[0].photo_data
    assert zone_settings(settings).zone_name == "Politiezone Polderland"


@pytest.mark.usefixtures("english")
def test_copy_db_carries_the_zone_and_its_logo_both_ways(
    pg_fresh_url: str, tmp_path: Path, capsys
) -> None:
    local, back = tmp_path / "local.sqlite3", tmp_path / "back.sqlite3"
    polderland = write_polderland(tmp_path / "source")
    assert main(["--db", str(local), "zone", "import", str(polderland)]) == 0
    assert main(["--db", str(local), "copy-db", "--to", pg_fresh_url]) == 0
    assert "1 zone" in capsys.readouterr().out
    assert main(["--db", pg_fresh_url, "copy-db", "--to", str(back)]) == 0
    for url in (pg_fresh_url, str(back)):
        capsys.readouterr()
        assert main(["--db", url, "zone", "import", str(polderland)]) == 0
        assert "nothing changed" in capsys.readouterr().out
    db = open_database(str(back))
    with db.connection_context():
        assert bytes(Zone.get().logo) == logo_png()
