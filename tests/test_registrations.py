"""Capacity, party sizes, waiting list, duplicates and validation: the rules the kiosk keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cafepol_tui.db.models import Meeting, Registration
from cafepol_tui.services.registrations import (
    REFERENCE_ALPHABET,
    cancel,
    get_registration,
    list_for_meeting,
    register,
)
from cafepol_tui.services.validation import (
    NotFoundError,
    RefusedError,
    SignupForm,
    ValidationError,
    fold,
)
from cafepol_tui.statuses import Channel, MeetingStatus, RegistrationStatus
from tests.factories import FIXED_START, make_meeting, sign_up

BEFORE = FIXED_START - timedelta(days=5)
KEY = "5b0c3d0e-8f7a-4c1b-9a52-6f1e2d3c4b5a"


def seats_taken(meeting: Meeting) -> int:
    return Meeting.get_by_id(meeting.id).seats_taken


def test_party_sizes_count_against_capacity(db):
    meeting = make_meeting(capacity=5)
    assert sign_up(meeting, "Marie Dubois", 3).status == RegistrationStatus.CONFIRMED
    assert sign_up(meeting, "Paul Fontaine", 2).status == RegistrationStatus.CONFIRMED
    late = sign_up(meeting, "Ginette Lefebvre", 1)
    assert late.status == RegistrationStatus.WAITLISTED
    assert late.waitlist_rank == 1
    assert seats_taken(meeting) == 5


def test_reference_codes_avoid_ambiguous_characters(db):
    meeting = make_meeting(capacity=40)
    codes = [sign_up(meeting, f"Personne {i}").reference for i in range(30)]
    assert len(set(codes)) == 30
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(REFERENCE_ALPHABET)
        assert not set(code) & set("0O1I")


def test_cancel_promotes_first_waitlisted_party_that_fits(db):
    meeting = make_meeting(capacity=4)
    first = sign_up(meeting, "Marie Dubois", 2)
    sign_up(meeting, "Paul Fontaine", 2)
    big = sign_up(meeting, "Famille Russo", 3)     # waitlist 1, too big for 2 seats
    small = sign_up(meeting, "André Cornez", 2)    # waitlist 2, fits
    result = cancel(first.reference, now=BEFORE)
    assert result.promoted == (small.reference,)
    assert get_registration(small.reference).status == RegistrationStatus.CONFIRMED
    assert get_registration(big.reference).status == RegistrationStatus.WAITLISTED
    assert get_registration(big.reference).waitlist_rank == 1
    assert seats_taken(meeting) == 4


def test_cancel_in_order_when_several_fit(db):
    meeting = make_meeting(capacity=2)
    holder = sign_up(meeting, "Marie Dubois", 2)
    a = sign_up(meeting, "Paul Fontaine", 1)
    b = sign_up(meeting, "André Cornez", 1)
    c = sign_up(meeting, "Simone Dupont", 1)
    assert cancel(holder.reference, now=BEFORE).promoted == (a.reference, b.reference)
    assert get_registration(c.reference).waitlist_rank == 1


def test_cancelling_a_waitlisted_registration_frees_no_seat(db):
    meeting = make_meeting(capacity=1)
    sign_up(meeting, "Marie Dubois")
    waiting = sign_up(meeting, "Paul Fontaine")
    assert cancel(waiting.reference, now=BEFORE).promoted == ()
    assert seats_taken(meeting) == 1


def test_cancel_refuses_unknown_twice_and_after_start(db):
    meeting = make_meeting()
    ref = sign_up(meeting, "Marie Dubois").reference
    with pytest.raises(NotFoundError):
        cancel("ZZZZZZ", now=BEFORE)
    cancel(ref.lower(), now=BEFORE)  # codes are case-insensitive
    with pytest.raises(RefusedError, match="déjà annulée"):
        cancel(ref, now=BEFORE)
    other = sign_up(meeting, "Paul Fontaine").reference
    with pytest.raises(RefusedError, match="déjà eu lieu"):
        cancel(other, now=FIXED_START + timedelta(hours=1))


DUPLICATES = [
    ({"name": "Éloïse D'Hondt"}, {"name": "eloise  d’hondt"}),
    ({"name": "Marie Dubois", "phone": "0470 12 34 56"},
     {"name": "MARIE DUBOIS", "phone": "+32470123456"}),
    ({"name": "Marie Dubois", "email": "Marie@Exemple.be"},
     {"name": "marie dubois", "email": "marie@exemple.be"}),
]


@pytest.mark.parametrize(("first", "second"), DUPLICATES)
def test_the_kiosk_reveals_nobody(db, first, second):
    """The no-oracle rule: what the kiosk answers never depends on who else signed up.

    The same sign-up gets the same answer on a meeting where that name is already registered
    as on one where it isn't (only the seats differ); staff see the possible duplicate.
    """
    taken, empty = make_meeting(), make_meeting()
    register(taken.id, SignupForm(consent=True, **first), max_party=4, topic_max=300, now=BEFORE)
    answers = [
        register(meeting.id, SignupForm(consent=True, **second), max_party=4, topic_max=300,
                 now=BEFORE)
        for meeting in (taken, empty)
    ]
    assert [(a.status, a.waitlist_rank, a.people) for a in answers] == [("confirmed", None, 1)] * 2
    assert Registration.select().where(Registration.meeting == taken.id).count() == 2
    views = list_for_meeting(taken.id)
    assert [v.possible_duplicate for v in views] == [True, True]
    assert [v.possible_duplicate for v in list_for_meeting(empty.id)] == [False]


@pytest.mark.parametrize(("first", "second"), DUPLICATES)
@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.PHONE])
def test_staff_channels_still_refuse_a_repeated_sign_up(db, first, second, channel):
    """At the counter or on the phone the clerk sees the list anyway: a repeat is refused."""
    meeting = make_meeting()
    register(meeting.id, SignupForm(consent=True, **first), max_party=4, topic_max=300, now=BEFORE)
    with pytest.raises(RefusedError, match="existe déjà"):
        register(meeting.id, SignupForm(consent=True, **second), max_party=4, topic_max=300,
                 now=BEFORE, channel=channel)
    assert Registration.select().count() == 1


def test_possible_duplicates_leave_out_cancelled_and_purged_rows(db):
    meeting = make_meeting()
    kept = sign_up(meeting, "Marie Dubois")
    gone = sign_up(meeting, "marie dubois")
    cancel(gone.reference, now=BEFORE)
    purged = [sign_up(meeting, name).reference for name in ("Paul Fontaine", "Ginette Lefebvre")]
    # What the retention purge leaves: no name, an empty key, on both rows.
    Registration.update(name="", name_key="").where(Registration.reference.in_(purged)).execute()
    flags = {v.reference: v.possible_duplicate for v in list_for_meeting(meeting.id)}
    assert flags == {kept.reference: False, gone.reference: False} | dict.fromkeys(purged, False)


def test_a_retried_kiosk_sign_up_still_lands_once(db):
    """The submission key, not the name, recognises a retry of the same form."""
    meeting = make_meeting()
    form = SignupForm(name="Marie Dubois", consent=True)
    first, again = (
        register(meeting.id, form, max_party=4, topic_max=300, now=BEFORE, submission_key=KEY)
        for _ in range(2)
    )
    assert again.reference == first.reference
    assert Registration.select().count() == 1


@pytest.mark.parametrize("name", ["ß" * 100, "ﬃ" * 100, "Straße " * 13 + "Maßmann"])
def test_a_name_that_folds_longer_than_its_column_is_accepted(db, name):
    """Folding lengthens « ß » and ligatures: the stored key is cut to the column's length."""
    meeting = make_meeting()
    result = sign_up(meeting, name)
    row = Registration.get(Registration.reference == result.reference)
    assert len(row.name) <= 100 and len(row.name_key) == Registration.name_key.max_length == 100
    assert row.name_key == fold(name)[:100]
    assert [v.possible_duplicate for v in list_for_meeting(meeting.id)] == [False]


def test_same_name_with_other_contact_is_someone_else(db):
    meeting = make_meeting()
    sign_up(meeting, "Marie Dubois", phone="0470123456")
    sign_up(meeting, "Marie Dubois", phone="0471987654")
    assert Registration.select().count() == 2


def test_started_and_cancelled_meetings_refuse_sign_up(db):
    meeting = make_meeting()
    with pytest.raises(RefusedError, match="commencé"):
        sign_up(meeting, "Marie Dubois", now=FIXED_START)
    Meeting.update(status=MeetingStatus.CANCELLED).where(Meeting.id == meeting.id).execute()
    with pytest.raises(RefusedError, match="annulée"):
        sign_up(meeting, "Marie Dubois")
    assert Registration.select().count() == 0


def test_unknown_meeting(db):
    with pytest.raises(NotFoundError):
        register(999, SignupForm(name="X", consent=True), max_party=4, topic_max=300)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (SignupForm(name="", consent=True), "name"),
        (SignupForm(name="   ", consent=True), "name"),
        (SignupForm(name="A" * 101, consent=True), "name"),
        (SignupForm(name="Bad\x07Name", consent=True), "name"),
        (SignupForm(name="Bad\u202eName", consent=True), "name"),
        (SignupForm(name="Marie", people=0, consent=True), "people"),
        (SignupForm(name="Marie", people=5, consent=True), "people"),
        (SignupForm(name="Marie", people="deux", consent=True), "people"),
        (SignupForm(name="Marie", phone="12", consent=True), "phone"),
        (SignupForm(name="Marie", phone="+32 470 12", consent=True), "phone"),
        (SignupForm(name="Marie", email="marie@", consent=True), "email"),
        (SignupForm(name="Marie", topic="x" * 301, consent=True), "topic"),
        (SignupForm(name="Marie", consent=False), "consent"),
    ],
)
def test_invalid_fields_are_named_and_nothing_is_saved(db, form, field):
    meeting = make_meeting()
    with pytest.raises(ValidationError) as caught:
        register(meeting.id, form, max_party=4, topic_max=300, now=BEFORE)
    assert field in caught.value.errors
    assert caught.value.errors[field]  # a sentence to show beside the field
    assert Registration.select().count() == 0


def test_all_errors_are_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        SignupForm(name="", phone="12", email="x@", consent=False).clean(max_party=4, topic_max=10)
    assert set(caught.value.errors) == {"name", "phone", "email", "consent"}


def test_contacts_are_normalised(db):
    meeting = make_meeting()
    ref = sign_up(meeting, "  Marie   Dubois ", phone="0470 12 34 56",
                  email="Marie.Dubois@Exemple.BE").reference
    saved = get_registration(ref)
    assert saved.name == "Marie Dubois"
    assert saved.phone == "+32470123456"
    assert saved.email == "Marie.Dubois@exemple.be"


def test_international_numbers_are_accepted(db):
    meeting = make_meeting()
    ref = sign_up(meeting, "Agnieszka Kowalczyk", phone="+48 601 234 567").reference
    assert get_registration(ref).phone == "+48601234567"


def test_list_for_meeting_orders_confirmed_then_waitlist(db):
    meeting = make_meeting(capacity=1)
    sign_up(meeting, "Marie Dubois")
    sign_up(meeting, "Paul Fontaine")
    sign_up(meeting, "André Cornez")
    rows = list_for_meeting(meeting.id)
    assert [r.status for r in rows] == ["confirmed", "waitlisted", "waitlisted"]
    assert [r.waitlist_rank for r in rows] == [None, 1, 2]
