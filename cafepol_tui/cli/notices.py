"""`cafepol outbox` (what is waiting, sent, failed, to call) and `cafepol send` (send it now).

The kiosk's upkeep thread sends the outbox every minute on its own; `send` is for a machine
with no kiosk running (a server's timer) and for the IT contact checking the mail server.
Neither prints a recipient or a message's text: those are personal data.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cafepol_tui.cli.common import add_command, bounded_int, connected
from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.formatting import local
from cafepol_tui.settings import Settings
from cafepol_tui.statuses import NoticeChannel, NoticeKind, OutboxStatus

_ = translator("messages")

# What `--status` accepts: the states a person asks about (`sending` lasts a second).
LISTED = (
    OutboxStatus.PENDING,
    OutboxStatus.SENT,
    OutboxStatus.FAILED,
    OutboxStatus.TO_CALL,
    OutboxStatus.DONE,
)
EXIT_CHANNEL_DOWN = 1


def add_commands(subparsers: Any) -> None:
    listing = add_command(
        subparsers,
        "outbox",
        _("list the notices to citizens and partners: waiting, sent, failed, to call"),
        cmd_outbox,
    )
    listing.add_argument("--json", action="store_true", help=_("print them as JSON"))
    listing.add_argument("--status", choices=[str(s) for s in LISTED], help=_("only this state"))
    listing.add_argument(
        "--kind", choices=[str(k) for k in NoticeKind.ALL], help=_("only this kind")
    )
    listing.add_argument(
        "--channel", choices=[str(c) for c in NoticeChannel.ALL], help=_("only this channel")
    )
    listing.add_argument(
        "--limit",
        type=bounded_int(1, 100_000, N_("--limit must be between 1 and 100000")),
        default=None,
        help=_("at most this many, newest first"),
    )
    send = add_command(
        subparsers,
        "send",
        _("send the notices that are due now (e-mail, SMS); exit 1 if a channel is down"),
        cmd_send,
    )
    send.add_argument("--json", action="store_true", help=_("print the outcome as JSON"))


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services import outbox

    with connected(settings):
        rows = outbox.list_messages(
            status=args.status, kind=args.kind, channel=args.channel, limit=args.limit
        )
    if args.json:
        print(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        when = local(row.sent_at or row.created_at).strftime("%Y-%m-%d %H:%M")
        error = f"  ({row.last_error})" if row.last_error and row.status != "sent" else ""
        print(
            f"{row.id:>6}  {when}  {row.kind:<12} {row.channel:<6} {row.status:<8} "
            f"{row.reference or '-':<8} {row.attempts}{error}"
        )
    if not rows:
        print(_("no message"), file=sys.stderr)
    return 0


def cmd_send(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.delivery import deliver
    from cafepol_tui.services import outbox
    from cafepol_tui.services.zone import zone_settings

    with connected(settings):
        settings = zone_settings(settings)
        report = deliver(settings)
        waiting = outbox.counts()
    if args.json:
        print(
            json.dumps(
                {
                    "sent": report.sent,
                    "retried": report.retried,
                    "failed": report.failed,
                    "outages": {k: v for k, v in report.outages.items() if v},
                    "pending": waiting[OutboxStatus.PENDING],
                    "to_call": waiting[OutboxStatus.TO_CALL],
                    "mail_configured": settings.mail.enabled,
                    "sms_configured": settings.sms.enabled,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(
            _(
                "sent {sent}, to retry {retried}, failed {failed}; waiting {pending}, to call {calls}"
            ).format(
                sent=len(report.sent),
                retried=len(report.retried),
                failed=len(report.failed),
                pending=waiting[OutboxStatus.PENDING],
                calls=waiting[OutboxStatus.TO_CALL],
            )
        )
        if not settings.mail.enabled:
            print(_("no [mail] host in the configuration: e-mails wait in the outbox"))
        for channel, error in report.outages.items():
            if error:
                print(_("{channel} is down: {error}").format(channel=channel, error=error))
    return EXIT_CHANNEL_DOWN if any(report.outages.values()) else 0
