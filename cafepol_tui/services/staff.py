"""Staff accounts and the PIN gate between the citizen kiosk and staff mode.

A PIN try, on SQLite and PostgreSQL alike (issue 12):

1. *Reserve*: a short write transaction (BEGIN IMMEDIATE; the kiosk's gate row taken with
   SELECT … FOR UPDATE on PostgreSQL) counts the try before the PIN is checked. A locked gate
   refuses at once, without hashing; the try that reaches `max_attempts` locks the gate. So
   however many processes try at the same moment (`cafepol serve` runs one per browser tab),
   at most `max_attempts` PINs are checked before the lock.
2. *Hash*: outside any transaction, one argon2id computation of the PIN with the database's
   salt (`MetaEntry` row `pin_key_params`, drawn on first use). Its hex is the account's
   `pin_key`, found through a unique index: one computation whatever the number of accounts, and no two
   accounts can share a PIN. Nothing else waits for it: sign-ups go on meanwhile.
3. *Success*: a second short transaction resets the gate and audits the login.

The gate belongs to the kiosk the tries were made at (`terminal_id()`, the id its sign-ups
carry); its lock lasts `base_s`, doubling at each further lock-out, at most `MAX_LOCK_S`
(15 minutes). An admin lifts it from any staff console or with `cafepol unlock-pins`.

Accounts whose PIN was set before schema 3 have no `pin_key` (it can't be computed from their
hash): only when the key matched nobody are their own argon2 hashes verified, one by one,
and the key is filled at their next successful login or PIN change; from then on they cost
nothing extra. `pin_hash` of a PIN set now is the standard argon2 encoding of the same
computation, so a kiosk still running an older cafepol during the roll-out accepts it.

The price of finding an account by an index: the salt is the database's, not the account's,
so someone holding a copy of the database tests one guessed PIN against every account at once
rather than against one; each guess still costs a full argon2 computation.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw

from cafepol_tui.db.engine import database_proxy, is_sqlite, write_transaction
from cafepol_tui.db.models import AuditEntry, MetaEntry, PinGuard, StaffAccount, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.registrations import terminal_id
from cafepol_tui.services.validation import ValidationError
from cafepol_tui.statuses import StaffRole

_ = translator("texts")

_hasher = PasswordHasher()  # verifies the hashes of PINs set before schema 3
# argon2id cost for a new database's PIN keys: PasswordHasher's defaults (t=3, 64 MiB, p=4).
# The cost in force is the one stored beside the salt, so changing this never orphans a key.
PIN_KEY_COST = {"t": _hasher.time_cost, "m": _hasher.memory_cost, "p": _hasher.parallelism}
PIN_KEY_META = "pin_key_params"
_KEY_BYTES = 32  # 64 hex digits: StaffAccount.pin_key
MAX_LOCK_S = 15 * 60


@dataclass(frozen=True)
class StaffUser:
    id: int
    name: str
    role: str


class PinLockedError(Exception):
    def __init__(self, until: datetime):
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


class WrongPinError(Exception):
    def __init__(self, attempts_left: int):
        self.attempts_left = attempts_left
        super().__init__(f"wrong PIN, {attempts_left} attempt(s) left")


def check_pin_format(pin: str) -> str:
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValidationError({"pin": _("Le code PIN doit compter de 4 à 12 chiffres.")})
    return pin


# --- the PIN key ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyParams:
    salt: bytes
    time_cost: int
    memory_cost: int
    parallelism: int


def _key_params() -> KeyParams:
    """The database's PIN-key salt and cost, drawn by whoever needs them first."""
    row = MetaEntry.get_or_none(MetaEntry.key == PIN_KEY_META)
    if row is None:
        value = json.dumps({"salt": secrets.token_hex(16), **PIN_KEY_COST})
        MetaEntry.insert(key=PIN_KEY_META, value=value).on_conflict_ignore().execute()
        row = MetaEntry.get(MetaEntry.key == PIN_KEY_META)  # ours, or the one another kiosk drew first
    data = json.loads(row.value)
    return KeyParams(bytes.fromhex(data["salt"]), int(data["t"]), int(data["m"]), int(data["p"]))


def _derive(pin: str, params: KeyParams) -> bytes:
    """The one argon2 computation of a PIN: never called inside a transaction."""
    return hash_secret_raw(
        pin.encode(),
        params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=_KEY_BYTES,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _encoded(raw: bytes, params: KeyParams) -> str:
    """`raw` in argon2's standard form, which PasswordHasher.verify (older kiosks) accepts."""
    return (
        f"$argon2id$v=19$m={params.memory_cost},t={params.time_cost},p={params.parallelism}"
        f"${_b64(params.salt)}${_b64(raw)}"
    )


def _legacy_matches(pin_hash: str, pin: str) -> bool:
    """A PIN set before schema 3 (its own salt): verified against its hash."""
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def _legacy_accounts(*, other_than: str | None = None) -> list[StaffAccount]:
    query = StaffAccount.select().where(
        (StaffAccount.active == True) & StaffAccount.pin_key.is_null()  # noqa: E712
    )
    if other_than is not None:
        query = query.where(StaffAccount.name != other_than)
    return list(query.order_by(StaffAccount.id))


def _pin_taken() -> ValidationError:
    return ValidationError({"pin": _("Ce code PIN est déjà utilisé : choisissez-en un autre.")})


# --- setting a PIN --------------------------------------------------------------------------


def set_pin(name: str, pin: str, role: str = StaffRole.ADMIN) -> StaffUser:
    """Create the account or change its PIN (and role); a PIN another account has is refused."""
    return _store_pin(name, pin, role, created_by=None)


def _store_pin(name: str, pin: str, role: str, *, created_by: str | None) -> StaffUser:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Indiquez le nom du compte.")})
    if role not in StaffRole.ALL:
        raise ValidationError({"role": _("Rôle inconnu : {role} ({known}).").format(role=role, known=", ".join(StaffRole.ALL))})
    check_pin_format(pin)
    params = _key_params()
    raw = _derive(pin, params)  # outside the transaction, like every hash here
    key = raw.hex()
    if any(_legacy_matches(a.pin_hash, pin) for a in _legacy_accounts(other_than=name)):
        raise _pin_taken()
    try:
        with write_transaction(database_proxy.obj):
            if StaffAccount.select().where(
                (StaffAccount.pin_key == key) & (StaffAccount.name != name)
            ).exists():
                raise _pin_taken()
            account = StaffAccount.get_or_none(StaffAccount.name == name)
            if account is None:
                account = StaffAccount.create(
                    name=name, role=role, pin_hash=_encoded(raw, params), pin_key=key
                )
            else:
                account.pin_hash, account.pin_key = _encoded(raw, params), key
                account.role, account.active = role, True
                account.save()
            AuditEntry.create(actor=name, action="set-pin", target=f"staff:{account.id}")
            if created_by is not None:
                AuditEntry.create(actor=created_by, action="account-create",
                                  target=f"staff:{account.id}", detail=role)
    except peewee.IntegrityError:
        # Another session gave this PIN (or this name) to an account at the same moment.
        if StaffAccount.select().where(
            (StaffAccount.pin_key == key) & (StaffAccount.name != name)
        ).exists():
            raise _pin_taken() from None
        raise
    return StaffUser(account.id, account.name, account.role)


def has_accounts() -> bool:
    return StaffAccount.select().where(StaffAccount.active == True).exists()  # noqa: E712


# --- the gate -------------------------------------------------------------------------------


def _kiosk(kiosk_id: str | None) -> str:
    return (kiosk_id or terminal_id())[:64]


def lock_delay(lockouts: int, base_s: int, max_lock_s: int = MAX_LOCK_S) -> int:
    """Seconds the `lockouts`-th lock-out in a row lasts: base_s, doubling, capped."""
    return min(max(base_s, 1) * 2 ** min(max(lockouts - 1, 0), 30), max_lock_s)


def _gate_query(kiosk: str) -> peewee.ModelSelect[PinGuard]:
    query = PinGuard.select().where(PinGuard.kiosk_id == kiosk)
    if not is_sqlite(database_proxy):
        query = query.for_update()
    return query


def _lock_gate(kiosk: str) -> PinGuard:
    """The kiosk's gate row, created if needed, locked until the transaction ends."""
    gate = _gate_query(kiosk).first()
    if gate is None:
        PinGuard.insert(kiosk_id=kiosk).on_conflict_ignore().execute()
        gate = _gate_query(kiosk).first()  # a fresh query: peewee keeps a query's result
    assert gate is not None
    return gate


def lock_state(now: datetime | None = None, *, kiosk_id: str | None = None) -> datetime | None:
    """When this kiosk's gate is locked, until when; else None."""
    now = now or utcnow()
    gate = PinGuard.get_or_none(PinGuard.kiosk_id == _kiosk(kiosk_id))
    if gate and gate.locked_until and gate.locked_until > now:
        return gate.locked_until
    return None


def verify_pin(
    pin: str,
    *,
    kiosk_id: str | None = None,
    max_attempts: int = 5,
    base_s: int = 30,
    max_lock_s: int = MAX_LOCK_S,
    now: datetime | None = None,
) -> StaffUser:
    """Return the staff member whose PIN this is, or raise WrongPinError / PinLockedError.

    `kiosk_id` (default: this terminal's) names the gate the try counts against.
    """
    now = now or utcnow()
    kiosk = _kiosk(kiosk_id)
    db = database_proxy.obj
    with write_transaction(db):  # 1. reserve the try
        gate = _lock_gate(kiosk)
        if gate.locked_until and gate.locked_until > now:
            raise PinLockedError(gate.locked_until)
        failures = gate.failures + 1
        locked_until = None
        if failures >= max_attempts:
            lockouts = gate.lockouts + 1
            locked_until = now + timedelta(seconds=lock_delay(lockouts, base_s, max_lock_s))
            changes = {"failures": 0, "lockouts": lockouts, "locked_until": locked_until}
        else:
            changes = {"failures": failures}
        PinGuard.update(**changes).where(PinGuard.id == gate.id).execute()
        params = _key_params()
        legacy = _legacy_accounts()
    raw = _derive(pin, params)  # 2. hash, no transaction open
    key = raw.hex()
    account = StaffAccount.get_or_none(
        (StaffAccount.pin_key == key) & (StaffAccount.active == True)  # noqa: E712
    )
    if account is None:
        account = next((a for a in legacy if _legacy_matches(a.pin_hash, pin)), None)
    if account is not None:
        return _logged_in(account, kiosk, raw, params)  # 3.
    detail = f"failure {failures}"
    if locked_until is not None:
        detail += f", locked until {locked_until.isoformat(timespec='seconds')}"
    AuditEntry.create(actor="", action="failed-pin", target=f"kiosk:{kiosk}", detail=detail)
    if locked_until is not None:
        raise PinLockedError(locked_until)
    raise WrongPinError(max_attempts - failures)


def _logged_in(account: StaffAccount, kiosk: str, raw: bytes, params: KeyParams) -> StaffUser:
    with write_transaction(database_proxy.obj):
        PinGuard.update(failures=0, lockouts=0, locked_until=None).where(
            PinGuard.kiosk_id == kiosk
        ).execute()
        if account.pin_key is None:  # set before schema 3: found by its key from now on
            try:
                with database_proxy.obj.atomic():  # a savepoint: PostgreSQL goes on after it
                    StaffAccount.update(pin_key=raw.hex(), pin_hash=_encoded(raw, params)).where(
                        (StaffAccount.id == account.id) & StaffAccount.pin_key.is_null()
                    ).execute()
            except peewee.IntegrityError:
                pass  # another account has this PIN (allowed before schema 3): left as it was
        AuditEntry.create(actor=account.name, action="login", target=f"staff:{account.id}")
    return StaffUser(account.id, account.name, account.role)


@dataclass(frozen=True)
class GateView:
    kiosk_id: str  # "": the zone-wide gate of kiosks running a cafepol older than schema 3
    locked_until: datetime
    lockouts: int


def _view(gate: PinGuard) -> GateView:
    return GateView(gate.kiosk_id or "", gate.locked_until, gate.lockouts)


def locked_gates(now: datetime | None = None) -> list[GateView]:
    """The kiosks whose PIN gate is locked now, by kiosk id."""
    now = now or utcnow()
    query = PinGuard.select().where(PinGuard.locked_until > now)
    return sorted((_view(g) for g in query), key=lambda v: v.kiosk_id)


def unlock_pins(
    kiosk_id: str | None = None, *, actor: Actor, now: datetime | None = None
) -> list[GateView]:
    """Lift the lock of one kiosk's gate ("": the older kiosks' one), or of every locked gate.

    Returns the gates that were locked (and no longer are); each is audited under `actor`.
    """
    require(actor, Permission.MANAGE_ACCOUNTS)
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        query = PinGuard.select().where(PinGuard.locked_until > now)
        if kiosk_id == "":
            query = query.where(PinGuard.kiosk_id.is_null())
        elif kiosk_id is not None:
            query = query.where(PinGuard.kiosk_id == kiosk_id)
        if not is_sqlite(database_proxy):
            query = query.for_update()
        gates = [_view(g) for g in query.order_by(PinGuard.kiosk_id)]
        for gate in gates:
            kiosk_match = (
                PinGuard.kiosk_id.is_null() if not gate.kiosk_id
                else PinGuard.kiosk_id == gate.kiosk_id
            )
            PinGuard.update(failures=0, lockouts=0, locked_until=None).where(kiosk_match).execute()
            AuditEntry.create(
                actor=actor.name,
                action="pin-unlock",
                target=f"kiosk:{gate.kiosk_id or '*'}",
                detail=f"locked until {gate.locked_until.isoformat(timespec='seconds')}",
            )
    return gates


# --- account management (staff console, admins only) ------------------------------------


@dataclass(frozen=True)
class AccountView:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime


def list_accounts() -> list[AccountView]:
    return [
        AccountView(a.id, a.name, a.role, a.active, a.created_at)
        for a in StaffAccount.select().order_by(StaffAccount.active.desc(), StaffAccount.name)
    ]


def create_account(name: str, pin: str, role: str, actor: Actor) -> StaffUser:
    """An admin creates (or resets) an account; the PIN must not be another account's."""
    require(actor, Permission.MANAGE_ACCOUNTS)
    errors: dict[str, str] = {}
    try:
        check_pin_format(pin)
    except ValidationError as exc:
        errors.update(exc.errors)
    if not " ".join(name.split()):
        errors["name"] = _("Indiquez le nom du compte.")
    if role not in StaffRole.ALL:
        errors["role"] = _("Choisissez le rôle.")
    if errors:
        raise ValidationError(errors)
    return _store_pin(name, pin, role, created_by=actor.name)


def unlock_kiosk(kiosk_id: str, actor: Actor | None) -> list[GateView]:
    """An admin lifts a kiosk's PIN lock from the staff console (audited)."""
    return unlock_pins(kiosk_id, actor=require(actor, Permission.MANAGE_ACCOUNTS))


def deactivate_account(account_id: int, actor: Actor) -> None:
    require(actor, Permission.MANAGE_ACCOUNTS)
    from cafepol_tui.services.validation import NotFoundError, RefusedError

    if account_id == getattr(actor, "id", None):
        raise RefusedError(_("Vous ne pouvez pas désactiver votre propre compte."))
    with write_transaction(database_proxy.obj):
        account = StaffAccount.get_or_none(StaffAccount.id == account_id)
        if account is None:
            raise NotFoundError(_("aucun compte du personnel {id}").format(id=account_id))
        others = StaffAccount.select().where(
            (StaffAccount.active == True) & (StaffAccount.role == StaffRole.ADMIN)  # noqa: E712
            & (StaffAccount.id != account_id)
        ).exists()
        if account.role == StaffRole.ADMIN and not others:
            raise RefusedError(_("Il doit rester au moins un compte administrateur actif."))
        account.active, account.pin_key = False, None  # its PIN is free for another account
        account.save()
        AuditEntry.create(actor=actor.name, action="account-deactivate",
                          target=f"staff:{account_id}")
