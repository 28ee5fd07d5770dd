"""One typed, frozen settings object: defaults < TOML file < environment < command-line flags.

It is loaded once by the CLI and passed to whoever needs it; nothing reads the file again.
A wrong key or a wrong type is a `SettingsError` that names it, so a typo in the config
never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from cafepol_tui.i18n import N_, translator

_ = translator("messages")

APP_NAME = "cafepol"

DEFAULT_COMMUNES = ("Boussu", "Colfontaine", "Frameries", "Quaregnon", "Saint-Ghislain")

# The flyer's default introduction: translated on a flyer in another language (a configured
# `documents.intro_text` is printed as typed).
DEFAULT_INTRO = N_(
    "Autour d'un café, votre policier de quartier vous écoute : sentiment d'insécurité, "
    "nuisances, cambriolages, vie du quartier… Chaque situation est entendue ; ce qui ne "
    "peut être réglé sur place est suivi dans les jours qui suivent, et vous recevez une réponse."
)


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


@dataclass(frozen=True)
class PrintSettings:
    printer: str = ""
    media: str = ""
    copies: int = 1
    output_dir: str = ""
    lp_command: str = "lp"


@dataclass(frozen=True)
class DocumentSettings:
    logo: str = ""
    intro_text: str = DEFAULT_INTRO
    slip_format: str = "a6"


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


@dataclass(frozen=True)
class Settings:
    zone_name: str = "Zone de Police Boraine"
    zone_page_url: str = ""
    communes: tuple[str, ...] = DEFAULT_COMMUNES
    database_url: str = ""
    language: str = "fr"
    retention_days: int = 30
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    printing: PrintSettings = field(default_factory=PrintSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    logging: LogSettings = field(default_factory=LogSettings)

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
            _("{where}: expected a whole number, got {value}").format(where=where, value=repr(value))
        )
    if tp is str and not isinstance(value, str):
        raise SettingsError(
            _("{where}: expected text, got {value}").format(where=where, value=repr(value))
        )
    if tp is bool and not isinstance(value, bool):
        raise SettingsError(
            _("{where}: expected true or false, got {value}").format(where=where, value=repr(value))
        )
    return value


def _build(cls: Any, data: dict[str, Any], prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{prefix}.{key}" if prefix else key
        if key not in known:
            raise SettingsError(_("unknown setting '{where}'").format(where=where))
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
    if settings.language not in ("fr", "nl", "de", "en"):
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
    return settings


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
    if explicit or path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(_("config file {path} not found").format(path=path)) from None
        except OSError as exc:
            raise SettingsError(
                _("config file {path} can't be read: {error}").format(path=path, error=exc.strerror)
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(
                _("config file {path} is not valid TOML: {error}").format(path=path, error=exc)
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
