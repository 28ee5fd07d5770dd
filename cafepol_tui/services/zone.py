"""The zone in the database: imported from a zone file, exported back, and read by the kiosk.

`import_zone` makes the database say what the file says, in one transaction: entries are
matched by name (without regard to case); what changed is updated; what left the file is
deleted, unless meetings, concerns (or another row) still use it: then it is deactivated,
kept for the history and no longer offered. Importing the same file again changes nothing;
`export_zone` gives back a `ZoneFile` that imports as a no-op.

`zone_profile` is what the kiosk and the documents say of the zone: the database's zone once
one was imported, else the config's `zone_name` / `zone_page_url` (fallbacks). `with_zone`
lays it over the settings, so that the screens and documents that read `settings.zone_name`,
`zone_page_url`, `communes`, `language` and `documents.logo` / `publisher` need no change.
This part is read at the kiosk's start: it imports neither TOML nor phone-number code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import (
    BaseModel,
    Commissariat,
    Commune,
    Concern,
    Meeting,
    MeetingPartner,
    MeetingTheme,
    Officer,
    Partner,
    Theme,
    Zone,
    utcnow,
)
from cafepol_tui.i18n import translator
from cafepol_tui.services.permissions import CLI, Actor, Permission, require
from cafepol_tui.settings import APP_NAME, DEFAULT_LANGUAGE, Settings

if TYPE_CHECKING:
    from cafepol_tui.services.zone_file import ZoneFile

_ = translator("messages")

log = logging.getLogger("cafepol.zone")

ZONE_ID = 1
# What the kiosk calls a zone that has no name yet (no zone file, no `zone_name`).
UNNAMED_ZONE = "CaféPol"


# --- what the kiosk and the documents say of the zone ------------------------------------


@dataclass(frozen=True)
class ZoneProfile:
    """The zone as shown and printed; `imported` is False when it comes from the config."""

    name: str
    language: str
    page_url: str  # the zone's Facebook page: the QR of a meeting without its own event
    website: str = ""
    publisher: str = ""
    emergency: str = ""
    communes: tuple[str, ...] = ()  # offered on the kiosk's home, in this order
    logo: bytes | None = field(default=None, repr=False)
    logo_name: str = ""
    imported: bool = False


def zone_profile(settings: Settings) -> ZoneProfile:
    """The database's zone, else the config's (call inside a database connection)."""
    row = Zone.get_or_none(Zone.id == ZONE_ID)
    if row is None:
        communes = settings.communes or tuple(
            c.name for c in Commune.select(Commune.name).order_by(Commune.name)
        )
        return ZoneProfile(
            name=settings.zone_name or UNNAMED_ZONE,
            language=settings.language or DEFAULT_LANGUAGE,
            page_url=settings.zone_page_url,
            publisher=settings.documents.publisher,
            emergency=settings.documents.emergency,
            website=settings.documents.website,
            communes=communes,
        )
    active = Commune.select(Commune.name).where(Commune.active).order_by(Commune.name)
    return ZoneProfile(
        name=row.name,
        language=row.language,
        page_url=row.facebook or settings.zone_page_url,
        website=row.website,
        publisher=row.publisher or settings.documents.publisher,
        emergency=row.emergency,
        communes=tuple(c.name for c in active),
        logo=bytes(row.logo) if row.logo is not None else None,
        logo_name=row.logo_name,
        imported=True,
    )


def with_zone(settings: Settings, profile: ZoneProfile) -> Settings:
    """`settings` as the kiosk and the documents read them for this zone.

    The zone's name, page, communes and publisher replace the config's; its language is the
    default one unless the config (or CAFEPOL_LANG, --lang) chose one; its logo, copied to
    a file of the cache folder, replaces the configured one.
    """
    documents = dataclasses.replace(
        settings.documents,
        publisher=profile.publisher,
        emergency=profile.emergency or settings.documents.emergency,
        website=profile.website or settings.documents.website,
    )
    if profile.logo:
        logo = _logo_file(profile.logo, profile.logo_name)
        if logo is not None:
            documents = dataclasses.replace(documents, logo=str(logo))
    return dataclasses.replace(
        settings,
        zone_name=profile.name,
        zone_page_url=profile.page_url,
        communes=profile.communes,
        language=settings.language or profile.language,
        documents=documents,
    )


def zone_settings(settings: Settings) -> Settings:
    """`with_zone(settings, zone_profile(settings))` (call inside a database connection)."""
    return with_zone(settings, zone_profile(settings))


def _logo_file(data: bytes, name: str) -> Path | None:
    """The logo as a file the PDF code can read: in the cache folder, named by its content,
    written once. None (and a log line) when it can't be written: the configured logo stays."""
    suffix = ".jpg" if data.startswith(b"\xff\xd8") else ".svg" if is_svg(data) else ".png"
    folder = Path(platformdirs.user_cache_dir(APP_NAME))
    path = folder / f"zone-logo-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    try:
        if path.is_file() and path.stat().st_size == len(data):
            return path
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".zone-logo-")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except OSError as exc:
        log.warning("the zone's logo can't be written to %s (%s): the configured one is used",
                    folder, exc.strerror)
        return None
    return path


def is_svg(data: bytes) -> bool:
    """An SVG logo (fpdf2 draws it as vectors): XML whose root element is <svg>."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head


# --- import ------------------------------------------------------------------------------


@dataclass
class TableChanges:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.deleted)


@dataclass
class ImportReport:
    zone: str
    zone_changed: bool = False
    tables: dict[str, TableChanges] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.zone_changed or any(t.changed for t in self.tables.values())

    def lines(self) -> list[str]:
        if not self.changed:
            return [_("zone {name}: the database already says what the file says, nothing changed")
                    .format(name=self.zone)]
        lines = [_("zone {name} imported").format(name=self.zone)]
        for table, c in self.tables.items():
            if not c.changed:
                continue
            parts = [
                text.format(n=n)
                for n, text in (
                    (c.created, _.plural("{n} created", "{n} created", c.created)),
                    (c.updated, _.plural("{n} updated", "{n} updated", c.updated)),
                    (
                        c.deactivated,
                        _.plural(
                            "{n} deactivated (still used)",
                            "{n} deactivated (still used)",
                            c.deactivated,
                        ),
                    ),
                    (c.deleted, _.plural("{n} deleted", "{n} deleted", c.deleted)),
                    (c.unchanged, _.plural("{n} unchanged", "{n} unchanged", c.unchanged)),
                )
                if n
            ]
            lines.append(f"  {table}: " + ", ".join(parts))
        return lines

    def summary(self) -> str:
        """One line for the audit log."""
        return "; ".join(
            f"{table} +{c.created} ~{c.updated} -{c.deactivated + c.deleted}"
            for table, c in self.tables.items()
            if c.changed
        )


def _key(name: str) -> str:
    from cafepol_tui.services.zone_file import key

    return key(name)


class _Table:
    """The rows of one model matched by name to the file's entries."""

    def __init__(self, model: Any, report: TableChanges) -> None:
        self.model = model
        self.report = report
        self.by_key: dict[str, Any] = {}
        for row in model.select().order_by(model.id):
            self.by_key.setdefault(_key(row.name), row)
        self.kept: set[int] = set()

    def put(self, name: str, values: dict[str, Any]) -> Any:
        """The row named `name` with `values` (and active), created or updated if need be."""
        values = {"name": name, "active": True, **values}
        row = self.by_key.get(_key(name))
        if row is None:
            row = self.model.create(**values)
            self.by_key[_key(name)] = row
            self.report.created += 1
        else:
            changed = _changes(row, values)
            if changed:
                self.model.update(**changed).where(self.model.id == row.id).execute()
                row.__data__.update(changed)
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        self.kept.add(row.id)
        return row

    def prune(self, used: set[int]) -> None:
        """What the file no longer lists: deleted, or deactivated when `used` holds its id."""
        gone = [row for row in self.by_key.values() if row.id not in self.kept]
        for row in gone:
            if row.id in used:
                if row.active:
                    self.model.update(active=False).where(self.model.id == row.id).execute()
                    self.report.deactivated += 1
            else:
                self.model.delete().where(self.model.id == row.id).execute()
                self.report.deleted += 1


def _changes(row: BaseModel, values: dict[str, Any]) -> dict[str, Any]:
    """The `values` that differ from the row's (a foreign key compared by its id, never
    fetched; a blob as bytes)."""
    changed = {}
    for name, value in values.items():
        stored = row.__data__.get(name)
        if isinstance(stored, memoryview):
            stored = bytes(stored)
        if stored != value:
            changed[name] = value
    return changed


def _ids(query: Any) -> set[int]:
    """The ids a one-column query gives (a foreign key's values), NULLs aside."""
    return {value for (value,) in query.tuples() if value is not None}


def import_zone(
    zone: ZoneFile,
    *,
    prune: bool = True,
    actor: Actor | None = CLI,
    source: str = "",
    now: datetime | None = None,
) -> ImportReport:
    """Make the database say what `zone` says, in one transaction (call inside a database
    connection). `prune`: delete or deactivate what the file doesn't list (the demo adds
    its zone without). `actor`: who does it, named in the audit log (None: the demo's seeding,
    no check and no audit entry)."""
    from cafepol_tui.services import audit

    if actor is not None:
        require(actor, Permission.MANAGE_ZONE)
    now = now or utcnow()
    info = zone.zone
    report = ImportReport(zone=info.name)
    tables = {name: TableChanges() for name in
              ("commissariats", "communes", "officers", "partners", "themes")}
    report.tables = tables
    with write_transaction(database_proxy.obj):
        report.zone_changed = _put_zone(zone, now)
        stations = _Table(Commissariat, tables["commissariats"])
        for c in zone.commissariats:
            stations.put(c.name, {"address": c.address, "phone": c.phone, "hours": c.hours})
        towns = _Table(Commune, tables["communes"])
        station_of: dict[str, str] = {}
        for town in zone.communes:
            station = stations.by_key[_key(town.commissariat)] if town.commissariat else None
            station_of[_key(town.name)] = station.name if station else ""
            towns.put(town.name, {
                "postal_code": town.postal_codes[0],
                "postal_codes": " ".join(town.postal_codes),
                "commissariat": station.id if station else None,
                "places": json.dumps(
                    [{"name": p.name, "address": p.address} for p in town.places],
                    ensure_ascii=False,
                ),
            })
        officers = _Table(Officer, tables["officers"])
        for o in zone.officers:
            officers.put(o.name, {
                "grade": o.grade,
                "gender": o.gender,
                "commune": towns.by_key[_key(o.commune)].id,
                "commissariat": station_of[_key(o.commune)],
                "phone": o.phone,
                "photo": o.photo_data,
                "photo_name": Path(o.photo).name if o.photo_data is not None else "",
            })
        partners = _Table(Partner, tables["partners"])
        for p in zone.partners:
            partners.put(p.name, {"kind": p.kind, "email": p.email, "phone": p.phone})
        themes = _Table(Theme, tables["themes"])
        for t in zone.themes:
            themes.put(t.name, {f"name_{lang}": text for lang, text in t.translations().items()})
        if prune:
            # Children first: what a deactivated officer still points at is used too.
            officers.prune(_ids(Meeting.select(Meeting.officer)))
            partners.prune(
                _ids(MeetingPartner.select(MeetingPartner.partner))
                | _ids(Concern.select(Concern.partner))
            )
            themes.prune(
                _ids(MeetingTheme.select(MeetingTheme.theme)) | _ids(Concern.select(Concern.theme))
            )
            towns.prune(
                _ids(Meeting.select(Meeting.commune))
                | _ids(Concern.select(Concern.commune))
                | _ids(Officer.select(Officer.commune))
            )
            stations.prune(_ids(Commune.select(Commune.commissariat)))
        if actor is not None and report.changed:
            audit.record(actor.name, "zone import", source[:120], report.summary(), now=now)
    return report


def _put_zone(zone: ZoneFile, now: datetime) -> bool:
    """The zone's own row; True if it changed."""
    info = zone.zone
    values: dict[str, Any] = {
        "name": info.name,
        "language": info.language,
        "website": info.website,
        "facebook": info.facebook,
        "publisher": info.publisher,
        "emergency": info.emergency,
        "logo": zone.logo_data,
        "logo_name": Path(info.logo).name if zone.logo_data is not None else "",
    }
    row = Zone.get_or_none(Zone.id == ZONE_ID)
    if row is None:
        Zone.create(id=ZONE_ID, updated_at=now, **values)
        return True
    changed = _changes(row, values)
    if changed:
        Zone.update(updated_at=now, **changed).where(Zone.id == ZONE_ID).execute()
    return bool(changed)


# --- export ------------------------------------------------------------------------------


def export_zone(settings: Settings) -> ZoneFile:
    """What the database holds, as a zone file (call inside a database connection): the
    active rows, in the order they were created. Without an imported zone, the config names
    it (an older database: export, complete, import)."""
    from cafepol_tui.services.zone_file import (
        CommissariatEntry,
        CommuneEntry,
        OfficerEntry,
        PartnerEntry,
        Place,
        ThemeEntry,
        ZoneFile,
        ZoneInfo,
    )

    row = Zone.get_or_none(Zone.id == ZONE_ID)
    if row is None:
        info = ZoneInfo(
            name=settings.zone_name,
            language=settings.language or DEFAULT_LANGUAGE,
            facebook=settings.zone_page_url,
            publisher=settings.documents.publisher,
        )
        logo = None
    else:
        logo = bytes(row.logo) if row.logo is not None else None
        info = ZoneInfo(
            name=row.name,
            language=row.language,
            website=row.website,
            facebook=row.facebook,
            logo=row.logo_name if logo is not None else "",
            publisher=row.publisher,
            emergency=row.emergency,
        )
    stations = {
        s.id: s for s in Commissariat.select().where(Commissariat.active).order_by(Commissariat.id)
    }
    towns = {c.id: c for c in Commune.select().where(Commune.active).order_by(Commune.id)}
    return ZoneFile(
        zone=info,
        commissariats=tuple(
            CommissariatEntry(s.name, s.address, s.phone, s.hours) for s in stations.values()
        ),
        communes=tuple(
            CommuneEntry(
                name=c.name,
                postal_codes=tuple((c.postal_codes or c.postal_code).split()),
                commissariat=stations[c.commissariat_id].name
                if c.commissariat_id in stations else "",
                places=tuple(Place(p.get("name", ""), p.get("address", ""))
                             for p in _places(c.places)),
            )
            for c in towns.values()
        ),
        officers=tuple(
            OfficerEntry(
                o.name, towns[o.commune_id].name, o.grade, o.gender, o.phone,
                photo=o.photo_name if o.photo is not None else "",
                photo_data=bytes(o.photo) if o.photo is not None else None,
            )
            for o in Officer.select().where(Officer.active).order_by(Officer.id)
            if o.commune_id in towns
        ),
        partners=tuple(
            PartnerEntry(p.name, p.kind, p.email, p.phone)
            for p in Partner.select().where(Partner.active).order_by(Partner.id)
        ),
        themes=tuple(
            ThemeEntry(t.name, t.name_fr, t.name_nl, t.name_de, t.name_en)
            for t in Theme.select().where(Theme.active).order_by(Theme.id)
        ),
        logo_data=logo,
    )


def _places(text: str) -> list[dict[str, str]]:
    try:
        places = json.loads(text or "[]")
    except ValueError:
        return []
    return [p for p in places if isinstance(p, dict)] if isinstance(places, list) else []

