"""Documents: `export` (JSON, CSV, iCalendar), the PDFs (`flyer`, `programme`, `slip`,
`attendance`) and the Facebook event's kit (`share-kit`: cover PNG and text). fpdf2 is imported by the PDF commands only, when they run; never Textual.

What they print of the zone (name, page, logo, publisher, language) is the database's zone
over the config's (`services.zone.zone_settings`)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cafepol_tui.cli.common import (
    ID_MAX,
    BadArgumentError,
    OutputKind,
    add_command,
    bounded_int,
    check_out,
    connected,
    log,
    path_arg,
    write_file,
    write_output,
)
from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.safe_input import shown
from cafepol_tui.services import document_files as names
from cafepol_tui.settings import Settings

if TYPE_CHECKING:
    import peewee

_ = translator("messages")

EXIT_PRINT_FAILED = 1  # the PDF is kept and its path shown, but the printer didn't take it


def _export_signature(args: argparse.Namespace) -> tuple[bytes, str]:
    """How a previous export in the same format begins, and what it is called."""
    kind = _("a previous {format} export").format(
        format=args.format if args.format != "csv" else f"CSV {args.table}"
    )
    if args.format == "json":
        return b"{", kind
    if args.format == "ics":
        return b"BEGIN:VCALENDAR", kind
    from cafepol_tui.services.contracts import CONCERN_COLUMNS, REGISTRATION_COLUMNS

    columns = CONCERN_COLUMNS if args.table == "concerns" else REGISTRATION_COLUMNS
    return "\ufeff".encode() + ",".join(columns).encode("utf-8"), kind


EXPORT = OutputKind(_export_signature)
PDF = OutputKind(lambda args: (b"%PDF-", _("a PDF")))


def month_arg(text: str) -> date:
    """`--month`: « 2026-12 » -> date(2026, 12, 1)."""
    from cafepol_tui.documents.programme import MonthError, parse_month

    try:
        return parse_month(text)
    except MonthError as exc:
        raise BadArgumentError(str(exc)) from None


def add_commands(subparsers: Any) -> None:
    export = add_command(subparsers, "export", _("export data"), cmd_export, output=EXPORT)
    export.add_argument(
        "format",
        choices=["json", "csv", "ics"],
        help=_("json: every table; csv: one table; ics: the upcoming meetings' calendar"),
    )
    export.add_argument("--out", type=path_arg, help=_("output file (default: standard output)"))
    export.add_argument(
        "--table",
        choices=["registrations", "concerns"],
        default="registrations",
        help=_("csv only: which table (default: registrations)"),
    )

    flyer = _pdf_command(
        subparsers, "flyer", _("PDF flyer for one meeting (QR code to its event page)"), cmd_flyer
    )
    flyer.add_argument(
        "meeting_id", type=bounded_int(1, ID_MAX), metavar="MEETING_ID", help=_("the meeting's id")
    )
    flyer.add_argument(
        "--layout",
        choices=["a5", "a4-2up", "a4-4up"],
        default="a5",
        help=_("one A5 flyer a page, or two or four on an A4 page (default: a5)"),
    )
    flyer.add_argument(
        "--copies",
        type=bounded_int(1, 10_000, N_("--copies must be between 1 and 10000")),
        default=1,
        help=_("flyers wanted (fills whole pages)"),
    )

    programme = _pdf_command(
        subparsers, "programme", _("A4 poster of a month's meetings"), cmd_programme
    )
    programme.add_argument(
        "--month", type=month_arg, required=True, metavar="YYYY-MM", help=_("the month shown")
    )
    programme.add_argument("--commune", help=_("one commune (default: the whole zone)"))

    slip = _pdf_command(subparsers, "slip", _("confirmation slip for a registration"), cmd_slip)
    slip.add_argument(
        "reference", metavar="REFERENCE", help=_("the registration's reference code")
    )
    slip.add_argument(
        "--format", choices=["a6", "receipt"], help=_("default: documents.slip_format")
    )

    kit = add_command(
        subparsers, "share-kit",
        _("the Facebook event's cover image (1920×1005 PNG) and text for one meeting"),
        cmd_share_kit,
    )
    kit.add_argument(
        "meeting_id", type=bounded_int(1, ID_MAX), metavar="MEETING_ID", help=_("the meeting's id")
    )
    kit.add_argument(
        "--out", type=path_arg, required=True, metavar="DIR",
        help=_("the folder to write meeting-ID-cover.png and meeting-ID-event.txt into"),
    )

    attendance = _pdf_command(
        subparsers, "attendance", _("attendance sheet for the officer"), cmd_attendance
    )
    attendance.add_argument(
        "meeting_id", type=bounded_int(1, ID_MAX), metavar="MEETING_ID", help=_("the meeting's id")
    )
    attendance.add_argument(
        "--phones", action="store_true", help=_("print the phone numbers (left out by default)")
    )

    neighbourhood = add_command(
        subparsers,
        "neighbourhood",
        _("A4 sheet of a commune's recent concerns and what was done, without names"),
        cmd_neighbourhood,
        output=PDF,
    )
    neighbourhood.add_argument("--commune", required=True, help=_("the commune"))
    neighbourhood.add_argument(
        "--months",
        type=bounded_int(1, 36, N_("--months must be between 1 and 36")),
        default=3,
        help=_("how many months back (default: 3)"),
    )
    neighbourhood.add_argument(
        "--lang",
        choices=["fr", "nl", "de", "en"],
        help=_("language of the sheet (default: the zone's)"),
    )
    neighbourhood.add_argument(
        "-o", "--out", type=path_arg, metavar="FILE", help=_("write the PDF here")
    )
    neighbourhood.add_argument(
        "--print", action="store_true", help=_("send it to the configured CUPS printer (lp)")
    )


def _pdf_command(subparsers: Any, name: str, help: str, run: Any) -> argparse.ArgumentParser:
    command = add_command(subparsers, name, help, run, output=PDF)
    command.add_argument("--out", type=path_arg, metavar="FILE", help=_("write the PDF here"))
    command.add_argument(
        "--print", action="store_true", help=_("send it to the configured CUPS printer (lp)")
    )
    return command


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.exports import concerns_csv, registrations_csv, to_json
    from cafepol_tui.services import audit
    from cafepol_tui.services.exports import export_data
    from cafepol_tui.services.permissions import CLI
    from cafepol_tui.services.zone import zone_settings

    with connected(settings) as db:
        if args.format == "ics":
            text = _ics_text(zone_settings(settings))
        else:
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
        audit.record(CLI.name, "export", args.out or "stdout", what)
    return 0


def _ics_text(settings: Settings) -> str:
    """The upcoming meetings as iCalendar (call inside a database connection)."""
    from cafepol_tui.db.models import utcnow
    from cafepol_tui.documents.ics import meetings_ics
    from cafepol_tui.services.meetings import get_meeting, list_upcoming

    meetings = [get_meeting(m.id) for m in list_upcoming(include_cancelled=False)]
    # CRLF line ends are part of the format: write_output keeps them (newline="").
    return meetings_ics(meetings, zone_name=settings.zone_name, now=utcnow()).decode("utf-8")


def _emit_pdf(
    pdf: bytes, name: str, args: argparse.Namespace, settings: Settings, out: Path | None,
    copies: int | None = None, *, db: peewee.Database,
) -> int:
    from cafepol_tui.documents.printing import deliver

    if out is not None:
        write_file(out, pdf)
        print(_("written {path}").format(path=shown(out)), file=sys.stderr)
        if not args.print:
            _audit_document(db, name, str(out))
            return 0
    outcome = deliver(pdf, name, settings, print_=args.print, copies=copies)
    print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
    log.info("document %s: %s", name, outcome.message)
    places = [str(out)] if out is not None else []
    if outcome.printed:
        places.append(f"lp {outcome.job_id}" if outcome.job_id else "lp")
    elif outcome.path is not None:
        places.append(str(outcome.path))
    if places:
        _audit_document(db, name, ", ".join(places))
    return 0 if outcome.ok else EXIT_PRINT_FAILED


def _audit_document(db: peewee.Database, name: str, destination: str) -> None:
    """The audit log's line for a PDF made from the command line (actor `cli`)."""
    from cafepol_tui.services.audit import document_made
    from cafepol_tui.services.permissions import CLI

    with db.connection_context():
        document_made(CLI, name, destination)


def cmd_flyer(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.flyer import render_flyer
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.services.zone import zone_settings

    out = check_out(args.out)
    with connected(settings) as db:
        settings = zone_settings(settings)
        meeting = get_meeting(args.meeting_id)
    pdf = render_flyer(meeting, settings, args.layout, args.copies, lang=settings.language)
    name = names.flyer_name(meeting.id, args.layout, settings.language or current_language())
    return _emit_pdf(pdf, name, args, settings, out, copies=1, db=db)


def cmd_programme(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.programme import render_programme
    from cafepol_tui.services.meetings import find_commune, programme_meetings
    from cafepol_tui.services.zone import zone_settings

    month = args.month
    out = check_out(args.out)
    with connected(settings) as db:
        settings = zone_settings(settings)
        commune = find_commune(args.commune).name if args.commune else None
        meetings = programme_meetings(month, commune)
    pdf = render_programme(meetings, settings, month, commune, lang=settings.language)
    return _emit_pdf(pdf, names.programme_name(month, commune, settings.language or current_language()), args, settings, out, db=db)


def cmd_slip(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.slip import render_slip
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.services.registrations import get_registration
    from cafepol_tui.services.zone import zone_settings

    out = check_out(args.out)
    with connected(settings) as db:
        settings = zone_settings(settings)
        registration = get_registration(args.reference)
        meeting = get_meeting(registration.meeting_id)
    pdf = render_slip(registration, meeting, settings, args.format, lang=settings.language)
    return _emit_pdf(pdf, names.slip_name(
        registration.reference, settings.language or current_language(), args.format or settings.documents.slip_format
    ), args, settings, out, db=db)


def cmd_attendance(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.documents.attendance import render_attendance
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.services.registrations import list_for_meeting
    from cafepol_tui.services.zone import zone_settings

    out = check_out(args.out)
    with connected(settings) as db:
        settings = zone_settings(settings)
        meeting = get_meeting(args.meeting_id)
        registrations = list_for_meeting(meeting.id)
    pdf = render_attendance(
        meeting, registrations, settings, lang=settings.language, phones=args.phones
    )
    name = names.attendance_name(meeting.id, settings.language or current_language())
    return _emit_pdf(pdf, name, args, settings, out, db=db)


def cmd_share_kit(args: argparse.Namespace, settings: Settings) -> int:
    """`cafepol share-kit ID --out DIR`: the event's cover and text, in the zone's language."""
    from cafepol_tui.cli.common import BadOutputError
    from cafepol_tui.documents.share_kit import share_kit
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.services.zone import zone_settings

    folder = Path(args.out).expanduser()
    if not folder.is_dir():
        raise BadOutputError(
            _("can't write into {path}: not a folder").format(path=shown(folder))
        )
    with connected(settings) as db:
        settings = zone_settings(settings)
        meeting = get_meeting(args.meeting_id)
    kit = share_kit(meeting, settings, lang=settings.language)
    cover = folder / f"meeting-{meeting.id}-cover.png"
    text = folder / f"meeting-{meeting.id}-event.txt"
    write_file(cover, kit.cover)
    write_file(text, kit.text.encode("utf-8"))
    for path in (cover, text):
        print(_("written {path}").format(path=shown(path)), file=sys.stderr)
    _audit_document(db, f"share-kit {meeting.id}", str(folder))
    return 0


def cmd_neighbourhood(args: argparse.Namespace, settings: Settings) -> int:
    """`cafepol neighbourhood --commune NAME`: « Vous nous avez dit… voici ce qui a été fait »,
    the same list as the kiosk's screen (services.neighbourhood), on A4 without any name."""
    from cafepol_tui.documents import fonts
    from cafepol_tui.documents.neighbourhood import NeighbourhoodItem, neighbourhood_pdf
    from cafepol_tui.i18n import language
    from cafepol_tui.services.neighbourhood import neighbourhood_feedback
    from cafepol_tui.services.zone import zone_settings

    out = check_out(args.out)
    with connected(settings) as db:
        settings = zone_settings(settings)
        lang = args.lang or settings.language
        with language(lang):
            report = neighbourhood_feedback(args.commune, months=args.months)
    items = [
        NeighbourhoodItem(
            theme=item.theme,
            place=item.place,
            state=item.status_label,
            reply=item.public_text,
            month=item.created_month_label,
        )
        for item in report.items
    ]
    path = fonts.logo_path(settings.documents.logo)
    pdf = neighbourhood_pdf(
        zone_name=settings.zone_name,
        commune=report.commune,
        since=report.since_label,
        items=items,
        language=lang,
        logo=path.read_bytes() if path is not None else None,
        publisher=settings.documents.publisher,
    )
    name = f"voisinage-{report.commune.lower().replace(' ', '-')}.pdf"
    return _emit_pdf(pdf, name, args, settings, out, db=db)
