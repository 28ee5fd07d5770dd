"""`lock_meeting` locks a meeting for the rest of a transaction, and refuses to run outside one."""

from __future__ import annotations

import peewee
import pytest

from cafepol_tui.db.engine import write_transaction
from cafepol_tui.services.locking import LockOutsideTransactionError, lock_meeting
from cafepol_tui.services.validation import NotFoundError
from tests.factories import make_meeting


def test_lock_meeting_outside_a_transaction_is_a_programming_error(db: peewee.Database) -> None:
    meeting = make_meeting()
    with pytest.raises(LockOutsideTransactionError, match=r"inside write_transaction\(\)"):
        lock_meeting(meeting.id)
    assert issubclass(LockOutsideTransactionError, RuntimeError)
    assert not db.in_transaction()  # nothing was left open


def test_the_transaction_is_checked_before_the_meeting(db: peewee.Database) -> None:
    with pytest.raises(LockOutsideTransactionError):
        lock_meeting(999_999)  # no such meeting: still the programming error, not NotFoundError


def test_lock_meeting_inside_a_transaction(db: peewee.Database) -> None:
    meeting = make_meeting(capacity=7)
    with write_transaction(db):
        locked = lock_meeting(meeting.id)
        assert (locked.id, locked.capacity) == (meeting.id, 7)
        with pytest.raises(NotFoundError):
            lock_meeting(999_999)
