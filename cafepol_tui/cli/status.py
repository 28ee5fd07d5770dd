"""`cafepol status CODE`: what « Suivre mon inscription ou ma demande » shows, on the terminal."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cafepol_tui.cli.common import UserError, add_command, connected
from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import shown
from cafepol_tui.settings import Settings

_ = translator("messages")


def add_commands(subparsers: Any) -> None:
    status = add_command(
        subparsers,
        "status",
        _("show a registration or a concern by its code (no names)"),
        cmd_status,
    )
    status.add_argument("code", help=_("registration code (6 characters) or concern reference (7)"))
    status.add_argument("--json", action="store_true", help=_("print it as JSON"))


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.public_status import RegistrationStatusView, status_by_code
    from cafepol_tui.services.validation import NotFoundError

    with connected(settings):
        try:
            view = status_by_code(args.code)
        except NotFoundError as exc:
            raise UserError(f"{shown(args.code, 20)}: {exc}") from None
    if args.json:
        print(json.dumps(view.as_json(), ensure_ascii=False, indent=2))
        return 0
    if isinstance(view, RegistrationStatusView):
        m = view.meeting
        lines = [f"{view.reference}: {view.status_label}"]
        if view.waitlist_rank is not None:
            lines.append(_("waiting list position: {n}").format(n=view.waitlist_rank))
        lines.append(f"{m.day}, {m.hours} — {m.place}, {m.commune}")
        if m.address:
            lines.append(m.address)
        if m.cancelled:
            lines.append(_("meeting cancelled: {reason}").format(reason=m.cancel_reason or "-"))
        if view.replacement is not None:
            r = view.replacement
            lines.append(
                _("replacement meeting: {day}, {hours} — {place}, {commune}").format(
                    day=r.day, hours=r.hours, place=r.place, commune=r.commune
                )
            )
    else:
        lines = [f"{view.reference}: {view.status_label}"]
        lines.append(" — ".join(p for p in (view.theme, view.place, view.commune) if p))
        lines.append(_("raised on {day}").format(day=view.created_day))
        if view.last_update is not None and view.last_update.note:
            lines.append(
                _("last update ({day}): {note}").format(
                    day=view.last_update.day, note=view.last_update.note
                )
            )
        if view.reply:
            lines.append(_("reply: {text}").format(text=view.reply))
    print("\n".join(lines))
    return 0
