"""What is sent on a meeting's events: rows written to the outbox in the event's transaction."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import peewee
import pytest
import time_machine

from cafepol_tui.db.models import Meeting, OutboxMessage, Registration
from cafepol_tui.services import meetings_admin, notices, registrations
from cafepol_tui.services.formatting import format_day
from cafepol_tui.services.meeting_fields import form_for
from cafepol_tui.services.validation import RefusedError, ValidationError
from cafepol_tui.statuses import (
    MeetingStatus,
    NoticeChannel,
    NoticeKind,
    OutboxStatus,
    RegistrationStatus,
)
from tests.conftest import FIXED_NOW
from tests.factories import COUNTER, FIXED_START, OFFICER, make_meeting, sign_up


def rows(kind: str | None = None) -> list[OutboxMessage]:
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(query)


def seats(meeting: Meeting) -> int:
    return int(Meeting.get_by_id(meeting.id).seats_taken)


def test_citizen_cancellation_promotes_with_a_notice_in_their_language(
    db: peewee.Database,
) -> None:
    meeting = make_meeting(capacity=2)
    first = sign_up(meeting, "Alice Dupont", 2, email="alice@example.be")
    waiting = sign_up(meeting, "Bart Peeters", 2, email="bart@example.be", language="nl")
    assert waiting.status == RegistrationStatus.WAITLISTED
    registrations.cancel(first.reference, now=FIXED_NOW)
    (promotion,) = rows(NoticeKind.PROMOTION)
    assert promotion.reference == waiting.reference
    assert promotion.language == "nl"
    assert promotion.recipient == "bart@example.be"
    assert promotion.channel == NoticeChannel.EMAIL
    assert waiting.reference in promotion.body


def test_cancellation_with_a_replacement_tells_everyone_who_can_be_reached(
    db: peewee.Database,
) -> None:
    meeting = make_meeting(capacity=1)
    later = make_meeting(starts_at=FIXED_START + timedelta(days=7), place="Salle B")
    mail = sign_up(meeting, "Alice Dupont", email="alice@example.be")
    phone = sign_up(meeting, "Paul Martin", phone="0470123456")
    sign_up(meeting, "Nina Sans", 1)  # no contact: can't be told
    gone = sign_up(meeting, "Zoé Partie", email="zoe@example.be")
    registrations.cancel(gone.reference, now=FIXED_NOW)
    before = len(rows())
    warned = meetings_admin.cancel_meeting(
        meeting.id, "Salle inondée", OFFICER, replacement_id=later.id, now=FIXED_NOW
    )
    assert {p.reference for p in warned} >= {mail.reference, phone.reference}
    assert Meeting.get_by_id(meeting.id).replacement_id == later.id
    sent = rows(NoticeKind.CANCELLATION)
    assert len(rows()) - before == len(sent) == 2
    by_ref = {r.reference: r for r in sent}
    assert set(by_ref) == {mail.reference, phone.reference}
    for row in sent:
        assert "Salle inondée" in row.body
        assert format_day(later.starts_at, "fr") in row.body
    assert by_ref[mail.reference].channel == NoticeChannel.EMAIL
    assert by_ref[mail.reference].status == OutboxStatus.PENDING
    assert by_ref[phone.reference].channel == NoticeChannel.PHONE
    assert by_ref[phone.reference].status == OutboxStatus.TO_CALL
    assert by_ref[phone.reference].recipient == "+32470123456"


@pytest.mark.parametrize("which", ["missing", "itself", "cancelled", "past"])
def test_a_refused_replacement_cancels_nothing_and_writes_no_notice(
    db: peewee.Database, which: str
) -> None:
    meeting = make_meeting()
    sign_up(meeting, "Alice Dupont", email="alice@example.be")
    other = make_meeting(starts_at=FIXED_START + timedelta(days=7), place="Salle B")
    if which == "cancelled":
        meetings_admin.cancel_meeting(other.id, "Grève", OFFICER, now=FIXED_NOW)
    if which == "past":
        Meeting.update(starts_at=FIXED_NOW - timedelta(days=1)).where(
            Meeting.id == other.id
        ).execute()
    target = {"missing": 9999, "itself": meeting.id}.get(which, other.id)
    before = len(rows())
    with pytest.raises(ValidationError) as refused:
        meetings_admin.cancel_meeting(
            meeting.id, "Salle inondée", OFFICER, replacement_id=target, now=FIXED_NOW
        )
    assert "replacement" in refused.value.errors
    assert len(rows()) == before
    assert Meeting.get_by_id(meeting.id).status == MeetingStatus.SCHEDULED


def test_move_to_replacement_keeps_the_code_and_counts_the_seats(db: peewee.Database) -> None:
    meeting = make_meeting(capacity=4)
    later = make_meeting(capacity=3, starts_at=FIXED_START + timedelta(days=7), place="B")
    sign_up(later, "Déjà Là", 2)
    fits = sign_up(meeting, "Alice Dupont", 1, email="alice@example.be")
    too_big = sign_up(meeting, "Bart Peeters", 2, email="bart@example.be", language="nl")
    meetings_admin.cancel_meeting(
        meeting.id, "Salle inondée", OFFICER, replacement_id=later.id, now=FIXED_NOW
    )
    moved = registrations.move_to_replacement(fits.reference, now=FIXED_NOW)
    assert (moved.reference, moved.meeting_id, moved.status) == (
        fits.reference,
        later.id,
        RegistrationStatus.CONFIRMED,
    )
    assert (seats(meeting), seats(later)) == (2, 3)
    waiting = registrations.move_to_replacement(too_big.reference, actor=COUNTER, now=FIXED_NOW)
    assert waiting.status == RegistrationStatus.WAITLISTED
    assert waiting.waitlist_rank == 1
    assert (seats(meeting), seats(later)) == (0, 3)
    assert Registration.get(Registration.reference == too_big.reference).meeting_id == later.id
    confirmation = [r for r in rows(NoticeKind.CONFIRMATION) if r.meeting_id == later.id]
    assert [r.reference for r in confirmation] == [fits.reference]
    (waitlisted,) = [r for r in rows(NoticeKind.WAITLISTED) if r.meeting_id == later.id]
    assert waitlisted.reference == too_big.reference
    assert waitlisted.language == "nl"
    # Already moved: its meeting is no longer cancelled.
    with pytest.raises(RefusedError):
        registrations.move_to_replacement(fits.reference, now=FIXED_NOW)


def test_move_to_replacement_refusals(db: peewee.Database) -> None:
    scheduled = make_meeting()
    kept = sign_up(scheduled, "Alice Dupont", email="alice@example.be")
    with pytest.raises(RefusedError):  # not cancelled
        registrations.move_to_replacement(kept.reference, now=FIXED_NOW)
    alone = make_meeting(place="Seule")
    lonely = sign_up(alone, "Paul Martin", email="paul@example.be")
    meetings_admin.cancel_meeting(alone.id, "Grève", OFFICER, now=FIXED_NOW)
    with pytest.raises(RefusedError):  # no replacement
        registrations.move_to_replacement(lonely.reference, now=FIXED_NOW)
    source = make_meeting(place="Source")
    target = make_meeting(starts_at=FIXED_START + timedelta(days=7), place="Cible")
    quitter = sign_up(source, "Zoé Partie", email="zoe@example.be")
    stays = sign_up(source, "Nina Reste", email="nina@example.be")
    registrations.cancel(quitter.reference, now=FIXED_NOW)
    meetings_admin.cancel_meeting(
        source.id, "Grève", OFFICER, replacement_id=target.id, now=FIXED_NOW
    )
    with pytest.raises(RefusedError):  # the registration is cancelled
        registrations.move_to_replacement(quitter.reference, now=FIXED_NOW)
    meetings_admin.cancel_meeting(target.id, "Grève aussi", OFFICER, now=FIXED_NOW)
    with pytest.raises(RefusedError):  # the replacement is cancelled too
        registrations.move_to_replacement(stays.reference, now=FIXED_NOW)
    assert Registration.get(Registration.reference == stays.reference).meeting_id == source.id


def test_a_new_time_tells_the_previous_and_the_new_one(db: peewee.Database) -> None:
    meeting = make_meeting()
    alice = sign_up(meeting, "Alice Dupont", email="alice@example.be")
    form = dataclasses.replace(form_for(meeting.id), day="15/12/2026", start="14:00")
    meetings_admin.update_meeting(meeting.id, form, OFFICER, now=FIXED_NOW)
    (change,) = rows(NoticeKind.CHANGE)
    assert change.reference == alice.reference
    assert "mardi 8 décembre 2026" in change.body  # before
    assert "mardi 15 décembre 2026" in change.body  # after
    assert "14 h" in change.body
    # Only the description changes: nobody is told.
    form = dataclasses.replace(form_for(meeting.id), description="Avec café et croissants")
    meetings_admin.update_meeting(meeting.id, form, OFFICER, now=FIXED_NOW)
    assert len(rows(NoticeKind.CHANGE)) == 1


def test_a_capacity_cut_tells_the_moved_parties_their_rank(db: peewee.Database) -> None:
    meeting = make_meeting(capacity=3)
    keep = sign_up(meeting, "Alice Dupont", email="alice@example.be")
    b = sign_up(meeting, "Bart Peeters", email="bart@example.be")
    c = sign_up(meeting, "Chloé Martin", email="chloe@example.be")
    ids = tuple(
        Registration.get(Registration.reference == ref).id for ref in (b.reference, c.reference)
    )
    form = dataclasses.replace(form_for(meeting.id), capacity="1")
    meetings_admin.update_meeting(meeting.id, form, OFFICER, to_waitlist=ids, now=FIXED_NOW)
    cut = [r for r in rows(NoticeKind.WAITLISTED)]
    assert {r.reference: r for r in cut}.keys() == {b.reference, c.reference}
    by_ref = {r.reference: r for r in cut}
    assert "Votre position : 1." in by_ref[b.reference].body
    assert "Votre position : 2." in by_ref[c.reference].body
    assert "réduit" in by_ref[b.reference].body
    assert keep.reference not in by_ref
    assert seats(meeting) == 1


def test_reinstate_says_the_meeting_takes_place(db: peewee.Database) -> None:
    meeting = make_meeting()
    alice = sign_up(meeting, "Alice Dupont", email="alice@example.be")
    meetings_admin.cancel_meeting(meeting.id, "Grève", OFFICER, now=FIXED_NOW)
    meetings_admin.reinstate_meeting(meeting.id, OFFICER, now=FIXED_NOW)
    (change,) = rows(NoticeKind.CHANGE)
    assert change.reference == alice.reference
    assert "Bonne nouvelle : la rencontre a bien lieu." in change.body


def test_reminders_the_day_before_once(db: peewee.Database) -> None:
    meeting = make_meeting(capacity=2)
    wants = sign_up(meeting, "Alice Dupont", email="alice@example.be", wants_reminder=True)
    sign_up(meeting, "Bart Sans", email="bart@example.be", wants_reminder=False)
    gone = sign_up(meeting, "Zoé Partie", email="zoe@example.be", wants_reminder=True)
    waits = sign_up(meeting, "Nina Attend", 2, email="nina@example.be", wants_reminder=True)
    assert waits.status == RegistrationStatus.WAITLISTED
    registrations.cancel(gone.reference, now=FIXED_NOW)
    assert Registration.get(Registration.reference == waits.reference).status == (
        RegistrationStatus.WAITLISTED
    )
    other = make_meeting(place="Annulée")
    sign_up(other, "Paul Martin", email="paul@example.be", wants_reminder=True)
    meetings_admin.cancel_meeting(other.id, "Grève", OFFICER, now=FIXED_NOW)
    with time_machine.travel(FIXED_START - timedelta(days=3), tick=False):
        assert notices.queue_reminders() == 0
    with time_machine.travel(FIXED_START - timedelta(hours=20), tick=False):
        assert notices.queue_reminders() == 1
        assert notices.queue_reminders() == 0
    with time_machine.travel(FIXED_START - timedelta(hours=12), tick=False):
        assert notices.queue_reminders() == 0
    (reminder,) = rows(NoticeKind.REMINDER)
    assert reminder.reference == wants.reference
    assert reminder.channel == NoticeChannel.EMAIL


def test_a_staff_sign_up_keeps_the_language_and_the_reminder(db: peewee.Database) -> None:
    from cafepol_tui.services.registrations_admin import add_on_behalf
    from cafepol_tui.services.validation import SignupForm
    from cafepol_tui.statuses import Channel

    meeting = make_meeting()
    form = SignupForm(
        name="Bart Peeters",
        email="bart@example.be",
        consent=True,
        language="nl",
        wants_reminder=True,
    )
    result = add_on_behalf(
        meeting.id, form, Channel.PHONE, COUNTER, max_party=4, topic_max=300, now=FIXED_NOW
    )
    row = Registration.get(Registration.reference == result.reference)
    assert (row.language, row.wants_reminder) == ("nl", True)
    (confirmation,) = rows(NoticeKind.CONFIRMATION)
    assert confirmation.language == "nl"
