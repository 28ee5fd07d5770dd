"""`connection_deadline`: a query that doesn't answer in time is cut, as an outage."""

from __future__ import annotations

import time

import peewee
import pytest

from cafepol_tui.db.engine import connection_deadline, is_outage

FOREVER = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"


def test_a_sqlite_query_past_its_deadline_is_interrupted(settings, db: peewee.Database) -> None:  # noqa: ANN001
    started = time.monotonic()
    with pytest.raises(peewee.OperationalError) as caught:
        with connection_deadline(db, 0.5):
            db.execute_sql(FOREVER).fetchone()
    assert time.monotonic() - started < 5
    assert is_outage(caught.value)
    with connection_deadline(db, 5):  # the next one is not affected
        assert db.execute_sql("SELECT 1").fetchone() == (1,)
