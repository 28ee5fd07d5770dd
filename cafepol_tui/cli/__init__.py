"""Command line: parse, load settings once, open the database, dispatch.

One module per area adds its subcommands (`add_commands`): `kiosk` (run, serve, set-pin,
unlock-pins), `meetings` (seed, meetings, register, cancel), `meeting` (meeting add, edit,
cancel), `concern` (concern add, feedback, show), `notices` (outbox, send), `documents` (export and the PDFs),
`operations` (backup, restore, migrate, copy-db, purge, stats, doctor), `zone` (zone import,
zone export), `status` (status by code); `common` holds what they share. The UI (Textual)
and the PDF code are imported only by the commands that need them.

Any bad input is one line on stderr and exit status 2 (`UserError`, and the services' own
refusals: see `as_user_error`); nothing is half-done. A bug is exit status 70.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import peewee

from cafepol_tui.cli import (
    concern,
    documents,
    kiosk,
    meeting,
    meetings,
    notices,
    operations,
    status,
    zone,
)
from cafepol_tui.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_UNEXPECTED,
    BadArgumentError,
    BadDatabaseError,
    Command,
    Parser,
    UserError,
    add_demo_option,
    database_arg,
    log,
    path_arg,
    preflight,
    start_logging,
)
from cafepol_tui.db.engine import DatabaseConfigError
from cafepol_tui.i18n import current_language, language, set_language, translator
from cafepol_tui.safe_input import is_valid_utf8, one_line, shown
from cafepol_tui.settings import Settings, SettingsError, load_settings

__all__ = ["EXIT_BAD_INPUT", "EXIT_UNEXPECTED", "UserError", "build_parser", "main"]

_ = translator("messages")

LANGUAGES = ("fr", "nl", "de", "en")
AREAS = (kiosk, meetings, meeting, concern, notices, documents, operations, zone, status)
DEFAULT_COMMAND = "run"
ARGUMENT_MAX = 10_000  # characters in one argument: more than any field stores


def build_parser() -> Parser:
    """Every command and option; its help in the current language (build it in `language()`)."""
    parser = Parser(prog="cafepol", description=_("CaféPol kiosk and tools."))
    parser.add_argument(
        "--db", type=database_arg, help=_("database file path or URL (sqlite:///…, postgresql://…)")
    )
    parser.add_argument("--config", type=path_arg, help=_("TOML config file"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language"))
    add_demo_option(parser)
    parser.set_defaults(demo=False)  # --demo given nowhere
    parser.add_argument(
        "-v", "--verbose", action="store_true", help=_("debug log, echoed on stderr")
    )
    subparsers = parser.add_subparsers(dest="command", parser_class=Parser)
    for area in AREAS:
        area.add_commands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # What is said while parsing (--help, argparse's refusals, the values a `type=` check
    # refuses) speaks --lang, else $CAFEPOL_LANG: the config, and its language, are read after.
    with language(_early_language(arguments)):
        try:
            _check_arguments(arguments)
            parser = build_parser()
            args = parser.parse_args(arguments)
            if args.command is None:  # `cafepol`, `cafepol --demo`: the kiosk
                args = parser.parse_args([DEFAULT_COMMAND], namespace=args)
        except SystemExit as exc:  # --help
            return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
        except UserError as exc:  # argparse's refusals, and the values a `type=` check refused
            return _refuse(exc)
    command: str = args.command
    spec: Command = args.spec
    # Until the config is read, --lang (or the current language) speaks for it.
    with language(args.lang or current_language()):
        try:
            settings = load_settings(args.config, database_url=args.db, language=args.lang)
        except SettingsError as exc:
            if spec.without_settings is not None:
                return spec.without_settings(args, exc)
            return _refuse(UserError(str(exc)), command)
    if spec.kiosk:
        set_language(settings.default_language)
        return _dispatch(command, spec, args, settings)
    # --lang, else the config's language, for everything the command says or prints.
    with language(settings.default_language):
        return _dispatch(command, spec, args, settings)


def _early_language(arguments: Sequence[str]) -> str:
    """The language to refuse the arguments in, before they are parsed: --lang, else
    $CAFEPOL_LANG, else the current one."""
    for i, arg in enumerate(arguments):
        if arg.startswith("--lang="):
            wanted = arg.partition("=")[2]
        elif arg == "--lang" and i + 1 < len(arguments):
            wanted = arguments[i + 1]
        else:
            continue
        if wanted in LANGUAGES:
            return wanted
    wanted = os.environ.get("CAFEPOL_LANG", "")
    return wanted if wanted in LANGUAGES else current_language()


def _check_arguments(argv: Sequence[str]) -> None:
    """Refuse arguments no command can take: bytes that are not UTF-8 (they can't be stored,
    logged or shown), or longer than anything is stored."""
    for number, arg in enumerate(argv, 1):
        if not is_valid_utf8(arg):
            raise BadArgumentError(
                _("argument {number} is not valid UTF-8 text: {value}").format(
                    number=number, value=shown(arg, 60)
                )
            )
        if len(arg) > ARGUMENT_MAX:
            raise BadArgumentError(
                _("argument {number} is too long ({length} characters, {max} at most)").format(
                    number=number, length=len(arg), max=ARGUMENT_MAX
                )
            )


def _dispatch(command: str, spec: Command, args: argparse.Namespace, settings: Settings) -> int:
    try:
        start_logging(settings, args.verbose, command)
        preflight(spec, args, settings)
        status = spec.run(args, settings)
        log.info("'%s' finished, exit status %d", command, status)
        return status
    except BrokenPipeError:  # e.g. `cafepol meetings | head`
        sys.stderr.close()
        return 0
    except (Exception, KeyboardInterrupt) as exc:
        refusal = as_user_error(exc, command)
        if refusal is None:
            return _unexpected(exc, command)
        return _refuse(refusal, command)


def as_user_error(exc: BaseException, command: str) -> UserError | None:
    """`exc` as the refusal it is (the services raise their own), or None: a bug."""
    from cafepol_tui.services.validation import NotFoundError, RefusedError, ValidationError

    if isinstance(exc, UserError):
        return exc
    if isinstance(exc, SettingsError):
        return UserError(str(exc))
    if isinstance(exc, ValidationError):
        field, message = next(iter(exc.errors.items()))
        return BadArgumentError(f"{_flag_for(field)}: {message}")
    if isinstance(exc, DatabaseConfigError):
        return BadDatabaseError(str(exc))
    if isinstance(exc, NotFoundError | RefusedError):
        return UserError(str(exc))
    if isinstance(exc, peewee.OperationalError):
        detail = str(exc).splitlines()[0] if str(exc) else repr(exc)
        return BadDatabaseError(_("database unreachable: {error}").format(error=detail))
    if isinstance(exc, KeyboardInterrupt):
        return UserError(_("interrupted"))
    if isinstance(exc, OSError):  # a file named on the command line that can't be read or written
        log.warning("'%s': %s", command, type(exc).__name__, exc_info=True)
        reason = exc.strerror or type(exc).__name__
        if exc.filename is not None:
            return UserError(
                _("can't use {path}: {error}").format(path=shown(exc.filename), error=reason)
            )
        return UserError(_("system error: {error}").format(error=reason))
    return None


def _flag_for(field: str) -> str:
    return {"people": "--people", "phone": "--phone", "email": "--email", "topic": "--topic",
            "name": "--name", "consent": "--consent",
            # `meeting add|edit`: the editor's fields (services.meeting_fields)
            "commune": "--commune", "place": "--place", "address": "--address",
            "day": "--start", "start": "--start", "duration_min": "--duration",
            "capacity": "--capacity", "officer": "--officer", "event_url": "--event-url",
            "interested_count": "--interested", "partners": "--partner", "themes": "--theme",
            "reason": "--reason",
            # `concern add|feedback`
            "description": "--text", "reply": "--text", "channel": "--channel",
            "contact_name": "--contact-name", "contact_phone": "--contact-phone",
            "contact_email": "--contact-email", "contact_address": "--contact-address"}.get(field, field)


def _refuse(refusal: UserError, command: str | None = None) -> int:
    """The one place a refusal becomes one line on stderr and exit status 2 (logged once the
    command's log is set up)."""
    # Services, and argparse, echo what was typed: one safe line, whatever it held.
    error = one_line(str(refusal))
    if command is not None:
        log.warning("'%s' refused: %s", command, error)
    print(f"{refusal.prog}: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _unexpected(exc: BaseException, command: str) -> int:
    from cafepol_tui.logging_setup import log_incident

    code = log_incident(exc, f"command '{command}'", log)
    print(
        "cafepol: "
        + _("unexpected error {code} ({kind}); the log file has the details").format(
            code=code, kind=type(exc).__name__
        ),
        file=sys.stderr,
    )
    return EXIT_UNEXPECTED


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
