"""Concerns (doléances) from the command line: `concern add`, `concern feedback`,
`concern show`.

The checks and the changes are the staff screens' own (`services.concerns`), audited with
`cli` as the actor. A concern is named by its reference (the one on the citizen's slip). The
citizen's contact is never printed: `show` says only whether there is one.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cafepol_tui.cli.common import (
    ID_MAX,
    Parser,
    UsageError,
    UserError,
    add_command,
    bounded_int,
    check_out,
    connected,
    log,
    name_arg,
    path_arg,
)
from cafepol_tui.cli.documents import PDF
from cafepol_tui.i18n import translator
from cafepol_tui.settings import Settings

_ = translator("messages")

# services.statuses.ReplyChannel (not imported here: parsing loads no database code).
REPLY_CHANNELS = ("email", "letter", "phone", "in_person")


def add_commands(subparsers: Any) -> None:
    concern = add_command(
        subparsers, "concern", _("record a concern, give its reply, show it"), cmd_concern
    )
    actions = concern.add_subparsers(
        dest="concern_action",
        parser_class=Parser,
        metavar="ACTION",
        required=True,
        title=_("actions"),
    )
    added = add_command(
        actions,
        "add",
        _("record a concern raised at a meeting: prints its reference"),
        cmd_concern_add,
    )
    added.add_argument(
        "--meeting",
        required=True,
        type=bounded_int(1, ID_MAX),
        metavar="ID",
        help=_("the meeting's id (see `cafepol meetings`)"),
    )
    added.add_argument(
        "--theme", required=True, type=name_arg(120), help=_("the theme (by its name)")
    )
    added.add_argument("--text", required=True, help=_("the situation, as described"))
    added.add_argument("--place", default="", help=_("where it happens"))
    added.add_argument("--contact-name", default="", metavar="NAME", help=_("the citizen's name"))
    added.add_argument(
        "--contact-email", default="", metavar="EMAIL", help=_("the citizen's e-mail address")
    )
    added.add_argument(
        "--contact-phone", default="", metavar="PHONE", help=_("the citizen's phone number")
    )
    added.add_argument(
        "--contact-address",
        default="",
        metavar="ADDRESS",
        help=_("the citizen's postal address (for a reply by letter)"),
    )
    added.add_argument("--json", action="store_true", help=_('print {"id", "reference", "status"}'))
    feedback = add_command(
        actions,
        "feedback",
        _("give the reply to the citizen (sent through the outbox, or in person)"),
        cmd_concern_feedback,
    )
    _reference(feedback)
    feedback.add_argument("--text", required=True, help=_("the reply"))
    feedback.add_argument(
        "--channel",
        required=True,
        choices=REPLY_CHANNELS,
        help=_("how the reply reaches the citizen"),
    )
    feedback.add_argument("--json", action="store_true", help=_("print the concern as JSON"))
    shown = add_command(actions, "show", _("show a concern (never its contact)"), cmd_concern_show)
    _reference(shown)
    shown.add_argument("--json", action="store_true", help=_("print the concern as JSON"))
    slip = add_command(
        actions,
        "slip",
        _("the citizen's slip with the concern's reference (A6 PDF)"),
        cmd_concern_slip,
        output=PDF,
    )
    _reference(slip)
    slip.add_argument("--out", type=path_arg, metavar="FILE", help=_("write the PDF here"))
    slip.add_argument(
        "--print", action="store_true", help=_("send it to the configured CUPS printer (lp)")
    )
    slip.add_argument("--lang", choices=["fr", "nl", "de", "en"], help=_("the slip's language"))


def _reference(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help=_("the concern's reference"))


def cmd_concern(args: argparse.Namespace, settings: Settings) -> int:
    """`cafepol concern` alone: argparse asks for the action before this could run."""
    raise UsageError(f"{UserError.prog} {args.command}", _("give an action: add, feedback, show or slip"))


def concern_as_json(reference: str) -> dict[str, object]:
    from cafepol_tui.services.concerns import get_concern_by_reference

    d = get_concern_by_reference(reference)
    return {
        "id": d.id,
        "reference": d.reference,
        "status": d.status,
        "theme": d.theme,
        "commune": d.commune,
        "place": d.place,
        "description": d.description,
        "partner": d.partner,
        "owner": d.owner,
        "due_on": d.due_on.isoformat(),
        "overdue": d.overdue,
        "wants_feedback": d.wants_feedback,
        "has_contact": {
            "name": bool(d.contact_name),
            "phone": bool(d.contact_phone),
            "email": bool(d.contact_email),
            "address": bool(d.contact_address),
        },
        "reply_text": d.reply_text,
        "reply_channel": d.reply_channel,
        "reply_delivered": d.reply_delivered,
        "feedback_at": d.feedback_at.isoformat() if d.feedback_at else None,
        "handoffs": [
            {
                "id": h.id,
                "partner": h.partner,
                "channel": h.channel,
                "status": h.status,
                "due_on": h.due_on.isoformat(),
                "overdue": h.overdue,
                "note": h.note,
                "answer": h.answer,
                "answered_at": h.answered_at.isoformat() if h.answered_at else None,
            }
            for h in d.handoffs
        ],
        "updates": [
            {
                "at": u.at.isoformat(),
                "actor": u.actor,
                "status": u.status,
                "note": u.note,
                "public": u.public,
            }
            for u in d.updates
        ],
    }


def _print_concern(reference: str, as_json: bool) -> None:
    data = concern_as_json(reference)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    lines = [
        f"{data['reference']}  {data['status']}  {data['theme']}  {data['commune']}",
        _("place: {place}").format(place=data["place"] or "-"),
        _("description: {text}").format(text=data["description"]),
        _("in charge: {owner}").format(owner=data["owner"] or "-"),
        _("due on: {date}").format(date=data["due_on"]),
    ]
    if data["reply_text"]:
        lines.append(
            _("reply ({channel}, {state}): {text}").format(
                channel=data["reply_channel"],
                state=_("delivered") if data["reply_delivered"] else _("on its way"),
                text=data["reply_text"],
            )
        )
    for h in data["handoffs"]:  # type: ignore[attr-defined]
        lines.append(
            _("handed to {partner} ({status}, due {date})").format(
                partner=h["partner"], status=h["status"], date=h["due_on"]
            )
        )
    for u in data["updates"]:  # type: ignore[attr-defined]
        lines.append(f"  {u['at'][:16]}  {u['actor']}  {u['status']}  {u['note']}")
    print("\n".join(lines))


def cmd_concern_add(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.concerns import ConcernForm, create_concern
    from cafepol_tui.services.permissions import CLI

    contact = (args.contact_name, args.contact_email, args.contact_phone, args.contact_address)
    with connected(settings):
        concern_id = create_concern(
            ConcernForm(
                theme=args.theme,
                description=args.text,
                place=args.place,
                meeting_id=args.meeting,
                wants_feedback=any(part.strip() for part in contact),
                contact_name=args.contact_name,
                contact_email=args.contact_email,
                contact_phone=args.contact_phone,
                contact_address=args.contact_address,
            ),
            CLI,
        )
        from cafepol_tui.services.concerns import get_concern

        d = get_concern(concern_id)
        log.info("concern %d added (%s)", concern_id, d.reference)
        if args.json:
            print(
                json.dumps(
                    {"id": d.id, "reference": d.reference, "status": d.status},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            print(d.reference)
    return 0


def cmd_concern_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.concerns import get_concern_by_reference, give_feedback
    from cafepol_tui.services.permissions import CLI

    with connected(settings):
        d = get_concern_by_reference(args.reference)
        message_id = give_feedback(d.id, args.text, args.channel, CLI)
        log.info("concern %s: feedback by %s (outbox %s)", d.reference, args.channel, message_id)
        if args.json:
            _print_concern(d.reference, True)
        else:
            print(f"{d.reference} feedback_given")
    return 0


def cmd_concern_show(args: argparse.Namespace, settings: Settings) -> int:
    with connected(settings):
        _print_concern(args.reference, args.json)
    return 0


def cmd_concern_slip(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.cli.documents import _emit_pdf
    from cafepol_tui.documents.concern_slip import ConcernSlip, concern_slip_pdf
    from cafepol_tui.i18n import language
    from cafepol_tui.services.concerns import slip_facts
    from cafepol_tui.services.formatting import format_day
    from cafepol_tui.services.zone import zone_settings

    out = check_out(args.out)
    with connected(settings) as db:
        settings = zone_settings(settings)
        lang = args.lang or settings.language
        with language(lang):
            facts = slip_facts(args.reference)
            recorded = format_day(facts.created_at, lang)
        pdf = concern_slip_pdf(
            ConcernSlip(
                zone_name=settings.zone_name,
                reference=facts.reference,
                theme=facts.theme,
                place=facts.place,
                commune=facts.commune,
                recorded_on=recorded,
                reply_by=facts.reply_by,
                phone=facts.phone,
                language=lang,
            )
        )
        return _emit_pdf(pdf, f"doleance-{facts.reference}.pdf", args, settings, out, db=db)
