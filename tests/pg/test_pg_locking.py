"""`lock_meeting` on PostgreSQL: a row lock held until the transaction ends, never outside one."""

from __future__ import annotations

import threading

import peewee
import pytest

from cafepol_tui.db.engine import write_transaction
from cafepol_tui.services.locking import LockOutsideTransactionError, lock_meeting
from tests.factories import make_meeting


def test_lock_meeting_outside_a_transaction_is_refused(pg_db: peewee.Database) -> None:
    meeting = make_meeting()
    with pytest.raises(LockOutsideTransactionError):
        lock_meeting(meeting.id)


def test_lock_meeting_holds_the_row_until_the_transaction_ends(pg_db: peewee.Database) -> None:
    meeting = make_meeting()
    locked, go_on = threading.Event(), threading.Event()
    seen: list[str] = []

    def other_kiosk() -> None:
        with pg_db.connection_context(), write_transaction(pg_db):
            lock_meeting(meeting.id)
            locked.set()
            go_on.wait(10)
            seen.append("first done")

    first = threading.Thread(target=other_kiosk)
    first.start()
    assert locked.wait(10)
    timer = threading.Timer(0.3, go_on.set)
    timer.start()
    with write_transaction(pg_db):
        lock_meeting(meeting.id)  # waits for the other transaction's end
        seen.append("second locked")
    first.join(10)
    timer.cancel()
    assert seen == ["first done", "second locked"]
