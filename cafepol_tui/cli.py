"""Command line: parse, load settings once, open the database, dispatch.

The UI (Textual) and the PDF code are imported only by the commands that need them.
Any bad input is one line on stderr and exit status 2; nothing is half-done.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

import peewee

from cafepol_tui.db.database import DatabaseConfigError, open_database, sqlite_file
from cafepol_tui.documents import names
from cafepol_tui.i18n import current_language, language, set_language, translator
from cafepol_tui.safe_input import has_unsafe_chars, is_valid_utf8, one_line, path_problem, shown
from cafepol_tui.settings import Settings, SettingsError, load_settings

_ = translator("messages")

EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 70  # a bug: logged with its traceback; systemd restarts the kiosk

log = logging.getLogger("cafepol.cli")
# Until setup_logging runs (or when the config can't be read), log lines go nowhere rather
# than to Python's last-resort stderr handler: stderr carries one line per error, no more.
logging.getLogger("cafepol").addHandler(logging.NullHandler())


class CliError(Exception):
    """A problem to report in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse echoes the arguments it did not understand as they were typed.
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {one_line(message)}\n")


# --- argument types: every check of one value, shared by the commands ---------------------

ID_MAX = 2**31 - 1  # a PostgreSQL integer column; SQLite raises OverflowError past 2**63
ARGUMENT_MAX = 10_000  # characters in one argument: more than any field stores


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse `type=`: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        value = int(text)  # ValueError: argparse says « invalid int value: '…' »
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("{value} is out of range: give a whole number from {low} to {high}").format(
                    value=shown(text, 40), low=low, high=high
                )
            )
        return value

    parse.__name__ = "int"
    return parse


def path_arg(text: str) -> str:
    """An argparse `type=` for a file name: not empty, no NUL, names of at most 255 bytes."""
    problem = path_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def database_arg(text: str) -> str:
    """`--db`: an empty value would silently mean the default database."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            _("empty: give a database file or URL, or leave --db out for the default database")
        )
    return text


def name_arg(limit: int) -> Callable[[str], str]:
    """A short name that is stored and shown (a staff account): printable, `limit` at most."""

    def parse(text: str) -> str:
        if has_unsafe_chars(text):
            raise argparse.ArgumentTypeError(
                _("{value} contains control characters").format(value=shown(text, 40))
            )
        if len(" ".join(text.split())) > limit:
            raise argparse.ArgumentTypeError(
                _("too long ({length} characters, {max} at most)").format(length=len(text), max=limit)
            )
        return text

    parse.__name__ = "name"
    return parse


def build_parser() -> Parser:
    parser = Parser(prog="cafepol", description="CaféPol kiosk and tools.")
    parser.add_argument(
        "--db", type=database_arg, help="database file path or URL (sqlite:///…, postgresql://…)"
    )
    parser.add_argument("--config", type=path_arg, help="TOML config file")
    parser.add_argument("--lang", choices=["fr", "nl", "de", "en"], help="language")
    parser.add_argument("--demo", action="store_true", help="seed the demo zone, then start")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug log, echoed on stderr")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    run = sub.add_parser("run", help="start the kiosk (default)")
    run.add_argument("--demo", action="store_true", dest="run_demo", help="seed demo data first")

    seed = sub.add_parser("seed", help="fill the database with demo data")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo zone")
    seed.add_argument(
        "--meetings", type=bounded_int(1, 100_000), help="large data set: this many meetings"
    )
    seed.add_argument(
        "--registrations", type=bounded_int(0, 1_000_000), help="large data set: this many sign-ups"
    )

    meetings = sub.add_parser("meetings", help="list upcoming meetings")
    meetings.add_argument("--json", action="store_true")
    meetings.add_argument("--commune")

    register = sub.add_parser("register", help="sign someone up")
    register.add_argument("meeting_id", type=bounded_int(1, ID_MAX), metavar="MEETING_ID")
    register.add_argument("--name", required=True)
    register.add_argument("--people", type=bounded_int(1, 45), default=1)
    register.add_argument("--phone", default="")
    register.add_argument("--email", default="")
    register.add_argument("--topic", default="")
    register.add_argument("--consent", action="store_true")
    register.add_argument("--channel", choices=["kiosk", "counter", "phone"], default="counter")

    cancel = sub.add_parser("cancel", help="cancel a registration by its reference code")
    cancel.add_argument("code", metavar="CODE")

    export = sub.add_parser("export", help="export data")
    export.add_argument("format", choices=["json", "csv", "ics"])
    export.add_argument("--out", type=path_arg, help="output file (default: standard output)")
    export.add_argument(
        "--table",
        choices=["registrations", "concerns"],
        default="registrations",
        help="csv only: which table (default: registrations)",
    )

    set_pin = sub.add_parser("set-pin", help="set a staff PIN (read twice from the terminal)")
    set_pin.add_argument(
        "--name", type=name_arg(80), default="admin", help="staff account name (default: admin)"
    )
    set_pin.add_argument("--role", choices=["counter", "officer", "admin"], default="admin")

    unlock = sub.add_parser("unlock-pins", help="lift the lock of kiosks' PIN gates (audited)")
    unlock.add_argument("--kiosk", metavar="ID", help="this kiosk only (default: every kiosk)")

    backup = sub.add_parser("backup", help="copy the SQLite database safely, verify it, rotate")
    backup.add_argument(
        "--out", type=path_arg, help="file or folder for this copy (default: the backup folder)"
    )
    backup.add_argument(
        "--if-due",
        action="store_true",
        help="only if the last copy is older than backup.interval_h",
    )

    restore = sub.add_parser("restore", help="put a backup back (the current database is kept)")
    restore.add_argument("file", type=path_arg, metavar="FILE")

    sub.add_parser("migrate", help="upgrade the database schema now (also done at start)")

    copy_db = sub.add_parser("copy-db", help="copy this database (ids kept) to another one")
    copy_db.add_argument("--to", required=True, metavar="URL", help="target: postgresql://… or file")
    copy_db.add_argument("--force", action="store_true", help="replace the target's rows if any")

    serve = sub.add_parser("serve", help="serve the kiosk to a web browser (textual-serve)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    serve.add_argument("--public-url", help="URL the browser reaches, if behind a proxy")

    sub.add_parser("doctor", help="check the installation: exit 0 OK, 1 warning, 2 failure")

    stats = sub.add_parser("stats", help="meetings per commune, attendance, concerns")
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--months", type=int, default=6, help="calendar months shown (default 6)")

    purge = sub.add_parser("purge", help="anonymise personal data past the retention period")
    purge.add_argument(
        "--as-of", metavar="DATE", help="YYYY-MM-DD, today at the latest: purge as if on that day"
    )
    purge.add_argument(
        "--dry-run", action="store_true", help="say what would be anonymised and deleted, change nothing"
    )

    flyer = sub.add_parser("flyer", help="PDF flyer for one meeting (QR code to its event page)")
    flyer.add_argument("meeting_id", type=bounded_int(1, ID_MAX), metavar="MEETING_ID")
    flyer.add_argument("--layout", choices=["a5", "a4-2up", "a4-4up"], default="a5")
    flyer.add_argument("--copies", type=int, default=1, help="flyers wanted (fills whole pages)")
    _pdf_options(flyer)

    programme = sub.add_parser("programme", help="A4 poster of a month's meetings")
    programme.add_argument("--month", required=True, metavar="YYYY-MM")
    programme.add_argument("--commune", help="one commune (default: the whole zone)")
    _pdf_options(programme)

    slip = sub.add_parser("slip", help="confirmation slip for a registration")
    slip.add_argument("reference", metavar="REFERENCE")
    slip.add_argument("--format", choices=["a6", "receipt"], help="default: documents.slip_format")
    _pdf_options(slip)

    attendance = sub.add_parser("attendance", help="attendance sheet for the officer")
    attendance.add_argument("meeting_id", type=bounded_int(1, ID_MAX), metavar="MEETING_ID")
    _pdf_options(attendance)
    return parser


def _pdf_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", type=path_arg, metavar="FILE", help="write the PDF here")
    command.add_argument(
        "--print", action="store_true", help="send it to the configured CUPS printer (lp)"
    )


# --- commands ---------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.db.database import DatabaseUnreachableError, attach_database

    try:
        db, schema_ready = open_database(settings.resolved_database_url), True
    except DatabaseUnreachableError as exc:  # the kiosk waits on its outage screen, retrying
        log.warning("%s: the kiosk starts on its outage screen", exc)
        db, schema_ready = attach_database(settings.resolved_database_url), False
    if schema_ready and (args.demo or getattr(args, "run_demo", False)):
        _seed_demo(db)
    from cafepol_tui.services.backup import BackupScheduler
    from cafepol_tui.ui.app import make_app

    # The retention purge and the daily copy run in a thread a minute after start, then every
    # ten minutes: the first screen waits for neither.
    scheduler = BackupScheduler(settings, before_each=lambda: _purge(db, settings)).start()
    app = make_app(settings, db, schema_ready=schema_ready)
    # Everything loaded so far lives as long as the kiosk: out of the collector's way (see
    # __main__), which works as usual from here on.
    gc.freeze()
    gc.enable()
    try:
        app.run()
    finally:
        scheduler.stop()
    if app.return_code:  # Textual gave up on an unhandled error: let systemd restart us
        log.error("the kiosk stopped on an error (exit status %d)", app.return_code)
    return app.return_code or 0


def _seed_demo(db: peewee.Database) -> None:
    from cafepol_tui.services.demo import seed_demo

    with db.connection_context():
        seed_demo()


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.demo import seed_bulk, seed_demo

    if (args.meetings is None) != (args.registrations is None):
        raise CliError(_("--meetings and --registrations go together"))
    if args.meetings is not None and (args.meetings < 1 or args.registrations < 0):
        raise CliError(_("--meetings must be at least 1 and --registrations at least 0"))
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        if args.meetings is not None:
            report = seed_bulk(args.meetings, args.registrations)
        else:
            report = seed_demo()
    if report.created:
        print(
            _("seeded {meetings} meetings and {registrations} registrations").format(
                meetings=report.meetings, registrations=report.registrations
            )
        )
    else:
        print(_("demo data already present: nothing added"))
    return 0


def cmd_meetings(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.formatting import format_when
    from cafepol_tui.services.meetings import find_commune, list_upcoming, meeting_as_json

    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        if args.commune:
            find_commune(args.commune)
        rows = list_upcoming(commune=args.commune)
    if args.json:
        print(json.dumps([meeting_as_json(m) for m in rows], ensure_ascii=False, indent=2))
        return 0
    for m in rows:
        if m.is_cancelled:
            seats = _("annulée")
        elif m.is_full:
            seats = _("complet")
        else:
            seats = _.plural("{n} place", "{n} places", m.seats_left).format(n=m.seats_left)
        print(f"{m.id:>5}  {format_when(m.starts_at):<36}  "
              f"{m.commune:<15} {m.place}  [{seats}]")
    return 0


def cmd_register(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm

    db = open_database(settings.resolved_database_url)
    form = SignupForm(
        name=args.name, people=args.people, phone=args.phone, email=args.email,
        topic=args.topic, consent=args.consent,
    )
    with db.connection_context():
        result = register(
            args.meeting_id, form,
            max_party=settings.kiosk.max_party_size,
            topic_max=settings.kiosk.topic_max_length,
            channel=args.channel,
        )
    # Reference, meeting and status only: never the name, phone or e-mail.
    log.info(
        "registration %s for meeting %d: %s (%d people, %s)",
        result.reference,
        result.meeting_id,
        result.status,
        result.people,
        args.channel,
    )
    # The first two words (reference, status: confirmed/waitlisted) are for scripts: never
    # translated. Only the waiting-list position after them is.
    suffix = (
        " " + _("(position {rank})").format(rank=result.waitlist_rank)
        if result.waitlist_rank
        else ""
    )
    print(f"{result.reference} {result.status}{suffix}")
    return 0


def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.registrations import cancel

    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        result = cancel(args.code)
    # « REFERENCE cancelled », « REFERENCE confirmed »: stable words for scripts.
    print(f"{result.reference} cancelled")
    for code in result.promoted:
        print(f"{code} confirmed " + _("(moved up from the waiting list)"))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.exports import (
        concerns_csv,
        export_data,
        registrations_csv,
        to_json,
    )
    from cafepol_tui.services import audit

    db = open_database(settings.resolved_database_url)
    if args.format == "ics":
        text = _ics_text(settings)
    else:
        with db.connection_context():
            data = export_data()
        if args.format == "json":
            text = to_json(data)
        elif args.table == "concerns":
            text = concerns_csv(data)
        else:
            text = registrations_csv(data)
    write_output(text, args.out)
    with db.connection_context(), db.atomic():
        what = args.format if args.format != "csv" else f"csv {args.table}"
        audit.record("cli", "export", args.out or "stdout", what)
    return 0


def _ics_text(settings: Settings) -> str:
    from cafepol_tui.db.models import utcnow
    from cafepol_tui.documents.ics import meetings_ics
    from cafepol_tui.services.meetings import get_meeting, list_upcoming

    with open_database(settings.resolved_database_url).connection_context():
        meetings = [get_meeting(m.id) for m in list_upcoming(include_cancelled=False)]
    # CRLF line ends are part of the format: write_output keeps them (newline="").
    return meetings_ics(meetings, zone_name=settings.zone_name, now=utcnow()).decode("utf-8")


EARLIEST_AS_OF = date(2000, 1, 1)


def _parse_as_of(raw: str):  # type: ignore[no-untyped-def]
    from datetime import date, datetime, time

    from cafepol_tui.services.formatting import BRUSSELS

    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise CliError(_("--as-of: '{value}' is not a date (use YYYY-MM-DD)").format(value=shown(raw))) from None
    if day < EARLIEST_AS_OF:  # the retention period before it would fall off the calendar
        raise CliError(
            _("--as-of: {day} is too far back ({earliest} at the earliest)").format(
                day=day.isoformat(), earliest=EARLIEST_AS_OF.isoformat()
            )
        )
    # The end of that day in Brussels: "as of the 30th" includes the whole 30th.
    return datetime.combine(day, time(23, 59, 59), BRUSSELS)


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.db.models import utcnow
    from cafepol_tui.services.formatting import local
    from cafepol_tui.services.upkeep import purge_everywhere

    as_of = _parse_as_of(args.as_of) if args.as_of else None
    if as_of is not None and as_of.date() > local(utcnow()).date():
        # A day to come would anonymise the sign-ups of meetings not yet held (or not yet
        # past their retention): those people could no longer be warned.
        raise CliError(
            _("--as-of: {day} is after today: nothing changed").format(day=as_of.date().isoformat())
        )
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        report = purge_everywhere(settings, as_of, actor="cli", dry_run=args.dry_run)
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


def _purge(db: peewee.Database, settings: Settings) -> None:
    """The running kiosk's upkeep: the database, its copies and the documents."""
    from cafepol_tui.services.upkeep import purge_everywhere

    with db.connection_context():
        report = purge_everywhere(settings, None, actor="system", audit_empty=False)
    database = report.database
    if database.changed or report.copies_changed or report.documents:
        log.info(
            "retention: anonymised %d registration(s), %d concern contact(s), %d concern "
            "text(s); %d copies purged, %d document(s) deleted",
            database.registrations, database.concern_contacts, database.concern_texts,
            len(report.copies_changed), len(report.documents),
        )


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.stats import compute, format_text

    if not 1 <= args.months <= 36:
        raise CliError(_("--months must be between 1 and 36"))
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        stats = compute(months=args.months)
    if args.json:
        print(json.dumps(stats.as_json(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(stats))
    return 0


def write_output(text: str, out: str | None) -> None:
    if not out:
        sys.stdout.write(text)
        return
    path = Path(out).expanduser()
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(
            _("can't write {path}: {error}").format(path=shown(path), error=exc.strerror)
        ) from None
    print(_("written {path}").format(path=shown(path)), file=sys.stderr)


def cmd_set_pin(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.staff import check_pin_format, set_pin

    if sys.stdin.isatty():
        pin = getpass.getpass(_("New PIN (4-12 digits): "))
        check_pin_format(pin)
        if getpass.getpass(_("Again: ")) != pin:
            raise CliError(_("the two PINs differ: nothing changed"))
    else:
        pin = sys.stdin.readline().strip()
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        user = set_pin(args.name, pin, args.role)
    print(_("PIN set for {name} ({role})").format(name=user.name, role=user.role))
    return 0


def cmd_unlock_pins(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.staff import unlock_pins
    from cafepol_tui.services.validation import has_control_chars

    kiosk = None
    if args.kiosk is not None:
        kiosk = args.kiosk.strip()
        if not kiosk or len(kiosk) > 64 or has_control_chars(kiosk):
            raise CliError(_("--kiosk: give the id of a kiosk (at most 64 characters)"))
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        unlocked = unlock_pins(kiosk, actor="cli")
    for gate in unlocked:
        if gate.kiosk_id:
            print(_("PIN gate unlocked: kiosk {kiosk}").format(kiosk=gate.kiosk_id))
        else:
            print(_("PIN gate unlocked: kiosks running a cafepol older than schema 3"))
    if not unlocked:
        if kiosk is None:
            print(_("no PIN gate was locked: nothing to do"))
        else:
            print(_("the PIN gate of kiosk {kiosk} was not locked: nothing to do").format(
                kiosk=kiosk))
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.backup import BackupError, backup, is_backup_due

    try:
        if args.if_due and not is_backup_due(settings):
            print(_("backup not due yet: nothing done"))
            return 0
        report = backup(settings, args.out)
    except BackupError as exc:
        raise CliError(str(exc)) from None
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

    try:
        report = restore(settings, args.file)
    except BackupError as exc:
        raise CliError(str(exc)) from None
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

    db = open_database(settings.resolved_database_url, create=False)
    try:
        with db.connection_context():
            report = upgrade(db)
    except peewee.OperationalError:
        raise
    except peewee.DatabaseError as exc:
        raise CliError(str(exc).splitlines()[0]) from None
    log.info("migrate: %s", report.summary())
    print(report.summary())
    return 0


def cmd_copy_db(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.db.database import make_database
    from cafepol_tui.services.copy_db import CopyError, copy_database, redact

    source_url = settings.resolved_database_url
    if args.to.strip() == source_url.strip():
        raise CliError(_("--to names the database being copied: give another one"))
    source = open_database(source_url)
    target = make_database(args.to)
    label = redact(args.to)
    try:
        with source.connection_context(), target.connection_context():
            report = copy_database(source, target, target_label=label, force=args.force)
    except CopyError as exc:
        raise CliError(str(exc)) from None
    except peewee.OperationalError as exc:
        raise CliError(
            _("database unreachable: {error}").format(error=str(exc).strip().splitlines()[0])
        ) from None
    for line in report.lines():
        print(line)
    log.info("copy-db: %d rows to %s", report.rows, label)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.serve import ServeError, serve

    try:
        serve(args, settings)
    except ServeError as exc:
        raise CliError(str(exc)) from None
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


def _doctor_without_settings(args: argparse.Namespace, error: SettingsError) -> int:
    """The config is broken: report it as the first failed check and run the rest on defaults."""
    import os

    fallback = Settings(database_url=args.db or os.environ.get("CAFEPOL_DB", ""))
    _start_logging(fallback, args, "doctor")
    return cmd_doctor(args, fallback, config_error=one_line(str(error)))


def _start_logging(settings: Settings, args: argparse.Namespace, command: str) -> None:
    from cafepol_tui import __version__
    from cafepol_tui.logging_setup import setup_logging

    # The kiosk owns the screen: never echo the log on it, even with --verbose.
    setup_logging(settings, verbose=args.verbose, console=args.verbose and command != "run")
    log.info("cafepol %s: '%s' started", __version__, command)


# --- PDF documents (fpdf2 is imported here only; never Textual) ----------------------------

EXIT_PRINT_FAILED = 1  # the PDF is kept and its path shown, but the printer didn't take it


def _check_out(out: str | None, *, folder_ok: bool = False) -> Path | None:
    """Refuse an unwritable --out before any work is done."""
    if not out:
        return None
    path = Path(out).expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            if folder_ok:
                return path
            raise CliError(_("can't write {path}: it is a folder").format(path=shown(path)))
        if not parent.is_dir():
            raise CliError(
                _("can't write {path}: folder {folder} does not exist").format(
                    path=shown(path), folder=shown(parent)
                )
            )
        writable = os.access(parent, os.W_OK) and (
            not path.exists() or os.access(path, os.W_OK)
        )
    except OSError as exc:
        raise CliError(
            _("can't write {path}: {error}").format(path=shown(path), error=exc.strerror)
        ) from None
    if not writable:
        raise CliError(_("can't write {path}: permission denied").format(path=shown(path)))
    return path


def _emit_pdf(
    pdf: bytes, name: str, args: argparse.Namespace, settings: Settings, out: Path | None,
    copies: int | None = None,
) -> int:
    from cafepol_tui.documents.printing import deliver

    if out is not None:
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise CliError(
                _("can't write {path}: {error}").format(path=shown(out), error=exc.strerror)
            ) from None
        print(_("written {path}").format(path=shown(out)), file=sys.stderr)
        if not args.print:
            return 0
    outcome = deliver(pdf, name, settings, print_=args.print, copies=copies)
    print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
    log.info("document %s: %s", name, outcome.message)
    return 0 if outcome.ok else EXIT_PRINT_FAILED


def cmd_flyer(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.flyer import render_flyer
    from cafepol_tui.services.meetings import get_meeting

    if not 1 <= args.copies <= 10_000:
        raise CliError(_("--copies must be between 1 and 10000"))
    out = _check_out(args.out)
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        meeting = get_meeting(args.meeting_id)
    pdf = render_flyer(meeting, settings, args.layout, args.copies, lang=settings.language)
    name = names.flyer_name(meeting.id, args.layout)
    return _emit_pdf(pdf, name, args, settings, out, copies=1)


def cmd_programme(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.programme import (
        MonthError,
        parse_month,
        programme_meetings,
        render_programme,
    )
    from cafepol_tui.services.meetings import find_commune

    try:
        month = parse_month(args.month)
    except MonthError as exc:
        raise CliError(str(exc)) from None
    out = _check_out(args.out)
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        commune = find_commune(args.commune).name if args.commune else None
        meetings = programme_meetings(month, commune)
    pdf = render_programme(meetings, settings, month, commune, lang=settings.language)
    return _emit_pdf(pdf, names.programme_name(month, commune), args, settings, out)


def cmd_slip(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.slip import render_slip
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.services.registrations import get_registration

    out = _check_out(args.out)
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        registration = get_registration(args.reference)
        meeting = get_meeting(registration.meeting_id)
    pdf = render_slip(registration, meeting, settings, args.format, lang=settings.language)
    return _emit_pdf(pdf, names.slip_name(registration.reference), args, settings, out)


def cmd_attendance(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.attendance import render_attendance
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.services.registrations import list_for_meeting

    out = _check_out(args.out)
    db = open_database(settings.resolved_database_url)
    with db.connection_context():
        meeting = get_meeting(args.meeting_id)
        registrations = list_for_meeting(meeting.id)
    pdf = render_attendance(meeting, registrations, settings, lang=settings.language)
    return _emit_pdf(pdf, names.attendance_name(meeting.id), args, settings, out)


# --- checks before any command: what it opens and what it overwrites ----------------------

# Commands that may create a new SQLite database file (in a folder that exists). The others
# refuse a missing file rather than leave an empty database where a path was mistyped.
CREATES_DATABASE = frozenset({"run", "seed", "set-pin", "serve"})
# Commands that check the database in their own words: doctor reports it as a check, backup
# says there is nothing to back up, restore may put a backup where there is none yet.
OWN_DATABASE_CHECK = frozenset({"doctor", "backup", "restore"})
PDF_COMMANDS = frozenset({"flyer", "programme", "slip", "attendance"})
SQLITE_HEADER = b"SQLite format 3\x00"


def _preflight(command: str, args: argparse.Namespace, settings: Settings) -> None:
    """Refuse, before anything is opened or written, a database that can't be the right one
    and an --out that would destroy something."""
    if command not in OWN_DATABASE_CHECK:
        _check_database(command, settings)
    if command == "copy-db":
        _check_copy_target(args.to, settings)
    out = getattr(args, "out", None)
    if out:
        _check_output(command, args, out, settings)


def _check_database(command: str, settings: Settings) -> None:
    path = sqlite_file(settings.resolved_database_url)  # a URL that can't work: refused here
    if path is None:  # PostgreSQL (checked when connecting) or in memory
        return
    where = shown(path)
    try:
        mode: int | None = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:  # a file where a folder should be, no permission…
        raise CliError(
            _("can't use the database {path}: {error}").format(path=where, error=exc.strerror)
        ) from None
    if mode is not None:
        if not stat.S_ISREG(mode):
            raise CliError(_("the database {path} is not a file").format(path=where))
        return
    if command not in CREATES_DATABASE:
        raise CliError(
            _(
                "no database at {path} (check --db; `cafepol seed --demo` or starting the "
                "kiosk creates one)"
            ).format(path=where)
        )
    folder = path.parent
    if not settings.database_url:  # the default place in the user's data folder: ours to make
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise CliError(
                _("can't create the folder {folder}: {error}").format(
                    folder=shown(folder), error=exc.strerror
                )
            ) from None
        return
    _check_new_database_folder(path)


def _head(path: Path, size: int, refusal: str) -> bytes:
    """The first `size` bytes of `path`; `refusal` (with {path} and {error}) if unreadable."""
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError as exc:
        raise CliError(refusal.format(path=shown(path), error=exc.strerror)) from None


def _check_new_database_folder(path: Path) -> None:
    folder = path.parent
    try:
        ready = folder.is_dir() and os.access(folder, os.W_OK)
    except OSError:
        ready = False
    if not ready:
        raise CliError(
            _(
                "can't create the database {path}: folder {folder} does not exist or is not "
                "writable"
            ).format(path=shown(path), folder=shown(folder))
        )


def _check_copy_target(to: str, settings: Settings) -> None:
    """copy-db --to: a new file in a folder that exists, or a SQLite database (never the one
    being copied, under another spelling)."""
    path = sqlite_file(to)
    if path is None:
        return
    if any(_is_same_file(path, db_file) for db_file in _database_files(settings)):
        raise CliError(_("--to names the database being copied: give another one"))
    where = shown(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        _check_new_database_folder(path)
        return
    except OSError as exc:
        raise CliError(
            _("can't use the database {path}: {error}").format(path=where, error=exc.strerror)
        ) from None
    if not stat.S_ISREG(mode):
        raise CliError(_("the database {path} is not a file").format(path=where))
    head = _head(path, len(SQLITE_HEADER), _("can't use the database {path}: {error}"))
    if head and head != SQLITE_HEADER:
        raise CliError(
            _("{path} exists and is not a SQLite database: it is not overwritten").format(
                path=where
            )
        )


def _database_files(settings: Settings) -> list[Path]:
    try:
        path = sqlite_file(settings.resolved_database_url)
    except DatabaseConfigError:
        return []
    if path is None:
        return []
    return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]


def _is_same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b) or (
            a.exists() and b.exists() and os.path.samefile(a, b)
        )
    except OSError:
        return False


def _export_signature(args: argparse.Namespace) -> bytes:
    """How a previous export in the same format begins."""
    if args.format == "json":
        return b"{"
    if args.format == "ics":
        return b"BEGIN:VCALENDAR"
    from cafepol_tui.services.contracts import CONCERN_COLUMNS, REGISTRATION_COLUMNS

    columns = CONCERN_COLUMNS if args.table == "concerns" else REGISTRATION_COLUMNS
    return "\ufeff".encode() + ",".join(columns).encode("utf-8")


def _check_output(command: str, args: argparse.Namespace, out: str, settings: Settings) -> None:
    """--out never names the database, a missing or read-only folder, or an existing file of
    another kind: PDF commands overwrite only a PDF, export only a previous export in the
    same format, backup only a SQLite file (or picks a new name in a folder)."""
    path = _check_out(out, folder_ok=command == "backup")
    assert path is not None
    where = shown(path)
    if any(_is_same_file(path, db_file) for db_file in _database_files(settings)):
        raise CliError(
            _("--out {path} is the database (or one of its files): give another file").format(
                path=where
            )
        )
    try:
        mode = path.stat().st_mode
    except OSError:  # not there yet: nothing to lose
        return
    if stat.S_ISDIR(mode):  # backup: a new name inside
        return
    # PDFs and exports are written into /dev/stdout or a pipe, which keep nothing to lose; a
    # backup replaces the path it is given (a device node included): never anything but a file.
    if command != "backup" and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return
    if not stat.S_ISREG(mode):
        raise CliError(_("can't write {path}: not a regular file").format(path=where))
    if command in PDF_COMMANDS:
        expected, kind = b"%PDF-", _("a PDF")
    elif command == "export":
        expected, kind = _export_signature(args), _("a previous {format} export").format(
            format=args.format if args.format != "csv" else f"CSV {args.table}"
        )
    elif command == "backup":
        expected, kind = SQLITE_HEADER, _("a SQLite backup")
    else:
        return
    head = _head(path, len(expected), _("can't write {path}: {error}"))
    if head and head != expected:  # an empty file has nothing to lose
        raise CliError(
            _(
                "{path} exists and is not {kind}: it is not overwritten (give a new file "
                "name, or remove it first)"
            ).format(path=where, kind=kind)
        )


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "run": cmd_run,
    "seed": cmd_seed,
    "meetings": cmd_meetings,
    "register": cmd_register,
    "cancel": cmd_cancel,
    "export": cmd_export,
    "set-pin": cmd_set_pin,
    "unlock-pins": cmd_unlock_pins,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "migrate": cmd_migrate,
    "copy-db": cmd_copy_db,
    "serve": cmd_serve,
    "doctor": cmd_doctor,
    "stats": cmd_stats,
    "purge": cmd_purge,
    "flyer": cmd_flyer,
    "programme": cmd_programme,
    "slip": cmd_slip,
    "attendance": cmd_attendance,
}


def _flag_for(field: str) -> str:
    return {"people": "--people", "phone": "--phone", "email": "--email", "topic": "--topic",
            "name": "--name", "consent": "--consent"}.get(field, field)


# The kiosk (and what serves it) sets its own process-wide language and lets citizens change
# it: a block-local `language()` there would hide their choice.
KIOSK_COMMANDS = {"run", "serve"}


def _argv_problem(argv: Sequence[str]) -> str | None:
    """Arguments no command can take: bytes that are not UTF-8 (they can't be stored, logged or
    shown), or longer than anything is stored."""
    for number, arg in enumerate(argv, 1):
        if not is_valid_utf8(arg):
            return _("argument {number} is not valid UTF-8 text: {value}").format(
                number=number, value=shown(arg, 60)
            )
        if len(arg) > ARGUMENT_MAX:
            return _("argument {number} is too long ({length} characters, {max} at most)").format(
                number=number, length=len(arg), max=ARGUMENT_MAX
            )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    with language(_early_language(arguments)):
        problem = _argv_problem(arguments)
    if problem:
        print(f"cafepol: {one_line(problem)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, or a usage error already printed in one line
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    command = args.command or "run"
    # Until the config is read, --lang (or the current language) speaks for it.
    with language(args.lang or current_language()):
        try:
            settings = load_settings(args.config, database_url=args.db, language=args.lang)
        except SettingsError as exc:
            if command == "doctor":
                return _doctor_without_settings(args, exc)
            return _refuse(command, str(exc))
    if command in KIOSK_COMMANDS:
        set_language(settings.language)
        return _dispatch(command, args, settings)
    # --lang, else the config's language, for everything the command says or prints.
    with language(settings.language):
        return _dispatch(command, args, settings)


LANGUAGES = ("fr", "nl", "de", "en")


def _early_language(arguments: Sequence[str]) -> str:
    """The language to refuse the arguments in, before they are parsed: --lang, else
    $CAFEPOL_LANG, else the current one."""
    for i, arg in enumerate(arguments):
        if arg.startswith("--lang="):
            wanted = arg.partition("=")[2]
        elif arg == "--lang" and i + 1 < len(arguments):
            wanted = arguments[i + 1]
        else:
            continue
        if wanted in LANGUAGES:
            return wanted
    wanted = os.environ.get("CAFEPOL_LANG", "")
    return wanted if wanted in LANGUAGES else current_language()


def _refuse(command: str, error: str) -> int:
    error = one_line(error)  # services echo what was typed: one safe line, whatever it held
    log.warning("'%s' refused: %s", command, error)
    print(f"cafepol: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _dispatch(command: str, args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.validation import NotFoundError, RefusedError, ValidationError

    try:
        _start_logging(settings, args, command)
        _preflight(command, args, settings)
        status = COMMANDS[command](args, settings)
        log.info("'%s' finished, exit status %d", command, status)
        return status
    except SettingsError as exc:
        error = str(exc)
    except ValidationError as exc:
        field, message = next(iter(exc.errors.items()))
        error = f"{_flag_for(field)}: {message}"
    except (CliError, DatabaseConfigError, NotFoundError, RefusedError) as exc:
        error = str(exc)
    except peewee.OperationalError as exc:
        detail = str(exc).splitlines()[0] if str(exc) else repr(exc)
        error = _("database unreachable: {error}").format(error=detail)
    except KeyboardInterrupt:
        error = _("interrupted")
    except BrokenPipeError:  # e.g. `cafepol meetings | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file named on the command line that can't be read or written
        log.warning("'%s': %s", command, type(exc).__name__, exc_info=True)
        reason = exc.strerror or type(exc).__name__
        if exc.filename is not None:
            error = _("can't use {path}: {error}").format(path=shown(exc.filename), error=reason)
        else:
            error = _("system error: {error}").format(error=reason)
    except Exception as exc:
        from cafepol_tui.logging_setup import log_incident

        code = log_incident(exc, f"command '{command}'", log)
        print(
            "cafepol: "
            + _("unexpected error {code} ({kind}); the log file has the details").format(
                code=code, kind=type(exc).__name__
            ),
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
    return _refuse(command, error)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
