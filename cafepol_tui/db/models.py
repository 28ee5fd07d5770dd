"""The peewee models. Times are stored as naive UTC and come back timezone-aware (UTC).

Every model is bound to `engine.database_proxy`, which `db.open.open_database` points at the
real database. The schema they describe is built and versioned by `db.migrations`; the codes
their status, channel and role columns hold are the enums of `cafepol_tui.statuses`
(import them from there: that module needs no peewee).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import peewee

from cafepol_tui.db.engine import database_proxy
from cafepol_tui.statuses import (
    Channel,
    ConcernStatus,
    HandoffStatus,
    MeetingStatus,
    OutboxStatus,
    StaffRole,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTimeField(peewee.DateTimeField):
    """Aware datetimes in, aware UTC datetimes out; the column holds naive UTC on every backend."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"{self.name}: naive datetime refused, give a timezone")
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class BaseModel(peewee.Model):
    # peewee adds these at run time; declared for the type checker only.
    id: Any
    DoesNotExist: type[Exception]

    class Meta:
        database = database_proxy
        legacy_table_names = False


class MetaEntry(BaseModel):
    """One key/value fact about the database itself: schema version, demo marker, PIN-key salt.

    Not to be confused with peewee's `class Meta:` options inside each model.
    """

    key = peewee.CharField(primary_key=True, max_length=64)
    value = peewee.TextField()

    class Meta:
        table_name = "meta"


class Zone(BaseModel):
    """The police zone itself (schema 4): one row, id 1, written by `cafepol zone import`.

    What the kiosk and the documents say of the zone (its name, page, logo, publisher) is read
    from here; the config's `zone_name` and `zone_page_url` are only fallbacks for a database
    into which no zone file was imported (`services.zone.zone_profile`).
    """

    name = peewee.CharField(max_length=120)
    language = peewee.CharField(max_length=2, default="fr")
    website = peewee.CharField(max_length=500, default="")
    facebook = peewee.CharField(max_length=500, default="")
    publisher = peewee.TextField(default="")
    emergency = peewee.CharField(max_length=80, default="")
    # The logo's bytes, so that every kiosk of a shared database prints it; `logo_name` is
    # the file name it was imported from (its extension says PNG or JPEG).
    logo = peewee.BlobField(null=True)
    logo_name = peewee.CharField(max_length=120, default="")
    updated_at = UTCDateTimeField(default=utcnow)


# Schema 4: the rows a zone file describes carry `active`. An import never deletes what
# meetings or concerns still use: what left the file is deactivated, kept for the history
# and no longer offered for new meetings and concerns.


class Commissariat(BaseModel):
    name = peewee.CharField(unique=True, max_length=120)
    address = peewee.CharField(max_length=240, default="")
    phone = peewee.CharField(max_length=32, default="")
    hours = peewee.TextField(default="")
    active = peewee.BooleanField(default=True)


class Commune(BaseModel):
    name = peewee.CharField(unique=True, max_length=80)
    # The first of `postal_codes`, still written for kiosks older than schema 4.
    postal_code = peewee.CharField(max_length=10, default="")
    # Schema 4: every postal code of the commune, separated by spaces (« 7300 7301 »).
    postal_codes = peewee.CharField(max_length=200, default="")
    commissariat_id: Any
    commissariat = peewee.ForeignKeyField(
        Commissariat, backref="communes", null=True, on_delete="SET NULL"
    )
    # Schema 4: the usual meeting places, a JSON list of {"name", "address"}.
    places = peewee.TextField(default="[]")
    active = peewee.BooleanField(default=True)


class Officer(BaseModel):
    name = peewee.CharField(max_length=120)
    commune_id: Any
    commune = peewee.ForeignKeyField(Commune, backref="officers", null=True, on_delete="SET NULL")
    # The name of the commune's commissariat, as the flyer prints it (a zone import keeps it
    # in step with the commune's commissariat).
    commissariat = peewee.CharField(max_length=200, default="")
    phone = peewee.CharField(max_length=32, default="")
    # Schema 4.
    grade = peewee.CharField(max_length=80, default="")
    gender = peewee.CharField(max_length=1, default="")  # "f", "m", "x" or "" (not said)
    active = peewee.BooleanField(default=True)
    # Schema 6: the photo the zone file names (PNG or JPEG bytes, printed on the flyer), so
    # that every kiosk of a shared database prints it; `photo_name` is the file name it was
    # imported from, as the zone's `logo_name`.
    photo = peewee.BlobField(null=True)
    photo_name = peewee.CharField(max_length=120, default="")


class Partner(BaseModel):
    name = peewee.CharField(unique=True, max_length=120)
    kind = peewee.CharField(max_length=80, default="")
    # Schema 4: whom to hand a concern over to.
    email = peewee.CharField(max_length=254, default="")
    phone = peewee.CharField(max_length=32, default="")
    active = peewee.BooleanField(default=True)


class Theme(BaseModel):
    # In the zone's language; schema 4 adds its translations ("" when there is none).
    name = peewee.CharField(unique=True, max_length=120)
    name_fr = peewee.CharField(max_length=120, default="")
    name_nl = peewee.CharField(max_length=120, default="")
    name_de = peewee.CharField(max_length=120, default="")
    name_en = peewee.CharField(max_length=120, default="")
    active = peewee.BooleanField(default=True)


class Meeting(BaseModel):
    commune_id: Any
    commune = peewee.ForeignKeyField(Commune, backref="meetings", on_delete="RESTRICT")
    place = peewee.CharField(max_length=160)
    address = peewee.CharField(max_length=240, default="")
    starts_at = UTCDateTimeField(index=True)
    duration_min = peewee.IntegerField(default=90)
    officer_id: Any
    officer = peewee.ForeignKeyField(Officer, backref="meetings", null=True, on_delete="SET NULL")
    capacity = peewee.IntegerField(default=45)
    # Seats held by confirmed/attended parties; only services.registrations changes it,
    # inside the same transaction as the registration rows.
    seats_taken = peewee.IntegerField(default=0)
    event_url = peewee.CharField(max_length=500, null=True)
    interested_count = peewee.IntegerField(default=0)
    description = peewee.TextField(default="")
    status = peewee.CharField(max_length=16, default=MeetingStatus.SCHEDULED, index=True)
    cancel_reason = peewee.TextField(default="")
    # People who came without signing up, counted at the door (no names).
    walkins = peewee.IntegerField(default=0)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow, index=True)
    # Schema 5: the meeting that replaces a cancelled one (named by staff when cancelling),
    # offered to the people warned of the cancellation. A plain number, not a foreign key:
    # the replacement may be purged or deleted first.
    replacement_id = peewee.IntegerField(null=True)


class MeetingPartner(BaseModel):
    meeting_id: Any
    meeting = peewee.ForeignKeyField(Meeting, backref="partner_links", on_delete="CASCADE")
    partner_id: Any
    partner = peewee.ForeignKeyField(Partner, backref="meeting_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("meeting", "partner"), True),)


class MeetingTheme(BaseModel):
    meeting_id: Any
    meeting = peewee.ForeignKeyField(Meeting, backref="theme_links", on_delete="CASCADE")
    theme_id: Any
    theme = peewee.ForeignKeyField(Theme, backref="meeting_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("meeting", "theme"), True),)


class Registration(BaseModel):
    meeting_id: Any
    meeting = peewee.ForeignKeyField(Meeting, backref="registrations", on_delete="CASCADE")
    reference = peewee.CharField(unique=True, max_length=12)
    name = peewee.CharField(max_length=100)
    # Case- and accent-folded name, for the duplicate check.
    name_key = peewee.CharField(max_length=100, index=True)
    people = peewee.IntegerField(default=1)
    phone = peewee.CharField(max_length=32, default="")
    email = peewee.CharField(max_length=254, default="")
    topic = peewee.TextField(default="")
    consent_at = UTCDateTimeField(null=True)
    status = peewee.CharField(max_length=16, index=True)
    waitlist_position = peewee.IntegerField(null=True)
    channel = peewee.CharField(max_length=16, default=Channel.KIOSK)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    anonymised_at = UTCDateTimeField(null=True)
    # Schema 2: the terminal that took the sign-up (NULL before then), and the key the kiosk
    # draws before its first attempt so that a submit retried after an outage is saved once.
    kiosk_id = peewee.CharField(max_length=64, null=True)
    submission_key = peewee.CharField(max_length=36, null=True, unique=True)
    # Schema 5: the language the citizen used (their notices are written in it; "" before 5:
    # the zone's), whether they asked for a reminder the day before, and a topic raised in
    # advance that staff dismissed (with the reason) instead of turning it into a concern.
    language = peewee.CharField(max_length=2, default="")
    wants_reminder = peewee.BooleanField(default=False)
    topic_dismissed_at = UTCDateTimeField(null=True)
    topic_dismissed_reason = peewee.TextField(default="")

    class Meta:
        indexes = (
            (("meeting", "status"), False),
            (("meeting", "status", "waitlist_position"), False),
        )


class StaffAccount(BaseModel):
    name = peewee.CharField(unique=True, max_length=80)
    role = peewee.CharField(max_length=16, default=StaffRole.ADMIN)
    pin_hash = peewee.CharField(max_length=255)
    active = peewee.BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
    # Schema 3: the PIN's lookup key (services.staff.pin_key), found by an index so that a try
    # costs one argon2 computation; unique, so no two accounts share a PIN. NULL for an
    # account whose PIN was set before version 3 (until its next login) and once deactivated.
    pin_key = peewee.CharField(max_length=64, null=True, unique=True)


class PinGuard(BaseModel):
    """The PIN gate of one kiosk: failures and the lock, kept across restarts.

    Schema 3: one row per `kiosk_id` (the terminal_id the kiosk's sign-ups carry). The row
    with a NULL kiosk_id is the zone-wide gate of cafepol before version 3, still used by an
    older kiosk during a roll-out.
    """

    failures = peewee.IntegerField(default=0)
    lockouts = peewee.IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    kiosk_id = peewee.CharField(max_length=64, null=True, unique=True)


class AuditEntry(BaseModel):
    at = UTCDateTimeField(default=utcnow, index=True)
    actor = peewee.CharField(max_length=80, default="")
    action = peewee.CharField(max_length=64)
    target = peewee.CharField(max_length=120, default="")
    detail = peewee.TextField(default="")


class Concern(BaseModel):
    """A situation raised at a meeting (doléance), followed until the citizen gets feedback."""

    meeting_id: Any
    meeting = peewee.ForeignKeyField(Meeting, backref="concerns", null=True, on_delete="SET NULL")
    commune_id: Any
    commune = peewee.ForeignKeyField(Commune, backref="concerns", null=True, on_delete="SET NULL")
    theme_id: Any
    theme = peewee.ForeignKeyField(Theme, backref="concerns", null=True, on_delete="SET NULL")
    partner_id: Any
    partner = peewee.ForeignKeyField(Partner, backref="concerns", null=True, on_delete="SET NULL")
    # The sign-up whose topic ("raised in advance") became this concern.
    registration_id: Any
    registration = peewee.ForeignKeyField(
        Registration, backref="concerns", null=True, on_delete="SET NULL"
    )
    description = peewee.TextField()
    place = peewee.CharField(max_length=200, default="")
    # Citizen contact, kept only until feedback is given or the concern is closed.
    wants_feedback = peewee.BooleanField(default=False)
    contact_name = peewee.CharField(max_length=100, default="")
    contact_phone = peewee.CharField(max_length=32, default="")
    contact_email = peewee.CharField(max_length=254, default="")
    contact_erased_at = UTCDateTimeField(null=True)
    status = peewee.CharField(max_length=16, default=ConcernStatus.OPEN, index=True)
    due_on = peewee.DateField(index=True)
    close_reason = peewee.TextField(default="")
    created_by = peewee.CharField(max_length=80, default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    feedback_at = UTCDateTimeField(null=True)
    closed_at = UTCDateTimeField(null=True)
    # Schema 5: the citizen's reference for « Suivre ma demande » (NULL only while a
    # migration fills it), the staff account in charge, a postal address for a reply by
    # letter, the reply itself (kept after the contact is erased) and how it was given,
    # and the citizen's language.
    reference = peewee.CharField(max_length=12, null=True, unique=True)
    owner = peewee.CharField(max_length=80, default="", index=True)
    contact_address = peewee.TextField(default="")
    reply_text = peewee.TextField(default="")
    reply_channel = peewee.CharField(max_length=16, default="")
    language = peewee.CharField(max_length=2, default="")


class ConcernUpdate(BaseModel):
    """Every change to a concern: who, when, the status it moved to and a note."""

    concern_id: Any
    concern = peewee.ForeignKeyField(Concern, backref="updates", on_delete="CASCADE")
    at = UTCDateTimeField(default=utcnow)
    actor = peewee.CharField(max_length=80, default="")
    status = peewee.CharField(max_length=16)
    note = peewee.TextField(default="")
    # Schema 5: shown to the citizen who follows the concern by its reference.
    public = peewee.BooleanField(default=False)


class ConcernHandoff(BaseModel):
    """A concern handed to a partner (schema 5): sent by e-mail or on a printed sheet, with a
    date the partner should answer by, and the partner's answer once it comes."""

    concern_id: Any
    concern = peewee.ForeignKeyField(Concern, backref="handoffs", on_delete="CASCADE")
    partner_id: Any
    partner = peewee.ForeignKeyField(Partner, backref="handoffs", on_delete="RESTRICT")
    channel = peewee.CharField(max_length=16)  # NoticeChannel.EMAIL or LETTER (printed)
    status = peewee.CharField(max_length=16, default=HandoffStatus.SENT, index=True)
    due_on = peewee.DateField(index=True)
    note = peewee.TextField(default="")
    answer = peewee.TextField(default="")
    answered_at = UTCDateTimeField(null=True)
    created_by = peewee.CharField(max_length=80, default="")
    created_at = UTCDateTimeField(default=utcnow)


class OutboxMessage(BaseModel):
    """A notice to a citizen or a partner (schema 5), written in the transaction of the event
    that causes it and delivered later: by e-mail or SMS from the upkeep thread or
    `cafepol send`, by a call from the « À appeler » list, or as a printed letter.

    `recipient` (an address or a number) and `body` are personal data: the retention purge
    blanks them once the message is delivered or failed and older than the notice allows.
    """

    kind = peewee.CharField(max_length=16)  # statuses.NoticeKind
    channel = peewee.CharField(max_length=16)  # statuses.NoticeChannel
    status = peewee.CharField(max_length=16, default=OutboxStatus.PENDING, index=True)
    # The registration code or the concern reference the message is about.
    reference = peewee.CharField(max_length=12, default="", index=True)
    meeting_id: Any
    meeting = peewee.ForeignKeyField(Meeting, backref="notices", null=True, on_delete="SET NULL")
    registration_id: Any
    registration = peewee.ForeignKeyField(
        Registration, backref="notices", null=True, on_delete="SET NULL"
    )
    concern_id: Any
    concern = peewee.ForeignKeyField(Concern, backref="notices", null=True, on_delete="SET NULL")
    handoff_id: Any
    handoff = peewee.ForeignKeyField(
        ConcernHandoff, backref="notices", null=True, on_delete="SET NULL"
    )
    language = peewee.CharField(max_length=2, default="fr")
    recipient_name = peewee.CharField(max_length=120, default="")
    recipient = peewee.TextField(default="")
    subject = peewee.CharField(max_length=200, default="")
    body = peewee.TextField(default="")
    # An iCalendar file sent beside the text (confirmations and changes), "" for none.
    attachment = peewee.TextField(default="")
    # At most one message per key ("reminder:<registration id>"): a repeated run adds none.
    dedupe_key = peewee.CharField(max_length=80, null=True, unique=True)
    message_id = peewee.CharField(max_length=200, default="")
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow, index=True)
    last_error = peewee.TextField(default="")
    call_outcome = peewee.CharField(max_length=16, default="")
    handled_by = peewee.CharField(max_length=80, default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    sent_at = UTCDateTimeField(null=True)


ALL_MODELS: list[type[BaseModel]] = [
    MetaEntry,
    Zone,
    Commissariat,
    Commune,
    Officer,
    Partner,
    Theme,
    Meeting,
    MeetingPartner,
    MeetingTheme,
    Registration,
    StaffAccount,
    PinGuard,
    AuditEntry,
    Concern,
    ConcernUpdate,
    ConcernHandoff,
    OutboxMessage,
]
