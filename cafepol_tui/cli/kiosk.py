"""The kiosk: `run` (the default command), `serve`, and its staff PINs (`set-pin`, `unlock-pins`).

Textual is imported by `run` only, when it starts the App.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import sys
from typing import Any

import peewee

from cafepol_tui.cli.common import (
    BadArgumentError,
    UserError,
    add_command,
    add_demo_option,
    connected,
    log,
    name_arg,
    refusing,
)
from cafepol_tui.db.open import open_database
from cafepol_tui.i18n import translator
from cafepol_tui.settings import Settings

_ = translator("messages")

KIOSK_ID_MAX = 64


def kiosk_id_arg(text: str) -> str:
    """`--kiosk`: the id a kiosk gives itself, trimmed."""
    from cafepol_tui.services.validation import has_control_chars

    kiosk = text.strip()
    if not kiosk or len(kiosk) > KIOSK_ID_MAX or has_control_chars(kiosk):
        raise BadArgumentError(_("--kiosk: give the id of a kiosk (at most 64 characters)"))
    return kiosk


def add_commands(subparsers: Any) -> None:
    run = add_command(
        subparsers, "run", _("start the kiosk (default)"), cmd_run, database="creates", kiosk=True
    )
    add_demo_option(run)

    serve = add_command(
        subparsers, "serve", _("serve the kiosk to a web browser (textual-serve)"), cmd_serve,
        database="creates", kiosk=True,
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default loopback)")
    )
    serve.add_argument("--port", type=int, default=8000, help=_("TCP port (default 8000)"))
    serve.add_argument("--public-url", help=_("URL the browser reaches, if behind a proxy"))

    set_pin = add_command(
        subparsers, "set-pin", _("set a staff PIN (read twice from the terminal)"), cmd_set_pin,
        database="creates",
    )
    set_pin.add_argument(
        "--name", type=name_arg(80), default="admin", help=_("staff account name (default: admin)")
    )
    set_pin.add_argument(
        "--role",
        choices=["counter", "officer", "admin"],
        default="admin",
        help=_("what the account may do (default: admin)"),
    )

    unlock = add_command(
        subparsers, "unlock-pins", _("lift the lock of kiosks' PIN gates (audited)"),
        cmd_unlock_pins,
    )
    unlock.add_argument(
        "--kiosk",
        type=kiosk_id_arg,
        metavar="ID",
        help=_("this kiosk only (default: every kiosk)"),
    )


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.db.engine import DatabaseUnreachableError
    from cafepol_tui.db.open import attach_database

    try:
        db, schema_ready = open_database(settings.resolved_database_url), True
    except DatabaseUnreachableError as exc:  # the kiosk waits on its outage screen, retrying
        log.warning("%s: the kiosk starts on its outage screen", exc)
        db, schema_ready = attach_database(settings.resolved_database_url), False
    if schema_ready and args.demo:
        from cafepol_tui.services.demo import seed_demo

        with db.connection_context():
            seed_demo()
    from cafepol_tui.services.upkeep import UpkeepScheduler
    from cafepol_tui.ui.app import make_app

    # The retention purge and the daily copy run in a thread a minute after start, then every
    # ten minutes: the first screen waits for neither.
    scheduler = UpkeepScheduler(
        settings,
        purge=lambda: kiosk_upkeep(db, settings),
        deliver=lambda: kiosk_delivery(db, settings),
    ).start()
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


def kiosk_delivery(db: peewee.Database, settings: Settings) -> None:
    """The running kiosk's outbox: reminders queued, e-mails and SMS sent (services.outbox)."""
    from cafepol_tui.delivery import deliver
    from cafepol_tui.services.zone import zone_settings

    with db.connection_context():
        report = deliver(zone_settings(settings))
    if report.sent or report.failed:
        log.info(
            "outbox: %d sent, %d to retry, %d failed",
            len(report.sent), len(report.retried), len(report.failed),
        )


def kiosk_upkeep(db: peewee.Database, settings: Settings) -> None:
    """The running kiosk's retention purge: the database, its copies and the documents."""
    from cafepol_tui.services.permissions import SYSTEM
    from cafepol_tui.services.upkeep import purge_everywhere

    with db.connection_context():
        report = purge_everywhere(settings, None, actor=SYSTEM, audit_empty=False)
    database = report.database
    if database.changed or report.copies_changed or report.documents:
        log.info(
            "retention: anonymised %d registration(s), %d concern contact(s), %d concern "
            "text(s); %d copies purged, %d document(s) deleted",
            database.registrations, database.concern_contacts, database.concern_texts,
            len(report.copies_changed), len(report.documents),
        )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.serve import ServeError, serve

    with refusing(ServeError):
        serve(
            settings,
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            config=args.config,
            lang=args.lang,
        )
    return 0


def cmd_set_pin(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.staff import check_pin_format, set_pin

    if sys.stdin.isatty():
        pin = getpass.getpass(_("New PIN (4-12 digits): "))
        check_pin_format(pin)
        if getpass.getpass(_("Again: ")) != pin:
            raise UserError(_("the two PINs differ: nothing changed"))
    else:
        pin = sys.stdin.readline().strip()
    with connected(settings):
        user = set_pin(args.name, pin, args.role)
    print(_("PIN set for {name} ({role})").format(name=user.name, role=user.role))
    return 0


def cmd_unlock_pins(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.permissions import CLI
    from cafepol_tui.services.staff import unlock_pins

    kiosk = args.kiosk
    with connected(settings):
        unlocked = unlock_pins(kiosk, actor=CLI)
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
