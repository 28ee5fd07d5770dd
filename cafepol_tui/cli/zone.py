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
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from cafepol_tui.services.zone_file import ZoneFile

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
        help=_("the zone file to write (default: standard output); its logo and the officers' "
               "photos are written beside it"),
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
    has_photos = any(o.photo_data is not None for o in zone.officers)
    if out is None and (zone.logo_data is not None or has_photos):
        print(
            _("the zone's logo and the officers' photos are not written to standard output: "
              "give --out FILE to write them beside the zone file"),
            file=sys.stderr,
        )
        zone = dataclasses.replace(
            zone,
            zone=dataclasses.replace(zone.zone, logo=""),
            logo_data=None,
            officers=tuple(dataclasses.replace(o, photo="", photo_data=None)
                           for o in zone.officers),
        )
    pictures: list[tuple[Path, bytes]] = []  # to write beside the zone file
    if out is not None:
        zone, pictures = _pictures_beside(zone, out, settings)
    write_output(render_zone_file(zone), args.out)
    for path, data in pictures:
        write_file(path, data)
        print(_("written {path}").format(path=shown(path)), file=sys.stderr)
    return 0


def _pictures_beside(zone: ZoneFile, out: Path, settings: Settings
                     ) -> tuple[ZoneFile, list[tuple[Path, bytes]]]:
    """The logo and photos to write beside `out`, under the names they were imported from
    (the exported file reads back the same), each checked before anything is written. Two
    photos imported under one name (from two folders) get a number: « photo-2.jpg »."""
    names: dict[str, bytes] = {}

    def place(name: str, data: bytes) -> str:
        path = Path(name)
        candidate, number = path.name, 1
        while candidate in names and names[candidate] != data:
            number += 1
            candidate = f"{path.stem}-{number}{path.suffix}"
        names[candidate] = data
        return candidate

    if zone.logo_data is not None:
        logo = place(zone.zone.logo, zone.logo_data)
        zone = dataclasses.replace(zone, zone=dataclasses.replace(zone.zone, logo=logo))
    officers = tuple(
        dataclasses.replace(o, photo=place(o.photo, o.photo_data))
        if o.photo_data is not None else o
        for o in zone.officers
    )
    zone = dataclasses.replace(zone, officers=officers)
    kinds = {}
    if zone.logo_data is not None:
        kinds[zone.zone.logo] = _("the zone's logo")
    pictures = []
    for name, data in names.items():
        path = out.with_name(name)
        if _check_picture_target(path, data, settings, kinds.get(name, _("an officer's photo"))):
            pictures.append((path, data))
    return zone, pictures


def _check_picture_target(path: Path, data: bytes, settings: Settings, what: str) -> bool:
    """May a picture (`what`: the zone's logo, an officer's photo) be written at `path`, beside
    the zone file, under the name it was imported from? True if nothing is there; False if the
    same image is; refused if anything else is (another image included: it may be a new one,
    not imported yet)."""
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
    if info.st_size == len(data):
        found = head(path, len(data) + 1, _("can't write {path}: {error}"), BadOutputError)
        if found == data:
            return False
    raise BadOutputError(
        _(
            "{path} exists and is not {what}: it is not overwritten (export to another "
            "folder, or remove it first)"
        ).format(path=where, what=what)
    )
