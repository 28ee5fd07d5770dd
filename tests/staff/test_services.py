"""Staff services: meetings admin, registrations admin, concerns, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cafepol_tui.db.models import AuditEntry, Concern, Meeting, Registration
from cafepol_tui.services import concerns as cs
from cafepol_tui.services import meeting_fields as mf
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services import series
from cafepol_tui.services.audit import list_entries
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import RefusedError, SignupForm, ValidationError
from cafepol_tui.statuses import ConcernStatus, MeetingStatus, RegistrationStatus, ReplyChannel
from tests.conftest import FIXED_NOW


def sign(meeting_id: int, name: str, people: int = 1, topic: str = "", phone: str = ""):  # type: ignore[no-untyped-def]
    return register(
        meeting_id,
        SignupForm(name=name, people=people, topic=topic, phone=phone, consent=True),
        max_party=4,
        topic_max=300,
        now=FIXED_NOW,
    )


def actions() -> list[str]:
    return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]


def form(**kw) -> mf.MeetingForm:  # type: ignore[no-untyped-def]
    base = dict(
        commune="Boussu",
        place="Salle du Coron",
        address="Rue du Coron 14",
        day="15/12/2026",
        start="10:00",
        capacity="20",
        event_url="https://facebook.com/events/1",
    )
    return mf.MeetingForm(**(base | kw))


def test_create_meeting_and_audit(zone, admin):
    before = Meeting.get_by_id(zone["soon"]).updated_at
    mid = ma.create_meeting(form(), admin, now=FIXED_NOW)
    m = Meeting.get_by_id(mid)
    assert m.capacity == 20 and m.starts_at.hour == 9  # 10:00 Brussels = 09:00 UTC in winter
    assert m.updated_at >= before
    assert "meeting-create" in actions()


def test_meeting_form_errors_are_per_field_and_nothing_saved(zone, admin):
    count = Meeting.select().count()
    with pytest.raises(ValidationError) as err:
        ma.create_meeting(
            form(
                commune="Mons",
                place="",
                day="31/02/2026",
                capacity="0",
                event_url="javascript:alert(1)",
            ),
            admin,
            now=FIXED_NOW,
        )
    assert set(err.value.errors) == {"commune", "place", "day", "capacity", "event_url"}
    assert "http" in err.value.errors["event_url"]
    assert Meeting.select().count() == count


def test_capacity_below_confirmed_needs_explicit_choice(zone, admin):
    mid = zone["soon"]  # capacity 4
    a = sign(mid, "Alice Martin", 2)
    b = sign(mid, "Bruno Leroy", 2)
    c = sign(mid, "Chloé Dubois", 1)
    assert c.status == RegistrationStatus.WAITLISTED
    f = mf.form_for(mid)
    f = mf.MeetingForm(**(f.__dict__ | {"capacity": "2"}))
    with pytest.raises(ma.CapacityConflict) as err:
        ma.update_meeting(mid, f, admin, now=FIXED_NOW)
    assert [r.reference for r in err.value.confirmed] == [a.reference, b.reference]
    assert Meeting.get_by_id(mid).capacity == 4
    b_id = Registration.get(Registration.reference == b.reference).id
    ma.update_meeting(mid, f, admin, to_waitlist=(b_id,), now=FIXED_NOW)
    m = Meeting.get_by_id(mid)
    assert (m.capacity, m.seats_taken) == (2, 2)
    waiting = (
        Registration.select()
        .where(Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position)
    )
    assert [r.reference for r in waiting] == [b.reference, c.reference]  # demoted go first
    assert "waitlist-demote" in actions()


def test_cancel_meeting_lists_people_to_warn(zone, admin):
    mid = zone["soon"]
    sign(mid, "Alice Martin", 1, phone="0470123456")
    with pytest.raises(ValidationError):
        ma.cancel_meeting(mid, "  ", admin, now=FIXED_NOW)
    warn = ma.cancel_meeting(mid, "Salle indisponible", admin, now=FIXED_NOW)
    assert [w.name for w in warn] == ["Alice Martin"] and warn[0].phone == "+32470123456"
    m = Meeting.get_by_id(mid)
    assert m.status == MeetingStatus.CANCELLED and m.cancel_reason == "Salle indisponible"
    assert "meeting-cancel" in actions()


def test_duplicate_and_series(zone, admin):
    new = ma.duplicate_meeting(zone["soon"], "05/01/2027", admin, now=FIXED_NOW)
    src, dup = Meeting.get_by_id(zone["soon"]), Meeting.get_by_id(new)
    assert dup.place == src.place and dup.seats_taken == 0 and dup.event_url is None
    ids = series.plan_series(form(day="01/12/2026"), "mardi", "1,3", "3", admin, now=FIXED_NOW)
    days = [ma.local(Meeting.get_by_id(i).starts_at).date() for i in ids]
    assert days == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2027, 1, 5),
        date(2027, 1, 19),
        date(2027, 2, 2),
        date(2027, 2, 16),
    ]
    assert {"meeting-duplicate", "meeting-series"} <= set(actions())
    with pytest.raises(ValidationError) as err:
        series.plan_series(form(), "mardo", "0", "20", admin, now=FIXED_NOW)
    assert set(err.value.errors) == {"weekday", "nths", "months"}


def test_interested_count(zone, admin):
    ma.set_interested(zone["past"], "37", admin, now=FIXED_NOW)
    assert Meeting.get_by_id(zone["past"]).interested_count == 37
    with pytest.raises(ValidationError):
        ma.set_interested(zone["past"], "-1", admin)


def test_add_on_behalf_cancel_reorder_checkin_walkins(zone, counter):
    mid = zone["soon"]
    r = ra.add_on_behalf(
        mid,
        SignupForm(name="Denise Roland", people=4, consent=True),
        "phone",
        counter,
        max_party=4,
        topic_max=300,
        now=FIXED_NOW,
    )
    assert r.confirmed
    w1 = sign(mid, "Eric Noël")
    w2 = sign(mid, "Fanny Germain")
    w2_id = Registration.get(Registration.reference == w2.reference).id
    with pytest.raises(ValidationError) as err:
        ra.move_in_waitlist(w2_id, 1, "", counter, now=FIXED_NOW)
    assert "reason" in err.value.errors
    ra.move_in_waitlist(w2_id, 1, "Personne à mobilité réduite", counter, now=FIXED_NOW)
    waiting = (
        Registration.select()
        .where(Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_position)
    )
    assert [x.reference for x in waiting] == [w2.reference, w1.reference]
    entry = list_entries(action="waitlist-reorder")[0]
    assert "mobilité" in entry.detail and entry.actor == counter.name
    res = ra.cancel_registration(r.reference, counter, now=FIXED_NOW)
    assert res.promoted == (w2.reference, w1.reference)
    with pytest.raises(RefusedError):  # not the meeting day yet
        ra.check_in(w2_id, True, counter, now=FIXED_NOW)
    day = FIXED_NOW + timedelta(days=3)
    assert ra.check_in(w2_id, True, counter, now=day) == RegistrationStatus.ATTENDED
    w1_id = Registration.get(Registration.reference == w1.reference).id
    assert ra.check_in(w1_id, False, counter, now=day) == RegistrationStatus.NO_SHOW
    assert ra.add_walkins(mid, 3, counter, now=day) == 3
    assert ra.add_walkins(mid, -5, counter, now=day) == 0
    assert {"registration-add", "registration-cancel", "check-in", "walk-in"} <= set(actions())


def test_concern_lifecycle(zone, counter, officer):
    with pytest.raises(ValidationError) as err:
        cs.create_concern(
            cs.ConcernForm(theme="", description="", wants_feedback=True),
            counter,
            now=FIXED_NOW,
        )
    assert {"theme", "description", "contact_name", "contact_phone"} <= set(err.value.errors)
    cid = cs.create_concern(
        cs.ConcernForm(
            theme="Propreté",
            description="Dépôts clandestins rue Grande",
            place="Rue Grande",
            partner="Hygea",
            meeting_id=zone["past"],
            wants_feedback=True,
            contact_name="Gérard Piron",
            contact_phone="0470 11 22 33",
        ),
        counter,
        now=FIXED_NOW,
    )
    d = cs.get_concern(cid, now=FIXED_NOW)
    assert d.due_on == date(2026, 12, 12) and d.commune == "Boussu" and d.partner == "Hygea"
    assert d.contact_phone == "+32470112233"
    with pytest.raises(ValidationError):
        cs.update_concern(cid, ConcernStatus.FEEDBACK_GIVEN, "", officer, now=FIXED_NOW)
    cs.update_concern(
        cid, ConcernStatus.IN_PROGRESS, "Signalé à Hygea", officer, now=FIXED_NOW
    )
    late = FIXED_NOW + timedelta(days=20)
    assert [c.overdue for c in cs.list_concerns(now=late)] == [True]
    cs.update_concern(cid, ConcernStatus.RESOLVED, "Nettoyé", officer, now=late)
    cs.give_feedback(cid, "Nettoyé, merci", ReplyChannel.IN_PERSON, officer, now=late)
    d = cs.get_concern(cid, now=late)
    assert (d.contact_name, d.contact_phone) == ("", "")  # erased with the feedback in person
    assert d.reply_text == "Nettoyé, merci" and d.reply_delivered
    assert [u.status for u in d.updates] == ["open", "in_progress", "resolved", "feedback_given"]
    assert [u.actor for u in d.updates] == [counter.name] + [officer.name] * 3
    with pytest.raises(RefusedError):
        cs.update_concern(cid, ConcernStatus.CLOSED, "", officer, reason="x")
    assert actions().count("concern-update") == 2
    assert actions().count("concern-feedback") == 1


def test_close_without_feedback_needs_reason(zone, counter, officer):
    cid = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Tags"), counter, now=FIXED_NOW
    )
    with pytest.raises(ValidationError) as err:
        cs.update_concern(cid, ConcernStatus.CLOSED, "", officer, now=FIXED_NOW)
    assert "reason" in err.value.errors
    cs.update_concern(cid, ConcernStatus.CLOSED, "", officer, reason="Doublon", now=FIXED_NOW)
    assert Concern.get_by_id(cid).close_reason == "Doublon"


def test_topic_raised_in_advance_becomes_concern(zone, counter):
    s = sign(
        zone["soon"], "Hélène Wauters", topic="Vitesse excessive rue de Mons", phone="0470998877"
    )
    [topic] = cs.raised_in_advance(zone["soon"])
    assert topic.reference == s.reference
    cid = cs.concern_from_topic(
        topic.registration_id,
        "Sentiment d'insécurité",
        counter,
        wants_feedback=True,
        now=FIXED_NOW,
    )
    c = Concern.get_by_id(cid)
    assert c.description == "Vitesse excessive rue de Mons" and c.contact_phone == "+32470998877"
    assert cs.raised_in_advance(zone["soon"]) == []
    with pytest.raises(RefusedError):
        cs.concern_from_topic(topic.registration_id, "Propreté", counter)


def test_overdue_first(zone, counter):
    a = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="A", due_on="30/12/2026"),
        counter,
        now=FIXED_NOW,
    )
    b = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="B", due_on="01/12/2026"),
        counter,
        now=FIXED_NOW,
    )
    c = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="C", due_on="20/11/2026"),
        counter,
        now=FIXED_NOW,
    )
    rows = cs.list_concerns(now=FIXED_NOW)
    assert [r.id for r in rows] == [c, b, a] and [r.overdue for r in rows] == [True, False, False]
