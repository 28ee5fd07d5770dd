"""The zone file: `zone import FILE` and `zone export [--out FILE]`.

A zone is data (its communes, commissariats, officers, partners, themes; its name, page, logo
and publisher), kept in a TOML file by the zone's IT contact and imported into the database
the kiosks share: `services.zone_file` reads and checks it, `services.zone` imports it.
"""

from __future__ import annotations

import argparse
import os
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
    add_command,
    check_out,
    connected,
    database_files,
    head,
    is_same_file,
    log,
    path_arg,
    refusing,
    write_output,
)
from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import shown
from cafepol_tui.settings import Settings

_ = translator("messages")

# How a previous export begins: `zone export --out` overwrites only such a file (or an empty one).
ZONE_HEADER = b"# cafepol zone file"
ZONE_FILE = OutputKind(lambda args: (ZONE_HEADER, _("a previous zone export")))
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


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
    raise UsageError("cafepol zone", _("give an action: import or export"))


def cmd_zone_import(args: argparse.Namespace, settings: Settings) -> int:
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
        report = import_zone(zone, actor="cli", source=str(path))
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
    logo_path = None
    if zone.logo_data is not None:
        if out is None:
            print(
                _("the zone's logo is not written to standard output: give --out FILE to "
                  "write it beside the zone file"),
                file=sys.stderr,
            )
            zone = _without_logo(zone)
        else:
            suffix = Path(zone.zone.logo).suffix.lower() or ".png"
            logo_path = out.with_name(f"{out.stem}-logo{suffix}")
            _check_logo_target(logo_path, settings)
            zone = _with_logo_name(zone, logo_path.name)
    write_output(render_zone_file(zone), args.out)
    if logo_path is not None and zone.logo_data is not None:
        try:
            logo_path.write_bytes(zone.logo_data)
        except OSError as exc:
            raise BadOutputError(
                _("can't write {path}: {error}").format(path=shown(logo_path), error=exc.strerror)
            ) from None
        print(_("written {path}").format(path=shown(logo_path)), file=sys.stderr)
    return 0


def _without_logo(zone: Any) -> Any:
    import dataclasses

    return dataclasses.replace(zone, zone=dataclasses.replace(zone.zone, logo=""), logo_data=None)


def _with_logo_name(zone: Any, name: str) -> Any:
    import dataclasses

    return dataclasses.replace(zone, zone=dataclasses.replace(zone.zone, logo=name))


def _check_logo_target(path: Path, settings: Settings) -> None:
    """The logo beside the zone file replaces only an image (a previous export's), or
    nothing: never the database, a folder or another kind of file."""
    where = shown(path)
    if any(is_same_file(path, db_file) for db_file in database_files(settings)):
        raise BadOutputError(
            _("--out {path} is the database (or one of its files): give another file").format(
                path=where
            )
        )
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BadOutputError(
            _("can't write {path}: {error}").format(path=where, error=exc.strerror)
        ) from None
    if not stat.S_ISREG(mode):
        raise BadOutputError(_("can't write {path}: not a regular file").format(path=where))
    found = head(path, 8, _("can't write {path}: {error}"), BadOutputError)
    if found and not found.startswith(IMAGE_MAGIC):
        raise BadOutputError(
            _(
                "{path} exists and is not {kind}: it is not overwritten (give a new file "
                "name, or remove it first)"
            ).format(path=where, kind=_("an image"))
        )
    if not os.access(path, os.W_OK):
        raise BadOutputError(_("can't write {path}: permission denied").format(path=where))
