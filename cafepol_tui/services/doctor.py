"""Checks an IT contact can read without being a Python developer: one line each, OK/WARN/FAIL.

`run_checks` returns plain `Check` objects so the CLI (`cafepol doctor`) and the staff console
show the same list. Nothing here touches the live `database_proxy`: the database check opens
its own short connection, so calling it from inside the running kiosk is harmless. Each check
is wrapped so one that blows up is reported as FAIL instead of hiding the others.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shlex
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee

import cafepol_tui
from cafepol_tui import safe_input
from cafepol_tui.db.engine import make_database
from cafepol_tui.db.migrations import SCHEMA_VERSION
from cafepol_tui.db.models import ALL_MODELS
from cafepol_tui.i18n import translator
from cafepol_tui.services.formatting import format_ago, format_bytes
from cafepol_tui.settings import Settings, SpeechSettings, default_config_path

_ = translator("messages")

log = logging.getLogger("cafepol.doctor")

OK, WARN, FAIL = "OK", "WARN", "FAIL"
EXIT_CODES = {OK: 0, WARN: 1, FAIL: 2}

MIN_COLUMNS, MIN_LINES = 80, 24
DISK_FAIL_BYTES = 50 * 1024**2
DISK_WARN_BYTES = 500 * 1024**2
COMMAND_TIMEOUT_S = 5
FONT_SUFFIXES = (".ttf", ".otf")


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "OK" | "WARN" | "FAIL"
    detail: str
    # False: advice shown with the others that does not make the exit status (the size and
    # colours of whatever terminal `cafepol doctor` happens to run in, which is seldom the
    # kiosk's screen).
    counts: bool = True

    @property
    def line(self) -> str:
        detail = self.detail
        if not self.counts and self.status != OK:
            detail += " " + _("(advice: not counted in the exit status)")
        return f"{self.status:<4}  {self.name:<9} {detail}"


def overall_status(checks: list[Check]) -> str:
    statuses = {c.status for c in checks if c.counts}
    return FAIL if FAIL in statuses else WARN if WARN in statuses else OK


def exit_code(checks: list[Check]) -> int:
    return EXIT_CODES[overall_status(checks)]


def run_checks(
    settings: Settings,
    *,
    terminal_size: tuple[int, int] | None = None,
    config_path: Path | None = None,
    config_error: str | None = None,
    assets_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> list[Check]:
    """Run every check. `terminal_size` is (columns, lines); the app passes its own size.

    Without it the terminal doctor runs in is described, as advice that does not count in the
    exit status: `cafepol doctor` in a pipe, a cron job, an SSH session or on tty1 exits alike.

    `config_error` is the message of a SettingsError the caller got while loading the
    config (the other checks then run on the defaults).
    """
    env = os.environ if environ is None else environ
    now = now or datetime.now(UTC)
    steps: list[tuple[str, Callable[[], Check | list[Check]]]] = [
        ("config", lambda: _check_config(config_path, config_error, env)),
        ("database", lambda: _check_database(settings)),
        ("disk", lambda: _check_disk(settings)),
        ("backup", lambda: _check_backup(settings, now)),
        ("printer", lambda: _check_printer(settings, env)),
        ("mail", lambda: _check_mail(settings)),
        ("outbox", lambda: _check_outbox(settings)),
        ("speech", lambda: _check_speech(settings)),
        ("assets", lambda: _check_assets(settings, assets_dir)),
        ("log", lambda: _check_log(settings)),
        ("terminal", lambda: _terminal_step(terminal_size, env)),
    ]
    checks: list[Check] = []
    for name, step in steps:
        try:
            result = step()
        except Exception as exc:  # a broken check is a finding, not a crash
            log.exception("doctor check %s crashed", name)
            result = Check(
                name,
                FAIL,
                _("the check itself failed: {kind}: {error}").format(
                    kind=type(exc).__name__, error=exc
                ),
            )
        checks.extend(result if isinstance(result, list) else [result])
    return checks


# --- the checks ------------------------------------------------------------------------


def _check_config(path: Path | None, error: str | None, env: Mapping[str, str]) -> Check:
    if error:
        return Check("config", FAIL, error)
    if path is None:
        explicit = env.get("CAFEPOL_CONFIG")
        path = Path(explicit).expanduser() if explicit else default_config_path()
    if path.exists():
        return Check("config", OK, _("{path} read").format(path=path))
    return Check("config", OK, _("no file at {path}: built-in defaults").format(path=path))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _check_database(settings: Settings) -> Check:
    url = settings.resolved_database_url
    try:
        db = make_database(url)
    except Exception as exc:
        return Check("database", FAIL, _first_line(exc))
    sqlite = isinstance(db, peewee.SqliteDatabase)
    where = db.database if sqlite else f"PostgreSQL {db.database}"
    if sqlite and db.database != ":memory:" and not Path(db.database).exists():
        return Check(
            "database",
            FAIL,
            _("no database at {where} (run `cafepol seed --demo` or start the kiosk once)").format(
                where=where
            ),
        )
    damage: list[str] = []
    missing: list[str] = []
    try:
        db.connect()
        try:
            if sqlite:
                mode = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
                # integrity_check, not quick_check: it also reads every index against its
                # table, which is where a torn page shows first.
                report = [str(r[0]) for r in db.execute_sql("PRAGMA integrity_check")]
                if report != ["ok"]:
                    # One line per problem, without SQLite's « *** in database main *** ».
                    damage = [
                        line.strip()
                        for text in report
                        for line in text.splitlines()
                        if line.strip() and not line.startswith("***")
                    ] or report
            row = None
            if not damage:
                row = db.execute_sql(
                    "SELECT value FROM meta WHERE key = 'schema_version'"
                ).fetchone()
                if row is not None and int(row[0]) == SCHEMA_VERSION:
                    missing = _missing_schema(db)
        finally:
            db.close()
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        # « database disk image is malformed », « file is not a database »: the file is damaged,
        # not unreachable. A missing meta table: a damaged or foreign schema.
        text = _first_line(exc)
        operational = isinstance(exc, (peewee.OperationalError, sqlite3.OperationalError))
        if (sqlite and not operational) or "malformed" in text:
            return Check(
                "database", FAIL, _("{where} is damaged: {error}").format(where=where, error=text)
            )
        if "no such table" in text:
            return Check(
                "database",
                FAIL,
                _("{where}: schema incomplete ({error})").format(where=where, error=text),
            )
        return Check(
            "database", FAIL, _("{where} unreachable: {error}").format(where=where, error=text)
        )
    except Exception as exc:  # ImproperlyConfigured (no driver), …
        return Check(
            "database",
            FAIL,
            _("{where} unreachable: {error}").format(where=where, error=_first_line(exc)),
        )
    if damage:
        return Check(
            "database",
            FAIL,
            _("{where} fails the integrity check ({n} problem(s)): {error}").format(
                where=where, n=len(damage), error=damage[0]
            ),
        )
    if row is None:
        return Check(
            "database", FAIL, _("{where} answers but has no schema version").format(where=where)
        )
    version = int(row[0])
    detail = _("{where} reachable, schema version {version}").format(where=where, version=version)
    if sqlite:
        detail += _(", journal {mode}").format(mode=mode)
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        return Check(
            "database",
            FAIL,
            _("{detail}, but missing from the schema: {missing}").format(
                detail=detail, missing=shown
            ),
        )
    if version > SCHEMA_VERSION:
        return Check(
            "database",
            FAIL,
            _("{detail}: newer than this cafepol ({known})").format(
                detail=detail, known=SCHEMA_VERSION
            ),
        )
    if version < SCHEMA_VERSION:
        return Check(
            "database",
            WARN,
            _("{detail}: older than this cafepol ({known})").format(
                detail=detail, known=SCHEMA_VERSION
            ),
        )
    if sqlite:
        detail += _(", integrity ok")
    return Check("database", OK, detail)


def _missing_schema(db: peewee.Database) -> list[str]:
    """Every table and column the models expect that the database lacks ("table", "t.col")."""
    tables = set(db.get_tables())
    missing: list[str] = []
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table not in tables:
            missing.append(_("table {table}").format(table=table))
            continue
        columns = {c.name for c in db.get_columns(table)}
        missing.extend(
            f"{table}.{field.column_name}"
            for field in model._meta.sorted_fields
            if field.column_name not in columns
        )
    return missing


def _existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _disk_line(label: str, folder: Path, need: int) -> tuple[str, str]:
    usage = shutil.disk_usage(_existing_parent(folder))
    text = _("{label} {size} free").format(label=label, size=format_bytes(usage.free))
    if usage.free < max(DISK_FAIL_BYTES, need):
        return FAIL, text
    if usage.free < max(DISK_WARN_BYTES, 3 * need):
        return WARN, text
    return OK, text


def _check_disk(settings: Settings) -> Check:
    from cafepol_tui.services.backup import BackupError, sqlite_path

    parts: list[tuple[str, str]] = []
    try:
        db_file = sqlite_path(settings)
    except BackupError:
        db_file = None  # PostgreSQL: its disk is the server's business
    db_size = db_file.stat().st_size if db_file is not None and db_file.exists() else 0
    if db_file is not None:
        parts.append(_disk_line(_("database:"), db_file.parent, db_size))
    parts.append(_disk_line(_("backups:"), settings.backup_dir, 2 * db_size))
    note = ""
    if db_file is not None:
        try:
            same = (
                os.stat(_existing_parent(db_file.parent)).st_dev
                == os.stat(_existing_parent(settings.backup_dir)).st_dev
            )
        except OSError:
            same = False
        if same:
            note = _(" (same disk: also keep copies elsewhere)")
    statuses = [s for s, _ in parts]
    status = FAIL if FAIL in statuses else WARN if WARN in statuses else OK
    return Check("disk", status, ", ".join(t for _, t in parts) + note)


def _check_backup(settings: Settings, now: datetime) -> Check:
    from cafepol_tui.services.backup import (
        BackupUnsupportedError,
        last_backup_age,
        list_backups,
        sqlite_path,
    )

    try:
        sqlite_path(settings)
    except BackupUnsupportedError:
        return Check(
            "backup", WARN, _("backups: use pg_dump (PostgreSQL is not copied by cafepol)")
        )
    age = last_backup_age(settings, now=now)
    folder = settings.backup_dir
    if age is None:
        return Check(
            "backup",
            WARN,
            _("no backup yet in {folder} (run `cafepol backup`)").format(folder=folder),
        )
    copies = len(list_backups(settings))
    detail = _("last {age}, {copies} kept in {folder}").format(
        age=format_ago(age), copies=copies, folder=folder
    )
    interval = timedelta(hours=settings.backup.interval_h)
    if age <= interval * 1.5:
        return Check("backup", OK, detail)
    if age <= max(interval * 3, timedelta(days=3)):
        return Check("backup", WARN, detail)
    return Check("backup", FAIL, detail)


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    )


def _check_printer(settings: Settings, env: Mapping[str, str]) -> Check:
    """A missing or silent CUPS fails only where a printer is configured; elsewhere the
    documents are kept as PDFs in the output folder, which is worth a warning, not a failure."""
    printer = settings.printing.printer
    lp = settings.printing.lp_command
    path = env.get("PATH", os.defpath)
    # Where no printer is configured, CUPS missing is a warning: PDFs are still kept.
    missing = FAIL if printer else WARN
    if shutil.which(lp, path=path) is None:
        if not printer:
            return Check(
                "printer",
                WARN,
                _(
                    "no printer configured and print command '{lp}' not found: documents are "
                    "kept as PDFs in {folder}"
                ).format(lp=lp, folder=settings.output_dir),
            )
        return Check(
            "printer", FAIL, _("print command '{lp}' not found (install cups-client)").format(lp=lp)
        )
    lpstat = shutil.which("lpstat", path=path)
    if lpstat is None:
        return Check("printer", WARN, _("lpstat not found: CUPS state can't be checked"))
    try:
        scheduler = _run([lpstat, "-r"])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(
            "printer", missing, _("CUPS not answering ({error})").format(error=type(exc).__name__)
        )
    if "is running" not in scheduler.stdout:
        reply = (scheduler.stdout or scheduler.stderr).strip().splitlines()
        answer = reply[0] if reply else _("no reply")
        return Check("printer", missing, _("CUPS not answering: {reply}").format(reply=answer))
    if not printer:
        try:
            default = _run([lpstat, "-d"]).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            default = ""
        if ":" in default and "no system default" not in default:
            name = default.split(":", 1)[1].strip()
            return Check(
                "printer",
                OK,
                _("no printer set in config: CUPS default '{name}' is used").format(name=name),
            )
        return Check(
            "printer", WARN, _("no printer configured and no CUPS default (printing.printer)")
        )
    try:
        state = _run([lpstat, "-p", printer])
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(
            "printer",
            FAIL,
            _("CUPS not answering about '{printer}' ({error})").format(
                printer=printer, error=type(exc).__name__
            ),
        )
    text = state.stdout.strip()
    if state.returncode != 0 or not text.startswith(f"printer {printer} "):
        return Check(
            "printer", FAIL, _("printer '{printer}' unknown to CUPS").format(printer=printer)
        )
    first = text.splitlines()[0]
    if "disabled" in first:
        return Check(
            "printer", FAIL, _("printer '{printer}' is disabled in CUPS").format(printer=printer)
        )
    summary = first.removeprefix(f"printer {printer} ").split(".")[0]
    return Check("printer", OK, f"'{printer}' {summary}")


def _check_mail(settings: Settings) -> Check:
    """The SMTP server answers (connect, EHLO, STARTTLS or TLS, login, NOOP): no message sent."""
    import smtplib

    from cafepol_tui.services.smtp import open_session
    from cafepol_tui.settings import SettingsError

    mail = settings.mail
    if not mail.enabled:
        return Check(
            "mail",
            WARN,
            _("no [mail] host: notices by e-mail wait in the outbox (`cafepol outbox`)"),
            counts=False,
        )
    server = f"{mail.host}:{mail.resolved_port}"
    try:
        client = open_session(mail)
        try:
            code, _reply = client.noop()
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    except SettingsError as exc:
        return Check("mail", FAIL, str(exc))
    except smtplib.SMTPAuthenticationError as exc:
        return Check(
            "mail",
            FAIL,
            _("{server}: login refused ({code})").format(server=server, code=exc.smtp_code),
        )
    except (smtplib.SMTPException, OSError) as exc:
        return Check(
            "mail",
            FAIL,
            _("{server} not answering: {error}").format(
                server=server, error=_first_line(exc) or type(exc).__name__
            ),
        )
    if code != 250:
        return Check(
            "mail", WARN, _("{server} answered NOOP with {code}").format(server=server, code=code)
        )
    return Check(
        "mail", OK, _("{server} answers ({security})").format(server=server, security=mail.security)
    )


def _check_speech(settings: Settings) -> Check:
    """« Écouter »: the engine is installed, and espeak-ng has a voice for each language."""
    from cafepol_tui.services.speech import engine_path, missing_voices

    speech = settings.speech
    if not speech.enabled:
        return Check("speech", OK, _("off ([speech] enabled = false): no listening mode"))
    program = engine_path(speech)
    first = shlex.split(speech.command)[0]
    if program is None and "/" in first and Path(first).expanduser().exists():
        return Check(
            "speech",
            WARN,
            _("{command} is not a program the kiosk can run: no Listen button").format(
                command=safe_input.shown(first, 200)
            ),
        )
    if program is None:
        return Check(
            "speech",
            WARN,
            _("{command} not found: the kiosk shows no Listen button (install espeak-ng, "
              "or set [speech] command)").format(command=safe_input.shown(first, 200)),
        )
    missing = missing_voices(speech, program)
    if missing:
        return Check(
            "speech",
            WARN,
            _("{program}: no voice {voices} ([speech.voices])").format(
                program=program, voices=", ".join(missing)
            ),
        )
    if plays_itself(speech) and not sound_output_found():
        return Check(
            "speech",
            WARN,
            _("{program}: no sound card (/dev/snd) nor sound server: nothing will be heard")
            .format(program=program),
        )
    privacy = _("private listening") if speech.private_listening else _("loudspeaker")
    return Check("speech", OK, _("{program} ({privacy})").format(program=program, privacy=privacy))


def plays_itself(speech: SpeechSettings) -> bool:
    """espeak-ng playing its voice itself (not writing it to a file or a pipe)."""
    words = shlex.split(speech.command)
    return (bool(words) and Path(words[0]).name in ("espeak-ng", "espeak")
            and not {"-w", "--stdout"} & set(words))


def sound_output_found(environ: Mapping[str, str] | None = None) -> bool:
    """A sound card, or a PulseAudio or PipeWire server of this user, to play the voice on."""
    env = os.environ if environ is None else environ
    if Path("/dev/snd").is_dir() and any(Path("/dev/snd").glob("pcm*")):
        return True
    runtime = Path(env.get("XDG_RUNTIME_DIR", f"/run/user/{os.getuid()}"))
    return bool(env.get("PULSE_SERVER")) or any(
        (runtime / name).exists() for name in ("pulse/native", "pipewire-0")
    )


def _check_outbox(settings: Settings) -> Check:
    """The outbox: a channel that failed last time, messages failed for good, calls waiting.

    Read on a connection of its own (the staff console runs doctor beside its own)."""
    db = make_database(settings.resolved_database_url)
    if isinstance(db, peewee.SqliteDatabase) and not Path(db.database).exists():
        return Check("outbox", OK, _("no database: nothing to send"))
    with db.connection_context():
        if "outbox_message" not in db.get_tables():
            return Check("outbox", OK, _("no outbox yet (schema older than 5)"))
        counts = dict(
            db.execute_sql('SELECT "status", COUNT(*) FROM "outbox_message" GROUP BY "status"')
        )
        down = db.execute_sql(
            'SELECT "key", "value" FROM "meta" WHERE "key" LIKE %s ORDER BY "key"'.replace(
                "%s", db.param
            ),
            ("outbox_outage_%",),
        ).fetchall()
    parts = [
        _("{pending} waiting, {failed} failed, {calls} to call").format(
            pending=counts.get("pending", 0),
            failed=counts.get("failed", 0),
            calls=counts.get("to_call", 0),
        )
    ]
    for key, value in down:
        since, _sep, error = str(value).partition("\n")
        parts.append(
            _("{channel} down since {since}: {error}").format(
                channel=str(key).removeprefix("outbox_outage_"), since=since[:16], error=error
            )
        )
    status = WARN if down or counts.get("failed", 0) else OK
    return Check("outbox", status, "; ".join(parts))


def find_assets_dir() -> Path | None:
    """The packaged assets (wheel) or, in a source checkout, the repository's `assets/`."""
    package = Path(cafepol_tui.__file__).resolve().parent
    for candidate in (package / "assets", package.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return None


def _check_assets(settings: Settings, assets_dir: Path | None) -> Check:
    folder = assets_dir or find_assets_dir()
    if folder is None or not folder.is_dir():
        return Check("assets", FAIL, _("assets folder not found (fonts, logo): reinstall cafepol"))
    fonts_dir = folder / "fonts"
    fonts = (
        sorted(p for p in fonts_dir.glob("*") if p.suffix.lower() in FONT_SUFFIXES)
        if fonts_dir.is_dir()
        else []
    )
    problems: list[tuple[str, str]] = []
    if not fonts:
        problems.append(
            (
                WARN,
                _("no fonts in {folder}: slips and flyers can't use the house font").format(
                    folder=fonts_dir
                ),
            )
        )
    elif not any(
        p.name.upper().startswith(("LICENSE", "LICENCE", "OFL")) for p in fonts_dir.iterdir()
    ):
        problems.append(
            (
                WARN,
                _("{n} fonts in {folder} but no licence file beside them").format(
                    n=len(fonts), folder=fonts_dir
                ),
            )
        )
    logo = settings.documents.logo
    if logo and not Path(logo).expanduser().is_file():
        problems.append((FAIL, _("logo {path} not found").format(path=logo)))
    if problems:
        status = FAIL if any(s == FAIL for s, _ in problems) else WARN
        return Check("assets", status, "; ".join(t for _, t in problems))
    detail = _.plural("{n} font in {folder}", "{n} fonts in {folder}", len(fonts)).format(
        n=len(fonts), folder=fonts_dir
    )
    if logo:
        detail += _(", logo present")
    return Check("assets", OK, detail)


def _check_log(settings: Settings) -> Check:
    from cafepol_tui.logging_setup import log_file_path

    path = log_file_path(settings)
    folder = _existing_parent(path.parent)
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        return Check("log", FAIL, _("{path} can't be written").format(path=path))
    return Check("log", OK, f"{path}")


def _terminal_step(size: tuple[int, int] | None, env: Mapping[str, str]) -> Check:
    check = _check_terminal(size, env)
    if size is None:  # doctor's own terminal (or none): advice only
        return dataclasses.replace(check, counts=False)
    return check


def _check_terminal(size: tuple[int, int] | None, env: Mapping[str, str]) -> Check:
    if size is None:
        try:
            columns, lines = os.get_terminal_size(1)
        except OSError:
            return Check(
                "terminal",
                OK,
                _(
                    "not a terminal: size and colours not checked "
                    "(run `cafepol doctor` on the kiosk screen or see the staff console)"
                ),
            )
    else:
        columns, lines = size
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "").lower()
    if env.get("NO_COLOR"):
        colours, colour_status = _("no colours (NO_COLOR set)"), WARN
    elif colorterm in ("truecolor", "24bit"):
        colours, colour_status = _("true colour"), OK
    elif "256color" in term:
        colours, colour_status = _("256 colours"), OK
    elif term in ("", "dumb"):
        colours, colour_status = _("TERM={term}: no colours").format(term=term or "unset"), WARN
    elif term == "linux":
        colours, colour_status = _("16 colours (Linux console)"), OK
    else:
        colours, colour_status = f"TERM={term}", OK
    detail = f"{columns}×{lines}, {colours}"
    if columns < MIN_COLUMNS or lines < MIN_LINES:
        return Check(
            "terminal",
            WARN,
            _("{detail}: smaller than {columns}×{lines}").format(
                detail=detail, columns=MIN_COLUMNS, lines=MIN_LINES
            ),
        )
    return Check("terminal", colour_status, detail)
