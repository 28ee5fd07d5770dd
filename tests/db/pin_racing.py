"""12 processes trying a wrong PIN at the same moment at one kiosk: the PIN gate race, any backend.

Each process opens its connection, waits on a barrier with the others, then tries once. It
counts its own argon2 computations (the key, and any hash of a PIN set before schema 3) and
says how its try ended. At most `max_attempts` PINs may be checked before the lock.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from typing import Any

PROCESSES = 12
KIOSK = "borne-hall"


def _worker(url: str, kiosk: str, barrier: Any, out: Any) -> None:
    from cafepol_tui.db.open import open_database
    from cafepol_tui.services import staff

    calls = 0
    real_key, real_legacy = staff.hash_secret_raw, staff._legacy_matches

    def key(*args: Any, **kwargs: Any) -> bytes:
        nonlocal calls
        calls += 1
        return real_key(*args, **kwargs)

    def legacy(pin_hash: str, pin: str) -> bool:
        nonlocal calls
        calls += 1
        return real_legacy(pin_hash, pin)

    staff.hash_secret_raw = key  # type: ignore[assignment]
    staff._legacy_matches = legacy
    db = open_database(url, create=False)
    with db.connection_context():  # connected before the start: all try at the same moment
        barrier.wait(timeout=120)
        try:
            staff.verify_pin("00000000", kiosk_id=kiosk, max_attempts=5)
        except staff.WrongPinError:
            outcome = "wrong"
        except staff.PinLockedError:
            outcome = "locked"
        else:
            outcome = "granted"
    out.put((outcome, calls))


def pin_race(url: str, kiosk: str = KIOSK, processes: int = PROCESSES) -> list[tuple[str, int]]:
    """Run the race; returns each process's (outcome, argon2 computations)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes)
    out = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(url, kiosk, barrier, out)) for _ in range(processes)]
    for p in workers:
        p.start()
    results: list[tuple[str, int]] = []
    deadline = time.monotonic() + 180
    while len(results) < processes:
        try:
            results.append(out.get(timeout=0.5))
        except queue.Empty:
            failed = [p.exitcode for p in workers if p.exitcode not in (None, 0)]
            assert not failed, f"a PIN worker died (exit status {failed[0]})"
            assert time.monotonic() < deadline, "the PIN workers did not answer"
    for p in workers:
        p.join(timeout=30)
        assert p.exitcode == 0
    return results


def check_pin_race(results: list[tuple[str, int]], kiosk: str = KIOSK) -> None:
    from cafepol_tui.db.models import AuditEntry, PinGuard, utcnow

    outcomes = [outcome for outcome, _calls in results]
    # Exactly 5 PINs checked: 4 told "wrong", the 5th locked the gate; the 7 others were
    # refused by the lock before any hashing.
    assert sum(calls for _outcome, calls in results) == 5
    assert outcomes.count("wrong") == 4 and outcomes.count("locked") == 8
    assert sorted(calls for outcome, calls in results if outcome == "wrong") == [1] * 4
    assert AuditEntry.select().where(AuditEntry.action == "failed-pin").count() == 5
    gate = PinGuard.get(PinGuard.kiosk_id == kiosk)
    assert (gate.failures, gate.lockouts) == (0, 1)
    assert gate.locked_until is not None and gate.locked_until > utcnow()


def signups_while_a_pin_is_hashed(db: Any, monkeypatch: Any, accounts: int = 40) -> float:
    """With `accounts` staff accounts, sign up 5 people while a wrong PIN is being hashed.

    The hash is held on an Event until the sign-ups are done: if the try kept the write lock
    while hashing, they would wait for it (then fail on the busy or lock timeout). Returns how
    long the 5 sign-ups took.
    """
    import threading
    from time import perf_counter

    from cafepol_tui.services import staff
    from tests.factories import make_meeting, sign_up

    for i in range(accounts):
        staff.set_pin(f"Agent {i:02d}", f"{100000 + i}", "counter")
    meeting = make_meeting(capacity=100)
    entered, release = threading.Event(), threading.Event()
    real = staff.hash_secret_raw
    seen: dict[str, object] = {}

    def held(*args: Any, **kwargs: Any) -> bytes:
        seen["in_transaction"] = db.in_transaction()  # the hashing thread's own connection
        entered.set()
        release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(staff, "hash_secret_raw", held)
    outcome: dict[str, object] = {}

    def try_pin() -> None:
        with db.connection_context():
            try:
                staff.verify_pin("99999999", kiosk_id=KIOSK)
            except staff.WrongPinError as exc:
                outcome["left"] = exc.attempts_left
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = exc

    thread = threading.Thread(target=try_pin)
    thread.start()
    try:
        assert entered.wait(60), "the PIN try never started hashing"
        t0 = perf_counter()
        results = [sign_up(meeting, f"Personne {i}") for i in range(5)]
        elapsed = perf_counter() - t0
        assert thread.is_alive()  # the try was hashing all along
    finally:
        release.set()
        thread.join(60)
    assert seen["in_transaction"] is False
    assert all(r.confirmed for r in results)
    assert outcome == {"left": 4}
    return elapsed
