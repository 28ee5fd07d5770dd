"""Staff accounts and the PIN gate between the citizen kiosk and staff mode.

PINs are hashed with argon2. Wrong PINs are counted in the database (not in memory), so
restarting the kiosk does not reset the lock: after `max_attempts` failures the gate locks
for `base_s`, doubling at each further lock-out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cafepol_tui.db.database import database_proxy, write_transaction
from cafepol_tui.db.models import AuditEntry, PinGuard, StaffAccount, StaffRole, utcnow
from cafepol_tui.i18n import translator
from cafepol_tui.services.validation import ValidationError

_ = translator("messages")

_hasher = PasswordHasher()
GATE_ID = 1


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


def set_pin(name: str, pin: str, role: str = StaffRole.ADMIN) -> StaffUser:
    """Create the account or change its PIN (and role)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Indiquez le nom du compte.")})
    if role not in StaffRole.ALL:
        raise ValidationError({"role": _("Rôle inconnu : {role} ({known}).").format(role=role, known=", ".join(StaffRole.ALL))})
    pin_hash = _hasher.hash(check_pin_format(pin))
    with database_proxy.atomic():
        account = StaffAccount.get_or_none(StaffAccount.name == name)
        if account is None:
            account = StaffAccount.create(name=name, role=role, pin_hash=pin_hash)
        else:
            account.pin_hash, account.role, account.active = pin_hash, role, True
            account.save()
        AuditEntry.create(actor=name, action="set-pin", target=f"staff:{account.id}")
    return StaffUser(account.id, account.name, account.role)


def has_accounts() -> bool:
    return StaffAccount.select().where(StaffAccount.active == True).exists()  # noqa: E712


def lock_state(now: datetime | None = None) -> datetime | None:
    """When the gate is locked, until when; else None."""
    now = now or utcnow()
    gate = PinGuard.get_or_none(PinGuard.id == GATE_ID)
    if gate and gate.locked_until and gate.locked_until > now:
        return gate.locked_until
    return None


def verify_pin(
    pin: str, *, max_attempts: int = 5, base_s: int = 30, now: datetime | None = None
) -> StaffUser:
    """Return the staff member whose PIN this is, or raise WrongPinError / PinLockedError."""
    now = now or utcnow()
    with write_transaction(database_proxy.obj):
        gate, _created = PinGuard.get_or_create(id=GATE_ID)
        if gate.locked_until and gate.locked_until > now:
            raise PinLockedError(gate.locked_until)
        for account in StaffAccount.select().where(StaffAccount.active == True):  # noqa: E712
            try:
                _hasher.verify(account.pin_hash, pin)
            except (VerificationError, InvalidHashError):
                continue
            gate.failures, gate.lockouts, gate.locked_until = 0, 0, None
            gate.save()
            AuditEntry.create(actor=account.name, action="login", target=f"staff:{account.id}")
            return StaffUser(account.id, account.name, account.role)
        gate.failures += 1
        AuditEntry.create(actor="", action="failed-pin", detail=f"failure {gate.failures}")
        if gate.failures >= max_attempts:
            gate.lockouts += 1
            gate.failures = 0
            gate.locked_until = now + timedelta(seconds=base_s * 2 ** (gate.lockouts - 1))
            gate.save()
            locked_until = gate.locked_until
        else:
            gate.save()
            locked_until = None
    if locked_until is not None:
        raise PinLockedError(locked_until)
    raise WrongPinError(max_attempts - gate.failures)


# --- account management (staff console, admins only) ------------------------------------

ROLE_FR = {StaffRole.COUNTER: "guichet", StaffRole.OFFICER: "policier", StaffRole.ADMIN: "admin"}


@dataclass(frozen=True)
class AccountView:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime


def require_role(user: StaffUser | None, *roles: str) -> StaffUser:
    """Refuse unless the staff member holds one of `roles`."""
    from cafepol_tui.services.validation import RefusedError

    if user is None or user.role not in roles:
        raise RefusedError(_("Action réservée aux administrateurs."))
    return user


def list_accounts() -> list[AccountView]:
    return [
        AccountView(a.id, a.name, a.role, a.active, a.created_at)
        for a in StaffAccount.select().order_by(StaffAccount.active.desc(), StaffAccount.name)
    ]


def create_account(name: str, pin: str, role: str, actor: StaffUser) -> StaffUser:
    """An admin creates (or resets) an account; the PIN must not be another account's."""
    require_role(actor, StaffRole.ADMIN)
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
    # verify_pin takes the first account whose PIN matches: two accounts can't share one.
    clean = " ".join(name.split())
    for account in StaffAccount.select().where(
        (StaffAccount.active == True) & (StaffAccount.name != clean)  # noqa: E712
    ):
        try:
            if _hasher.verify(account.pin_hash, pin):
                raise ValidationError({"pin": _("Ce code PIN est déjà utilisé : choisissez-en un autre.")})
        except (VerificationError, InvalidHashError):
            continue
    user = set_pin(clean, pin, role)
    AuditEntry.create(actor=actor.name, action="account-create", target=f"staff:{user.id}",
                      detail=role)
    return user


def deactivate_account(account_id: int, actor: StaffUser) -> None:
    require_role(actor, StaffRole.ADMIN)
    from cafepol_tui.services.validation import NotFoundError, RefusedError

    if account_id == actor.id:
        raise RefusedError(_("Vous ne pouvez pas désactiver votre propre compte."))
    with write_transaction(database_proxy.obj):
        account = StaffAccount.get_or_none(StaffAccount.id == account_id)
        if account is None:
            raise NotFoundError(_("no staff account {id}").format(id=account_id))
        others = StaffAccount.select().where(
            (StaffAccount.active == True) & (StaffAccount.role == StaffRole.ADMIN)  # noqa: E712
            & (StaffAccount.id != account_id)
        ).exists()
        if account.role == StaffRole.ADMIN and not others:
            raise RefusedError(_("Il doit rester au moins un compte administrateur actif."))
        account.active = False
        account.save()
        AuditEntry.create(actor=actor.name, action="account-deactivate",
                          target=f"staff:{account_id}")
