"""Sign-ups from 8 processes on one meeting: the service beside the same transaction in plain SQL.

For each backend (SQLite in WAL mode, PostgreSQL), 8 processes are started, connect, then wait on
one barrier; once it opens each signs up 25 people (200 in all) for one meeting of 30 seats, so
most of them end on the waiting list. Two sides, one after the other on the same database and
the same machine, in alternating order over `--rounds` rounds:

- service: `services.registrations.register` as the kiosk calls it (a submission key, a
  phone number for every other person, an e-mail address for every third);
- plain SQL: the same locked transaction written by hand in sqlite3 / psycopg, with the values
  already checked: BEGIN IMMEDIATE (SQLite) or SELECT … FOR UPDATE on the meeting
  (PostgreSQL), the same reads and writes, statement for statement, as the service's
  (`plain_signup`, kept in step with `register`).

Before the barrier each process signs up 2 people for another meeting, untimed, as a running
kiosk has long done (imports, compiled statements, psycopg's prepared ones). Each side's result
is checked like the racing tests check theirs (capacity never exceeded, the first 30 to get the
lock confirmed, waiting list 1, 2, 3… in order). Printed per backend: p50, p95 and sign-ups per
second of both sides over all rounds, each round's p95 (the spread says how much the machine's
other load moved them), and the ratio of the p95s beside the target of issue #13 (the service's
p95 at most 2× plain SQL's). Latency is measured around each sign-up; throughput from the
barrier to the last sign-up (process start-up and connecting excluded).

    python benchmarks/bench_signup.py [--processes 8] [--each 25] [--rounds 5] [--pg URL]

`--profile N` instead runs N sign-ups in this one process on each backend, counts the SQL
statements of one sign-up (peewee's log; BEGIN and COMMIT are not logged) and prints cProfile's
top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import multiprocessing as mp
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cafepol_tui.db.engine import SQLITE_PRAGMAS, pg_parameters  # noqa: E402
from cafepol_tui.db.models import utcnow  # noqa: E402
from cafepol_tui.db.open import open_database  # noqa: E402
from tests.db.racing import check_race_result  # noqa: E402
from tests.factories import make_meeting  # noqa: E402
from tests.pg.conftest import DEFAULT_PG, create_test_database, drop_test_database  # noqa: E402

CAPACITY = 30
TARGET_RATIO = 2.0  # issue #13: the service's p95 at most twice plain SQL's
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
KIOSK_ID = "bench-kiosk"


def people_typed(worker: int, count: int) -> list[dict[str, Any]]:
    """What `count` citizens type at one kiosk, and the same once checked (for plain SQL)."""
    rows = []
    for i in range(count):
        n = worker * 1000 + i
        phone = f"0470 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}" if i % 2 else ""
        rows.append(
            {
                "name": f"Personne {worker}-{i}",
                "phone": phone,
                "email": f"personne.{worker}.{i}@exemple.be" if i % 3 else "",
                # checked values, as the service stores them
                "name_key": f"personne {worker}-{i}",
                "phone_e164": "+32470" + phone.replace(" ", "")[4:] if phone else "",
            }
        )
    return rows


# --- the service side ------------------------------------------------------------------------


def service_worker(url: str, meetings: tuple[int, int], worker: int, count: int, barrier,  # noqa: ANN001
                   out) -> None:  # noqa: ANN001
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm

    def sign_up(meeting_id: int, person: dict[str, Any]) -> None:
        register(
            meeting_id,
            SignupForm(
                name=person["name"], people=1, phone=person["phone"], email=person["email"],
                consent=True,
            ),
            max_party=4,
            topic_max=300,
            kiosk_id=KIOSK_ID,
            submission_key=uuid.uuid4().hex,
        )

    race_id, warm_up_id = meetings
    db = open_database(url, create=False)
    typed = people_typed(worker, count)
    with db.connection_context():
        # Warm-up, untimed, on another meeting: a running kiosk has long imported
        # phonenumbers and email_validator and compiled its statements.
        for person in people_typed(100 + worker, 2):
            sign_up(warm_up_id, person)
        latencies = []
        barrier.wait()
        started = time.monotonic()
        for person in typed:
            t0 = time.perf_counter()
            sign_up(race_id, person)
            latencies.append(time.perf_counter() - t0)
        out.put((latencies, started, time.monotonic()))


# --- the plain SQL side ----------------------------------------------------------------------


class PlainSQL:
    """One connection, sqlite3 or psycopg, with the placeholders and the lock of its backend."""

    def __init__(self, url: str) -> None:
        self.sqlite = "://" not in url or url.startswith("sqlite")
        if self.sqlite:
            import sqlite3

            path = url.split("://", 1)[1].lstrip("/") if "://" in url else url
            self.conn: Any = sqlite3.connect(path, isolation_level=None)
            for key, value in SQLITE_PRAGMAS.items():  # the service's own
                self.conn.execute(f"PRAGMA {key} = {value}")
            self.begin, self.for_update = "BEGIN IMMEDIATE", ""
            self.integrity_error: type[Exception] = sqlite3.IntegrityError
            self.cursor = self.conn.cursor()
        else:
            import psycopg
            from playhouse.db_url import parse as parse_db_url

            params = pg_parameters(parse_db_url(url))  # the service's timeouts and keepalives
            dbname = params.pop("database")
            self.conn = psycopg.connect(dbname=dbname, autocommit=True, **params)
            self.begin, self.for_update = "BEGIN", " FOR UPDATE"
            self.integrity_error = psycopg.IntegrityError
            self.cursor = self.conn.cursor()

    def sql(self, text: str) -> str:
        return text if self.sqlite else text.replace("?", "%s")

    def when(self, moment: datetime) -> Any:
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ") if self.sqlite else naive

    def read_time(self, raw: Any) -> datetime:
        value = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
        return value.replace(tzinfo=UTC)


def plain_signup(db: PlainSQL, meeting_id: int, person: dict[str, Any], key: str) -> tuple:
    """`register`'s transaction for one kiosk sign-up, by hand, statement for statement.

    Like the service, a reference drawn twice fails the insert (unique index) and the whole
    sign-up is tried again.
    """
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        try:
            return _plain_locked(db, meeting_id, person, key, reference)
        except db.integrity_error:
            db.cursor.execute(db.sql("SELECT 1 FROM registration WHERE reference = ?"), (reference,))
            if db.cursor.fetchone() is None:
                raise


def _plain_locked(db: PlainSQL, meeting_id: int, person: dict[str, Any], key: str,
                  reference: str) -> tuple:
    cur, q = db.cursor, db.sql
    cur.execute(db.begin)
    try:
        cur.execute(
            q(f"SELECT status, starts_at, seats_taken, capacity FROM meeting WHERE id = ?"
              f"{db.for_update}"),
            (meeting_id,),
        )
        status, starts_at, seats_taken, capacity = cur.fetchone()
        now = datetime.now(UTC)
        cur.execute(q("SELECT id FROM registration WHERE submission_key = ?"), (key,))
        if cur.fetchone() is not None:
            raise AssertionError("a fresh submission key was found")
        if status == "cancelled" or db.read_time(starts_at) <= now:
            raise AssertionError("the meeting is not open")
        people = 1
        at = db.when(now)
        position = rank = None
        if seats_taken + people <= capacity:
            state = "confirmed"
            cur.execute(
                q("UPDATE meeting SET seats_taken = seats_taken + ?, updated_at = ?"
                  " WHERE id = ? AND seats_taken + ? <= capacity"),
                (people, at, meeting_id, people),
            )
            assert cur.rowcount == 1
        else:
            state = "waitlisted"
            cur.execute(
                q("SELECT MAX(waitlist_position),"
                  " COUNT(CASE WHEN status = ? THEN waitlist_position END)"
                  " FROM registration WHERE meeting_id = ?"),
                ("waitlisted", meeting_id),
            )
            last, waiting = cur.fetchone()
            position, rank = (last or 0) + 1, waiting + 1
            cur.execute(q("UPDATE meeting SET updated_at = ? WHERE id = ?"), (at, meeting_id))
        cur.execute(
            q("INSERT INTO registration (meeting_id, reference, name, name_key, people, phone,"
              " email, topic, consent_at, status, waitlist_position, channel, created_at,"
              " updated_at, kiosk_id, submission_key)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            + ("" if db.sqlite else " RETURNING id"),
            (meeting_id, reference, person["name"], person["name_key"], people,
             person["phone_e164"], person["email"], "", at, state, position, "kiosk", at, at,
             KIOSK_ID, key),
        )
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return reference, state, rank


def plain_worker(url: str, meetings: tuple[int, int], worker: int, count: int, barrier,  # noqa: ANN001
                 out) -> None:  # noqa: ANN001
    race_id, warm_up_id = meetings
    db = PlainSQL(url)
    typed = people_typed(worker, count)
    for person in people_typed(100 + worker, 2):  # the same warm-up as the service's
        plain_signup(db, warm_up_id, person, uuid.uuid4().hex)
    latencies = []
    barrier.wait()
    started = time.monotonic()
    for person in typed:
        t0 = time.perf_counter()
        plain_signup(db, race_id, person, uuid.uuid4().hex)
        latencies.append(time.perf_counter() - t0)
    out.put((latencies, started, time.monotonic()))
    db.conn.close()


# --- running it ------------------------------------------------------------------------------


def race(url: str, worker: Any, meetings: tuple[int, int], processes: int, each: int) -> tuple:
    """Latencies of every sign-up, and the time from the barrier to the last one."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(url, meetings, w, each, barrier, out))
        for w in range(processes)
    ]
    for p in procs:
        p.start()
    latencies: list[float] = []
    starts, ends = [], []
    for _ in procs:
        got, started, ended = out.get(timeout=300)
        latencies += got
        starts.append(started)
        ends.append(ended)
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0, f"a worker failed (exit code {p.exitcode})"
    return latencies, max(ends) - min(starts)


def run_backend(url: str, processes: int, each: int, rounds: int) -> dict[str, dict[str, Any]]:
    db = open_database(url)
    sides = {"service": service_worker, "plain SQL": plain_worker}
    latencies: dict[str, list[float]] = {name: [] for name in sides}
    walls: dict[str, float] = dict.fromkeys(sides, 0.0)
    per_round: dict[str, list[float]] = {name: [] for name in sides}
    starts = utcnow() + timedelta(days=30)
    with db.connection_context():
        warm_up = make_meeting(capacity=10_000, starts_at=starts, place="Warm-up")
    for r in range(rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for name in order:
            with db.connection_context():
                meeting = make_meeting(capacity=CAPACITY, starts_at=starts)
            got, wall = race(url, sides[name], (meeting.id, warm_up.id), processes, each)
            with db.connection_context():
                check_race_result(meeting.id, capacity=CAPACITY, total=processes * each)
            latencies[name] += got
            walls[name] += wall
            per_round[name].append(p95(got))
    return {
        name: {
            "p50": statistics.median(latencies[name]),
            "p95": p95(latencies[name]),
            "rate": len(latencies[name]) / walls[name],
            "rounds": per_round[name],
        }
        for name in sides
    }


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def with_databases(run: Any, pg: str) -> dict[str, Any]:
    """`run(url)` on a fresh SQLite file and on a throw-away PostgreSQL database."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite (WAL)"] = run(str(Path(tmp) / "bench.sqlite3"))
    url = create_test_database(pg)
    try:
        results["PostgreSQL"] = run(url)
    finally:
        drop_test_database(pg, url)
    return results


def report(results: dict[str, dict[str, dict[str, Any]]], processes: int, each: int,
           rounds: int) -> None:
    print(
        f"{processes} processes × {each} sign-ups on one meeting of {CAPACITY} seats, "
        f"{rounds} round(s) per side; load average {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} CPU(s)"
    )
    print(
        f"{'backend':<13} {'side':<10} {'p50 ms':>7} {'p95 ms':>7} {'sign-ups/s':>11}"
        f"   target: service p95 ≤ {TARGET_RATIO:.0f}× plain SQL's"
    )
    for backend, sides in results.items():
        for name, r in sides.items():
            rounds_ms = " ".join(f"{v * 1000:.0f}" for v in r["rounds"])
            print(
                f"{backend:<13} {name:<10} {r['p50'] * 1000:>7.1f} {r['p95'] * 1000:>7.1f} "
                f"{r['rate']:>11.0f}   (p95 per round: {rounds_ms})"
            )
        ratio = sides["service"]["p95"] / sides["plain SQL"]["p95"]
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(f"{backend:<13} {'ratio':<10} p95 {ratio:.2f}× plain SQL   {verdict}")


# --- --profile -------------------------------------------------------------------------------


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.msg
        self.seen.append(str(msg[0] if isinstance(msg, tuple) else msg))


def profile(url: str, count: int) -> None:
    from cafepol_tui.services.registrations import register
    from cafepol_tui.services.validation import SignupForm

    db = open_database(url)
    print("PostgreSQL" if "://" in url else "SQLite (WAL)")
    typed = people_typed(0, count + 2)

    def one(person: dict[str, Any], meeting_id: int) -> None:
        register(
            meeting_id,
            SignupForm(name=person["name"], phone=person["phone"], email=person["email"],
                       consent=True),
            max_party=4, topic_max=300, kiosk_id=KIOSK_ID, submission_key=uuid.uuid4().hex,
        )

    with db.connection_context():
        meeting = make_meeting(capacity=CAPACITY, starts_at=utcnow() + timedelta(days=30))
        one(typed[0], meeting.id)  # imports, first statements
        log = logging.getLogger("peewee")
        handler = _Statements()
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        try:
            one(typed[1], meeting.id)
            confirmed = list(handler.seen)
            full = make_meeting(capacity=0, starts_at=utcnow() + timedelta(days=30))
            handler.seen.clear()
            one(typed[2], full.id)
            waitlisted = list(handler.seen)
        finally:
            log.removeHandler(handler)
            log.setLevel(logging.NOTSET)
        for label, seen in (("confirmed", confirmed), ("waitlisted", waitlisted)):
            print(f"  {len(seen)} statements for a {label} sign-up (BEGIN/COMMIT not counted):")
            for text in seen:
                print(f"    {text[:110]}")
        meeting = make_meeting(capacity=CAPACITY, starts_at=utcnow() + timedelta(days=30))
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for person in typed[2:]:
            one(person, meeting.id)
        prof.disable()
        elapsed = time.perf_counter() - t0
    print(f"  {count} sign-ups in {elapsed:.2f} s under cProfile ({elapsed / count * 1000:.2f} ms each)")
    pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--each", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pg", default=os.environ.get("CAFEPOL_TEST_PG") or DEFAULT_PG)
    parser.add_argument("--profile", type=int, metavar="N", help="profile N sign-ups instead")
    args = parser.parse_args()
    if args.profile:
        with_databases(lambda url: profile(url, args.profile), args.pg)
        return
    results = with_databases(
        lambda url: run_backend(url, args.processes, args.each, args.rounds), args.pg
    )
    report(results, args.processes, args.each, args.rounds)


if __name__ == "__main__":
    main()
