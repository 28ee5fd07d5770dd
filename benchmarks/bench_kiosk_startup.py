"""Kiosk start-up and list navigation with 5,000 meetings and 100,000 registrations.

Targets (issue 2, issue 13 item 8): the first screen, with its meetings listed, appears in at most
1.5x the time a bare Textual app takes to show one label, with the kiosk installed by
`pip install '.[postgres]'` (psycopg present) on a SQLite database; moving the selection costs
under 16 ms a key.

Both apps are measured side by side, as fresh processes, the way a person meets them:
- the kiosk is the real command, `cafepol --db FILE` (its launcher, command line, settings,
  log, database check, then the app), installed by `pip install '.[postgres]'` in a fresh
  virtual environment (the dependencies once; this checkout's code again whenever it changed);
- each runs in a real terminal (a tmux window of 100x30) unless `--headless` is given; headless,
  both are given the same 100x30 screen;
- « appears » is the time from launching the process to the moment the screen, meetings
  listed, has been written to the terminal, taken inside the process; the whole process (its
  shut-down included) is shown too.

    python benchmarks/bench_kiosk_startup.py [--runs 15] [--keys 200] [--headless] [--here]

Exit status 0 when both targets are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from installed import FOLDER, TAG, installed_env, installed_python  # benchmarks/installed.py

# Each script writes « <painted> <exited> » (epoch seconds) to the file named by BENCH_OUT.
BARE = """
import os, sys, time
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("Un café avec votre policier de quartier")
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        self.painted_at = time.time()
        self.cpu = time.process_time()
        self.exit()

app = Bare()
headless = sys.argv[1] == "headless"
app.run(headless=headless, size=(100, 30) if headless else None)
with open(os.environ["BENCH_OUT"], "w") as out:
    out.write(f"{app.painted_at} {time.time()} {app.cpu} 0")
"""

# The real command line; the App is only told to note when its meetings are on the screen and
# to leave then. A drawn home with no meetings yet does not count. Nothing of cafepol_tui is
# imported before its launcher runs (the launcher may arrange how its dependencies load):
# Textual's App.run is wrapped instead, and the meeting list's `show` when the app starts.
KIOSK = """
import gc
gc.disable()  # as the `cafepol` launcher does first (cafepol_tui/__main__.py)
import os, sys, time
from textual.app import App

run = App.run
headless = sys.argv[1] == "headless"  # read before sys.argv becomes the kiosk's command line

def painted(app):
    app.painted_at = time.time()
    app.cpu = time.process_time()
    app.exit()

def watched_run(app, *args, **kwargs):
    global watched
    watched = app
    from cafepol_tui.ui.widgets.meeting_table import MeetingTable
    show = MeetingTable.show

    def watched_show(table, meetings):
        # Told when the rows reach the list, rather than polling for them (a poll every few
        # milliseconds would slow down the very start-up it measures).
        show(table, meetings)
        if table.row_count and not hasattr(table.app, "painted_at"):
            table.app.painted_at = None
            table.app.call_after_refresh(painted, table.app)

    MeetingTable.show = watched_show
    return run(app, headless=headless, size=(100, 30) if headless else None)

App.run = watched_run
sys.argv = ["cafepol", "--db", sys.argv[2]]
from cafepol_tui.__main__ import main
status = main()
assert status == 0, status
assert "fpdf" not in sys.modules, "start-up imported fpdf2"
with open(os.environ["BENCH_OUT"], "w") as out:
    out.write(f"{watched.painted_at} {time.time()} {watched.cpu} {int('psycopg' in sys.modules)}")
"""

# Per-key cost is CPU time of the process while Pilot presses a key and the screen updates:
# wall time under Pilot is dominated by its own fixed waits (~80 ms even for a bare app).
# The baseline is a bare DataTable with the same number of two-line rows.
KEYS = """
import asyncio, statistics, sys, time
from textual.app import App
from textual.widgets import DataTable

def bare_app(rows):
    class Bare(App):
        def compose(self):
            yield DataTable(cursor_type="row")
        def on_mount(self):
            table = self.query_one(DataTable)
            table.add_columns("Quand", "Où", "Places")
            for i in range(rows):
                table.add_row(f"Mardi {i}\\nà 10 h", f"Commune\\nLieu {i}", "12 places libres",
                              height=2)
    return Bare()

def kiosk_app(db):
    from cafepol_tui.db.open import open_database
    from cafepol_tui.settings import load_settings
    from cafepol_tui.ui.app import make_app
    settings = load_settings(database_url=db)
    return make_app(settings, open_database(settings.resolved_database_url))

async def measure(app, count):
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        while not table.row_count:
            await pilot.pause(0.01)
        rows = table.row_count
        costs = []
        for i in range(count):
            key = "down" if (i // 50) % 2 == 0 else "up"
            start = time.process_time()
            await pilot.press(key)
            await pilot.pause()
            costs.append((time.process_time() - start) * 1000)
        costs.sort()
        return rows, statistics.median(costs), costs[int(len(costs) * 0.95)]

which, db, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if which == "kiosk":
    rows, med, p95 = asyncio.run(measure(kiosk_app(db), count))
else:
    rows, med, p95 = asyncio.run(measure(bare_app(int(db)), count))
print(rows, f"{med:.2f}", f"{p95:.2f}")
"""


PYTHON = sys.executable
HERE = False


# One tmux server (its own socket) per checkout: several checkouts can run this at once. A
# session that does nothing keeps the server up between runs (a server that exits with its
# last session can refuse the next one).
SESSION = f"cafepol-bench-{TAG}"
TMUX = ["tmux", "-L", SESSION]


def child_env() -> dict[str, str]:
    """Our environment, less PYTHONPATH unless --here: the venv runs its installed copy."""
    return dict(os.environ) if HERE else installed_env()


def psycopg_installed() -> bool:
    found = subprocess.run([PYTHON, "-c", "import importlib.util as u; "
                            "print(u.find_spec('psycopg') is not None)"],
                           capture_output=True, text=True, check=True, env=child_env(),
                           cwd=tempfile.gettempdir())
    return found.stdout.strip() == "True"


class Run(NamedTuple):
    painted: float  # seconds from launch until the screen was painted
    exited: float  # seconds from launch until the process ended
    cpu: float  # CPU seconds the process had used when the screen was painted
    psycopg: bool  # whether psycopg was loaded


def timed(folder: Path, headless: bool, code: str, *args: str) -> Run:
    script = folder / "script.py"
    script.write_text(code)
    out = folder / "times"
    out.unlink(missing_ok=True)
    env = {**child_env(), "TEXTUAL": "", "BENCH_OUT": str(out),
           # the kiosk's log and copies go to the bench folder, not the user's
           "XDG_DATA_HOME": str(folder / "data"), "XDG_STATE_HOME": str(folder / "state"),
           "XDG_CONFIG_HOME": str(folder / "config")}
    mode = "headless" if headless else "terminal"
    command = [PYTHON, str(script), mode, *args]
    if headless:
        launched = time.time()
        subprocess.run(command, check=True, env=env, capture_output=True, cwd=folder)
    else:
        # bash notes the launch time, then becomes the Python process, inside a real terminal.
        started = folder / "started"
        started.unlink(missing_ok=True)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()
                           if k in ("TEXTUAL", "BENCH_OUT") or k.startswith("XDG_"))
        # (tmux gives the window its server's environment, not ours: PYTHONPATH is set or
        # cleared explicitly.)
        path = (f"export PYTHONPATH={shlex.quote(env['PYTHONPATH'])}" if "PYTHONPATH" in env
                else "unset PYTHONPATH")
        inner = (f"echo $EPOCHREALTIME > {started}; export {exports}; {path}; "
                 f"cd {folder}; exec {shlex.join(command)}")
        subprocess.run([*TMUX, "new-session", "-d", "-s", SESSION, "-x", "100",
                        "-y", "30", "bash", "-c", inner], check=True)
        deadline = time.time() + 60
        while not (out.exists() and out.read_text().strip()):
            if time.time() > deadline:
                raise SystemExit("the app did not start in the terminal within 60 s")
            time.sleep(0.01)
        launched = float(started.read_text())
        subprocess.run([*TMUX, "kill-session", "-t", SESSION], capture_output=True)
    painted, exited, cpu, psycopg = out.read_text().split()
    return Run(float(painted) - launched, float(exited) - launched, float(cpu), psycopg == "1")


def first_screen(folder: Path, headless: bool, runs: int, db: Path) -> bool:
    """Both first screens, in turns; prints them side by side. True if within the target."""
    timed(folder, headless, BARE)  # warm the file cache for both
    timed(folder, headless, KIOSK, str(db))
    bare, kiosk = [], []
    for _ in range(runs):  # interleaved, so drift hits both alike
        bare.append(timed(folder, headless, BARE))
        kiosk.append(timed(folder, headless, KIOSK, str(db)))

    def median(runs: list[Run], which: str) -> float:
        return statistics.median(getattr(run, which) for run in runs)

    def quartiles(runs: list[Run]) -> str:
        q = statistics.quantiles([run.painted * 1000 for run in runs], n=4)
        return f"{q[0]:.0f}–{q[2]:.0f}"

    b, k = median(bare, "painted"), median(kiosk, "painted")
    bt, kt = median(bare, "exited"), median(kiosk, "exited")
    bc, kc = median(bare, "cpu"), median(kiosk, "cpu")
    where = "headless" if headless else "in a 100x30 tmux terminal"
    print()
    print(f"first screen, median of {runs} fresh processes, {where}")
    print(f"  {'':<36} {'appears':>9} {'(middle half)':>14} {'ratio':>7}   {'whole process':>13}"
          f"   {'CPU to appear':>13} {'ratio':>6}")
    print(f"  {'bare Textual app, one label':<36} {b * 1000:7.0f}ms {quartiles(bare):>14} "
          f"{'1.00':>7}   {bt * 1000:11.0f}ms   {bc * 1000:11.0f}ms {'1.00':>6}")
    print(f"  {'cafepol --db FILE, meetings listed':<36} {k * 1000:7.0f}ms {quartiles(kiosk):>14} "
          f"{k / b:7.2f}   {kt * 1000:11.0f}ms   {kc * 1000:11.0f}ms {kc / bc:6.2f}")
    loaded = "imported" if any(run.psycopg for run in kiosk) else "not imported"
    print(f"  (psycopg {'installed' if psycopg_installed() else 'NOT installed'}, "
          f"{loaded} by the kiosk)")
    ok = k / b <= 1.5
    print(f"  target: the kiosk's first screen appears within 1.50x the bare app: "
          f"{'PASS' if ok else 'FAIL'} ({k / b:.2f})")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--headless", action="store_true",
                        help="no terminal: Textual's headless driver (as in CI)")
    parser.add_argument("--here", action="store_true",
                        help="use this interpreter instead of a fresh `pip install '.[postgres]'` venv")
    options = parser.parse_args()
    global PYTHON, HERE
    HERE = options.here
    headless = options.headless or shutil.which("tmux") is None

    folder = FOLDER
    folder.mkdir(exist_ok=True)
    if not options.here:
        PYTHON = installed_python()
    db = folder / f"kiosk-{options.meetings}-{options.registrations}.sqlite3"
    if not db.exists():
        print(f"seeding {options.meetings} meetings, {options.registrations} registrations…")
        subprocess.run([sys.executable, "-m", "cafepol_tui", "--db", str(db), "seed", "--demo",
                        "--meetings", str(options.meetings),
                        "--registrations", str(options.registrations)], check=True)

    if not headless:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)  # a previous run's, if any
        subprocess.run([*TMUX, "new-session", "-d", "-s", "keep", "sleep", "infinity"],
                       check=True)
    try:
        first_ok = first_screen(folder, headless, options.runs, db)
    finally:
        if not headless:
            subprocess.run([*TMUX, "kill-server"], capture_output=True)
    def keys(*args: str) -> tuple[int, float, float]:
        out = subprocess.run([PYTHON, "-c", KEYS, *args, str(options.keys)], check=True,
                             capture_output=True, text=True, cwd=tempfile.gettempdir(),
                             env=child_env()).stdout.split()
        return int(out[0]), float(out[1]), float(out[2])

    rows, k_med, k_p95 = keys("kiosk", str(db))
    _, b_med, b_p95 = keys("bare", str(rows))
    print()
    print(f"moving the selection: CPU per key over {options.keys} presses, {rows} rows listed")
    print(f"  {'':<32} {'median':>10} {'p95':>10}")
    print(f"  {'bare DataTable, same rows':<32} {b_med:8.2f}ms {b_p95:8.2f}ms")
    keys_ok = k_p95 < 16
    print(f"  {'kiosk home':<32} {k_med:8.2f}ms {k_p95:8.2f}ms  "
          f"target p95 < 16 ms: {'PASS' if keys_ok else 'FAIL'}")
    raise SystemExit(0 if first_ok and keys_ok else 1)


if __name__ == "__main__":
    main()
