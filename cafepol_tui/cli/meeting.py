"""One meeting, as the zone's IT contact changes it: `meeting add`, `meeting edit`,
`meeting cancel`.

The fields are checked by `services.meeting_fields` (the staff editor's own checks) and the
change is made by `services.meetings_admin`, audited with `cli` as the actor. A date and hour
(`--start`) are Brussels local time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from datetime import datetime
from typing import Any

from cafepol_tui.cli.common import (
    ID_MAX,
    Parser,
    UsageError,
    UserError,
    add_command,
    bounded_int,
    connected,
    log,
    name_arg,
)
from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import shown
from cafepol_tui.settings import Settings

_ = translator("messages")

# The limits of services.meeting_fields (not imported here: parsing the command line loads
# no database code).
DURATION = (15, 480)
CAPACITY = (1, 500)
INTERESTED = (0, 100_000)


def start_arg(text: str) -> tuple[str, str]:
    """`--start "YYYY-MM-DD HH:MM"` (Brussels time): the date and the hour; whether it is
    still to come is checked by the services."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})\s*", text, re.ASCII)
    when = None
    if match is not None:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        try:
            when = datetime(year, month, day, hour, minute)
        except ValueError:  # 2027-02-30, 25:00
            pass
    if when is None:
        raise argparse.ArgumentTypeError(
            _("{value}: give the date and hour as \"YYYY-MM-DD HH:MM\" (Brussels time)").format(
                value=shown(text, 40)
            )
        )
    return when.date().isoformat(), when.strftime("%H:%M")


def add_commands(subparsers: Any) -> None:
    meeting = add_command(
        subparsers, "meeting", _("add, edit or cancel a meeting"), cmd_meeting
    )
    actions = meeting.add_subparsers(
        dest="meeting_action", parser_class=Parser, metavar="ACTION", required=True,
        title=_("actions"),
    )
    added = add_command(
        actions, "add", _("add a meeting: prints its id (with --json, the meeting)"),
        cmd_meeting_add,
    )
    _add_fields(added, new=True)
    edited = add_command(
        actions, "edit", _("change a meeting: only the options given"), cmd_meeting_edit
    )
    _meeting_id(edited)
    _add_fields(edited, new=False)
    cancelled = add_command(
        actions, "cancel", _("cancel a meeting (its sign-ups are kept, to warn them)"),
        cmd_meeting_cancel,
    )
    _meeting_id(cancelled)
    cancelled.add_argument(
        "--reason", required=True, help=_("why it is cancelled (shown to citizens)")
    )
    cancelled.add_argument(
        "--replacement", type=bounded_int(1, ID_MAX), metavar="ID2", default=None,
        help=_("the meeting that replaces it (its sign-ups are told and may move there)"),
    )


def _meeting_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "meeting_id", type=bounded_int(1, ID_MAX), metavar="ID",
        help=_("the meeting's id (see `cafepol meetings`)"),
    )


def _add_fields(parser: argparse.ArgumentParser, *, new: bool) -> None:
    parser.add_argument(
        "--commune", required=new, type=name_arg(80), help=_("the commune (by its name)")
    )
    parser.add_argument("--place", required=new, help=_("where: the place's name"))
    parser.add_argument(
        "--address", required=new, help=_("the place's address") if new else _("the address")
    )
    parser.add_argument(
        "--start", required=new, type=start_arg, metavar="\"YYYY-MM-DD HH:MM\"",
        help=_("date and hour, Brussels time"),
    )
    parser.add_argument(
        "--duration", type=bounded_int(*DURATION), metavar="MIN",
        help=_("how long, in minutes (default 90)") if new else _("how long, in minutes"),
    )
    parser.add_argument(
        "--officer", type=name_arg(120), metavar="NAME",
        help=_("the officer present (by name; \"\" for none)"),
    )
    parser.add_argument(
        "--capacity", type=bounded_int(*CAPACITY), metavar="N",
        help=_("seats (default 45)") if new else _("seats"),
    )
    parser.add_argument(
        "--partner", action="append", type=name_arg(120), metavar="NAME", dest="partners",
        help=_("a partner present (by name; repeat for several)") if new
        else _("a partner present (by name; repeat for several): replaces the list"),
    )
    parser.add_argument(
        "--theme", action="append", type=name_arg(120), metavar="NAME", dest="themes",
        help=_("a theme of the meeting (by name; repeat for several)") if new
        else _("a theme of the meeting (by name; repeat for several): replaces the list"),
    )
    if not new:
        parser.add_argument(
            "--no-partners", action="store_true", help=_("remove every partner")
        )
        parser.add_argument("--no-themes", action="store_true", help=_("remove every theme"))
    parser.add_argument(
        "--event-url", metavar="URL",
        help=_("the event's page (https://…; \"\" for none)"),
    )
    parser.add_argument(
        "--interested", type=bounded_int(*INTERESTED), metavar="N",
        help=_('how many people said "interested" on the Facebook event'),
    )
    parser.add_argument(
        "--allow-duplicate", action="store_true",
        help=_("go on even if another meeting is at the same place and start"),
    )
    parser.add_argument(
        "--json", action="store_true", help=_("print the meeting as `meetings --json` shows it")
    )


def cmd_meeting(args: argparse.Namespace, settings: Settings) -> int:
    """`cafepol meeting` alone: argparse asks for the action before this could run."""
    raise UsageError(f"{UserError.prog} {args.command}", _("give an action: add, edit or cancel"))


def _changes(args: argparse.Namespace) -> dict[str, object]:
    """The `MeetingForm` fields the options given set."""
    changes: dict[str, object] = {}
    for option, field in (
        ("commune", "commune"), ("place", "place"), ("address", "address"),
        ("duration", "duration_min"), ("officer", "officer"), ("capacity", "capacity"),
        ("event_url", "event_url"), ("interested", "interested_count"),
        ("partners", "partners"), ("themes", "themes"),
    ):
        value = getattr(args, option)
        if value is not None:
            changes[field] = tuple(value) if isinstance(value, list) else value
    if getattr(args, "no_partners", False):
        changes["partners"] = ()
    if getattr(args, "no_themes", False):
        changes["themes"] = ()
    if args.start is not None:
        changes["day"], changes["start"] = args.start
    return changes


def _check_names(args: argparse.Namespace) -> None:
    """An unknown commune is refused naming it and the known ones (as `meetings --commune`)."""
    from cafepol_tui.services.meetings import find_commune

    if args.commune is not None:
        find_commune(args.commune)


def _print_meeting(meeting_id: int, as_json: bool) -> None:
    from cafepol_tui.services.meetings import get_meeting, meeting_as_json

    if as_json:
        print(json.dumps(meeting_as_json(get_meeting(meeting_id)), ensure_ascii=False, indent=2))
    else:
        print(meeting_id)


def cmd_meeting_add(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.meeting_fields import MeetingForm
    from cafepol_tui.services.meetings_admin import create_meeting
    from cafepol_tui.services.permissions import CLI

    with connected(settings):
        _check_names(args)
        meeting_id = create_meeting(
            MeetingForm(**_changes(args)),  # type: ignore[arg-type]
            CLI,
            allow_duplicate=args.allow_duplicate,
        )
        log.info("meeting %d added", meeting_id)
        _print_meeting(meeting_id, args.json)
    return 0


def cmd_meeting_edit(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.meeting_fields import form_for
    from cafepol_tui.services.meetings_admin import update_meeting
    from cafepol_tui.services.permissions import CLI

    if args.partners is not None and args.no_partners:
        raise UserError(_("--partner and --no-partners don't go together"))
    if args.themes is not None and args.no_themes:
        raise UserError(_("--theme and --no-themes don't go together"))
    with connected(settings):
        _check_names(args)
        form = dataclasses.replace(form_for(args.meeting_id), **_changes(args))  # type: ignore[arg-type]
        promoted = update_meeting(
            args.meeting_id, form, CLI, allow_duplicate=args.allow_duplicate
        )
        log.info("meeting %d edited", args.meeting_id)
        _print_meeting(args.meeting_id, args.json)
    for code in promoted:
        # « REFERENCE confirmed »: stable words for scripts, as `cafepol cancel` says them.
        print(f"{code} confirmed " + _("(moved up from the waiting list)"))
    return 0


def cmd_meeting_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.meetings_admin import cancel_meeting
    from cafepol_tui.services.permissions import CLI

    with connected(settings):
        to_warn = cancel_meeting(
            args.meeting_id, args.reason, CLI, replacement_id=args.replacement
        )
    log.info("meeting %d cancelled, %d people to warn", args.meeting_id, len(to_warn))
    # « ID cancelled »: stable words for scripts. Never the names or contacts.
    print(f"{args.meeting_id} cancelled")
    if to_warn:
        print(
            _.plural(
                "{n} sign-up to warn (see the staff screen)",
                "{n} sign-ups to warn (see the staff screen)",
                len(to_warn),
            ).format(n=len(to_warn))
        )
    return 0
