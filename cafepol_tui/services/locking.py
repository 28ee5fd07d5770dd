"""Row locks that serialise the changes to one meeting's seats and waiting list.

Whoever changes `Meeting.seats_taken`, a registration's status or the waiting-list order does it
inside `write_transaction`, with the meeting locked first by `lock_meeting`. On SQLite the
transaction's BEGIN IMMEDIATE already serialises every writer and the meeting is simply read; on
PostgreSQL it is read `SELECT … FOR UPDATE`, which makes another kiosk's change to the same
meeting wait for this transaction's end. A lock taken outside a transaction would end with its
statement and protect nothing, so `lock_meeting` refuses to run there (as pretix's
`lock_objects` does).
"""

from __future__ import annotations

import peewee

from cafepol_tui.db.engine import database_proxy, is_sqlite
from cafepol_tui.db.models import Meeting
from cafepol_tui.i18n import translator
from cafepol_tui.services.validation import NotFoundError

_ = translator("texts")


class LockOutsideTransactionError(RuntimeError):
    """A lock was asked for outside a transaction: a programming error, never the user's."""

    def __init__(self, function: str) -> None:
        super().__init__(
            f"{function}() must run inside write_transaction(): outside a transaction the "
            "lock would be released as soon as it is taken"
        )


def lock_query(*fields: peewee.Field) -> peewee.ModelSelect[Meeting]:
    """SELECT `fields` of meetings (all when none), locking the rows read: FOR UPDATE on
    PostgreSQL; on SQLite the transaction (BEGIN IMMEDIATE) already holds the database.

    For callers that compile their statement once (the sign-up); run it only where
    `lock_meeting` could run.
    """
    query = Meeting.select(*fields)
    return query if is_sqlite(database_proxy) else query.for_update()


def lock_meeting(meeting_id: int) -> Meeting:
    """The meeting `meeting_id`, locked until the current transaction ends.

    Raises LockOutsideTransactionError when no transaction is open on the models' database,
    NotFoundError when there is no such meeting.
    """
    if not database_proxy.in_transaction():
        raise LockOutsideTransactionError("lock_meeting")
    meeting = lock_query().where(Meeting.id == meeting_id).first()
    if meeting is None:
        raise NotFoundError(_("aucune rencontre avec le numéro {id}").format(id=meeting_id))
    return meeting
