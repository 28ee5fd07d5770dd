"""The cost of one PIN try with 6 and 40 staff accounts, and what it does to a sign-up meanwhile.

Printed per account count: a wrong PIN, the right PIN of the last account created, and the time a
sign-up takes when it starts while a wrong PIN is being checked ("FAILED": database is locked) (issue #12: a try costs one argon2
computation and never holds the write lock while hashing). SQLite file in a temporary folder;
real argon2 cost (the PasswordHasher defaults).

    python benchmarks/bench_pin.py [--accounts 6 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import peewee  # noqa: E402

from cafepol_tui.db.models import PinGuard  # noqa: E402
from cafepol_tui.db.open import open_database  # noqa: E402
from cafepol_tui.services import staff  # noqa: E402
from cafepol_tui.services.registrations import register  # noqa: E402
from cafepol_tui.services.validation import SignupForm  # noqa: E402
from tests.factories import FIXED_START, make_meeting  # noqa: E402

NOW = FIXED_START - timedelta(days=5)
PER_KIOSK = "kiosk_id" in inspect.signature(staff.verify_pin).parameters


def try_pin(pin: str) -> float:
    kwargs: dict[str, object] = {"max_attempts": 1000}
    if PER_KIOSK:
        kwargs["kiosk_id"] = "bench"
    t0 = time.perf_counter()
    try:
        staff.verify_pin(pin, **kwargs)  # type: ignore[arg-type]
    except staff.WrongPinError:
        pass
    return time.perf_counter() - t0


def run(path: Path, accounts: int, repeat: int) -> dict[str, float]:
    db = open_database(str(path))
    with db.connection_context():
        meeting = make_meeting(capacity=1000, starts_at=FIXED_START)
        for i in range(accounts):
            staff.set_pin(f"Agent {i:02d}", f"{100000 + i}", "counter")
        last_pin = f"{100000 + accounts - 1}"
        wrong = statistics.median(try_pin("999999") for _ in range(repeat))
        right = statistics.median(try_pin(last_pin) for _ in range(repeat))
        PinGuard.delete().execute()

    def signup(i: int) -> float:
        form = SignupForm(name=f"Personne {i}", people=1, consent=True)
        t0 = time.perf_counter()
        try:
            with db.connection_context():
                register(meeting.id, form, max_party=4, topic_max=300, now=NOW)
        except peewee.OperationalError:  # "database is locked": shown as a negative time
            return -(time.perf_counter() - t0)
        return time.perf_counter() - t0

    alone = statistics.median(signup(i) for i in range(repeat))
    during = []
    for i in range(repeat):
        pin_thread = threading.Thread(target=lambda: _in_context(db, "999999"))
        pin_thread.start()
        time.sleep(0.05)  # let the try start hashing (a benchmark, not a test)
        during.append(signup(100 + i))
        pin_thread.join()
    worst = min(during) if min(during) < 0 else max(during)
    return {"wrong": wrong, "right": right, "signup": alone, "signup_during": worst}


def _in_context(db, pin: str) -> None:  # noqa: ANN001
    with db.connection_context():
        try_pin(pin)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, nargs="+", default=[6, 40])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'accounts':>8}  {'wrong PIN':>10}  {'right PIN':>10}  {'sign-up':>8}  "
          f"{'sign-up during a try':>21}")
    for n in args.accounts:
        with tempfile.TemporaryDirectory() as tmp:
            r = run(Path(tmp) / "bench.sqlite3", n, args.repeat)
        during = r["signup_during"]
        shown = f"{during:.3f}s" if during >= 0 else f"FAILED after {-during:.1f}s"
        print(f"{n:>8}  {r['wrong']:>9.2f}s  {r['right']:>9.2f}s  {r['signup']:>7.3f}s  "
              f"{shown:>21}")


if __name__ == "__main__":
    main()
