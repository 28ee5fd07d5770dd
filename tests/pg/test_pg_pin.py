"""The PIN gate on PostgreSQL: 12 processes at once, sign-ups during a try, an upgraded v1 gate."""

from __future__ import annotations

import peewee
import pytest

from cafepol_tui.db.engine import make_database
from cafepol_tui.db.models import MetaEntry, PinGuard, StaffAccount
from cafepol_tui.db.open import open_database
from cafepol_tui.services import staff
from tests.db.fixtures.make_v1 import create_v1
from tests.db.pin_racing import check_pin_race, pin_race, signups_while_a_pin_is_hashed


def test_twelve_processes_trying_pins_get_five_checks_postgresql(
    pg_db: peewee.Database, pg_empty_url: str
) -> None:
    staff.set_pin("Anne Admin", "482913", "admin")
    check_pin_race(pin_race(pg_empty_url))


def test_signups_go_on_while_a_pin_is_hashed_postgresql(
    cheap_pins: None, pg_db: peewee.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module's database keeps its meta rows between tests: draw a cheap salt anew.
    MetaEntry.delete().where(MetaEntry.key == staff.PIN_KEY_META).execute()
    # No lock held while hashing: sign-ups never wait for the try (lock_timeout is 10 s).
    assert signups_while_a_pin_is_hashed(pg_db, monkeypatch) < 5


def test_an_upgraded_v1_database_keeps_the_old_gate_and_numbers_new_ones(
    cheap_pins: None, pg_fresh_url: str
) -> None:
    raw = make_database(pg_fresh_url)
    with raw.connection_context():
        create_v1(raw)
    db = open_database(pg_fresh_url)
    with db.connection_context():
        with pytest.raises(staff.WrongPinError):
            staff.verify_pin("11111111", kiosk_id="borne-hall")
        gates = {g.kiosk_id: (g.id, g.failures) for g in PinGuard.select()}
        assert gates == {None: (1, 1), "borne-hall": (2, 1)}  # the v1 row is older kiosks'
        assert StaffAccount.get(StaffAccount.name == "admin").pin_key is None
        user = staff.set_pin("Zoé Admin", "482913", "admin")
        assert staff.verify_pin("482913", kiosk_id="borne-hall") == user
