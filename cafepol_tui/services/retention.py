"""Retention: personal data is kept only as long as needed.

A registration's name, phone, e-mail and free text are anonymised `retention_days` after its
meeting; a concern keeps its citizen contact only until feedback is given or it is closed,
and the text it copied from a citizen's sign-up topic only until `retention_days` after that.
Counts (people, statuses, walk-ins) stay, so statistics survive.

On SQLite, deleted and overwritten text would linger in free pages and in the WAL file: the
purge runs with `secure_delete`, then checkpoints the WAL and VACUUMs, so the file itself
no longer holds the strings.

The same anonymisation runs on SQLite copies of the database (`purge_copy`: backups, the
copies `restore` keeps aside): every copy, even yesterday's, holds sign-ups whose retention
ends before the copy is rotated out, so only a purge in place keeps both the promise and the
copy's use as a restore point.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import peewee

from cafepol_tui.db.engine import database_proxy, is_sqlite, write_transaction
from cafepol_tui.db.models import (
    Concern,
    Meeting,
    MetaEntry,
    OutboxMessage,
    Registration,
    utcnow,
)
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit
from cafepol_tui.services.permissions import SYSTEM, Actor, Permission, require
from cafepol_tui.statuses import ConcernStatus, NoticeKind, OutboxStatus

_ = translator("messages")

log = logging.getLogger("cafepol.retention")

ANONYMISED_NAME = "(anonymisé)"
# What is left of a concern's description copied from a sign-up topic, once erased.
ERASED_TEXT = "(texte du citoyen effacé)"
COMPACT_MARKER = "compaction_pending"
BUSY_TIMEOUT_MS = 10_000

_T = TypeVar("_T", int, str)


def mark_compaction_pending() -> None:
    """Personal text was erased outside a purge: the next purge rewrites the file."""
    MetaEntry.get_or_create(key=COMPACT_MARKER, defaults={"value": "1"})


@dataclass(frozen=True)
class PurgeReport:
    as_of: datetime
    cutoff: datetime
    registrations: int
    concern_contacts: int
    vacuumed: bool
    # Closed concerns whose description, copied from a sign-up topic, was erased.
    concern_texts: int = 0
    # True: nothing was changed, the counts are what a purge would do.
    dry_run: bool = False
    # Outbox messages whose recipient and text were blanked.
    outbox: int = 0
    # Registrations of ended meetings kept because their topic is not yet decided (neither a
    # concern nor dismissed): they wait for staff, never purged unseen.
    topics_waiting: int = 0

    @property
    def changed(self) -> int:
        return self.registrations + self.concern_contacts + self.concern_texts + self.outbox


def cutoff_for(as_of: datetime, retention_days: int) -> datetime:
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    return as_of - timedelta(days=retention_days)


def purge(
    as_of: datetime | None = None,
    retention_days: int = 30,
    *,
    actor: Actor = SYSTEM,
    audit_empty: bool = True,
    dry_run: bool = False,
) -> PurgeReport:
    """Anonymise what is past its retention. Idempotent; safe to run at every start.

    `dry_run`: count what would be anonymised, change nothing (no audit entry either).
    """
    require(actor, Permission.PURGE)
    as_of = as_of or utcnow()
    cutoff = cutoff_for(as_of, retention_days)
    db = database_proxy.obj
    sqlite = is_sqlite(database_proxy)
    if dry_run:
        r, c, t, o = _anonymise(db, as_of, cutoff, dry_run=True)
        waiting = topics_waiting(db, cutoff)
        return PurgeReport(as_of, cutoff, r, c, False, t, True, o, waiting)
    if sqlite:
        db.execute_sql("PRAGMA secure_delete = ON")
    with write_transaction(db):
        registrations, contacts, texts, messages = _anonymise(db, as_of, cutoff, dry_run=False)
        waiting = topics_waiting(db, cutoff)
        if registrations or contacts or texts or messages or audit_empty:
            audit.record(
                actor.name,
                "purge",
                "",
                f"{registrations} inscription(s), {contacts} contact(s) de doléance, "
                f"{texts} texte(s) de doléance, {messages} message(s) ; "
                f"{waiting} sujet(s) en attente de décision ; "
                f"rétention {retention_days} j, au {as_of.date().isoformat()}",
                now=utcnow(),
            )
    vacuumed = False
    pending = MetaEntry.delete().where(MetaEntry.key == COMPACT_MARKER).execute()
    if sqlite and (registrations or contacts or texts or messages or pending):
        compact(db)
        vacuumed = True
    return PurgeReport(
        as_of, cutoff, registrations, contacts, vacuumed, texts, False, messages, waiting
    )


@dataclass(frozen=True)
class _Rows:
    """Row ids to anonymise: registrations, concern contacts, concern texts."""

    registrations: set[int]
    contacts: set[int]
    texts: set[int]
    outbox: set[int] = frozenset()  # type: ignore[assignment]


def _anonymise(
    db: peewee.Database,
    as_of: datetime,
    cutoff: datetime,
    *,
    dry_run: bool,
    also: _Rows | None = None,
) -> tuple[int, int, int, int]:
    """(registrations, concern contacts, concern texts, outbox messages) anonymised, or that
    would be.

    `also`: rows to anonymise besides those the retention rules pick (a copy following what
    the live database has erased since the copy was taken).
    """
    rows = _expired(db, cutoff)
    if also is not None:
        rows = _Rows(
            rows.registrations | also.registrations,
            rows.contacts | also.contacts,
            rows.texts | also.texts,
            rows.outbox | also.outbox,
        )
    messages = set(rows.outbox)
    if db.table_exists(OutboxMessage._meta.table_name) and rows.registrations:
        # Every message to an anonymised registration goes with it.
        for chunk in _chunks(rows.registrations):
            messages |= _ids(
                OutboxMessage.select(OutboxMessage.id).where(
                    OutboxMessage.registration.in_(chunk) & _message_has_data()
                ),
                db,
            )
    counts = (len(rows.registrations), len(rows.contacts), len(rows.texts), len(messages))
    if dry_run:
        return counts
    for chunk in _chunks(rows.registrations):
        Registration.update(
            name=ANONYMISED_NAME, name_key="", phone="", email="", topic="", anonymised_at=as_of
        ).where(Registration.id.in_(chunk)).execute(db)
    for chunk in _chunks(rows.contacts):
        Concern.update(
            contact_name="",
            contact_phone="",
            contact_email="",
            contact_address="",
            contact_erased_at=as_of,
        ).where(Concern.id.in_(chunk)).execute(db)
    for chunk in _chunks(rows.texts):
        Concern.update(description=ERASED_TEXT).where(Concern.id.in_(chunk)).execute(db)
    for chunk in _chunks(messages):
        OutboxMessage.update(recipient="", recipient_name="", body="").where(
            OutboxMessage.id.in_(chunk)
        ).execute(db)
    return counts


def _message_has_data() -> peewee.Expression:
    return (
        (OutboxMessage.recipient != "")
        | (OutboxMessage.recipient_name != "")
        | (OutboxMessage.body != "")
    )


def _undecided_topic() -> peewee.Expression:
    """A sign-up topic neither turned into a concern nor dismissed with a reason."""
    made = Concern.select(Concern.registration).where(Concern.registration.is_null(False))
    return (
        (Registration.topic != "")
        & Registration.topic_dismissed_at.is_null()
        & Registration.id.not_in(made)
    )


def topics_waiting(db: peewee.Database, cutoff: datetime) -> int:
    """Registrations past their retention kept only because their topic is undecided."""
    ended = _ended_before(cutoff, db)
    query = Registration.select(Registration.id).where(
        Registration.anonymised_at.is_null() & Registration.meeting.in_(ended) & _undecided_topic()
    )
    return len(_ids(query, db))


def _expired(db: peewee.Database, cutoff: datetime) -> _Rows:
    """The rows the retention rules expire at `cutoff` and that still hold personal data."""
    # A meeting counts as past once it has ended.
    ended = _ended_before(cutoff, db)
    registrations = (
        Registration.anonymised_at.is_null() & Registration.meeting.in_(ended) & ~_undecided_topic()
    )
    contacts = Concern.status.in_(ConcernStatus.FINAL) & _has_contact()
    outbox: set[int] = set()
    if db.table_exists(OutboxMessage._meta.table_name):
        # A reply still on its way keeps the contact it goes to.
        waiting = OutboxMessage.select(OutboxMessage.concern).where(
            (OutboxMessage.kind == NoticeKind.FEEDBACK)
            & OutboxMessage.status.in_(OutboxStatus.OPEN)
            & OutboxMessage.concern.is_null(False)
        )
        contacts = contacts & Concern.id.not_in(waiting)
        done = (OutboxStatus.SENT, OutboxStatus.DONE, OutboxStatus.FAILED)
        outbox = _ids(
            OutboxMessage.select(OutboxMessage.id).where(
                OutboxMessage.status.in_(done)
                & (peewee.fn.COALESCE(OutboxMessage.sent_at, OutboxMessage.updated_at) <= cutoff)
                & _message_has_data()
            ),
            db,
        )
    # A concern made from a sign-up topic holds the citizen's own words: kept while it is
    # followed, erased once it has been finished for the retention period.
    texts = (
        _has_copied_text()
        & Concern.status.in_(ConcernStatus.FINAL)
        & (
            (Concern.closed_at <= cutoff)
            | (Concern.feedback_at <= cutoff)
            | (
                Concern.closed_at.is_null()
                & Concern.feedback_at.is_null()
                & (Concern.updated_at <= cutoff)
            )
        )
    )
    return _Rows(
        _ids(Registration.select(Registration.id).where(registrations), db),
        _ids(Concern.select(Concern.id).where(contacts), db),
        _ids(Concern.select(Concern.id).where(texts), db),
        outbox,
    )


def _has_contact() -> peewee.Expression:
    return (
        (Concern.contact_name != "")
        | (Concern.contact_phone != "")
        | (Concern.contact_email != "")
        | (Concern.contact_address != "")
    )


def _has_copied_text() -> peewee.Expression:
    return Concern.registration.is_null(False) & (Concern.description != ERASED_TEXT)


def _ids(query: peewee.ModelSelect, db: peewee.Database) -> set[int]:
    return {row[0] for row in query.tuples().execute(db)}


def _chunks(values: Collection[_T], size: int = 500) -> list[list[_T]]:
    """Lists of at most `size`: an IN (…) stays far below SQLite's limit on parameters."""
    items = sorted(values)  # type: ignore[type-var]
    return [items[i : i + size] for i in range(0, len(items), size)]


def _ended_before(cutoff: datetime, db: peewee.Database | None = None) -> peewee.ModelSelect:
    # Date arithmetic differs between SQLite and PostgreSQL: filter by start in SQL, then
    # keep the meetings whose end (start + duration) is before the cutoff.
    candidates = Meeting.select(Meeting.id, Meeting.starts_at, Meeting.duration_min).where(
        Meeting.starts_at <= cutoff
    )
    if db is not None:
        candidates = candidates.bind(db)
    ids = [m.id for m in candidates if m.starts_at + timedelta(minutes=m.duration_min) <= cutoff]
    return Meeting.select(Meeting.id).where(Meeting.id.in_(ids or [0]))


def meetings_ended_before(meeting_ids: Collection[int], cutoff: datetime) -> set[int]:
    """Those of `meeting_ids` (live database) that ended before `cutoff`."""
    ended: set[int] = set()
    for chunk in _chunks(meeting_ids):
        rows = Meeting.select(Meeting.id, Meeting.starts_at, Meeting.duration_min).where(
            Meeting.id.in_(chunk)
        )
        ended |= {m.id for m in rows if m.starts_at + timedelta(minutes=m.duration_min) <= cutoff}
    return ended


def anonymised_references(
    references: Collection[str], db: peewee.Database | peewee.DatabaseProxy = database_proxy
) -> set[str]:
    """Those of `references` (the live database, or `db`) whose registration is anonymised."""
    gone: set[str] = set()
    for chunk in _chunks(references):
        # Plain SQL: peewee would spend ~20 ms building each IN (…) of 500 values.
        marks = ", ".join([db.param] * len(chunk))
        cursor = db.execute_sql(
            "SELECT reference FROM registration "
            f"WHERE anonymised_at IS NOT NULL AND reference IN ({marks})",
            chunk,
        )
        gone |= {row[0] for row in cursor.fetchall()}
    return gone


Followed = peewee.Database | peewee.DatabaseProxy


def _erased_in_live(
    copy: peewee.Database, live: Followed, as_of: datetime, cutoff: datetime
) -> _Rows:
    """The copy's rows whose personal data `live` has erased (or expires at `cutoff`) since the
    copy was taken.

    A copy taken while a concern was still followed shows it open with its contact; the live
    database closed it and erased the contact later: the copy follows. Registrations are
    matched by reference, concerns by id and creation time (the same row, not a namesake).
    """
    # Only a meeting already held can have had its sign-ups anonymised: the copy's upcoming
    # ones (most of them) are not looked up.
    held = Meeting.select(Meeting.id).where(Meeting.starts_at <= as_of)
    by_reference = dict(
        Registration.select(Registration.reference, Registration.id)
        .where(Registration.anonymised_at.is_null() & Registration.meeting.in_(held))
        .tuples()
        .execute(copy)
    )
    registrations = {by_reference[r] for r in anonymised_references(by_reference, live)}
    in_copy = {
        row[0]: row[1:]
        for row in Concern.select(
            Concern.id, Concern.created_at, _has_contact(), _has_copied_text()
        )
        .where(_has_contact() | _has_copied_text())
        .tuples()
        .execute(copy)
    }
    contacts: set[int] = set()
    texts: set[int] = set()
    for chunk in _chunks(in_copy):
        for row in (
            Concern.select(
                Concern.id, Concern.created_at, Concern.status, Concern.contact_erased_at,
                Concern.description, Concern.closed_at, Concern.feedback_at, Concern.updated_at,
            )
            .where(Concern.id.in_(chunk))
            .execute(live)
        ):
            created, has_contact, has_text = in_copy[row.id]
            if not _same_instant(created, row.created_at):
                continue
            finished = row.status in ConcernStatus.FINAL
            if has_contact and (finished or row.contact_erased_at is not None):
                contacts.add(row.id)
            ended = row.closed_at or row.feedback_at or row.updated_at
            if has_text and (
                row.description == ERASED_TEXT or (finished and ended is not None and ended <= cutoff)
            ):
                texts.add(row.id)
    return _Rows(registrations, contacts, texts)


def _same_instant(a: object, b: object) -> bool:
    if isinstance(a, str):  # a tuple row from SQLite: the stored text
        a = Concern.created_at.python_value(a)
    return a == b


def compact(db: peewee.Database) -> None:
    """Rewrite the SQLite file so no overwritten text survives in free pages or the WAL."""
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute_sql("VACUUM")
    busy = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy and busy[0]:
        # A reader kept the WAL from being emptied: the next purge (ten minutes) retries.
        log.warning("retention: the WAL could not be truncated now (a reader is active)")
        MetaEntry.get_or_create(key=COMPACT_MARKER, defaults={"value": "1"})


# --- copies of the database ---------------------------------------------------------------


class CopyPurgeError(Exception):
    """A copy could not be opened or purged; the message says why in one line."""


def purge_copy(
    path: str | Path, as_of: datetime | None = None, retention_days: int = 30, *,
    dry_run: bool = False, follow: Followed | None = None,
) -> PurgeReport:
    """The same anonymisation in a SQLite copy (a backup, a file kept aside by restore).

    `follow` (a connected database, e.g. the live `database_proxy`): also erase what it has
    erased since the copy was taken — a concern closed after the copy, its contact erased.
    A copy that needs nothing is not written to (its bytes and date stay). One that changed
    is VACUUMed, so no erased text remains in its free pages or journal.
    """
    as_of = as_of or utcnow()
    cutoff = cutoff_for(as_of, retention_days)
    # A database of its own, never the live proxy: the kiosk keeps working meanwhile, and
    # the queries run on this connection only (`.execute(db)`), whatever thread we are in.
    db = peewee.SqliteDatabase(
        str(path),
        pragmas={"secure_delete": 1, "busy_timeout": BUSY_TIMEOUT_MS, "foreign_keys": 0},
        check_same_thread=False,
    )
    try:
        with db.connection_context():
            tables = set(db.get_tables())
            if not {"meeting", "registration", "concern"} <= tables:
                raise CopyPurgeError(_("{path}: not a cafepol database").format(path=path))
            also = _erased_in_live(db, follow, as_of, cutoff) if follow is not None else None
            if dry_run:
                r, c, t, o = _anonymise(db, as_of, cutoff, dry_run=True, also=also)
                return PurgeReport(as_of, cutoff, r, c, False, t, True, o)
            with db.atomic("IMMEDIATE"):
                r, c, t, o = _anonymise(db, as_of, cutoff, dry_run=False, also=also)
            vacuumed = False
            if r or c or t or o:
                db.execute_sql("VACUUM")
                db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                vacuumed = True
    except (peewee.DatabaseError, sqlite3.Error) as exc:
        text = str(exc).strip().splitlines()
        raise CopyPurgeError(f"{path}: {text[0] if text else type(exc).__name__}") from None
    return PurgeReport(as_of, cutoff, r, c, vacuumed, t, False, o)
