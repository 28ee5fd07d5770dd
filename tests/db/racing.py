"""8 processes signing up at once for one meeting: the capacity race, on any backend.

Each process opens its connection, then waits on a barrier with the others: they all start
together however long each took to start (not after a sleep that a loaded machine outlasts).
"""

from __future__ import annotations

import multiprocessing as mp
import time
from datetime import timedelta

from tests.factories import FIXED_START

NOW = FIXED_START - timedelta(days=5)
START_TIMEOUT_S = 120.0  # for every process to be up (spawned, imports done, connected)


def _worker(url: str, meeting_id: int, worker: int, count: int, start, out) -> None:  # noqa: ANN001
    from cafepol_tui.db.open import open_database
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm

    db = open_database(url, create=False)
    latencies = []
    start.wait(timeout=START_TIMEOUT_S)
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
    start = ctx.Barrier(processes)
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(url, meeting_id, w, each, start, out))
        for w in range(processes)
    ]
    for p in workers:
        p.start()
    latencies: list[float] = []
    for _ in workers:
        latencies += out.get(timeout=120)
    for p in workers:
        p.join(timeout=30)
        assert p.exitcode == 0
    return latencies


def check_race_result(meeting_id: int, capacity: int, total: int) -> None:
    from cafepol_tui.db.models import Meeting, Registration
    from cafepol_tui.statuses import RegistrationStatus

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


# Parties of 1–4 and cancellations, all at once: sign-ups, cancellations of one's own earlier
# sign-ups, then every process cancelling the same registrations at the same moment.


def _mixed_worker(  # noqa: ANN001
    url: str, meeting_id: int, worker: int, count: int, start, barrier, out
) -> None:
    import random

    from cafepol_tui.db.models import Registration
    from cafepol_tui.services.registrations import cancel, register
    from cafepol_tui.services.validation import RefusedError, SignupForm
    from cafepol_tui.statuses import RegistrationStatus

    rng = random.Random(1000 + worker)
    db = open_and_wait(url, start)
    signed: list[tuple[str, str, int | None]] = []  # reference, status, rank as answered
    cancels: list[tuple[str, tuple[str, ...]]] = []  # reference, promoted, as answered
    mine: list[str] = []
    with db.connection_context():
        for i in range(count):
            result = register(
                meeting_id,
                SignupForm(name=f"Personne {worker}-{i}", people=rng.randint(1, 4), consent=True),
                max_party=4,
                topic_max=300,
            )
            signed.append((result.reference, result.status, result.waitlist_rank))
            mine.append(result.reference)
            if rng.random() < 0.4:
                done = cancel(mine.pop(rng.randrange(len(mine))))
                cancels.append((done.reference, done.promoted))
        barrier.wait(timeout=START_TIMEOUT_S)  # everyone's sign-ups are in; nothing changes until the next wait
        targets = [
            r.reference
            for r in Registration.select(Registration.reference)
            .where(
                (Registration.meeting == meeting_id)
                & (Registration.status == RegistrationStatus.CONFIRMED)
            )
            .order_by(Registration.id)
            .limit(12)
        ]
        barrier.wait(timeout=START_TIMEOUT_S)
        rng.shuffle(targets)
        for reference in targets:  # the same 12, by every process, in its own order
            try:
                done = cancel(reference)
            except RefusedError:
                continue  # another process was first: « déjà annulée »
            cancels.append((done.reference, done.promoted))
    out.put((signed, cancels))


def open_and_wait(url: str, start):  # noqa: ANN001, ANN201
    from cafepol_tui.db.open import open_database

    db = open_database(url, create=False)
    start.wait(timeout=START_TIMEOUT_S)
    return db


def mixed_race(url: str, meeting_id: int, processes: int = 8, each: int = 20):  # noqa: ANN201
    """Run it; returns what the processes were told: (sign-ups, cancellations)."""
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(processes)
    barrier = ctx.Barrier(processes)
    out = ctx.Queue()
    workers = [
        ctx.Process(target=_mixed_worker, args=(url, meeting_id, w, each, start, barrier, out))
        for w in range(processes)
    ]
    for p in workers:
        p.start()
    signed: list[tuple[str, str, int | None]] = []
    cancels: list[tuple[str, tuple[str, ...]]] = []
    for _ in workers:
        s, c = out.get(timeout=180)
        signed += s
        cancels += c
    for p in workers:
        p.join(timeout=30)
        assert p.exitcode == 0
    return signed, cancels


def check_mixed_race(meeting_id: int, capacity: int, signed, cancels) -> None:  # noqa: ANN001
    """Replay, one at a time, what the lock let through, and compare with every answer given.

    Acceptance order is the order of the ids (the sign-ups were written one at a time, under
    the lock); the created_at of the sign-ups and the time of each cancellation must follow it.
    """
    from cafepol_tui.db.models import Meeting, Registration
    from cafepol_tui.statuses import RegistrationStatus

    rows = list(
        Registration.select().where(Registration.meeting == meeting_id).order_by(Registration.id)
    )
    assert len(rows) == len(signed)
    created = [r.created_at for r in rows]
    assert created == sorted(created), "created_at does not follow the order of acceptance"
    references = [ref for ref, _ in cancels]
    assert len(references) == len(set(references)), "a registration was cancelled twice"
    by_ref = {r.reference: r for r in rows}
    assert {ref for ref, _ in cancels} == {
        r.reference for r in rows if r.status == RegistrationStatus.CANCELLED
    }
    # Every change, in the order it happened: sign-ups at created_at, cancellations at the
    # cancelled row's updated_at (its last change); the lock made every one of them distinct.
    events = [(r.created_at, 0, r.reference) for r in rows]
    events += [(by_ref[ref].updated_at, 1, ref) for ref in references]
    events.sort()
    times = [t for t, _, _ in events]
    assert len(set(times)) == len(times), "two changes at the same instant under one lock"

    answered_signup = {ref: (status, rank) for ref, status, rank in signed}
    answered_cancel = dict(cancels)
    people = {r.reference: r.people for r in rows}
    status: dict[str, str] = {}
    position: dict[str, int | None] = {}
    seats = 0
    for _, kind, ref in events:
        waiting = sorted(
            (p, r) for r, p in position.items() if status[r] == RegistrationStatus.WAITLISTED
        )
        if kind == 0:  # a sign-up: confirmed if it fits, else at the end of the waiting list
            if seats + people[ref] <= capacity:
                status[ref], position[ref] = RegistrationStatus.CONFIRMED, None
                seats += people[ref]
                rank = None
            else:
                status[ref] = RegistrationStatus.WAITLISTED
                position[ref] = (waiting[-1][0] if waiting else 0) + 1
                rank = len(waiting) + 1
            assert answered_signup[ref] == (status[ref], rank), ref
            continue
        # A cancellation frees its seats; the waiting list moves up in order, a party too large
        # for the seats left keeping its place while a smaller one behind it moves up.
        if status[ref] == RegistrationStatus.CONFIRMED:
            seats -= people[ref]
        status[ref], position[ref] = RegistrationStatus.CANCELLED, None
        promoted = []
        for _, r in waiting:
            if r == ref:
                continue
            if seats >= capacity:
                break
            if people[r] <= capacity - seats:
                seats += people[r]
                status[r], position[r] = RegistrationStatus.CONFIRMED, None
                promoted.append(r)
        assert answered_cancel[ref] == tuple(promoted), ref
        assert seats <= capacity
    # The database ends where the replay does.
    for r in rows:
        assert (r.status, r.waitlist_position) == (status[r.reference], position[r.reference])
    confirmed = sum(r.people for r in rows if r.status == RegistrationStatus.CONFIRMED)
    assert Meeting.get_by_id(meeting_id).seats_taken == confirmed == seats <= capacity
    waiting_rows = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert [r.waitlist_position for r in waiting_rows] == sorted(
        r.waitlist_position for r in waiting_rows
    ), "the waiting list is not in the order of acceptance"
    # Nobody waits who would fit in the seats left.
    assert all(r.people > capacity - confirmed for r in waiting_rows)
    # The cancellations happened, and moved people up.
    assert len(cancels) >= 20 and any(promoted for _, promoted in cancels)
