"""The audit log: who did what, when. Details name references and ids, never a citizen's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import AuditEntry, utcnow
from cafepol_tui.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


def record(
    actor: str, action: str, target: str = "", detail: str = "", *, now: datetime | None = None
) -> None:
    """Add one entry. Call inside the transaction of the change it describes."""
    AuditEntry.create(
        at=now or utcnow(), actor=actor[:80], action=action[:64], target=target[:120], detail=detail
    )


def list_entries(
    *, limit: int = 500, action: str | None = None, actor: str | None = None
) -> list[AuditView]:
    """Newest first."""
    query = AuditEntry.select().order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return [
        AuditView(e.id, e.at, e.actor, e.action, e.target, e.detail) for e in query.limit(limit)
    ]


def read_entries(
    reader: Actor, *, limit: int = 500, action: str | None = None, actor: str | None = None
) -> list[AuditView]:
    """`list_entries` for someone allowed to read the audit log (administrators, the CLI)."""
    require(reader, Permission.READ_AUDIT)
    return list_entries(limit=limit, action=action, actor=actor)


def document_made(
    actor: Actor, document: str, destination: str, *, now: datetime | None = None
) -> None:
    """Note a document printed or written (flyer, attendance sheet, programme, slip, export)
    by someone allowed to print; its own transaction (call inside a database connection)."""
    require(actor, Permission.PRINT)
    with write_transaction(database_proxy.obj):
        record(actor.name, "document", destination, document, now=now)
