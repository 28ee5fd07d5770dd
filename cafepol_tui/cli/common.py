"""What every command shares: the refusals, the parser, the argument types, the database, --out.

Nothing here imports the UI, fpdf2 or Babel: the kiosk's start-up pays for none of them.
"""

from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from cafepol_tui.db.engine import DatabaseConfigError, sqlite_file
from cafepol_tui.db.open import open_database
from cafepol_tui.i18n import translator
from cafepol_tui.safe_input import has_unsafe_chars, path_problem, shown
from cafepol_tui.settings import Settings, SettingsError

if TYPE_CHECKING:
    import peewee

_ = translator("messages")

EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 70  # a bug: logged with its traceback; systemd restarts the kiosk

log = logging.getLogger("cafepol.cli")
# Until setup_logging runs (or when the config can't be read), log lines go nowhere rather
# than to Python's last-resort stderr handler: stderr carries one line per error, no more.
logging.getLogger("cafepol").addHandler(logging.NullHandler())


# --- refusals: one family, turned into one line and exit status 2 in cli.main -------------


class UserError(Exception):
    """A refusal: what was asked can't or won't be done. One line on stderr, exit status 2."""

    prog = "cafepol"  # the line begins « cafepol: »


class BadArgumentError(UserError):
    """A value given on the command line is refused (its `type=` check, or options that go
    together)."""


class UsageError(BadArgumentError):
    """argparse's refusal of the command line (an unknown option, a missing or invalid value),
    said after the command it is about: « cafepol meetings: unrecognized arguments: … »."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class BadDatabaseError(UserError):
    """The database named (--db, the config, copy-db --to) can't be the right one, or can't be
    reached."""


class BadOutputError(UserError):
    """--out can't be written, or would destroy something."""


@contextmanager
def refusing(*kinds: type[Exception]) -> Iterator[None]:
    """A service's own refusals (`BackupError`, `ServeError`…) become a `UserError`."""
    try:
        yield
    except kinds as exc:
        raise UserError(str(exc)) from None


# --- the parser: its help in the current language ------------------------------------------


class HelpFormatter(argparse.HelpFormatter):
    """argparse's « usage: » in the current language."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """Usage errors are a `UsageError`, refused like any other; argparse's own words (usage,
    its section titles, -h) in the current language like every help text: build it inside
    `language()`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        self.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)


# What a command does with the database before it runs: "creates" may create a new SQLite
# file (in a folder that exists); "existing" refuses a missing file rather than leave an empty
# database where a path was mistyped; "own" checks it in its own words (doctor reports it as a
# check, backup says there is nothing to back up, restore may put a backup where there is none).
DatabaseUse = Literal["creates", "existing", "own"]


@dataclass(frozen=True)
class OutputKind:
    """What a command's --out may overwrite: only a file that begins with `signature(args)`
    (the bytes, and what such a file is called), or an empty one."""

    signature: Callable[[argparse.Namespace], tuple[bytes, str]]
    folder_ok: bool = False  # a folder: the command picks a new name inside (backup)
    # /dev/stdout or a pipe keep nothing to lose; a backup replaces the path it is given (a
    # device node included): never anything but a file.
    streams_ok: bool = True


@dataclass(frozen=True)
class Command:
    """A subcommand, as `main` runs it (set as the `spec` default of its parser)."""

    run: Callable[[argparse.Namespace, Settings], int]
    database: DatabaseUse = "existing"
    output: OutputKind | None = None
    # The kiosk (and what serves it) sets its own process-wide language and lets citizens
    # change it: a block-local `language()` there would hide their choice.
    kiosk: bool = False
    # The config can't be read: run anyway (doctor reports it as a failed check).
    without_settings: Callable[[argparse.Namespace, SettingsError], int] | None = None


def add_command(
    subparsers: Any, name: str, help: str, run: Callable[[argparse.Namespace, Settings], int],
    **spec: Any,
) -> Parser:
    """A subcommand; its one-line `help` (already translated) is also its description."""
    parser: Parser = subparsers.add_parser(name, help=help, description=help)
    parser.set_defaults(spec=Command(run, **spec))
    return parser


def add_demo_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """--demo, the same wherever it is given: `cafepol --demo`, `cafepol run --demo` and
    `cafepol seed --demo` set the one `demo`. Not given to a subcommand, it leaves the value of
    the main parser's as it is (argparse would otherwise put the subcommand's default over it)."""
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        required=required,
        help=_("the demo zone (its communes, meetings and sign-ups)") if required
        else _("seed the demo zone first, then start"),
    )


# --- argument types: every check of one value, shared by the commands ---------------------

ID_MAX = 2**31 - 1  # a PostgreSQL integer column; SQLite raises OverflowError past 2**63


def bounded_int(low: int, high: int, refusal: str | None = None) -> Callable[[str], int]:
    """An argparse `type=`: a whole number from `low` to `high`.

    Out of range, argparse says « argument X: 99 is out of range… »; with `refusal` (an `N_()`
    text naming the option) that text is the whole one-line refusal instead.
    """

    def parse(text: str) -> int:
        value = int(text)  # ValueError: argparse says « invalid int value: '…' »
        if not low <= value <= high:
            if refusal is not None:
                raise BadArgumentError(_(refusal))
            raise argparse.ArgumentTypeError(
                _("{value} is out of range: give a whole number from {low} to {high}").format(
                    value=shown(text, 40), low=low, high=high
                )
            )
        return value

    parse.__name__ = "int"
    return parse


def path_arg(text: str) -> str:
    """An argparse `type=` for a file name: not empty, no NUL, names of at most 255 bytes."""
    problem = path_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def database_arg(text: str) -> str:
    """`--db`: an empty value would silently mean the default database."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            _("empty: give a database file or URL, or leave --db out for the default database")
        )
    return text


def name_arg(limit: int) -> Callable[[str], str]:
    """A short name that is stored and shown (a staff account): printable, `limit` at most."""

    def parse(text: str) -> str:
        if has_unsafe_chars(text):
            raise argparse.ArgumentTypeError(
                _("{value} contains control characters").format(value=shown(text, 40))
            )
        if len(" ".join(text.split())) > limit:
            raise argparse.ArgumentTypeError(
                _("too long ({length} characters, {max} at most)").format(length=len(text), max=limit)
            )
        return text

    parse.__name__ = "name"
    return parse


# --- the database, the log ------------------------------------------------------------------


@contextmanager
def connected(settings: Settings, *, create: bool = True) -> Iterator[peewee.Database]:
    """The command's database, opened (its schema created or upgraded, unless not `create`)
    and connected for the block."""
    db = open_database(settings.resolved_database_url, create=create)
    with db.connection_context():
        yield db


def start_logging(settings: Settings, verbose: bool, command: str) -> None:
    from cafepol_tui import __version__
    from cafepol_tui.logging_setup import setup_logging

    # The kiosk owns the screen: never echo the log on it, even with --verbose.
    setup_logging(settings, verbose=verbose, console=verbose and command != "run")
    log.info("cafepol %s: '%s' started", __version__, command)


# --- checks before any command: what it opens and what it overwrites ----------------------

SQLITE_HEADER = b"SQLite format 3\x00"


def preflight(spec: Command, args: argparse.Namespace, settings: Settings) -> None:
    """Refuse, before anything is opened or written, a database that can't be the right one
    and an --out that would destroy something."""
    if spec.database != "own":
        check_database(settings, creates=spec.database == "creates")
    out = getattr(args, "out", None)
    if out and spec.output is not None:
        check_output(spec.output, args, out, settings)


def check_database(settings: Settings, *, creates: bool) -> None:
    path = sqlite_file(settings.resolved_database_url)  # a URL that can't work: refused here
    if path is None:  # PostgreSQL (checked when connecting) or in memory
        return
    where = shown(path)
    try:
        mode: int | None = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:  # a file where a folder should be, no permission…
        raise BadDatabaseError(
            _("can't use the database {path}: {error}").format(path=where, error=exc.strerror)
        ) from None
    if mode is not None:
        if not stat.S_ISREG(mode):
            raise BadDatabaseError(_("the database {path} is not a file").format(path=where))
        return
    if not creates:
        raise BadDatabaseError(
            _(
                "no database at {path} (check --db; `cafepol seed --demo` or starting the "
                "kiosk creates one)"
            ).format(path=where)
        )
    folder = path.parent
    if not settings.database_url:  # the default place in the user's data folder: ours to make
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise BadDatabaseError(
                _("can't create the folder {folder}: {error}").format(
                    folder=shown(folder), error=exc.strerror
                )
            ) from None
        return
    check_new_database_folder(path)


def head(path: Path, size: int, refusal: str, kind: type[UserError] = UserError) -> bytes:
    """The first `size` bytes of `path`; `refusal` (with {path} and {error}) if unreadable."""
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError as exc:
        raise kind(refusal.format(path=shown(path), error=exc.strerror)) from None


def check_new_database_folder(path: Path) -> None:
    folder = path.parent
    try:
        ready = folder.is_dir() and os.access(folder, os.W_OK)
    except OSError:
        ready = False
    if not ready:
        raise BadDatabaseError(
            _(
                "can't create the database {path}: folder {folder} does not exist or is not "
                "writable"
            ).format(path=shown(path), folder=shown(folder))
        )


def database_files(settings: Settings) -> list[Path]:
    """The SQLite database and the files beside it that belong to it (none for PostgreSQL)."""
    try:
        path = sqlite_file(settings.resolved_database_url)
    except DatabaseConfigError:
        return []
    if path is None:
        return []
    return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]


def is_same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b) or (
            a.exists() and b.exists() and os.path.samefile(a, b)
        )
    except OSError:
        return False


def check_out(out: str | None, *, folder_ok: bool = False) -> Path | None:
    """Refuse an unwritable --out before any work is done."""
    if not out:
        return None
    path = Path(out).expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            if folder_ok:
                return path
            raise BadOutputError(_("can't write {path}: it is a folder").format(path=shown(path)))
        if not parent.is_dir():
            raise BadOutputError(
                _("can't write {path}: folder {folder} does not exist").format(
                    path=shown(path), folder=shown(parent)
                )
            )
        writable = os.access(parent, os.W_OK) and (
            not path.exists() or os.access(path, os.W_OK)
        )
    except OSError as exc:
        raise BadOutputError(
            _("can't write {path}: {error}").format(path=shown(path), error=exc.strerror)
        ) from None
    if not writable:
        raise BadOutputError(_("can't write {path}: permission denied").format(path=shown(path)))
    return path


def refuse_the_database(path: Path, settings: Settings) -> None:
    """Nothing the program writes may land on the database or its -wal/-shm files."""
    if any(is_same_file(path, db_file) for db_file in database_files(settings)):
        raise BadOutputError(
            _("--out {path} is the database (or one of its files): give another file").format(
                path=shown(path)
            )
        )


def check_output(kind: OutputKind, args: argparse.Namespace, out: str, settings: Settings) -> None:
    """--out never names the database, a missing or read-only folder, or an existing file of
    another kind: PDF commands overwrite only a PDF, export only a previous export in the
    same format, backup only a SQLite file (or picks a new name in a folder)."""
    path = check_out(out, folder_ok=kind.folder_ok)
    assert path is not None
    where = shown(path)
    refuse_the_database(path, settings)
    try:
        mode = path.stat().st_mode
    except OSError:  # not there yet: nothing to lose
        return
    if stat.S_ISDIR(mode):  # backup: a new name inside
        return
    if kind.streams_ok and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return
    if not stat.S_ISREG(mode):
        raise BadOutputError(_("can't write {path}: not a regular file").format(path=where))
    expected, what = kind.signature(args)
    found = head(path, len(expected), _("can't write {path}: {error}"), BadOutputError)
    if found and found != expected:  # an empty file has nothing to lose
        raise BadOutputError(
            _(
                "{path} exists and is not {kind}: it is not overwritten (give a new file "
                "name, or remove it first)"
            ).format(path=where, kind=what)
        )


def write_file(path: Path, data: bytes) -> None:
    """Write `data` whole or not at all: a temporary file beside `path` (its owner's only),
    renamed over it. A full disk or a lost folder leaves `path` as it was, never half written."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cafepol-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise BadOutputError(
            _("can't write {path}: {error}").format(path=shown(path), error=exc.strerror)
        ) from None


def write_output(text: str, out: str | None) -> None:
    """`text` to --out (as it is: CRLF line ends stay), or to standard output."""
    if not out:
        sys.stdout.write(text)
        return
    path = Path(out).expanduser()
    write_file(path, text.encode("utf-8"))
    print(_("written {path}").format(path=shown(path)), file=sys.stderr)
