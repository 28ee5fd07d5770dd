"""Meetings and registrations: `seed`, `meetings`, `register`, `cancel`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cafepol_tui.cli.common import (
    ID_MAX,
    BadArgumentError,
    add_command,
    add_demo_option,
    bounded_int,
    connected,
    log,
)
from cafepol_tui.i18n import translator
from cafepol_tui.settings import Settings

_ = translator("messages")


def add_commands(subparsers: Any) -> None:
    seed = add_command(
        subparsers, "seed", _("fill the database with demo data"), cmd_seed, database="creates"
    )
    add_demo_option(seed, required=True)
    seed.add_argument(
        "--meetings", type=bounded_int(1, 100_000), help=_("large data set: this many meetings")
    )
    seed.add_argument(
        "--registrations",
        type=bounded_int(0, 1_000_000),
        help=_("large data set: this many sign-ups"),
    )

    meetings = add_command(subparsers, "meetings", _("list upcoming meetings"), cmd_meetings)
    meetings.add_argument("--json", action="store_true", help=_("print the list as JSON"))
    meetings.add_argument("--commune", help=_("one commune only (default: the whole zone)"))

    register = add_command(subparsers, "register", _("sign someone up"), cmd_register)
    register.add_argument(
        "meeting_id",
        type=bounded_int(1, ID_MAX),
        metavar="MEETING_ID",
        help=_("the meeting's id (see `cafepol meetings`)"),
    )
    register.add_argument(
        "--name", required=True, help=_("the name of the person signing up")
    )
    register.add_argument(
        "--people",
        type=bounded_int(1, 45),
        default=1,
        help=_("how many people come, this person included (default 1)"),
    )
    register.add_argument("--phone", default="", help=_("phone number (optional)"))
    register.add_argument("--email", default="", help=_("e-mail address (optional)"))
    register.add_argument(
        "--topic", default="", help=_("what they would like to talk about (optional)")
    )
    register.add_argument(
        "--consent",
        action="store_true",
        help=_("the person agrees that their details are kept for this meeting (required)"),
    )
    register.add_argument(
        "--channel",
        choices=["kiosk", "counter", "phone"],
        default="counter",
        help=_("where the sign-up was taken (default: counter)"),
    )

    cancel = add_command(
        subparsers, "cancel", _("cancel a registration by its reference code"), cmd_cancel
    )
    cancel.add_argument("code", metavar="CODE", help=_("the registration's reference code"))


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.demo import seed_bulk, seed_demo

    if (args.meetings is None) != (args.registrations is None):
        raise BadArgumentError(_("--meetings and --registrations go together"))
    with connected(settings):
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
    from cafepol_tui.services.meetings import (
        details_of,
        find_commune,
        list_upcoming,
        meeting_as_json,
    )

    with connected(settings):
        if args.commune:
            find_commune(args.commune)
        rows = list_upcoming(commune=args.commune)
        details = details_of(rows) if args.json else []
    if args.json:
        print(json.dumps([meeting_as_json(m) for m in details], ensure_ascii=False, indent=2))
        return 0
    for m in rows:
        if m.is_cancelled:
            seats = _("cancelled")
        elif m.is_full:
            seats = _("full")
        else:
            seats = _.plural("{n} seat", "{n} seats", m.seats_left).format(n=m.seats_left)
        print(f"{m.id:>5}  {format_when(m.starts_at):<36}  "
              f"{m.commune:<15} {m.place}  [{seats}]")
    return 0


def cmd_register(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services import audit
    from cafepol_tui.services.permissions import CLI
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.registrations_admin import STAFF_CHANNELS, add_on_behalf
    from cafepol_tui.services.validation import SignupForm

    with connected(settings) as db:
        form = SignupForm(
            name=args.name, people=args.people, phone=args.phone, email=args.email,
            topic=args.topic, consent=args.consent,
        )
        max_party, topic_max = settings.kiosk.max_party_size, settings.kiosk.topic_max_length
        if args.channel in STAFF_CHANNELS:  # audited under `cli`, as staff sign-ups are
            result = add_on_behalf(
                args.meeting_id, form, args.channel, CLI, max_party=max_party, topic_max=topic_max
            )
        else:
            result = register(
                args.meeting_id, form, max_party=max_party, topic_max=topic_max,
                channel=args.channel,
            )
            with db.atomic():
                audit.record(
                    CLI.name, "registration-add", f"registration:{result.reference}",
                    f"meeting:{args.meeting_id} {args.channel} {result.status}",
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
    from cafepol_tui.services.permissions import CLI
    from cafepol_tui.services.registrations_admin import cancel_registration

    with connected(settings):
        result = cancel_registration(args.code, CLI)
    # « REFERENCE cancelled », « REFERENCE confirmed »: stable words for scripts.
    print(f"{result.reference} cancelled")
    for code in result.promoted:
        print(f"{code} confirmed " + _("(moved up from the waiting list)"))
    return 0
