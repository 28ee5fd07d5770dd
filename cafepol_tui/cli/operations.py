"""Data and operations: `backup`, `restore`, `migrate`, `copy-db`, `purge`, `stats`, `doctor`."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import peewee

from cafepol_tui.cli.common import (
    SQLITE_HEADER,
    BadArgumentError,
    BadDatabaseError,
    OutputKind,
    UserError,
    add_command,
    bounded_int,
    check_new_database_folder,
    connected,
    database_files,
    head,
    is_same_file,
    log,
    path_arg,
    refusing,
    start_logging,
)
from cafepol_tui.db.engine import sqlite_file
from cafepol_tui.i18n import N_, translator
from cafepol_tui.safe_input import one_line, shown
from cafepol_tui.settings import Settings, SettingsError

_ = translator("messages")

BACKUP = OutputKind(
    lambda args: (SQLITE_HEADER, _("a SQLite backup")), folder_ok=True, streams_ok=False
)
EARLIEST_AS_OF = date(2000, 1, 1)


def as_of_arg(raw: str) -> datetime:
    """`purge --as-of`: the end of that day in Brussels (« as of the 30th » includes the whole
    30th), from 2000 to today."""
    from datetime import time

    from cafepol_tui.db.models import utcnow
    from cafepol_tui.services.formatting import BRUSSELS, local

    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise BadArgumentError(
            _("--as-of: '{value}' is not a date (use YYYY-MM-DD)").format(value=shown(raw))
        ) from None
    if day < EARLIEST_AS_OF:  # the retention period before it would fall off the calendar
        raise BadArgumentError(
            _("--as-of: {day} is too far back ({earliest} at the earliest)").format(
                day=day.isoformat(), earliest=EARLIEST_AS_OF.isoformat()
            )
        )
    if day > local(utcnow()).date():
        # A day to come would anonymise the sign-ups of meetings not yet held (or not yet
        # past their retention): those people could no longer be warned.
        raise BadArgumentError(
            _("--as-of: {day} is after today: nothing changed").format(day=day.isoformat())
        )
    return datetime.combine(day, time(23, 59, 59), BRUSSELS)


def add_commands(subparsers: Any) -> None:
    backup = add_command(
        subparsers, "backup", _("copy the SQLite database safely, verify it, rotate"),
        cmd_backup, database="own", output=BACKUP,
    )
    backup.add_argument(
        "--out", type=path_arg, help=_("file or folder for this copy (default: the backup folder)")
    )
    backup.add_argument(
        "--if-due",
        action="store_true",
        help=_("only if the last copy is older than backup.interval_h"),
    )

    restore = add_command(
        subparsers, "restore", _("put a backup back (the current database is kept)"),
        cmd_restore, database="own",
    )
    restore.add_argument("file", type=path_arg, metavar="FILE", help=_("the backup to put back"))

    add_command(
        subparsers, "migrate", _("upgrade the database schema now (also done at start)"),
        cmd_migrate,
    )

    copy_db = add_command(
        subparsers, "copy-db", _("copy this database (ids kept) to another one"), cmd_copy_db
    )
    copy_db.add_argument(
        "--to", required=True, metavar="URL", help=_("target: postgresql://… or file")
    )
    copy_db.add_argument(
        "--force", action="store_true", help=_("replace the target's rows if any")
    )

    purge = add_command(
        subparsers, "purge", _("anonymise personal data past the retention period"), cmd_purge
    )
    purge.add_argument(
        "--as-of",
        type=as_of_arg,
        metavar="DATE",
        help=_("YYYY-MM-DD, today at the latest: purge as if on that day"),
    )
    purge.add_argument(
        "--dry-run",
        action="store_true",
        help=_("say what would be anonymised and deleted, change nothing"),
    )

    stats = add_command(
        subparsers, "stats", _("meetings per commune, attendance, concerns"), cmd_stats
    )
    stats.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
    stats.add_argument(
        "--months",
        type=bounded_int(1, 36, N_("--months must be between 1 and 36")),
        default=6,
        help=_("calendar months shown (default 6)"),
    )

    add_command(
        subparsers, "doctor", _("check the installation: exit 0 OK, 1 warning, 2 failure"),
        cmd_doctor, database="own", without_settings=doctor_without_settings,
    )


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.backup import BackupError, backup, is_backup_due

    with refusing(BackupError):
        if args.if_due and not is_backup_due(settings):
            print(_("backup not due yet: nothing done"))
            return 0
        report = backup(settings, args.out)
    print(
        _("backup {path}: {size} kB, {rows} rows, integrity ok, {seconds} s").format(
            path=report.path,
            size=report.size_bytes // 1024,
            rows=report.rows,
            seconds=f"{report.duration_s:.2f}",
        )
    )
    for path in report.removed:
        print(_("removed old backup {name}").format(name=path.name))
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.backup import BackupError, restore

    with refusing(BackupError):
        report = restore(settings, args.file)
    print(
        _("restored {database} from {source}: {rows} rows, schema {version}").format(
            database=report.database,
            source=report.restored_from,
            rows=sum(report.tables.values()),
            version=report.schema_version,
        )
    )
    if report.kept_aside:
        print(_("previous database kept at {path}").format(path=report.kept_aside))
    print(_("restart the kiosks so they show the restored data"))
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.db.migrations import upgrade

    try:
        with connected(settings, create=False) as db:
            report = upgrade(db)
    except peewee.OperationalError:
        raise
    except peewee.DatabaseError as exc:
        raise UserError(str(exc).splitlines()[0]) from None
    log.info("migrate: %s", report.summary())
    print(report.summary())
    return 0


def _check_copy_target(to: str, settings: Settings) -> None:
    """copy-db --to: a new file in a folder that exists, or a SQLite database (never the one
    being copied, under another spelling)."""
    path = sqlite_file(to)
    if path is None:
        return
    if any(is_same_file(path, db_file) for db_file in database_files(settings)):
        raise BadDatabaseError(_("--to names the database being copied: give another one"))
    where = shown(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        check_new_database_folder(path)
        return
    except OSError as exc:
        raise BadDatabaseError(
            _("can't use the database {path}: {error}").format(path=where, error=exc.strerror)
        ) from None
    if not stat.S_ISREG(mode):
        raise BadDatabaseError(_("the database {path} is not a file").format(path=where))
    found = head(
        path, len(SQLITE_HEADER), _("can't use the database {path}: {error}"), BadDatabaseError
    )
    if found and found != SQLITE_HEADER:
        raise BadDatabaseError(
            _("{path} exists and is not a SQLite database: it is not overwritten").format(
                path=where
            )
        )


def cmd_copy_db(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.db.engine import make_database, write_transaction
    from cafepol_tui.services import audit
    from cafepol_tui.services.copy_db import CopyError, copy_database, redact
    from cafepol_tui.services.permissions import CLI

    # Before anything is opened or written (the database itself is checked by then).
    _check_copy_target(args.to, settings)
    source_url = settings.resolved_database_url
    if args.to.strip() == source_url.strip():
        raise BadDatabaseError(_("--to names the database being copied: give another one"))
    with connected(settings) as source:
        target = make_database(args.to)
        label = redact(args.to)
        try:
            with refusing(CopyError), target.connection_context():
                report = copy_database(source, target, target_label=label, force=args.force)
        except peewee.OperationalError as exc:
            raise BadDatabaseError(
                _("database unreachable: {error}").format(error=str(exc).strip().splitlines()[0])
            ) from None
        with write_transaction(source):
            # The source's log says where its rows went (the copy has them all, not this line).
            audit.record(CLI.name, "copy-db", label, f"{report.rows} rows")
    for line in report.lines():
        print(line)
    log.info("copy-db: %d rows to %s", report.rows, label)
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.permissions import CLI
    from cafepol_tui.services.upkeep import purge_everywhere

    with connected(settings):
        report = purge_everywhere(settings, args.as_of, actor=CLI, dry_run=args.dry_run)
    database = report.database
    if report.dry_run:
        print(_("dry run: nothing changed"))
        anonymised = _(
            "would anonymise {registrations} registration(s) and {contacts} concern "
            "contact(s) older than {days} days (meetings ended before {cutoff})"
        )
        erased = _("would erase the citizen's text of {n} finished concern(s)")
    else:
        anonymised = _(
            "anonymised {registrations} registration(s) and {contacts} concern contact(s) "
            "older than {days} days (meetings ended before {cutoff})"
        )
        erased = _("erased the citizen's text of {n} finished concern(s)")
    print(
        anonymised.format(
            registrations=database.registrations,
            contacts=database.concern_contacts,
            days=settings.retention_days,
            cutoff=database.cutoff.date().isoformat(),
        )
    )
    print(erased.format(n=database.concern_texts))
    if database.outbox:
        print(
            (_("would blank {n} delivered message(s)") if report.dry_run
             else _("blanked {n} delivered message(s)")).format(n=database.outbox)
        )
    if database.topics_waiting:
        print(
            _("kept {n} registration(s) whose topic raised in advance waits for a decision "
              "(a concern, or dismissed with a reason)").format(n=database.topics_waiting)
        )
    changed = report.copies_changed
    print(
        (_("copies: {n} checked, {changed} to purge") if report.dry_run
         else _("copies: {n} checked, {changed} purged")).format(
            n=len(report.copies), changed=len(changed)
        )
    )
    if report.dry_run:
        for outcome in changed:
            print(_("would purge {path}").format(path=outcome.path))
    for outcome in report.copy_errors:
        print(_("can't purge {error}").format(error=outcome.error), file=sys.stderr)
    print(
        (_("documents: {n} expired to delete") if report.dry_run
         else _("documents: {n} expired deleted")).format(n=len(report.documents))
    )
    if report.dry_run:
        for path in report.documents:
            print(_("would delete {path}").format(path=path))
    for error in report.document_errors:
        print(_("can't delete {error}").format(error=error), file=sys.stderr)
    log.info(
        "purge%s: %d registration(s), %d concern contact(s), %d concern text(s); "
        "%d of %d copies, %d document(s)",
        " (dry run)" if report.dry_run else "", database.registrations,
        database.concern_contacts, database.concern_texts, len(changed), len(report.copies),
        len(report.documents),
    )
    # 1: done, but a copy or a document could not be purged (the kiosk retries every 10 min).
    return 0 if report.complete else 1


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.stats import compute, format_text

    with connected(settings):
        stats = compute(months=args.months)
    if args.json:
        print(json.dumps(stats.as_json(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(stats))
    return 0


def cmd_doctor(
    args: argparse.Namespace, settings: Settings, config_error: str | None = None
) -> int:
    from cafepol_tui.services.doctor import exit_code, run_checks

    config = Path(args.config).expanduser() if args.config else None
    checks = run_checks(settings, config_path=config, config_error=config_error)
    for check in checks:
        print(check.line)
        if check.status != "OK":
            log.warning("doctor: %s %s: %s", check.status, check.name, check.detail)
    return exit_code(checks)


def doctor_without_settings(args: argparse.Namespace, error: SettingsError) -> int:
    """The config is broken: report it as the first failed check and run the rest on defaults."""
    fallback = Settings(database_url=args.db or os.environ.get("CAFEPOL_DB", ""))
    start_logging(fallback, args.verbose, "doctor")
    return cmd_doctor(args, fallback, config_error=one_line(str(error)))
