"""Retention in every copy: the live database, its backups and kept-aside copies, the documents.

`purge_everywhere` is what `cafepol purge`, the staff console's « Purger » and the running
kiosk's upkeep thread call. Run it with the live database's connection open (it reads the
registrations to know which documents name people already erased).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cafepol_tui.documents.printing import expired_documents, fallback_dir
from cafepol_tui.services.backup import CopyOutcome, purge_copies
from cafepol_tui.services.retention import (
    PurgeReport,
    anonymised_references,
    meetings_ended_before,
    purge,
)
from cafepol_tui.settings import Settings

log = logging.getLogger("cafepol.retention")


@dataclass(frozen=True)
class RetentionReport:
    database: PurgeReport
    copies: tuple[CopyOutcome, ...]
    # Documents deleted (dry run: that would be).
    documents: tuple[Path, ...]
    document_errors: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def copies_changed(self) -> list[CopyOutcome]:
        return [c for c in self.copies if c.report is not None and c.report.changed]

    @property
    def copy_errors(self) -> list[CopyOutcome]:
        return [c for c in self.copies if c.report is None]

    @property
    def complete(self) -> bool:
        """False when a copy or a document could not be purged (the next run tries again)."""
        return not self.copy_errors and not self.document_errors


def document_folders(settings: Settings) -> list[Path]:
    return [settings.output_dir, fallback_dir()]


def purge_documents(
    settings: Settings, cutoff: datetime, *, dry_run: bool = False
) -> tuple[list[Path], list[str]]:
    """Delete the expired documents (see `printing.expired_documents`); (deleted, errors)."""
    expired = expired_documents(
        document_folders(settings),
        cutoff,
        expired_references=anonymised_references,
        ended_meetings=lambda ids: meetings_ended_before(ids, cutoff),
    )
    if dry_run:
        return expired, []
    deleted, errors = [], []
    for path in expired:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            errors.append(f"{path}: {exc.strerror}")
            log.error("retention: can't delete %s: %s", path, exc.strerror)
            continue
        deleted.append(path)
    if deleted:
        log.info("retention: %d expired document(s) deleted", len(deleted))
    return deleted, errors


def purge_everywhere(
    settings: Settings,
    as_of: datetime | None = None,
    *,
    actor: str = "system",
    audit_empty: bool = True,
    dry_run: bool = False,
) -> RetentionReport:
    """The retention purge of the live database, then of every copy and document."""
    database = purge(
        as_of, settings.retention_days, actor=actor, audit_empty=audit_empty, dry_run=dry_run
    )
    copies = purge_copies(settings, database.as_of, dry_run=dry_run)
    documents, errors = purge_documents(settings, database.cutoff, dry_run=dry_run)
    return RetentionReport(database, tuple(copies), tuple(documents), tuple(errors), dry_run)
