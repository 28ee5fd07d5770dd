"""8 processes signing up at once for one meeting: the capacity race, on any backend."""

from __future__ import annotations

import multiprocessing as mp
import time
from datetime import timedelta

from tests.factories import FIXED_START

NOW = FIXED_START - timedelta(days=5)


def _worker(url: str, meeting_id: int, worker: int, count: int, start, out) -> None:  # noqa: ANN001
    from cafepol_tui.db.database import open_database
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm

    db = open_database(url, create=False)
    latencies = []
    start.wait()
    with db.connection_context():
        for i in range(count):
            t0 = time.perf_counter()
            register(
                meeting_id,
                SignupForm(name=f"Personne {worker}-{i}", people=1, consent=True),
                max_party=4,
                topic_max=300,
                now=NOW,
            )
            latencies.append(time.perf_counter() - t0)
    out.put(latencies)


def race(url: str, meeting_id: int, processes: int = 8, each: int = 25) -> list[float]:
    """Run the race; returns every sign-up's latency in seconds."""
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(url, meeting_id, w, each, start, out))
        for w in range(processes)
    ]
    for p in workers:
        p.start()
    time.sleep(0.5)
    start.set()
    latencies: list[float] = []
    for _ in workers:
        latencies += out.get(timeout=120)
    for p in workers:
        p.join(timeout=30)
        assert p.exitcode == 0
    return latencies


def check_race_result(meeting_id: int, capacity: int, total: int) -> None:
    from cafepol_tui.db.models import Meeting, Registration, RegistrationStatus

    rows = list(
        Registration.select().where(Registration.meeting == meeting_id).order_by(Registration.id)
    )
    assert len(rows) == total
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == capacity
    assert len(waiting) == total - capacity
    assert Meeting.get_by_id(meeting_id).seats_taken == capacity
    # Arrival order: the first `capacity` to get the lock are confirmed, the others queue
    # behind them with positions 1, 2, 3… in the order they were written.
    assert rows[:capacity] == confirmed
    assert [r.waitlist_position for r in waiting] == list(range(1, total - capacity + 1))
