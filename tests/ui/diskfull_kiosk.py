"""A kiosk whose disk fills up during a sign-up, run in a process of its own.

    python -m tests.ui.diskfull_kiosk tmpfs|rlimit held|alone FOLDER RESULT.json

The database and the log are both in FOLDER (on a kiosk they share a disk). The disk fills up
once the form is typed:
- tmpfs: FOLDER is a small tmpfs, filled by a file of zeros until the kernel says ENOSPC, then
  freed by removing it;
- rlimit: this process may not write past 1,000 bytes in any file (RLIMIT_FSIZE, SIGXFSZ
  ignored: the write fails with EFBIG instead of killing us), then may again. The SQLite WAL is
  emptied first, so the sign-up's first page is the write that doesn't fit.
held: another connection stays open throughout (a backup thread, `cafepol serve`): reading still
works, the sign-up's write fails (SQLITE_FULL). alone: the kiosk's connections are the only ones,
each closed after use; the next one to open must grow the WAL index and can't, even to read
(SQLITE_IOERR_SHMSIZE): the whole kiosk is in the outage, not only the sign-up.
What the citizen saw, what was saved and when, go to RESULT.json; the parent test reads it and
this process's stderr (where a « --- Logging error --- » would have gone).
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import json
import os
import resource
import signal
import sqlite3
import sys
import time
from datetime import timedelta
from pathlib import Path

TIMEOUT_S = 30.0  # each wait; the parent test gives this process 120 s


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    # Unbuffered: a buffered file would keep the last chunk's unwritten part and fail again
    # when closed, depending on how much room the database left (its size is no constant).
    with open(filler, "wb", buffering=0) as out:
        chunk = b"\0" * 65536
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def _rows(db_file: Path) -> int:
    conn = sqlite3.connect(db_file)
    try:
        return int(conn.execute("SELECT count(*) FROM registration").fetchone()[0])
    finally:
        conn.close()


async def scenario(mode: str, held: bool, folder: Path) -> dict[str, object]:
    from textual.widgets import Checkbox, Input, Static

    from cafepol_tui.db.models import utcnow
    from cafepol_tui.db.open import open_database
    from cafepol_tui.logging_setup import log_file_path, setup_logging, shutdown_logging
    from cafepol_tui.services.meetings import get_meeting
    from cafepol_tui.settings import load_settings
    from cafepol_tui.ui.app import make_app
    from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
    from cafepol_tui.ui.screens.citizen.outage import OutageScreen
    from cafepol_tui.ui.screens.citizen.signup import SignupScreen
    from tests.factories import make_meeting
    from tests.pilot import wait_until

    db_file = folder / "cafepol.sqlite3"
    settings = load_settings(database_url=str(db_file), environ={})
    settings = dataclasses.replace(
        settings, logging=dataclasses.replace(settings.logging, folder=str(folder / "logs"))
    )
    setup_logging(settings)
    db = open_database(str(db_file))
    with db.connection_context():
        meeting = make_meeting(capacity=20, starts_at=utcnow() + timedelta(days=10))
        detail = get_meeting(meeting.id)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    result: dict[str, object] = {}
    reader = sqlite3.connect(db_file) if held else None
    if reader is not None:
        reader.execute("SELECT count(*) FROM registration").fetchone()  # maps the WAL index
    app = make_app(settings, db)

    async with app.run_test(size=(120, 40)) as pilot:
        signup = SignupScreen(detail)
        await app.push_screen(signup)
        signup.query_one("#name", Input).value = "Fatima El Amrani"
        signup.query_one("#consent", Checkbox).value = True
        if mode == "tmpfs":
            filler = _fill(folder)
        else:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
        pressed = time.monotonic()
        signup.query_one("#submit").press()
        await wait_until(pilot, lambda: isinstance(app.screen, OutageScreen), TIMEOUT_S)
        result["outage_after_s"] = round(time.monotonic() - pressed, 2)
        outage = app.screen
        assert isinstance(outage, OutageScreen)
        await wait_until(pilot, lambda: outage.attempts >= 2, TIMEOUT_S)  # retried, still full: still waiting
        result["still_outage"] = app.screen is outage
        result["pending"] = outage.pending
        result["disk_full_shown"] = outage.query_one("#outage-disk-full", Static).display
        result["form_kept"] = signup.query_one("#name", Input).value
        if reader is not None:
            result["rows_while_full"] = reader.execute(
                "SELECT count(*) FROM registration"
            ).fetchone()[0]
        if mode == "tmpfs":
            os.remove(filler)
        else:
            resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
        freed = time.monotonic()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmationScreen), TIMEOUT_S)
        result["confirmed_after_s"] = round(time.monotonic() - freed, 2)
        result["reference"] = app.screen.result.reference  # type: ignore[attr-defined]
    result["rows_after"] = _rows(db_file)
    if reader is not None:
        reader.close()
    shutdown_logging()
    result["log"] = log_file_path(settings).read_text(encoding="utf-8")
    return result


def main() -> None:
    mode, held, folder, out = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    result = asyncio.run(scenario(mode, held == "held", folder))
    out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
