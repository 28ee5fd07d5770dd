"""Sign-up throughput with 8 concurrent processes, on SQLite and on PostgreSQL.

Each process signs up 25 people (200 in all) for one meeting; the capacity check holds the
meeting's lock (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL). Printed: sign-ups
per second and p95 latency per backend, beside the target (issue #5: a counter takes a sign-up
every few minutes; a whole zone's rush must stay well under a second per sign-up).

    python benchmarks/bench_signup.py [--processes 8] [--each 25] [--pg postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cafepol_tui.db.open import open_database  # noqa: E402
from tests.db.racing import check_race_result, race  # noqa: E402
from tests.factories import FIXED_START, make_meeting  # noqa: E402
from tests.pg.conftest import DEFAULT_PG, create_test_database, drop_test_database  # noqa: E402

TARGET_P95_S = 0.5  # one citizen waits at most half a second, even in the rush
TARGET_RATE = 20.0  # sign-ups per second across the zone


def run(url: str, processes: int, each: int) -> tuple[float, float]:
    db = open_database(url)
    with db.connection_context():
        meeting = make_meeting(capacity=30, starts_at=FIXED_START + timedelta(days=1))
    t0 = time.perf_counter()
    latencies = race(url, meeting.id, processes, each)
    wall = time.perf_counter() - t0 - 0.5  # race() waits 0.5 s for the processes to start
    with db.connection_context():
        check_race_result(meeting.id, capacity=30, total=processes * each)
    p95 = statistics.quantiles(latencies, n=20)[18]
    return len(latencies) / wall, p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--each", type=int, default=25)
    parser.add_argument("--pg", default=os.environ.get("CAFEPOL_TEST_PG") or DEFAULT_PG)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite (WAL)"] = run(str(Path(tmp) / "bench.sqlite3"), args.processes, args.each)
    url = create_test_database(args.pg)
    try:
        results["PostgreSQL"] = run(url, args.processes, args.each)
    finally:
        drop_test_database(args.pg, url)
    total = args.processes * args.each
    print(f"{total} sign-ups, {args.processes} processes, 30 seats (process start-up excluded)")
    print(
        f"{'backend':<14} {'sign-ups/s':>11} {'p95 ms':>8}   target: ≥ {TARGET_RATE:.0f}/s, "
        f"p95 ≤ {TARGET_P95_S * 1000:.0f} ms"
    )
    for name, (rate, p95) in results.items():
        ok = "OK" if rate >= TARGET_RATE and p95 <= TARGET_P95_S else "MISSED"
        print(f"{name:<14} {rate:>11.0f} {p95 * 1000:>8.1f}   {ok}")


if __name__ == "__main__":
    main()
