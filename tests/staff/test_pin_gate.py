"""The PIN gate on SQLite: per kiosk, capped, lifted by an admin; one argon2 computation a try;
no two accounts with one PIN. (The 12-process race: tests/db/test_race_sqlite.py, tests/pg/.)"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import peewee
import pytest
import time_machine
from argon2 import PasswordHasher

from cafepol_tui.cli import main
from cafepol_tui.db.models import AuditEntry, PinGuard, StaffAccount, utcnow
from cafepol_tui.services import staff
from cafepol_tui.services.staff import PinLockedError, WrongPinError, verify_pin
from cafepol_tui.services.validation import RefusedError, ValidationError
from tests.conftest import FIXED_NOW
from tests.db.pin_racing import signups_while_a_pin_is_hashed

pytestmark = pytest.mark.usefixtures("cheap_pins")


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every argon2 computation made by the staff service: the key, and old-style hashes."""
    calls: list[str] = []
    real_key, real_legacy = staff.hash_secret_raw, staff._legacy_matches

    def key(*args: Any, **kwargs: Any) -> bytes:
        calls.append("key")
        return real_key(*args, **kwargs)

    def legacy(pin_hash: str, pin: str) -> bool:
        calls.append("legacy")
        return real_legacy(pin_hash, pin)

    monkeypatch.setattr(staff, "hash_secret_raw", key)
    monkeypatch.setattr(staff, "_legacy_matches", legacy)
    yield calls


def fail(times: int, kiosk: str, **kwargs: Any) -> None:
    for _ in range(times):
        with pytest.raises((WrongPinError, PinLockedError)):
            verify_pin("00000000", kiosk_id=kiosk, **kwargs)


def gate(kiosk: str) -> PinGuard:
    return PinGuard.get(PinGuard.kiosk_id == kiosk)


def actions(action: str) -> list[AuditEntry]:
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


# --- one argon2 computation a try ---------------------------------------------------------


def test_one_try_is_one_argon2_computation_with_40_accounts(db, argon2_calls) -> None:  # type: ignore[no-untyped-def]
    for i in range(40):
        staff.set_pin(f"Agent {i:02d}", f"{100000 + i}", "counter")
    argon2_calls.clear()
    with pytest.raises(WrongPinError):
        verify_pin("99999999", kiosk_id="borne-hall")
    assert argon2_calls == ["key"]
    argon2_calls.clear()
    assert verify_pin("100039", kiosk_id="borne-hall").name == "Agent 39"
    assert argon2_calls == ["key"]
    assert actions("login")[-1].actor == "Agent 39"


def test_a_pin_set_before_schema_3_is_verified_then_found_by_its_key(db, argon2_calls) -> None:  # type: ignore[no-untyped-def]
    staff.set_pin("Agent neuf", "246810", "counter")
    old = StaffAccount.create(name="Agent ancien", role="admin",
                              pin_hash=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
                              .hash("135790"))
    argon2_calls.clear()
    with pytest.raises(WrongPinError):
        verify_pin("99999999", kiosk_id="borne-hall")
    assert argon2_calls == ["key", "legacy"]  # until its first login, the old hash is checked
    argon2_calls.clear()
    assert verify_pin("135790", kiosk_id="borne-hall").id == old.id
    assert argon2_calls == ["key", "legacy"]
    refreshed = StaffAccount.get_by_id(old.id)
    assert refreshed.pin_key and PasswordHasher().verify(refreshed.pin_hash, "135790")
    argon2_calls.clear()
    assert verify_pin("135790", kiosk_id="borne-hall").id == old.id
    with pytest.raises(WrongPinError):
        verify_pin("99999999", kiosk_id="borne-hall")
    assert argon2_calls == ["key", "key"]


def test_a_pin_set_now_is_accepted_by_an_older_kiosk(db) -> None:  # type: ignore[no-untyped-def]
    """An older cafepol verifies `pin_hash` with PasswordHasher: it still must during a roll-out."""
    staff.set_pin("Anne Admin", "482913", "admin")
    account = StaffAccount.get(StaffAccount.name == "Anne Admin")
    assert PasswordHasher().verify(account.pin_hash, "482913")
    assert len(account.pin_key) == 64


def test_signups_go_on_while_a_pin_is_hashed_sqlite(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # No write lock held while hashing: with it, the sign-ups would wait for the busy timeout
    # (10 s) and fail with « database is locked ».
    assert signups_while_a_pin_is_hashed(db, monkeypatch) < 5


# --- the gate: per kiosk, capped ----------------------------------------------------------


def test_the_lock_belongs_to_the_kiosk_where_the_tries_were_made(db, argon2_calls) -> None:  # type: ignore[no-untyped-def]
    staff.set_pin("Anne Admin", "482913", "admin")
    fail(4, "borne-a")
    with pytest.raises(PinLockedError):
        verify_pin("00000000", kiosk_id="borne-a")  # the 5th locks
    argon2_calls.clear()
    with pytest.raises(PinLockedError):
        verify_pin("482913", kiosk_id="borne-a")  # locked: even the right PIN, and no hash
    assert argon2_calls == []
    assert verify_pin("482913", kiosk_id="borne-b").name == "Anne Admin"
    assert staff.lock_state(kiosk_id="borne-a") is not None
    assert staff.lock_state(kiosk_id="borne-b") is None
    assert [e.target for e in actions("failed-pin")] == ["kiosk:borne-a"] * 5


def test_the_kiosk_id_defaults_to_this_terminal(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CAFEPOL_KIOSK_ID", "borne-accueil")
    with pytest.raises(WrongPinError) as info:
        verify_pin("00000000")
    assert info.value.attempts_left == 4
    assert gate("borne-accueil").failures == 1


def test_a_right_pin_resets_the_count(db) -> None:  # type: ignore[no-untyped-def]
    staff.set_pin("Anne Admin", "482913", "admin")
    fail(4, "borne-a")
    verify_pin("482913", kiosk_id="borne-a")
    assert (gate("borne-a").failures, gate("borne-a").lockouts) == (0, 0)
    with pytest.raises(WrongPinError) as info:
        verify_pin("00000000", kiosk_id="borne-a")
    assert info.value.attempts_left == 4


def test_the_lock_doubles_up_to_15_minutes(db) -> None:  # type: ignore[no-untyped-def]
    """75 wrong PINs (15 lock-outs) used to lock the zone for days: now 15 minutes at most."""
    expected = [30, 60, 120, 240, 480, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900]
    seen = []
    moment = FIXED_NOW
    for _ in expected:
        with time_machine.travel(moment, tick=False):
            fail(4, "borne-a")
            with pytest.raises(PinLockedError) as info:
                verify_pin("00000000", kiosk_id="borne-a")
            seen.append((info.value.until - utcnow()).total_seconds())
        moment = info.value.until + timedelta(seconds=1)
    assert seen == expected
    assert len(actions("failed-pin")) == 75
    with time_machine.travel(moment - timedelta(seconds=2), tick=False):
        with pytest.raises(PinLockedError):
            verify_pin("00000000", kiosk_id="borne-a")
    assert staff.lock_delay(10**6, 30) == 900


# --- lifting the lock -----------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_unlock_pins_one_kiosk_then_all_audited(db, db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    fail(5, "borne-a")
    fail(5, "borne-b")
    fail(2, "borne-c")  # tries, but not locked
    assert main(["--db", str(db_path), "unlock-pins", "--kiosk", "borne-a"]) == 0
    assert capsys.readouterr().out == "PIN gate unlocked: kiosk borne-a\n"
    assert staff.lock_state(kiosk_id="borne-a") is None
    assert staff.lock_state(kiosk_id="borne-b") is not None
    assert (gate("borne-a").failures, gate("borne-a").lockouts) == (0, 0)
    assert main(["--db", str(db_path), "unlock-pins", "--kiosk", "borne-a"]) == 0
    assert capsys.readouterr().out == (
        "the PIN gate of kiosk borne-a was not locked: nothing to do\n"
    )
    assert main(["--db", str(db_path), "unlock-pins"]) == 0
    assert capsys.readouterr().out == "PIN gate unlocked: kiosk borne-b\n"
    assert main(["--db", str(db_path), "unlock-pins"]) == 0
    assert capsys.readouterr().out == "no PIN gate was locked: nothing to do\n"
    assert [(e.actor, e.target) for e in actions("pin-unlock")] == [
        ("cli", "kiosk:borne-a"),
        ("cli", "kiosk:borne-b"),
    ]
    assert gate("borne-c").failures == 2  # not locked: left as it was
    assert main(["--db", str(db_path), "unlock-pins", "--kiosk", " "]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "--kiosk" in captured.err


@pytest.mark.usefixtures("english")
def test_unlock_pins_lifts_the_older_kiosks_shared_gate(db, db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    PinGuard.create(id=1, failures=0, lockouts=3, locked_until=utcnow() + timedelta(days=5))
    assert main(["--db", str(db_path), "unlock-pins"]) == 0
    out = capsys.readouterr().out
    assert out == "PIN gate unlocked: kiosks running a cafepol older than schema 3\n"
    assert PinGuard.get_by_id(1).locked_until is None
    assert actions("pin-unlock")[0].target == "kiosk:*"


def test_an_admin_unlocks_a_kiosk_from_the_console_service(db) -> None:  # type: ignore[no-untyped-def]
    admin = staff.set_pin("Anne Admin", "482913", "admin")
    counter = staff.set_pin("Carl Guichet", "4321", "counter")
    fail(5, "borne-a")
    assert [g.kiosk_id for g in staff.locked_gates()] == ["borne-a"]
    with pytest.raises(RefusedError):
        staff.unlock_kiosk("borne-a", counter)
    assert [g.kiosk_id for g in staff.unlock_kiosk("borne-a", admin)] == ["borne-a"]
    assert staff.locked_gates() == []
    assert [(e.actor, e.target) for e in actions("pin-unlock")] == [("Anne Admin", "kiosk:borne-a")]


# --- no two accounts share a PIN ----------------------------------------------------------


def test_create_account_refuses_a_pin_another_account_has(db) -> None:  # type: ignore[no-untyped-def]
    admin = staff.set_pin("Anne Admin", "482913", "admin")
    before = list(StaffAccount.select().tuples())
    with pytest.raises(ValidationError) as info:
        staff.create_account("Olivia Officier", "482913", "officer", admin)
    assert "déjà utilisé" in info.value.errors["pin"]
    assert list(StaffAccount.select().tuples()) == before
    assert not actions("account-create")
    # Its own PIN again is no conflict; a deactivated account's PIN is free again.
    staff.set_pin("Anne Admin", "482913", "admin")
    olivia = staff.create_account("Olivia Officier", "555555", "officer", admin)
    staff.deactivate_account(olivia.id, admin)
    assert staff.create_account("Paul Policier", "555555", "officer", admin).name == "Paul Policier"


def test_a_pin_set_before_schema_3_is_not_given_to_another_account(db) -> None:  # type: ignore[no-untyped-def]
    StaffAccount.create(name="Agent ancien", role="admin",
                        pin_hash=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
                        .hash("135790"))
    with pytest.raises(ValidationError):
        staff.set_pin("Agent neuf", "135790", "counter")
    assert not StaffAccount.select().where(StaffAccount.name == "Agent neuf").exists()


def test_the_database_refuses_two_accounts_with_one_pin_key(db) -> None:  # type: ignore[no-untyped-def]
    staff.set_pin("Anne Admin", "482913", "admin")
    key = StaffAccount.get(StaffAccount.name == "Anne Admin").pin_key
    with pytest.raises(peewee.IntegrityError), db.atomic():
        StaffAccount.create(name="Intrus", role="admin", pin_hash="x", pin_key=key)


@pytest.mark.usefixtures("english")
def test_set_pin_cli_refuses_a_pin_another_account_has(db, db_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO("482913\n"))
    assert main(["--db", str(db_path), "set-pin", "--name", "Greffe"]) == 0
    capsys.readouterr()
    greffe = list(StaffAccount.select().tuples())
    monkeypatch.setattr(sys, "stdin", io.StringIO("482913\n"))
    assert main(["--db", str(db_path), "set-pin", "--name", "Accueil"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "already in use" in captured.err
    assert list(StaffAccount.select().tuples()) == greffe
    # Greffe may set the same PIN again on its own account.
    monkeypatch.setattr(sys, "stdin", io.StringIO("482913\n"))
    assert main(["--db", str(db_path), "set-pin", "--name", "Greffe"]) == 0
