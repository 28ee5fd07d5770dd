"""The codes the database stores for statuses, channels and roles, as string enums.

Each member *is* its string (`RegistrationStatus.CONFIRMED == "confirmed"`), so rows read back
as plain strings compare equal to them, and the database holds exactly these values. This
module imports nothing but `enum`: screens and documents that only need a status take it from
here, without loading peewee or the models (tests/db/test_layers.py and lint-imports check it).

A group of members (`HOLDING_SEATS`, `ALL`…) is declared in its class and filled in just after
it: inside the class body the members don't exist yet.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    # Checked in as absent on the day: the seat stays counted (nobody else can use it by then).
    NO_SHOW = "no_show"

    HOLDING_SEATS: ClassVar[tuple[RegistrationStatus, ...]]  # counted in Meeting.seats_taken
    ACTIVE: ClassVar[tuple[RegistrationStatus, ...]]  # coming or came: the namesake check


RegistrationStatus.HOLDING_SEATS = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.ATTENDED,
    RegistrationStatus.NO_SHOW,
)
RegistrationStatus.ACTIVE = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.ATTENDED,
)


class Channel(enum.StrEnum):
    """How a sign-up reached us."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    PHONE = "phone"

    ALL: ClassVar[tuple[Channel, ...]]


Channel.ALL = tuple(Channel)


class StaffRole(enum.StrEnum):
    COUNTER = "counter"
    OFFICER = "officer"
    ADMIN = "admin"

    ALL: ClassVar[tuple[StaffRole, ...]]


StaffRole.ALL = tuple(StaffRole)


class ConcernStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    FEEDBACK_GIVEN = "feedback_given"
    CLOSED = "closed"  # closed without feedback, with a reason

    ALL: ClassVar[tuple[ConcernStatus, ...]]
    FINAL: ClassVar[tuple[ConcernStatus, ...]]  # the contact details can go


ConcernStatus.ALL = tuple(ConcernStatus)
ConcernStatus.FINAL = (ConcernStatus.FEEDBACK_GIVEN, ConcernStatus.CLOSED)
