"""The capacity race on SQLite: 8 processes × 25 sign-ups for 30 seats."""

from __future__ import annotations

import peewee

from tests.db.racing import check_race_result, race
from tests.factories import make_meeting


def test_eight_processes_never_overbook_sqlite(db: peewee.Database, db_path) -> None:  # noqa: ANN001
    meeting = make_meeting(capacity=30)
    race(str(db_path), meeting.id)
    check_race_result(meeting.id, capacity=30, total=200)
