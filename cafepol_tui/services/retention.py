"""Retention: personal data is kept only as long as needed.

A registration's name, phone, e-mail and free text are anonymised `retention_days` after its
meeting; a concern keeps its citizen contact only until feedback is given or it is closed.
Counts (people, statuses, walk-ins) stay, so statistics survive.

On SQLite, deleted and overwritten text would linger in free pages and in the WAL file: the
purge runs with `secure_delete`, then checkpoints the WAL and VACUUMs, so the file itself
no longer holds the strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from cafepol_tui.db.database import database_proxy, is_sqlite, write_transaction
from cafepol_tui.db.models import (
    Concern,
    ConcernStatus,
    Meeting,
    Meta,
    Registration,
    utcnow,
)
from cafepol_tui.services import audit

ANONYMISED_NAME = "(anonymisé)"
COMPACT_MARKER = "compaction_pending"


def mark_compaction_pending() -> None:
    """Personal text was erased outside a purge: the next purge rewrites the file."""
    Meta.get_or_create(key=COMPACT_MARKER, defaults={"value": "1"})


@dataclass(frozen=True)
class PurgeReport:
    as_of: datetime
    cutoff: datetime
    registrations: int
    concern_contacts: int
    vacuumed: bool

    @property
    def changed(self) -> int:
        return self.registrations + self.concern_contacts


def purge(
    as_of: datetime | None = None,
    retention_days: int = 30,
    *,
    actor: str = "system",
    audit_empty: bool = True,
) -> PurgeReport:
    """Anonymise what is past its retention. Idempotent; safe to run at every start."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    as_of = as_of or utcnow()
    cutoff = as_of - timedelta(days=retention_days)
    db = database_proxy.obj
    sqlite = is_sqlite(database_proxy)
    if sqlite:
        db.execute_sql("PRAGMA secure_delete = ON")
    with write_transaction(db):
        # A meeting counts as past once it has ended.
        ended = _ended_before(cutoff)
        registrations = (
            Registration.update(
                name=ANONYMISED_NAME,
                name_key="",
                phone="",
                email="",
                topic="",
                anonymised_at=as_of,
            )
            .where(Registration.anonymised_at.is_null() & Registration.meeting.in_(ended))
            .execute()
        )
        contacts = (
            Concern.update(
                contact_name="", contact_phone="", contact_email="", contact_erased_at=as_of
            )
            .where(
                Concern.status.in_(ConcernStatus.FINAL)
                & (
                    (Concern.contact_name != "")
                    | (Concern.contact_phone != "")
                    | (Concern.contact_email != "")
                )
            )
            .execute()
        )
        if registrations or contacts or audit_empty:
            audit.record(
                actor,
                "purge",
                "",
                f"{registrations} inscription(s), {contacts} contact(s) de doléance ; "
                f"rétention {retention_days} j, au {as_of.date().isoformat()}",
                now=utcnow(),
            )
    vacuumed = False
    pending = Meta.delete().where(Meta.key == COMPACT_MARKER).execute()
    if sqlite and (registrations or contacts or pending):
        compact(db)
        vacuumed = True
    return PurgeReport(as_of, cutoff, registrations, contacts, vacuumed)


def _ended_before(cutoff: datetime) -> peewee.ModelSelect:
    # Date arithmetic differs between SQLite and PostgreSQL: filter by start in SQL, then
    # keep the meetings whose end (start + duration) is before the cutoff.
    candidates = Meeting.select(Meeting.id, Meeting.starts_at, Meeting.duration_min).where(
        Meeting.starts_at <= cutoff
    )
    ids = [m.id for m in candidates if m.starts_at + timedelta(minutes=m.duration_min) <= cutoff]
    return Meeting.select(Meeting.id).where(Meeting.id.in_(ids or [0]))


def compact(db: peewee.Database) -> None:
    """Rewrite the SQLite file so no overwritten text survives in free pages or the WAL."""
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute_sql("VACUUM")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
