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


class NoticeKind(enum.StrEnum):
    """What an outbox message is about (`cafepol outbox --json` "kind")."""

    CONFIRMATION = "confirmation"  # signed up, seat confirmed
    WAITLISTED = "waitlisted"  # on the waiting list: at sign-up, or moved there by a capacity cut
    PROMOTION = "promotion"  # moved up from the waiting list: a seat is theirs
    CANCELLATION = "cancellation"  # the meeting is cancelled (reason, replacement date)
    CHANGE = "change"  # the meeting's time or place changed
    REMINDER = "reminder"  # the day before, when asked for at sign-up
    FEEDBACK = "feedback"  # the reply to a concern
    HANDOFF = "handoff"  # a concern handed to a partner

    ALL: ClassVar[tuple[NoticeKind, ...]]


NoticeKind.ALL = tuple(NoticeKind)


class NoticeChannel(enum.StrEnum):
    """How an outbox message reaches its reader (`cafepol outbox --json` "channel")."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"  # a call by counter staff, from the « À appeler » list
    LETTER = "letter"  # a letter printed at the counter

    ALL: ClassVar[tuple[NoticeChannel, ...]]


NoticeChannel.ALL = tuple(NoticeChannel)


class OutboxStatus(enum.StrEnum):
    """Where an outbox message stands (`cafepol outbox --status`)."""

    PENDING = "pending"  # to send (e-mail, SMS) or to print (letter); retried after a failure
    SENDING = "sending"  # handed to the server right now (a crash leaves it to be retried)
    SENT = "sent"  # the server accepted it, or the letter was printed
    FAILED = "failed"  # refused for good, or every retry failed: staff see it
    TO_CALL = "to_call"  # on the « À appeler » list
    DONE = "done"  # the call was made (reached, or a message left), or given in person

    ALL: ClassVar[tuple[OutboxStatus, ...]]
    DELIVERED: ClassVar[tuple[OutboxStatus, ...]]  # the reader has it: the contact may go
    OPEN: ClassVar[tuple[OutboxStatus, ...]]  # still to do


OutboxStatus.ALL = tuple(OutboxStatus)
OutboxStatus.DELIVERED = (OutboxStatus.SENT, OutboxStatus.DONE)
OutboxStatus.OPEN = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.TO_CALL)


class CallOutcome(enum.StrEnum):
    """What came of a call from the « À appeler » list."""

    REACHED = "reached"
    MESSAGE_LEFT = "message_left"
    NO_ANSWER = "no_answer"  # back on the list tomorrow

    ALL: ClassVar[tuple[CallOutcome, ...]]


CallOutcome.ALL = tuple(CallOutcome)


class ReplyChannel(enum.StrEnum):
    """How the reply to a concern reaches the citizen (`cafepol concern feedback --channel`)."""

    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    IN_PERSON = "in_person"

    ALL: ClassVar[tuple[ReplyChannel, ...]]


ReplyChannel.ALL = tuple(ReplyChannel)


class HandoffStatus(enum.StrEnum):
    """A concern handed to a partner: sent, then answered (or overdue past its due date)."""

    SENT = "sent"
    ANSWERED = "answered"

    ALL: ClassVar[tuple[HandoffStatus, ...]]


HandoffStatus.ALL = tuple(HandoffStatus)
