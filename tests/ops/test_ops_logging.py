"""The log file: where it is, what it says, and that no citizen's data ever lands in it."""

from __future__ import annotations

import logging
from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.logging_setup import log_file_path, log_incident, redact, setup_logging
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import RefusedError, SignupForm
from cafepol_tui.settings import Settings

NAME = "Zébulon Testeau"
PHONE = "0470 12 34 56"
EMAIL = "zebulon.testeau@example.be"
# Every form these could take in a log line: as typed, E.164, folded, parts.
FORBIDDEN = ("zébulon", "zebulon", "testeau", "470123456", "470 12 34 5", "example.be", "vol de v")


def _assert_clean(text: str) -> None:
    lowered = text.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, f"{needle!r} found in the log:\n{text}"


def test_default_log_file_is_in_the_platform_state_dir(settings: Settings, tmp_path: Path) -> None:
    path = setup_logging(settings)
    assert path == log_file_path(settings)
    assert path is not None and path.is_relative_to(tmp_path / "state")
    logging.getLogger("cafepol.test").info("hello")
    assert "INFO    cafepol.test" in path.read_text(encoding="utf-8")


def test_no_personal_data_in_the_log(
    ops_settings: Settings, db: peewee.Database, meeting_id: int, db_path: Path, capsys
) -> None:
    path = setup_logging(ops_settings, verbose=True)
    assert path is not None
    form = SignupForm(
        name=NAME, people=2, phone=PHONE, email=EMAIL, topic="Vol de vélo", consent=True
    )
    first = register(meeting_id, form, max_party=4, topic_max=300)
    with pytest.raises(RefusedError):  # the duplicate check (staff channels) reads the row back
        register(meeting_id, form, max_party=4, topic_max=300, channel="counter")

    # The same person through the CLI, verbose (DEBUG level, peewee would echo its SQL).
    logs = str(Path(ops_settings.logging.folder))
    config = db_path.parent / "config.toml"
    config.write_text(f'[logging]\nfolder = "{logs}"\n', encoding="utf-8")
    argv = [
        "--verbose",
        "--config",
        str(config),
        "--db",
        str(db_path),
        "register",
        str(meeting_id),
        "--name",
        NAME + " Junior",
        "--phone",
        "+32 470 12 34 57",
        "--email",
        "junior." + EMAIL,
        "--consent",
    ]
    assert main(argv) == 0
    second = capsys.readouterr().out.split()[0]
    assert main(argv) == 2  # duplicate: refused, logged
    capsys.readouterr()

    # A careless exception message carrying the data: the safety net masks it.
    try:
        raise ValueError(f"could not print slip for {EMAIL} / {PHONE}")
    except ValueError as exc:
        log_incident(exc, "slip printing")
    logging.getLogger("cafepol.test").warning("contact %s", "+32470123456")

    text = path.read_text(encoding="utf-8")
    _assert_clean(text)
    assert f"registration {second} for meeting {meeting_id}" in text  # the CLI did log
    assert "'register' refused" in text
    assert "ValueError" in text and "<e-mail>" in text and "<phone>" in text
    assert first.reference  # (the service itself logs nothing yet; see the report)


def test_redact_keeps_ids_dates_and_sizes() -> None:
    line = "backup cafepol-20261128T090000Z.sqlite3 2026-11-28 09:00:00 12345678 bytes ref K7PQ2M"
    assert redact(line) == line
    assert redact("call 065 12 34 56 or +32 470 12 34 56") == "call <phone> or <phone>"
    assert redact("mail a.b-c@zone.police.be") == "mail <e-mail>"


def test_email_redaction_is_linear_and_matches_the_expression() -> None:
    import random
    import time

    from cafepol_tui.logging_setup import EMAIL_RE, redact_emails

    # Two addresses side by side, an address after a dot that ends a domain: both masked.
    assert redact_emails("jean@a.be'marie@b.be") == "<e-mail><e-mail>"
    assert redact_emails("x@a.b.'y@c.d") == "<e-mail><e-mail>"
    rng = random.Random(12)
    alphabet = "ab.@-+' _\n1é"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
        assert redact_emails(text) == EMAIL_RE.sub("<e-mail>", text), text
    # 100,000 characters took 49 s with the expression alone (quadratic); well under 1 s now.
    for text in ("x" * 100_000, "@" * 100_000, "a@" * 50_000, "x" * 99_000 + "@zone.be"):
        started = time.perf_counter()
        redact(text)
        assert time.perf_counter() - started < 1.0
    assert redact("x" * 99_000 + "@zone.be") == "<e-mail>"


def test_unwritable_log_folder_does_not_stop_the_program(
    settings: Settings, tmp_path: Path, capsys, english: None
) -> None:
    import dataclasses

    blocker = tmp_path / "file"
    blocker.write_text("x")
    bad = dataclasses.replace(
        settings, logging=dataclasses.replace(settings.logging, folder=str(blocker / "sub"))
    )
    assert setup_logging(bad) is None
    assert "can't write the log" in capsys.readouterr().err


def test_setup_twice_keeps_one_handler(settings: Settings) -> None:
    setup_logging(settings)
    setup_logging(settings, verbose=True)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_cafepol_handler", False)]
    assert len(ours) == 1 and ours[0].level == logging.DEBUG
    assert logging.getLogger("peewee").level == logging.WARNING


FULL_LOG_SCRIPT = """
import dataclasses, logging, resource, signal, sys
from pathlib import Path
from cafepol_tui.logging_setup import setup_logging, shutdown_logging
from cafepol_tui.settings import load_settings

folder = Path(sys.argv[1])
settings = load_settings(database_url=str(folder / "x.db"), environ={})
settings = dataclasses.replace(
    settings, logging=dataclasses.replace(settings.logging, folder=str(folder / "logs"))
)
setup_logging(settings, console=True)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), no kill
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, resource.RLIM_INFINITY))
for i in range(60):
    logging.getLogger("cafepol.test").info("line %d %s", i, "x" * 50)
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
logging.getLogger("cafepol.test").info("space is back")
shutdown_logging()
"""


def test_a_log_on_a_full_disk_never_prints_a_logging_error(tmp_path: Path) -> None:
    """A full disk (here a file-size limit) must not put « --- Logging error --- » and a
    traceback on the kiosk's terminal; the log says how many lines it lost once it can."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", FULL_LOG_SCRIPT, str(tmp_path)],
        cwd=root, capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Logging error" not in run.stderr and "Traceback" not in run.stderr
    text = (tmp_path / "logs" / "cafepol.log").read_text(encoding="utf-8")
    assert "log line(s) lost: the log could not be written (disk full?)" in text
    assert text.rstrip().endswith("space is back")
