"""The live-view query (`change_token`) with 5,000 meetings and 100,000 registrations.

Every kiosk runs it every 5 s; target (issue #5): under 5 ms. Printed beside the baseline of
what it replaces, reloading the whole list (`list_upcoming`), on SQLite and PostgreSQL.

    python benchmarks/bench_live_query.py [--meetings 5000] [--registrations 100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cafepol_tui.db.open import open_database  # noqa: E402
from cafepol_tui.services.demo import seed_bulk  # noqa: E402
from cafepol_tui.services.meetings import change_token, list_upcoming  # noqa: E402
from tests.pg.conftest import DEFAULT_PG, create_test_database, drop_test_database  # noqa: E402

TARGET_MS = 5.0


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(url: str, meetings: int, registrations: int) -> tuple[float, float, float]:
    db = open_database(url)
    with db.connection_context():
        t0 = time.perf_counter()
        seed_bulk(meetings, registrations)
        seeded = time.perf_counter() - t0
        token = median_ms(change_token, 200)
        full = median_ms(list_upcoming, 10)
    return token, full, seeded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("CAFEPOL_TEST_PG") or DEFAULT_PG)
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows["SQLite"] = measure(str(Path(tmp) / "b.sqlite3"), args.meetings, args.registrations)
    url = create_test_database(args.pg)
    try:
        rows["PostgreSQL"] = measure(url, args.meetings, args.registrations)
    finally:
        drop_test_database(args.pg, url)
    print(f"{args.meetings} meetings, {args.registrations} registrations; median of 200 polls")
    print(f"{'backend':<12} {'change_token ms':>16} {'target ms':>10} {'full reload ms':>15}")
    for name, (token, full, _) in rows.items():
        ok = "OK" if token < TARGET_MS else "MISSED"
        print(f"{name:<12} {token:>16.2f} {TARGET_MS:>10.1f} {full:>15.1f}   {ok}")


if __name__ == "__main__":
    main()
