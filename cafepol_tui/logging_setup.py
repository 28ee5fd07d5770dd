"""One rotating log file for the IT contact: start, stop, errors, backups, printing, database.

Personal data stays out of it. The discipline is in the callers: log ids, reference codes,
counts and outcomes, never a name, phone number, e-mail or free-text topic. `RedactFilter` is
a safety net under that discipline: it masks anything shaped like an e-mail address or a phone
number, including in exception messages and tracebacks, before a line reaches the file.
Names can't be recognised by shape, which is why the discipline comes first.

Library loggers that echo SQL parameters (peewee at DEBUG) are held at WARNING even with
`--verbose`, because their parameters are exactly the citizens' data.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
import secrets
import sys
import traceback
from pathlib import Path

from cafepol_tui.i18n import translator
from cafepol_tui.settings import Settings

_ = translator("messages")

LOG_FILE_NAME = "cafepol.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(process)d] %(message)s"

# Loggers whose DEBUG output carries row values or is just noise on a kiosk.
QUIET_LOGGERS = ("peewee", "asyncio", "PIL", "fpdf", "fontTools", "markdown_it", "urllib3")

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# +32 470 12 34 56, 0032470123456, 0470/12.34.56, 065 12 34 56: a leading + or 0, then 8+
# digits with optional separators. Sizes, ids and ISO dates (no leading 0) are left alone.
PHONE_RE = re.compile(r"(?<![\w.:-])(?:\+\d|0)(?:[ ./-]?\d){7,14}(?![\w:])")

_HANDLER_MARK = "_cafepol_handler"


# EMAIL_RE's parts, for the linear scan below.
_EMAIL_LOCAL_CHAR = re.compile(r"[\w.+'-]")
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")


def redact_emails(text: str) -> str:
    """`EMAIL_RE.sub("<e-mail>", text)`, in time linear in the length of the text.

    The regular expression retries a long run of name characters from each of them when no
    « @ » follows: quadratic (30,000 characters took 5 s, 100,000 took 49 s; an argument or
    an exception message can be that long). Here each « @ » looks back over the run just
    before it, which ends at the previous « @ »: every character is looked at a few times at
    most. The matches are the same: the leftmost « @ » with a name before it and a domain
    after it, the name as long as it goes, the domain as the expression takes it.
    """
    at = text.find("@")
    if at == -1:
        return text
    parts: list[str] = []
    pos = 0
    while at != -1:
        start = at
        while start > pos and _EMAIL_LOCAL_CHAR.match(text, start - 1):
            start -= 1
        domain = _EMAIL_DOMAIN.match(text, at + 1) if start < at else None
        if domain is None:
            at = text.find("@", at + 1)
            continue
        parts += (text[pos:start], "<e-mail>")
        pos = domain.end()
        at = text.find("@", pos)
    parts.append(text[pos:])
    return "".join(parts)


def redact(text: str) -> str:
    """Mask e-mail addresses and phone-shaped numbers."""
    return PHONE_RE.sub("<phone>", redact_emails(text))


class RedactFilter(logging.Filter):
    """Redact the formatted message and any traceback, then freeze them on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _QuietOnFailure(logging.Handler):
    """A handler that never prints « --- Logging error --- » and a traceback on the terminal.

    Logging's default, when a line can't be written (a full disk, a log folder gone), is to print
    the traceback on stderr: on a kiosk, that is the citizen's screen. Here the line is dropped
    and counted; the next line that can be written is preceded by how many were lost.
    """

    dropped = 0

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.dropped += 1

    def emit(self, record: logging.LogRecord) -> None:
        lost, self.dropped = self.dropped, 0
        if lost:
            super().emit(  # type: ignore[safe-super]
                logging.makeLogRecord({
                    "name": "cafepol.log", "levelno": logging.WARNING, "levelname": "WARNING",
                    "msg": "%d log line(s) lost: the log could not be written (disk full?)",
                    "args": (lost,),
                })
            )
            if self.dropped:  # still can't write: keep counting without trying twice
                self.dropped = lost + 1
                return
        super().emit(record)  # type: ignore[safe-super]


class QuietRotatingFileHandler(_QuietOnFailure, logging.handlers.RotatingFileHandler):
    pass


class QuietStreamHandler(_QuietOnFailure, logging.StreamHandler):  # type: ignore[type-arg]
    pass


def log_file_path(settings: Settings) -> Path:
    return settings.log_dir / LOG_FILE_NAME


def setup_logging(
    settings: Settings, verbose: bool = False, *, console: bool = False
) -> Path | None:
    """Send the root logger to the rotating file (and to stderr if `console`).

    Safe to call more than once: handlers installed by an earlier call are replaced. Returns
    the log file path, or None when the folder can't be written (then a warning goes to
    stderr once and the program carries on: a kiosk must not refuse to start over its log).
    """
    shutdown_logging()
    root = logging.getLogger()
    level = logging.DEBUG if verbose else logging.INFO
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

    formatter = logging.Formatter(FORMAT)
    path: Path | None = log_file_path(settings)
    handlers: list[logging.Handler] = []
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        file_handler = QuietRotatingFileHandler(
            path,
            maxBytes=settings.logging.max_bytes,
            backupCount=settings.logging.keep_files,
            encoding="utf-8",
        )
        handlers.append(file_handler)
        # The log names no citizen, but incidents and paths are nobody else's business.
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    except OSError as exc:
        print(
            _("cafepol: can't write the log in {folder}: {error}").format(
                folder=settings.log_dir, error=exc.strerror
            ),
            file=sys.stderr,
        )
        path = None
    if console:
        handlers.append(QuietStreamHandler(sys.stderr))
    for handler in handlers:
        handler.setLevel(level)
        handler.setFormatter(formatter)
        handler.addFilter(RedactFilter())
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    logging.captureWarnings(True)
    return path


def shutdown_logging() -> None:
    """Remove and close the handlers `setup_logging` installed (end of process, tests)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        try:
            handler.close()
        except (OSError, ValueError):  # its last lines can't be flushed (a full disk): dropped
            pass


def log_incident(exc: BaseException, where: str, logger: logging.Logger | None = None) -> str:
    """Log an unexpected error with its traceback; return a short incident code to show.

    The code (e.g. ``INC-7F3A2C``) is what the "un instant…" screen can display, so the IT
    contact can find the matching traceback in the log file.
    """
    code = "INC-" + secrets.token_hex(3).upper()
    (logger or logging.getLogger("cafepol")).error(
        "unexpected error %s in %s: %s",
        code,
        where,
        type(exc).__name__,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return code
