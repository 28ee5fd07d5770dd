"""Retention in every copy: the live database, its backups and kept-aside copies, the documents;
and the running kiosk's upkeep thread, which purges them and takes the daily copy.

`purge_everywhere` is what `cafepol purge`, the staff console's « Purger » and the upkeep
thread (`UpkeepScheduler`) call. Run it with the live database's connection open (it reads the
registrations to know which documents name people already erased).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import peewee

from cafepol_tui.services.backup import (
    CopyOutcome,
    backup_if_due,
    purge_copies,
    sqlite_path_or_none,
)
from cafepol_tui.services.document_files import expired_documents, fallback_dir
from cafepol_tui.services.permissions import SYSTEM, Actor, Permission, require
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
    """Delete the expired documents (see `document_files.expired_documents`); (deleted, errors)."""
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
    actor: Actor = SYSTEM,
    audit_empty: bool = True,
    dry_run: bool = False,
) -> RetentionReport:
    """The retention purge of the live database, then of every copy and document."""
    require(actor, Permission.PURGE)
    database = purge(
        as_of, settings.retention_days, actor=actor, audit_empty=audit_empty, dry_run=dry_run
    )
    copies = purge_copies(settings, database.as_of, dry_run=dry_run)
    documents, errors = purge_documents(settings, database.cutoff, dry_run=dry_run)
    return RetentionReport(database, tuple(copies), tuple(documents), tuple(errors), dry_run)


# The upkeep's first look, this long after the kiosk starts: the first screen goes first.
UPKEEP_FIRST_DELAY_S = 60.0


class UpkeepScheduler:
    """The running kiosk's upkeep, purge then backup: a daemon thread, Textual-free.

    A minute after start (the first screen waits for neither), then every `check_s` seconds, it
    runs `purge` (the CLI passes the retention purge, `purge_everywhere` in a connection, so a
    kiosk that runs for weeks still erases on time, and a copy holds no expired personal data),
    then takes the daily copy if one is due (so a PC that slept or whose clock jumped still gets
    its copy within minutes of being due). Harmless beside the systemd timer: a copy that isn't
    due is not taken. On PostgreSQL the copy is pg_dump's job; `purge` still runs.

    `deliver` (the CLI passes `delivery.deliver` in a connection) sends the outbox from a
    second thread, every `deliver_s` seconds: a notice leaves within a minute or so of its
    event, and a slow mail server never delays the purge.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        check_s: float = 600,
        first_delay_s: float | None = None,
        purge: Callable[[], object] | None = None,
        deliver: Callable[[], object] | None = None,
        deliver_s: float = 60,
    ) -> None:
        self.settings = settings
        self.deliver = deliver
        self.deliver_s = deliver_s
        self.check_s = check_s
        self.first_delay_s = UPKEEP_FIRST_DELAY_S if first_delay_s is None else first_delay_s
        self.purge = purge
        self.copies = sqlite_path_or_none(settings) is not None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cafepol-upkeep", daemon=True)
        self._sender = threading.Thread(
            target=self._deliver_loop, name="cafepol-outbox", daemon=True
        )

    def start(self) -> UpkeepScheduler:
        if self.copies or self.purge is not None:
            self._thread.start()
        if self.deliver is not None:
            self._sender.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        for thread in (self._thread, self._sender):
            if thread.is_alive():
                thread.join(timeout)

    def _deliver_loop(self) -> None:
        if self._stop.wait(min(self.first_delay_s, self.deliver_s)):
            return
        while True:
            try:
                self.deliver()  # type: ignore[misc]
            except Exception as exc:  # the database is down: the next round tries again
                log.error("outbox delivery failed: %s", exc, exc_info=not isinstance(exc, peewee.DatabaseError))
            if self._stop.wait(self.deliver_s):
                return

    def _loop(self) -> None:
        if self._stop.wait(self.first_delay_s):
            return
        while True:
            if self.purge is not None:
                try:
                    self.purge()
                except Exception as exc:  # a database outage: try again at the next look
                    log.error("upkeep failed: %s", exc, exc_info=not isinstance(exc, peewee.DatabaseError))
            if self.copies:
                backup_if_due(self.settings)
            if self._stop.wait(self.check_s):
                return
