"""The zone file: `zone import FILE` and `zone export [--out FILE]`.

A zone is data (its communes, commissariats, officers, partners, themes; its name, page, logo
and publisher), kept in a TOML file by the zone's IT contact and imported into the database
the kiosks share: `services.zone_file` reads and checks it, `services.zone` imports it.
"""

from __future__ import annotations

import argparse
import dataclasses
import stat
import sys
from pathlib import Path
from typing import Any

from cafepol_tui.cli.common import (
    BadArgumentError,
    BadOutputError,
    OutputKind,
    Parser,
    UsageError,
    UserError,
    add_command,
    check_out,
    connected,
    database_files,
    head,
    is_same_file,
    log,
    path_arg,
    refuse_the_database,
    refusing,
    write_file,
    write_output,
)
from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import shown
from cafepol_tui.settings import Settings

_ = translator("messages")

# How a previous export begins: `zone export --out` overwrites only such a file (or an empty one).
ZONE_HEADER = b"# cafepol zone file"
ZONE_FILE = OutputKind(lambda args: (ZONE_HEADER, _("a previous zone export")))


def add_commands(subparsers: Any) -> None:
    zone = add_command(
        subparsers, "zone", _("the zone file: import it, or export what the database holds"),
        cmd_zone,
    )
    actions = zone.add_subparsers(
        dest="zone_action", parser_class=Parser, metavar="ACTION", required=True,
        title=_("actions"),
    )
    imported = add_command(
        actions, "import",
        _("import a zone file (TOML): what changed is updated, matched by name"),
        cmd_zone_import, database="creates",
    )
    imported.add_argument(
        "file", type=path_arg, metavar="FILE", help=_("the zone file (TOML, UTF-8)")
    )
    exported = add_command(
        actions, "export", _("write the database's zone as a zone file"), cmd_zone_export,
        output=ZONE_FILE,
    )
    exported.add_argument(
        "--out", type=path_arg, metavar="FILE",
        help=_("the zone file to write (default: standard output); its logo is written beside it"),
    )


def cmd_zone(args: argparse.Namespace, settings: Settings) -> int:
    """`cafepol zone` alone: argparse asks for the action before this could run."""
    raise UsageError(f"{UserError.prog} {args.command}", _("give an action: import or export"))


def cmd_zone_import(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.permissions import CLI
    from cafepol_tui.services.zone import import_zone
    from cafepol_tui.services.zone_file import ZoneFileError, read_zone_file

    path = Path(args.file).expanduser()
    if any(is_same_file(path, db_file) for db_file in database_files(settings)):
        raise BadArgumentError(
            _("{path} is the database (or one of its files), not a zone file").format(
                path=shown(path)
            )
        )
    with refusing(ZoneFileError):
        zone = read_zone_file(path)  # checked whole before the database is even opened
    with connected(settings):
        report = import_zone(zone, actor=CLI, source=str(path))
    for line in report.lines():
        print(line)
    log.info("zone file %s imported: %s", shown(path), report.summary() or "nothing changed")
    return 0


def cmd_zone_export(args: argparse.Namespace, settings: Settings) -> int:
    from cafepol_tui.services.zone import export_zone
    from cafepol_tui.services.zone_file import render_zone_file

    out = check_out(args.out)
    with connected(settings):
        zone = export_zone(settings)
    logo, logo_path = zone.logo_data, None
    if logo is not None and out is None:
        print(
            _("the zone's logo is not written to standard output: give --out FILE to write it "
              "beside the zone file"),
            file=sys.stderr,
        )
        zone = dataclasses.replace(
            zone, zone=dataclasses.replace(zone.zone, logo=""), logo_data=None
        )
    elif logo is not None and out is not None:
        # Under the name it was imported from: the exported file reads back the same.
        logo_path = out.with_name(zone.zone.logo)
        if not _check_logo_target(logo_path, logo, settings):
            logo_path = None  # already there, the same image
    write_output(render_zone_file(zone), args.out)
    if logo is not None and logo_path is not None:
        write_file(logo_path, logo)
        print(_("written {path}").format(path=shown(logo_path)), file=sys.stderr)
    return 0


def _check_logo_target(path: Path, logo: bytes, settings: Settings) -> bool:
    """May the logo be written at `path`, beside the zone file, under the name it was imported
    from? True if nothing is there; False if the same image is; refused if anything else is
    (another image included: it may be the zone's new logo, not imported yet)."""
    where = shown(path)
    refuse_the_database(path, settings)
    try:
        info = path.stat()
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise BadOutputError(
            _("can't write {path}: {error}").format(path=where, error=exc.strerror)
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise BadOutputError(_("can't write {path}: not a regular file").format(path=where))
    if info.st_size == len(logo):
        found = head(path, len(logo) + 1, _("can't write {path}: {error}"), BadOutputError)
        if found == logo:
            return False
    raise BadOutputError(
        _(
            "{path} exists and is not the zone's logo: it is not overwritten (export to "
            "another folder, or remove it first)"
        ).format(path=where)
    )
