"""The zone file (TOML): read and checked whole, or written back.

A zone is data: its name, language, pages, logo and publisher; its commissariats, communes,
officers, partners and themes. `read_zone_file` checks every key of every entry before anything
is imported and refuses a bad file with one line that names the table, the entry and the key;
`render_zone_file` writes the same shape back (`cafepol zone export`), so that reading what it
wrote gives the same `ZoneFile`. The names of the tables and keys are a contract:

    [zone]             name, language (fr|nl|de|en), website, facebook, logo, publisher, emergency
    [[commissariats]]  name, address, phone, hours
    [[communes]]       name, postal_codes = [..], commissariat (a name above), places = [{name, address}]
    [[officers]]       name, grade, gender (f|m|x), commune (a name above), phone, photo
    [[partners]]       name, kind, email, phone
    [[themes]]         name (in the zone's language), fr, nl, de, en (its translations)

Only `name` (everywhere), the zone's `language`, a commune's `postal_codes` and an officer's
`commune` are required; an unknown key is refused (a typo would otherwise be dropped in
silence). Names are matched without regard to case. The database side is `services.zone`.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import has_unsafe_chars, path_problem, shown
from cafepol_tui.services.validation import web_address

_ = translator("messages")

LANGUAGES = ("fr", "nl", "de", "en")
GENDERS = ("f", "m", "x")
FILE_MAX_BYTES = 1024 * 1024  # a zone file is a few kilobytes
LOGO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_BYTES = 2 * 1024 * 1024  # an officer's photo: as a logo
PICTURE_MAX_PIXELS = 25_000_000  # a small file can hold a huge image (a « decompression bomb »)
PLACES_MAX = 50  # usual meeting places of one commune
POSTAL_CODES_MAX = 40  # commune.postal_codes holds 200 characters
POSTAL_CODE = re.compile(r"[1-9][0-9]{3}")  # Belgian postal codes
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# The first line of every exported file: `zone export --out` overwrites only such a file.
HEADER = "# cafepol zone file"

SHIPPED_FOLDER = "examples"
DEMO_ZONE_FILE = "zone-boraine.toml"


class ZoneFileError(Exception):
    """The zone file can't be used: one line naming the file, the table, the entry and the key.

    `key` and `problem`: the key at fault and the problem alone, when one entry's key is (the
    staff console shows the problem beside the field: `services.reference`)."""

    def __init__(self, message: str, *, key: str | None = None, problem: str = "") -> None:
        super().__init__(message)
        self.key, self.problem = key, problem or message


@dataclass(frozen=True)
class ZoneInfo:
    name: str
    language: str
    website: str = ""
    facebook: str = ""
    logo: str = ""  # the file name, relative to the zone file
    publisher: str = ""
    emergency: str = ""


@dataclass(frozen=True)
class CommissariatEntry:
    name: str
    address: str = ""
    phone: str = ""  # E.164, as every phone number the database holds
    hours: str = ""


@dataclass(frozen=True)
class Place:
    name: str
    address: str = ""


@dataclass(frozen=True)
class CommuneEntry:
    name: str
    postal_codes: tuple[str, ...]
    commissariat: str = ""
    places: tuple[Place, ...] = ()


@dataclass(frozen=True)
class OfficerEntry:
    name: str
    commune: str
    grade: str = ""
    gender: str = ""
    phone: str = ""
    photo: str = ""  # the file name, relative to the zone file (a PNG or JPEG)
    photo_data: bytes | None = field(default=None, repr=False)  # the photo file's bytes


# The keys of an [[officers]] entry (`photo_data` is read from the file `photo` names).
OFFICER_KEYS = ("name", "commune", "grade", "gender", "phone", "photo")


@dataclass(frozen=True)
class PartnerEntry:
    name: str
    kind: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ThemeEntry:
    name: str
    fr: str = ""
    nl: str = ""
    de: str = ""
    en: str = ""

    def translations(self) -> dict[str, str]:
        return {"fr": self.fr, "nl": self.nl, "de": self.de, "en": self.en}


@dataclass(frozen=True)
class ZoneFile:
    zone: ZoneInfo
    commissariats: tuple[CommissariatEntry, ...] = ()
    communes: tuple[CommuneEntry, ...] = ()
    officers: tuple[OfficerEntry, ...] = ()
    partners: tuple[PartnerEntry, ...] = ()
    themes: tuple[ThemeEntry, ...] = ()
    logo_data: bytes | None = field(default=None, repr=False)  # the logo file's bytes


def key(name: str) -> str:
    """How names are matched: « Frameries », « frameries » and « FRAMERIES » are one commune."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


# --- reading -----------------------------------------------------------------------------


def shipped_zone_file(name: str = DEMO_ZONE_FILE) -> Path:
    """A zone file that travels with cafepol: the installed `cafepol_tui/examples` (hatchling
    force-includes the top-level `examples/`), or the repository's in an editable install."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / SHIPPED_FOLDER, package.parent / SHIPPED_FOLDER):
        if (folder / name).is_file():
            return folder / name
    raise ZoneFileError(
        _("the shipped zone file {name} is missing next to {path}: the installation is broken")
        .format(name=name, path=package)
    )


def read_zone_file(path: str | os.PathLike[str]) -> ZoneFile:
    """The zone file at `path`, checked whole; `ZoneFileError` says what is wrong and where."""
    where = Path(path)
    text = _read_text(where, FILE_MAX_BYTES, _("zone file"))
    prefix = _("zone file {path}").format(path=shown(where))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ZoneFileError(
            _("{file} is not valid TOML: {error}").format(file=prefix, error=exc)
        ) from None
    except RecursionError:
        raise ZoneFileError(
            _("{file} is not valid TOML: {error}").format(file=prefix, error=_("nested too deeply"))
        ) from None
    try:
        zone = parse_zone(data)
        logo_data = _read_logo(where.parent, zone.zone.logo) if zone.zone.logo else None
        officers = tuple(
            dataclasses.replace(
                o, photo_data=_read_photo(where.parent, o.photo, _where("officers", i, o.name,
                                                                         "photo"))
            ) if o.photo else o
            for i, o in enumerate(zone.officers)
        )
    except ZoneFileError as exc:
        raise ZoneFileError(f"{prefix}: {exc}") from None
    return dataclasses.replace(zone, logo_data=logo_data, officers=officers)


def _read_text(path: Path, limit: int, what: str) -> str:
    """A regular file of at most `limit` bytes, in UTF-8. Opened without blocking and checked
    on the descriptor, so that a FIFO or a device (/dev/zero) is refused before any read."""
    where = shown(path)
    data = _read_bytes(path, limit, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ZoneFileError(
            _("{what} {path} is not UTF-8 text: {error}").format(what=what, path=where, error=exc)
        ) from None


def _read_bytes(path: Path, limit: int, what: str) -> bytes:
    where = shown(path)
    problem = path_problem(str(path))
    if problem:
        raise ZoneFileError(
            _("{what} {path} can't be read: {error}").format(what=what, path=where, error=problem)
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ZoneFileError(_("{what} {path} not found").format(what=what, path=where)) from None
    except OSError as exc:
        raise ZoneFileError(
            _("{what} {path} can't be read: {error}").format(
                what=what, path=where, error=exc.strerror
            )
        ) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ZoneFileError(
                _("{what} {path} can't be read: it is a folder").format(what=what, path=where)
            )
        raise ZoneFileError(
            _("{what} {path} can't be read: not a regular file").format(what=what, path=where)
        )
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise ZoneFileError(
                _("{what} {path} can't be read: {error}").format(
                    what=what, path=where, error=exc.strerror
                )
            ) from None
    if len(data) > limit:
        raise ZoneFileError(
            _("{what} {path} is too big ({max} bytes at most)").format(
                what=what, path=where, max=limit
            )
        )
    return data


def _read_logo(folder: Path, name: str) -> bytes:
    """The logo beside the zone file: a PNG or JPEG image Pillow can read, or an SVG fpdf2
    can draw."""
    where = _where("zone", None, None, "logo")
    path = _beside(folder, name)
    try:
        data = _read_bytes(path, LOGO_MAX_BYTES, _("logo"))
    except ZoneFileError as exc:
        raise ZoneFileError(f"{where}: {exc}") from None
    from cafepol_tui.services.zone import is_svg

    if is_svg(data):
        try:
            from fpdf.svg import SVGObject

            SVGObject(data.decode("utf-8"))
        except Exception:  # noqa: BLE001 - not XML, or an SVG fpdf2 can't draw
            raise ZoneFileError(
                where + ": " + _("{path} is not a readable image").format(path=shown(path))
            ) from None
        return data
    if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        raise ZoneFileError(
            where + ": " + _("{path} is not a PNG, JPEG or SVG image").format(path=shown(path))
        )
    _check_picture(data, path, where)
    return data


def _read_photo(folder: Path, name: str, where: str) -> bytes:
    """An officer's photo beside the zone file: a PNG or JPEG image Pillow can read (`where`:
    the entry and key, for the refusal)."""
    path = _beside(folder, name)
    try:
        data = _read_bytes(path, PHOTO_MAX_BYTES, _("photo"))
    except ZoneFileError as exc:
        raise ZoneFileError(f"{where}: {exc}") from None
    if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        raise ZoneFileError(
            where + ": " + _("{path} is not a PNG or JPEG image").format(path=shown(path))
        )
    _check_picture(data, path, where)
    return data


def _beside(folder: Path, name: str) -> Path:
    """A file the zone file names: relative to the zone file's folder."""
    path = Path(name).expanduser()
    return path if path.is_absolute() else folder / path


def _check_picture(data: bytes, path: Path, where: str) -> None:
    """PNG or JPEG bytes that Pillow reads whole (not only their first bytes)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height <= PICTURE_MAX_PIXELS:
                image.load()  # verify() skips the pixel data: a cut file passes it
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken image
        raise ZoneFileError(
            where + ": " + _("{path} is not a readable image").format(path=shown(path))
        ) from None
    if width * height > PICTURE_MAX_PIXELS:
        raise ZoneFileError(
            where + ": " + _(
                "{path} is too large ({width} × {height} pixels, {max} million at most)"
            ).format(path=shown(path), width=width, height=height,
                     max=PICTURE_MAX_PIXELS // 1_000_000)
        )


# --- checking ----------------------------------------------------------------------------


def _where(table: str, index: int | None, name: str | None, key_name: str | None) -> str:
    """« [[officers]] entry 2 ("Inspecteur Marc Dufrane"), key 'gender' »: where a problem is."""
    if index is None:
        text = f"[{table}]"
    else:
        text = _("[[{table}]] entry {number}").format(table=table, number=index + 1)
        if name:
            text += f' ("{shown(name, 60)}")'
    if key_name is not None:
        text += ", " + _("key '{key}'").format(key=shown(key_name, 60))
    return text


class _Entry:
    """One table of the file ([zone], or one entry of an array of tables), read key by key."""

    def __init__(self, table: str, index: int | None, data: Mapping[str, Any]) -> None:
        self.table, self.index, self.data = table, index, data
        raw_name = data.get("name")
        self.label = raw_name.strip() if isinstance(raw_name, str) else None

    def fail(self, key_name: str | None, problem: str) -> ZoneFileError:
        return ZoneFileError(
            f"{_where(self.table, self.index, self.label, key_name)}: {problem}",
            key=key_name,
            problem=problem,
        )

    def check_keys(self, known: Iterable[str]) -> None:
        allowed = set(known)
        for key_name in self.data:
            if key_name not in allowed:
                raise self.fail(
                    key_name,
                    _("unknown key (known: {keys})").format(keys=", ".join(sorted(allowed))),
                )

    def text(
        self,
        key_name: str,
        limit: int,
        *,
        required: bool = False,
        lines: bool = False,
        shown_as: str | None = None,
    ) -> str:
        """A string: NFC, outer spaces off (runs of spaces too unless `lines`), no control
        characters (but line breaks when `lines`), at most `limit` characters. `shown_as`:
        the key as the refusal names it (a place's « places[2].name »)."""
        said = shown_as or key_name
        if key_name not in self.data:
            if required:
                raise self.fail(said, _("missing"))
            return ""
        value = self.data[key_name]
        if not isinstance(value, str):
            raise self.fail(
                said, _("expected text, got {value}").format(value=shown(repr(value), 40))
            )
        text = unicodedata.normalize("NFC", value)
        if lines:
            text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines())
            unsafe = has_unsafe_chars(text.replace("\n", ""))
        else:
            unsafe = has_unsafe_chars(text)
            text = " ".join(text.split())
        if unsafe:
            raise self.fail(said, _("contains control characters"))
        if required and not text:
            raise self.fail(said, _("empty"))
        if len(text) > limit:
            raise self.fail(
                said,
                _("too long ({length} characters, {max} at most)").format(
                    length=len(text), max=limit
                ),
            )
        return text

    def choice(self, key_name: str, choices: Sequence[str], *, required: bool = False) -> str:
        value = self.text(key_name, 10, required=required).lower()
        if value and value not in choices:
            raise self.fail(
                key_name,
                _("must be one of {choices}, not {value}").format(
                    choices=", ".join(choices), value=shown(repr(value), 20)
                ),
            )
        return value

    def url(self, key_name: str) -> str:
        text = self.text(key_name, 500)
        if text and web_address(text) is None:
            raise self.fail(key_name, _("not a web address (http:// or https://)"))
        return text

    def phone(self, key_name: str) -> str:
        """In E.164, as the database keeps every number; a Belgian one may omit +32."""
        text = self.text(key_name, 40)
        if not text:
            return ""
        import phonenumbers  # the kiosk's first screen never needs it

        try:
            number = phonenumbers.parse(text, "BE")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise self.fail(
                key_name,
                _("not a phone number: {value}").format(value=shown(repr(text), 40)),
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def email(self, key_name: str) -> str:
        text = self.text(key_name, 254)
        if not text:
            return ""
        from email_validator import EmailNotValidError, validate_email

        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError:
            raise self.fail(
                key_name, _("not an e-mail address: {value}").format(value=shown(repr(text), 40))
            ) from None

    def postal_codes(self, key_name: str) -> tuple[str, ...]:
        if key_name not in self.data:
            raise self.fail(key_name, _("missing"))
        value = self.data[key_name]
        if not isinstance(value, list) or not value:
            raise self.fail(key_name, _("expected a list of postal codes, such as [\"7080\"]"))
        codes: list[str] = []
        for item in value:
            valid = isinstance(item, str | int) and not isinstance(item, bool)
            code = str(item).strip() if valid else ""
            if not POSTAL_CODE.fullmatch(code):
                raise self.fail(
                    key_name,
                    _("{value} is not a postal code (four digits)").format(
                        value=shown(repr(item), 20)
                    ),
                )
            if code not in codes:
                codes.append(code)
        if len(codes) > POSTAL_CODES_MAX:
            raise self.fail(
                key_name, _("{max} postal codes at most").format(max=POSTAL_CODES_MAX)
            )
        return tuple(codes)

    def places(self, key_name: str) -> tuple[Place, ...]:
        value = self.data.get(key_name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(
                key_name, _("expected a list of tables such as {{ name = \"…\", address = \"…\" }}")
            )
        if len(value) > PLACES_MAX:
            raise self.fail(key_name, _("{max} places at most").format(max=PLACES_MAX))
        places: list[Place] = []
        seen: set[str] = set()
        for number, item in enumerate(value, 1):
            inner = _Entry(self.table, self.index, item)
            inner.label = self.label
            prefix = f"{key_name}[{number}]"
            unknown = set(item) - {"name", "address"}
            if unknown:
                raise self.fail(
                    f"{prefix}.{sorted(unknown)[0]}", _("unknown key (known: address, name)")
                )
            name = inner.text("name", 160, required=True, shown_as=f"{prefix}.name")
            address = inner.text("address", 240, shown_as=f"{prefix}.address")
            if key(name) in seen:
                raise self.fail(f"{prefix}.name", _("the same place is listed twice"))
            seen.add(key(name))
            places.append(Place(name, address))
        return tuple(places)


TABLES = ("zone", "commissariats", "communes", "officers", "partners", "themes")


def _entries(data: Mapping[str, Any], table: str) -> list[_Entry]:
    value = data.get(table, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ZoneFileError(
            _("[[{table}]]: expected entries written [[{table}]]").format(table=table)
        )
    return [_Entry(table, index, item) for index, item in enumerate(value)]


def _unique(entries: Sequence[_Entry], names: Sequence[str]) -> dict[str, str]:
    """Names by their matching key; the second entry with a name already seen is refused."""
    seen: dict[str, int] = {}
    for entry, name in zip(entries, names, strict=True):
        matched = key(name)
        if matched in seen:
            raise entry.fail(
                "name", _("the same name as entry {number}").format(number=seen[matched] + 1)
            )
        seen[matched] = entry.index or 0
    return {key(name): name for name in names}


def _reference(entry: _Entry, key_name: str, known: Mapping[str, str], table: str,
               *, required: bool) -> str:
    """A name that must be one of `table`'s; given as written there."""
    limit = 120
    text = entry.text(key_name, limit, required=required)
    if not text:
        return ""
    if key(text) not in known:
        raise entry.fail(
            key_name,
            _("{value} is not one of the [[{table}]] of this file").format(
                value=shown(repr(text), 60), table=table
            ),
        )
    return known[key(text)]


def parse_zone(data: Mapping[str, Any]) -> ZoneFile:
    """The zone described by `data` (a parsed TOML document), checked whole."""
    unknown = [name for name in data if name not in TABLES]
    if unknown:
        raise ZoneFileError(
            _("unknown table [{table}] (known: {tables})").format(
                table=shown(unknown[0], 60), tables=", ".join(TABLES)
            )
        )
    if not isinstance(data.get("zone"), dict):
        raise ZoneFileError(_("[zone]: missing (the zone's name and language)"))
    head = _Entry("zone", None, data["zone"])
    head.check_keys(ZoneInfo.__dataclass_fields__)
    zone = ZoneInfo(
        name=head.text("name", 120, required=True),
        language=head.choice("language", LANGUAGES, required=True),
        website=head.url("website"),
        facebook=head.url("facebook"),
        logo=head.text("logo", 255),
        publisher=head.text("publisher", 500, lines=True),
        emergency=head.text("emergency", 80),
    )

    raw = _entries(data, "commissariats")
    commissariats = []
    for entry in raw:
        entry.check_keys(CommissariatEntry.__dataclass_fields__)
        commissariats.append(CommissariatEntry(
            name=entry.text("name", 120, required=True),
            address=entry.text("address", 240),
            phone=entry.phone("phone"),
            hours=entry.text("hours", 500, lines=True),
        ))
    stations = _unique(raw, [c.name for c in commissariats])

    raw = _entries(data, "communes")
    if not raw:
        raise ZoneFileError(_("[[communes]]: missing (a zone has at least one commune)"))
    communes = []
    for entry in raw:
        entry.check_keys(CommuneEntry.__dataclass_fields__)
        communes.append(CommuneEntry(
            name=entry.text("name", 80, required=True),
            postal_codes=entry.postal_codes("postal_codes"),
            commissariat=_reference(entry, "commissariat", stations, "commissariats",
                                    required=False),
            places=entry.places("places"),
        ))
    towns = _unique(raw, [c.name for c in communes])

    raw = _entries(data, "officers")
    officers = []
    for entry in raw:
        entry.check_keys(OFFICER_KEYS)
        officers.append(OfficerEntry(
            name=entry.text("name", 120, required=True),
            grade=entry.text("grade", 80),
            gender=entry.choice("gender", GENDERS),
            commune=_reference(entry, "commune", towns, "communes", required=True),
            phone=entry.phone("phone"),
            photo=entry.text("photo", 255),
        ))
    _unique(raw, [o.name for o in officers])

    raw = _entries(data, "partners")
    partners = []
    for entry in raw:
        entry.check_keys(PartnerEntry.__dataclass_fields__)
        partners.append(PartnerEntry(
            name=entry.text("name", 120, required=True),
            kind=entry.text("kind", 80),
            email=entry.email("email"),
            phone=entry.phone("phone"),
        ))
    _unique(raw, [p.name for p in partners])

    raw = _entries(data, "themes")
    themes = []
    for entry in raw:
        entry.check_keys(ThemeEntry.__dataclass_fields__)
        themes.append(ThemeEntry(
            name=entry.text("name", 120, required=True),
            **{lang: entry.text(lang, 120) for lang in LANGUAGES},
        ))
    _unique(raw, [t.name for t in themes])

    return ZoneFile(
        zone=zone,
        commissariats=tuple(commissariats),
        communes=tuple(communes),
        officers=tuple(officers),
        partners=tuple(partners),
        themes=tuple(themes),
    )


# --- writing -----------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _pairs(values: Sequence[tuple[str, str]], required: Sequence[str] = ("name",)) -> list[str]:
    """`key = "value"` lines; empty optional values are left out (they read back as empty)."""
    return [f"{k} = {toml_string(v)}" for k, v in values if v or k in required]


def _dialled(e164: str) -> str:
    """A phone number as people dial it (« 065 71 21 00 »); read back, it is the same number."""
    from cafepol_tui.services.validation import format_phone

    return format_phone(e164) if e164 else ""


def render_zone_file(zone: ZoneFile) -> str:
    """The zone as a zone file: what `read_zone_file` reads back as the same `ZoneFile`."""
    info = zone.zone
    lines = [
        f"{HEADER}: `cafepol zone import FILE` reads it back.",
        "# Entries are matched by name; what leaves the file is deleted, or deactivated while",
        "# meetings or concerns still use it.",
        "",
        "[zone]",
        *_pairs([
            ("name", info.name), ("language", info.language), ("website", info.website),
            ("facebook", info.facebook), ("logo", info.logo), ("publisher", info.publisher),
            ("emergency", info.emergency),
        ], ("name", "language")),
    ]
    for c in zone.commissariats:
        lines += ["", "[[commissariats]]",
                  *_pairs([("name", c.name), ("address", c.address), ("phone", _dialled(c.phone)),
                           ("hours", c.hours)])]
    for town in zone.communes:
        codes = ", ".join(toml_string(code) for code in town.postal_codes)
        lines += ["", "[[communes]]", *_pairs([("name", town.name)]),
                  f"postal_codes = [{codes}]",
                  *_pairs([("commissariat", town.commissariat)])]
        if town.places:
            lines.append("places = [")
            for place in town.places:
                inner = ", ".join(_pairs([("name", place.name), ("address", place.address)]))
                lines.append(f"    {{ {inner} }},")
            lines.append("]")
    for o in zone.officers:
        lines += ["", "[[officers]]",
                  *_pairs([("name", o.name), ("grade", o.grade), ("gender", o.gender),
                           ("commune", o.commune), ("phone", _dialled(o.phone)),
                           ("photo", o.photo)],
                           ("name", "commune"))]
    for p in zone.partners:
        lines += ["", "[[partners]]",
                  *_pairs([("name", p.name), ("kind", p.kind), ("email", p.email),
                           ("phone", _dialled(p.phone))])]
    for t in zone.themes:
        lines += ["", "[[themes]]",
                  *_pairs([("name", t.name), *t.translations().items()])]
    return "\n".join(lines) + "\n"


# One entry's checks, for the staff console's forms (`services.reference`): the same as the
# import's, key by key.
Entry = _Entry
