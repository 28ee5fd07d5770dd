"""One typed, frozen settings object: defaults < TOML file < environment < command-line flags.

It is loaded once by the CLI and passed to whoever needs it; nothing reads the file again.
A wrong key or a wrong type is a `SettingsError` that names it, so a typo in the config
never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import stat
import string
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import path_problem, shown

_ = translator("messages")

APP_NAME = "cafepol"
LANGUAGES = ("fr", "nl", "de", "en")
# The language when neither the config nor the zone file (its [zone] language) says one.
DEFAULT_LANGUAGE = "fr"


class SettingsError(Exception):
    """The configuration can't be used; the message names the file, key and problem."""


@dataclass(frozen=True)
class KioskSettings:
    idle_timeout_s: int = 90
    staff_idle_timeout_s: int = 300
    max_party_size: int = 4
    topic_max_length: int = 300
    pin_max_attempts: int = 5
    pin_lock_base_s: int = 30
    # The kiosk has its own printer: the slip prints as the confirmation appears (the button
    # stays for a copy when it failed). Off: the citizen asks for it with the button.
    auto_print_slip: bool = False


@dataclass(frozen=True)
class DocumentPrinter:
    """`[printing.slip]`, `[printing.flyer]`…: where one kind of document goes (empty or 0:
    as in `[printing]`). The slip to the counter's receipt printer, flyers to the A4 laser."""

    printer: str = ""
    media: str = ""
    copies: int = 0


# The kinds of document a `[printing.KIND]` table can name (services.document_files.document_kind).
PRINTED_KINDS = (
    "slip", "flyer", "programme", "attendance", "letter", "calls", "neighbourhood", "warnlist"
)


@dataclass(frozen=True)
class PrintSettings:
    printer: str = ""
    media: str = ""
    copies: int = 1
    output_dir: str = ""
    lp_command: str = "lp"
    slip: DocumentPrinter = field(default_factory=DocumentPrinter)
    flyer: DocumentPrinter = field(default_factory=DocumentPrinter)
    programme: DocumentPrinter = field(default_factory=DocumentPrinter)
    attendance: DocumentPrinter = field(default_factory=DocumentPrinter)
    letter: DocumentPrinter = field(default_factory=DocumentPrinter)
    calls: DocumentPrinter = field(default_factory=DocumentPrinter)
    neighbourhood: DocumentPrinter = field(default_factory=DocumentPrinter)
    warnlist: DocumentPrinter = field(default_factory=DocumentPrinter)

    def for_document(self, kind: str) -> PrintSettings:
        """These settings with `[printing.KIND]` applied over them ("" or unknown: as they are)."""
        own = getattr(self, kind, None) if kind in PRINTED_KINDS else None
        if not isinstance(own, DocumentPrinter):
            return self
        return dataclasses.replace(
            self,
            printer=own.printer or self.printer,
            media=own.media or self.media,
            copies=own.copies or self.copies,
        )


@dataclass(frozen=True)
class DocumentSettings:
    logo: str = ""
    intro_text: str = ""  # empty: the standard introduction, in the flyer's language
    # The « éditeur responsable » (name and address) of printed matter; the zone file's
    # [zone] publisher replaces it once imported.
    publisher: str = ""
    slip_format: str = "a6"
    # What the zone file's [zone] emergency and website say (« 101 / 112 »), printed on the
    # flyer's foot; set here only by a zone that has none imported.
    emergency: str = ""
    website: str = ""


@dataclass(frozen=True)
class BackupSettings:
    """SQLite backups: where, how many to keep, how often the running kiosk takes one."""

    folder: str = ""
    keep_daily: int = 7
    keep_weekly: int = 4
    interval_h: int = 24


@dataclass(frozen=True)
class LogSettings:
    folder: str = ""
    max_bytes: int = 1_000_000
    keep_files: int = 5


MAIL_SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server the notices go out through. No `host`: no e-mail is sent (the messages
    wait in the outbox). The password is read from `password_file`, never written here."""

    host: str = ""
    port: int = 0  # 0: 25 with security "none", 587 with "starttls", 465 with "tls"
    sender: str = ""  # the From: address, « Police de quartier <quartier@zone.be> »
    reply_to: str = ""
    security: str = "starttls"
    username: str = ""
    password_file: str = ""
    timeout_s: int = 30

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @property
    def resolved_port(self) -> int:
        return self.port or {"none": 25, "starttls": 587, "tls": 465}[self.security]


@dataclass(frozen=True)
class SmsSettings:
    """An optional SMS gateway: a command given the number and the text, for example
    ["gammu-smsd-inject", "TEXT", "{number}", "-text", "{text}"]. Empty: no SMS (off)."""

    command: tuple[str, ...] = ()
    timeout_s: int = 60

    @property
    def enabled(self) -> bool:
        return bool(self.command)


# The text is written on the command's standard input; {voice}, {rate} and {volume} are
# replaced in its words (`services.speech.speech_argv`).
DEFAULT_SPEECH_COMMAND = "espeak-ng -v {voice} -s {rate} -a {volume}"
SPEECH_PLACEHOLDERS = ("voice", "rate", "volume")


@dataclass(frozen=True)
class SpeechVoices:
    """`[speech.voices]`: the engine's voice for each language of the kiosk."""

    fr: str = "fr-be"
    nl: str = "nl"
    de: str = "de"
    en: str = "en-gb"


@dataclass(frozen=True)
class SpeechSettings:
    """The « Écouter » mode: the kiosk says what is on the screen (EN 301 549 § 5.1.3).

    Off unless `enabled`; with the engine missing the kiosk offers no « Écouter » at all.
    Names, phone numbers, e-mail addresses and reference codes are spoken only with
    `private_listening` (a headset, not a loudspeaker the queue behind can hear)."""

    enabled: bool = False
    command: str = DEFAULT_SPEECH_COMMAND
    rate: int = 150  # words a minute (espeak-ng's -s); 175 is its own default
    volume: int = 100  # espeak-ng's -a: 0 to 200
    private_listening: bool = False
    voices: SpeechVoices = field(default_factory=SpeechVoices)

    def voice(self, lang: str) -> str:
        return str(getattr(self.voices, lang, "") or self.voices.fr)


@dataclass(frozen=True)
class Settings:
    # The zone is data: `cafepol zone import FILE` puts its name, page and communes in the
    # database, which the kiosk and the documents read (services.zone). These three are only
    # the fallbacks for a database into which no zone file was imported.
    zone_name: str = ""
    zone_page_url: str = ""
    communes: tuple[str, ...] = ()
    database_url: str = ""
    # Empty: the zone file's language, else DEFAULT_LANGUAGE (`default_language`).
    language: str = ""
    retention_days: int = 30
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    printing: PrintSettings = field(default_factory=PrintSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    logging: LogSettings = field(default_factory=LogSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)

    @property
    def default_language(self) -> str:
        """The language chosen (config, CAFEPOL_LANG, --lang), else French. The zone file's
        language comes in between once the database is read (services.zone.with_zone)."""
        return self.language or DEFAULT_LANGUAGE

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or default_database_path().as_posix()

    @property
    def output_dir(self) -> Path:
        if self.printing.output_dir:
            return Path(self.printing.output_dir).expanduser()
        return Path(platformdirs.user_data_dir(APP_NAME)) / "documents"

    @property
    def backup_dir(self) -> Path:
        if self.backup.folder:
            return Path(self.backup.folder).expanduser()
        return Path(platformdirs.user_data_dir(APP_NAME)) / "backups"

    @property
    def log_dir(self) -> Path:
        if self.logging.folder:
            return Path(self.logging.folder).expanduser()
        return Path(platformdirs.user_log_dir(APP_NAME))


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "cafepol.sqlite3"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


# A config file is a few kilobytes; anything much bigger is a wrong path (/dev/zero, a log).
CONFIG_MAX_BYTES = 1024 * 1024


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, a NUL: let _read_config say so
        return True


def _read_config(path: Path) -> str:
    """The file's text: a regular file of at most 1 MiB, in UTF-8.

    Opened without blocking and checked on the open descriptor, so a FIFO, a device
    (/dev/zero reads forever) or a folder is refused before anything is read from it.
    """
    where = shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SettingsError(_("config file {path} not found").format(path=where)) from None
    except OSError as exc:
        raise SettingsError(
            _("config file {path} can't be read: {error}").format(path=where, error=exc.strerror)
        ) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise SettingsError(
                _("config file {path} can't be read: it is a folder").format(path=where)
            )
        raise SettingsError(
            _("config file {path} can't be read: not a regular file").format(path=where)
        )
    with os.fdopen(fd, "rb") as file:
        try:
            raw = file.read(CONFIG_MAX_BYTES + 1)
        except OSError as exc:
            raise SettingsError(
                _("config file {path} can't be read: {error}").format(path=where, error=exc.strerror)
            ) from None
    if len(raw) > CONFIG_MAX_BYTES:
        raise SettingsError(
            _("config file {path} is too big ({max} bytes at most)").format(
                path=where, max=CONFIG_MAX_BYTES
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            _("config file {path} is not valid TOML: {error}").format(path=where, error=exc)
        ) from None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(value: Any, tp: Any, where: str) -> Any:
    """Check one TOML value against a dataclass field type, converting lists to tuples."""
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise SettingsError(_("{where}: expected a table [{where}]").format(where=where))
        return _build(tp, value, where)
    origin = typing.get_origin(tp)
    if origin is tuple:
        (item_type, _rest) = typing.get_args(tp)
        if not isinstance(value, list) or not all(isinstance(v, item_type) for v in value):
            raise SettingsError(
                _("{where}: expected a list of {type}").format(where=where, type=_type_name(item_type))
            )
        return tuple(value)
    if origin in (typing.Union, types.UnionType):
        raise SettingsError(_("{where}: unsupported type").format(where=where))  # pragma: no cover - not used
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise SettingsError(
            _("{where}: expected a whole number, got {value}").format(where=where, value=shown(repr(value)))
        )
    if tp is str and not isinstance(value, str):
        raise SettingsError(
            _("{where}: expected text, got {value}").format(where=where, value=shown(repr(value)))
        )
    if tp is bool and not isinstance(value, bool):
        raise SettingsError(
            _("{where}: expected true or false, got {value}").format(where=where, value=shown(repr(value)))
        )
    return value


def _build(cls: Any, data: dict[str, Any], prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{prefix}.{key}" if prefix else key
        if key not in known:
            raise SettingsError(_("unknown setting '{where}'").format(where=shown(where)))
        values[key] = _coerce(value, hints[key], where)
    return cls(**values)


def _validate(settings: Settings) -> Settings:
    k = settings.kiosk
    if k.idle_timeout_s < 5:
        raise SettingsError(_("kiosk.idle_timeout_s: must be at least 5 seconds"))
    if k.staff_idle_timeout_s < 30:
        raise SettingsError(_("kiosk.staff_idle_timeout_s: must be at least 30 seconds"))
    if not 1 <= k.max_party_size <= 45:
        raise SettingsError(_("kiosk.max_party_size: must be between 1 and 45"))
    if settings.retention_days < 1:
        raise SettingsError(_("retention_days: must be at least 1 day"))
    if settings.language and settings.language not in LANGUAGES:
        raise SettingsError(_("language: must be one of fr, nl, de, en"))
    if settings.printing.copies < 1:
        raise SettingsError(_("printing.copies: must be at least 1"))
    b = settings.backup
    if b.keep_daily < 1 or b.keep_weekly < 0:
        raise SettingsError(_("backup.keep_daily: at least 1; backup.keep_weekly: at least 0"))
    if b.interval_h < 1:
        raise SettingsError(_("backup.interval_h: must be at least 1 hour"))
    if settings.logging.max_bytes < 10_000 or settings.logging.keep_files < 1:
        raise SettingsError(
            _("logging.max_bytes: at least 10000; logging.keep_files: at least 1")
        )
    for where, value in _numbers(settings):
        low, high = RANGES.get(where, DEFAULT_RANGE)
        if not low <= value <= high:
            raise SettingsError(
                _("{where}: must be between {low} and {high}, not {value}").format(
                    where=where, low=low, high=high, value=shown(value, 40)
                )
            )
    _validate_mail(settings.mail)
    _validate_speech(settings.speech)
    sms = settings.sms
    if sms.command and not any("{number}" in part for part in sms.command):
        raise SettingsError(_("sms.command: one of its words must hold {number}"))
    for name in settings.communes:
        if not 1 <= len(name.strip()) <= COMMUNE_NAME_MAX:
            raise SettingsError(
                _("communes: each name has 1 to {max} characters, not {value}").format(
                    max=COMMUNE_NAME_MAX, value=shown(repr(name), 40)
                )
            )
    return settings


def _validate_mail(mail: MailSettings) -> None:
    if mail.security not in MAIL_SECURITY:
        raise SettingsError(
            _("mail.security: must be one of none, starttls, tls, not {value}").format(
                value=shown(repr(mail.security), 40)
            )
        )
    for key in ("host", "sender", "reply_to", "username", "password_file"):
        value = getattr(mail, key)
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise SettingsError(
                _("mail.{key}: control characters are not allowed").format(key=key)
            )
    if mail.host and not mail.sender:
        raise SettingsError(_("mail.sender: give the From: address the notices are sent from"))
    if mail.username and not mail.password_file:
        raise SettingsError(_("mail.password_file: give the file holding the SMTP password"))
    if mail.password_file:
        problem = path_problem(mail.password_file)
        if problem:
            raise SettingsError(_("mail.password_file: {problem}").format(problem=problem))


VOICE_NAME = re.compile(r"[A-Za-z0-9_+.-]{1,60}")


def _validate_speech(speech: SpeechSettings) -> None:
    """The command must split into words and use only the placeholders it is given."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in speech.command):
        raise SettingsError(_("speech.command: control characters are not allowed"))
    try:
        words = shlex.split(speech.command)
    except ValueError as exc:
        raise SettingsError(
            _("speech.command: can't be split into words: {error}").format(error=exc)
        ) from None
    if not words:
        raise SettingsError(_("speech.command: give the command that speaks its standard input"))
    for word in words:
        try:
            names = {name for _text, name, _spec, _conv in string.Formatter().parse(word) if name}
        except ValueError as exc:
            raise SettingsError(
                _("speech.command: {word}: {error}").format(word=shown(word, 60), error=exc)
            ) from None
        unknown = names - set(SPEECH_PLACEHOLDERS)
        if unknown:
            raise SettingsError(
                _("speech.command: unknown placeholder {{{name}}} (known: {{voice}}, {{rate}}, "
                  "{{volume}})").format(name=shown(sorted(unknown)[0], 40))
            )
    for lang in LANGUAGES:
        voice = getattr(speech.voices, lang)
        if not VOICE_NAME.fullmatch(voice):
            raise SettingsError(
                _("speech.voices.{lang}: a voice name of letters, digits and - _ + . "
                  "(not {value})").format(lang=lang, value=shown(repr(voice), 40))
            )


def read_mail_password(mail: MailSettings) -> str:
    """The SMTP password, read from `password_file` (its first line) when it is needed."""
    if not mail.password_file:
        return ""
    path = Path(mail.password_file).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise SettingsError(
            _("mail.password_file: can't read {path}: {error}").format(
                path=shown(str(path), 200), error=getattr(exc, "strerror", None) or exc
            )
        ) from None
    return text.splitlines()[0] if text else ""


# Every number in the config has a sane range: a value past it is a typo (a few zeros too many)
# that would otherwise overflow a date, a timer or a disk far from where it was typed. The
# lower bounds with a message of their own are checked first, in `_validate`.
RANGES: dict[str, tuple[int, int]] = {
    "retention_days": (1, 3650),
    "kiosk.idle_timeout_s": (5, 3600),
    "kiosk.staff_idle_timeout_s": (30, 86_400),
    "kiosk.max_party_size": (1, 45),
    "kiosk.topic_max_length": (1, 10_000),
    "kiosk.pin_max_attempts": (1, 100),
    "kiosk.pin_lock_base_s": (1, 86_400),
    "printing.copies": (1, 100),
    **{f"printing.{kind}.copies": (0, 100) for kind in PRINTED_KINDS},
    "backup.keep_daily": (1, 3650),
    "backup.keep_weekly": (0, 520),
    "backup.interval_h": (1, 8760),
    "logging.max_bytes": (10_000, 1_000_000_000),
    "logging.keep_files": (1, 1000),
    "mail.port": (0, 65535),
    "mail.timeout_s": (1, 600),
    "sms.timeout_s": (1, 600),
    "speech.rate": (80, 450),
    "speech.volume": (0, 200),
}
# A number added to the settings without its own range still can't be absurd.
DEFAULT_RANGE = (0, 1_000_000_000)
COMMUNE_NAME_MAX = 80  # the commune table's column


def _numbers(obj: Any, prefix: str = "") -> typing.Iterator[tuple[str, int]]:
    """Every whole-number setting, by its dotted name."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value):
            yield from _numbers(value, where)
        elif isinstance(value, int) and not isinstance(value, bool):
            yield where, value


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    *,
    database_url: str | None = None,
    language: str | None = None,
    environ: typing.Mapping[str, str] | None = None,
) -> Settings:
    """Read the TOML file (explicit, $CAFEPOL_CONFIG, or the user config dir) and apply overrides."""
    env = os.environ if environ is None else environ
    explicit = config_file or env.get("CAFEPOL_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_path()
    data: dict[str, Any] = {}
    if explicit or _exists(path):
        problem = path_problem(str(path))
        if problem:
            raise SettingsError(
                _("config file {path} can't be read: {error}").format(path=shown(path), error=problem)
            )
        text = _read_config(path)
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(
                _("config file {path} is not valid TOML: {error}").format(path=shown(path), error=exc)
            ) from None
        except RecursionError:  # arrays or tables nested a thousand deep
            raise SettingsError(
                _("config file {path} is not valid TOML: {error}").format(
                    path=shown(path), error=_("nested too deeply")
                )
            ) from None
    try:
        settings = _build(Settings, data)
    except SettingsError as exc:
        raise SettingsError(_("config file {path}: {error}").format(path=path, error=exc)) from None
    overrides: dict[str, Any] = {}
    if env.get("CAFEPOL_DB"):
        overrides["database_url"] = env["CAFEPOL_DB"]
    if database_url:
        overrides["database_url"] = database_url
    if env.get("CAFEPOL_LANG"):
        overrides["language"] = env["CAFEPOL_LANG"]
    if language:
        overrides["language"] = language
    return _validate(dataclasses.replace(settings, **overrides))
