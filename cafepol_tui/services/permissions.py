"""Who may do what: the roles of the concept, checked in the services, not only on screens.

Counter staff sign people up, cancel, check in and record concerns; officers also manage
meetings, print and follow concerns up; administrators also manage accounts, the zone's data,
the audit log and the purge. A service that changes something takes the `Actor` doing it,
calls `require(actor, Permission.…)` before touching the database, and names `actor.name` in
the audit log.

An `Actor` is anything with a `name` and a `role`: the logged-in `StaffUser`, or `CLI` (the
machine's operator, who could open the database file anyway) and `SYSTEM` (scheduled upkeep).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from cafepol_tui.i18n import translator
from cafepol_tui.services.validation import RefusedError
from cafepol_tui.statuses import StaffRole

_ = translator("texts")


class Permission(enum.StrEnum):
    SIGN_UP = "sign-up"  # register a person on their behalf, move them on the waiting list
    CANCEL = "cancel"  # cancel a registration
    CHECK_IN = "check-in"  # present, absent, walk-ins
    RECORD_CONCERN = "record-concern"
    NOTIFY = "notify"  # the call list and its outcomes, letters printed, the outbox sent
    MANAGE_MEETINGS = "manage-meetings"  # create, edit, cancel, reinstate, series, FB count
    PRINT = "print"  # flyers, attendance sheets, programmes, exports
    FOLLOW_UP = "follow-up"  # move a concern on, give feedback
    MANAGE_ACCOUNTS = "manage-accounts"
    MANAGE_ZONE = "manage-zone"  # communes, commissariats, officers, partners, themes
    READ_AUDIT = "read-audit"
    PURGE = "purge"


_COUNTER = frozenset(
    {
        Permission.SIGN_UP,
        Permission.CANCEL,
        Permission.CHECK_IN,
        Permission.RECORD_CONCERN,
        Permission.NOTIFY,
    }
)
_OFFICER = _COUNTER | {Permission.MANAGE_MEETINGS, Permission.PRINT, Permission.FOLLOW_UP}
GRANTS: dict[str, frozenset[Permission]] = {
    StaffRole.COUNTER: _COUNTER,
    StaffRole.OFFICER: _OFFICER,
    StaffRole.ADMIN: frozenset(Permission),
}


class Actor(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Operator:
    """An actor that is not a staff account (the command line, scheduled upkeep)."""

    name: str
    role: str = StaffRole.ADMIN


CLI = Operator("cli")
SYSTEM = Operator("system")
# No one signed in (a staff screen reached after the session ended): every action is refused.
NOBODY = Operator("", role="")


class PermissionRefusedError(RefusedError):
    """The actor's role does not allow the action."""

    def __init__(self, permission: Permission, role: str | None) -> None:
        self.permission, self.role = permission, role
        super().__init__(_refusal(permission))


def _refusal(permission: Permission) -> str:
    if permission in _COUNTER:
        return _("Action réservée au personnel connecté.")
    if permission in _OFFICER:
        return _("Action réservée aux policiers et aux administrateurs.")
    return _("Action réservée aux administrateurs.")


def allows(actor: Actor | None, permission: Permission) -> bool:
    return actor is not None and permission in GRANTS.get(actor.role, frozenset())


def require(actor: Actor | None, permission: Permission) -> Actor:
    """The actor, if their role allows `permission`; refused (`PermissionRefusedError`) if not."""
    if actor is None or not allows(actor, permission):
        raise PermissionRefusedError(permission, actor.role if actor else None)
    return actor
