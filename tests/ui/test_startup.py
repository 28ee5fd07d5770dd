"""Start-up loads only what the first screen needs (issue 2): no fpdf2, QR or staff code.

Checked in a fresh process running the real `cafepol --db FILE` command (headless) until the
home list has its meetings; the benchmark `benchmarks/bench_kiosk_startup.py` times the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NOT_AT_START = (
    "fpdf",  # documents: printed on demand
    "qrcode",  # the meeting screen's QR code
    "phonenumbers",  # the sign-up form's validators
    "email_validator",
    "argon2",  # the staff PIN gate
    "playhouse.migrate",  # only to upgrade an old schema
    "cafepol_tui.documents.flyer",
    "cafepol_tui.ui.screens.staff",
    "cafepol_tui.ui.screens.citizen.signup",
    "cafepol_tui.ui.widgets.touch_keyboard",
)

SCRIPT = """
import json, sys
from cafepol_tui.__main__ import main
from cafepol_tui.ui.app import CafePolApp
from cafepol_tui.ui.widgets.meeting_table import MeetingTable

show, run = MeetingTable.show, CafePolApp.run
listed = []

def watched_show(table, meetings):
    show(table, meetings)
    if table.row_count and not listed:
        listed.append(table.row_count)
        table.app.call_after_refresh(table.app.exit)

MeetingTable.show = watched_show
CafePolApp.run = lambda app: run(app, headless=True, size=(100, 30))
sys.argv = ["cafepol", "--db", sys.argv[1]]
status = main()
print(json.dumps({"status": status, "listed": listed, "modules": sorted(sys.modules)}))
"""


def test_first_screen_loads_no_documents_qr_or_staff_code(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    env_dirs = {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env = {**os.environ, **env_dirs}
    subprocess.run(
        [sys.executable, "-m", "cafepol_tui", "--db", str(db), "seed", "--demo"],
        check=True, env=env, capture_output=True, timeout=120,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 0
    assert report["listed"] and report["listed"][0] > 10  # the demo's meetings are listed
    assert "cafepol_tui.ui.screens.citizen.home" in report["modules"]
    loaded = [
        name
        for name in report["modules"]
        if any(name == m or name.startswith(m + ".") for m in NOT_AT_START)
    ]
    assert loaded == []
