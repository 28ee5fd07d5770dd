"""The races on SQLite: 8 processes × 25 sign-ups for 30 seats; parties of 1–4 with
cancellations, all at once; 12 processes trying PINs."""

from __future__ import annotations

from datetime import timedelta

import peewee

from cafepol_tui.db.models import utcnow
from cafepol_tui.services.staff import set_pin
from tests.db.pin_racing import check_pin_race, pin_race
from tests.db.racing import check_mixed_race, check_race_result, mixed_race, race
from tests.factories import make_meeting


def test_eight_processes_never_overbook_sqlite(db: peewee.Database, db_path) -> None:  # noqa: ANN001
    meeting = make_meeting(capacity=30)
    race(str(db_path), meeting.id)
    check_race_result(meeting.id, capacity=30, total=200)


def test_parties_and_cancellations_race_sqlite(db: peewee.Database, db_path) -> None:  # noqa: ANN001
    meeting = make_meeting(capacity=60, starts_at=utcnow() + timedelta(days=30))
    signed, cancels = mixed_race(str(db_path), meeting.id)
    check_mixed_race(meeting.id, 60, signed, cancels)


def test_twelve_processes_trying_pins_get_five_checks_sqlite(db: peewee.Database, db_path) -> None:  # noqa: ANN001
    set_pin("Anne Admin", "482913", "admin")
    check_pin_race(pin_race(str(db_path)))
