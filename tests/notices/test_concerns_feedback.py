"""Concerns answered for real: the reply through the outbox, the contact kept until it is
delivered, partner hand-offs, corrections, topics never purged unseen."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.db.models import (
    Commune,
    Concern,
    ConcernUpdate,
    Meeting,
    OutboxMessage,
    Partner,
    Registration,
    Theme,
)
from cafepol_tui.services import concerns as cs
from cafepol_tui.services import outbox
from cafepol_tui.services.formatting import BRUSSELS
from cafepol_tui.services.registrations import SignupForm, register
from cafepol_tui.services.retention import purge
from cafepol_tui.services.validation import RefusedError, ValidationError
from cafepol_tui.statuses import ConcernStatus, NoticeKind, OutboxStatus
from tests.conftest import FIXED_NOW
from tests.factories import COUNTER, OFFICER

CITIZEN = "Gérard Piron"
EMAIL = "gerard.piron@exemple.be"


@pytest.fixture
def zone(db):  # type: ignore[no-untyped-def]
    boussu = Commune.create(name="Boussu", postal_code="7300")
    Theme.create(name="Propreté")
    Partner.create(name="Hygea", kind="propreté publique", email="signalements@hygea.example")
    Partner.create(name="Toit et Moi", kind="logement social")
    day = (FIXED_NOW.astimezone(BRUSSELS) - timedelta(days=3)).date()
    meeting = Meeting.create(
        commune=boussu,
        place="Salle Boussu",
        address="Rue Haute 1",
        starts_at=datetime(day.year, day.month, day.day, 10, 0, tzinfo=BRUSSELS),
        capacity=10,
        created_at=FIXED_NOW - timedelta(days=20),
        updated_at=FIXED_NOW - timedelta(days=20),
    )
    return meeting.id


def _concern(meeting_id: int, **contact: str) -> int:
    return cs.create_concern(
        cs.ConcernForm(
            theme="Propreté",
            description="Dépôts clandestins rue Grande",
            place="Rue Grande",
            meeting_id=meeting_id,
            wants_feedback=bool(contact),
            **contact,
        ),
        OFFICER,
        now=FIXED_NOW,
    )


def test_a_concern_gets_a_reference_and_an_owner(zone):
    cid = _concern(zone, contact_name=CITIZEN, contact_address="Rue Grande 12\n7300 Boussu")
    d = cs.get_concern(cid, now=FIXED_NOW)
    assert len(d.reference) >= 6 and d.owner == OFFICER.name
    assert d.contact_address == "Rue Grande 12\n7300 Boussu"  # an address alone is enough
    assert cs.get_concern_by_reference(d.reference.lower(), now=FIXED_NOW).id == cid
    counted = cs.create_concern(cs.ConcernForm(theme="Propreté", description="x"), COUNTER)
    assert cs.get_concern(counted).owner == ""  # the counter does not take it on


def test_feedback_needs_a_text_and_a_usable_channel(zone):
    cid = _concern(zone, contact_name=CITIZEN, contact_phone="0470 11 22 33")
    with pytest.raises(ValidationError) as err:
        cs.give_feedback(cid, "  ", "phone", OFFICER, now=FIXED_NOW)
    assert "reply" in err.value.errors
    for channel in ("email", "letter", "fax"):
        with pytest.raises(ValidationError) as err:
            cs.give_feedback(cid, "Nettoyé", channel, OFFICER, now=FIXED_NOW)
        assert "channel" in err.value.errors
    with pytest.raises(ValidationError) as err:
        cs.update_concern(cid, ConcernStatus.FEEDBACK_GIVEN, "ok", OFFICER, now=FIXED_NOW)
    assert "réponse" in err.value.errors["status"]
    assert Concern.get_by_id(cid).status == ConcernStatus.OPEN
    assert OutboxMessage.select().count() == 0


def test_email_reply_keeps_the_contact_until_delivered(zone):
    cid = cs.create_concern(
        cs.ConcernForm(
            theme="Propreté",
            description="Dépôts",
            meeting_id=zone,
            wants_feedback=True,
            contact_name=CITIZEN,
            contact_email=EMAIL,
            language="nl",
        ),
        OFFICER,
        now=FIXED_NOW,
    )
    ref = Concern.get_by_id(cid).reference
    mid = cs.give_feedback(
        cid, "Le dépôt a été enlevé le 2 décembre.", "email", OFFICER, now=FIXED_NOW
    )
    row = OutboxMessage.get_by_id(mid)
    assert (row.kind, row.channel, row.status) == (NoticeKind.FEEDBACK, "email", "pending")
    assert row.recipient == EMAIL and row.reference == ref and row.language == "nl"
    assert "Le dépôt a été enlevé le 2 décembre." in row.body and ref in row.subject
    d = cs.get_concern(cid)
    assert d.status == ConcernStatus.FEEDBACK_GIVEN and not d.reply_delivered
    assert d.contact_email == EMAIL and d.contact_name == CITIZEN  # kept until delivered
    assert d.updates[-1].public and d.updates[-1].note == d.reply_text

    outbox._delivered(mid, OutboxStatus.SENT, FIXED_NOW + timedelta(hours=1), actor_name="")
    d = cs.get_concern(cid)
    assert (d.contact_name, d.contact_email) == ("", "") and d.reply_delivered
    assert d.reply_text == "Le dépôt a été enlevé le 2 décembre." and d.reply_channel == "email"
    assert d.updates[-1].note == "retour remis"
    assert Concern.get_by_id(cid).contact_erased_at is not None


def test_a_call_or_a_letter_erases_the_contact_once_recorded(zone):
    called = _concern(zone, contact_name=CITIZEN, contact_phone="0470 11 22 33")
    mid = cs.give_feedback(called, "Nous passons jeudi.", "phone", OFFICER)
    row = OutboxMessage.get_by_id(mid)
    assert row.status == OutboxStatus.TO_CALL and "Nous passons jeudi." in row.body
    outbox.record_call(mid, "no_answer", OFFICER)
    assert cs.get_concern(called).contact_phone == "+32470112233"  # back on the list
    outbox.record_call(mid, "reached", OFFICER)
    assert cs.get_concern(called).contact_phone == ""

    written = _concern(zone, contact_name=CITIZEN, contact_address="Rue Grande 12\n7300 Boussu")
    mid = cs.give_feedback(written, "Réponse par courrier.", "letter", OFFICER)
    row = OutboxMessage.get_by_id(mid)
    assert (row.channel, row.status) == ("letter", "pending")
    assert row.recipient == "Rue Grande 12\n7300 Boussu"
    assert cs.get_concern(written).contact_address
    outbox.mark_printed(mid, OFFICER)
    d = cs.get_concern(written)
    assert (d.contact_name, d.contact_address) == ("", "") and d.reply_delivered


def test_in_person_erases_at_once(zone):
    cid = _concern(zone, contact_name=CITIZEN, contact_email=EMAIL)
    assert cs.give_feedback(cid, "Expliqué au guichet.", "in_person", OFFICER) is None
    d = cs.get_concern(cid)
    assert (d.contact_name, d.contact_email) == ("", "") and d.reply_delivered
    assert OutboxMessage.select().count() == 0
    with pytest.raises(RefusedError):
        cs.give_feedback(cid, "encore", "in_person", OFFICER)


def test_hand_off_by_email_then_overdue_then_answered(zone):
    cid = _concern(zone, contact_name=CITIZEN, contact_email=EMAIL, contact_phone="0470112233")
    with pytest.raises(ValidationError) as err:
        cs.hand_off(cid, "Toit et Moi", "", OFFICER, now=FIXED_NOW)  # no e-mail in the zone file
    assert "channel" in err.value.errors
    hid = cs.hand_off(cid, "Hygea", "", OFFICER, note="Urgent", now=FIXED_NOW)
    row = OutboxMessage.get(OutboxMessage.handoff == hid)
    assert (row.kind, row.channel, row.recipient) == (
        "handoff",
        "email",
        "signalements@hygea.example",
    )
    for secret in (CITIZEN, EMAIL, "470112233"):
        assert secret not in row.body and secret not in row.subject
    d = cs.get_concern(cid, now=FIXED_NOW)
    assert d.status == ConcernStatus.IN_PROGRESS and d.partner == "Hygea"
    assert [h.partner for h in d.handoffs] == ["Hygea"] and not d.handoffs[0].overdue

    late = FIXED_NOW + timedelta(days=15)
    assert [h.id for h in cs.overdue_handoffs(now=late)] == [hid]
    assert [c.handoff_overdue for c in cs.list_concerns(now=late)] == [True]
    assert [c.id for c in cs.list_concerns(partner="hygea", now=late)] == [cid]
    assert cs.list_concerns(partner="Toit et Moi", now=late) == []
    with pytest.raises(ValidationError):
        cs.record_partner_answer(hid, "", OFFICER, now=late)
    cs.record_partner_answer(hid, "Enlèvement programmé le 20/12.", OFFICER, now=late)
    assert cs.overdue_handoffs(now=late) == []
    h = cs.get_concern(cid, now=late).handoffs[0]
    assert (h.status, h.answer) == ("answered", "Enlèvement programmé le 20/12.")

    printed = cs.hand_off(cid, "Toit et Moi", "31/12/2026", OFFICER, channel="letter")
    row = OutboxMessage.get(OutboxMessage.handoff == printed)
    assert (row.channel, row.status, row.recipient) == ("letter", "pending", "")


def test_corrections_are_in_the_history_without_the_contact(zone):
    cid = _concern(zone, contact_name=CITIZEN, contact_email=EMAIL)
    changed = cs.correct_concern(
        cid, COUNTER, place="Rue Petite", contact_email="g.piron@exemple.be", now=FIXED_NOW
    )
    assert changed == ["place", "contact_email"]
    notes = [u.note for u in ConcernUpdate.select().where(ConcernUpdate.concern == cid)]
    assert "corrigé : lieu « Rue Grande » → « Rue Petite »" in notes
    assert "coordonnées corrigées" in notes
    assert not any("piron@" in n for n in notes)
    assert cs.correct_concern(cid, COUNTER, place="Rue Petite") == []
    cs.assign_concern(cid, "", OFFICER)
    assert cs.list_concerns(owner="") and not cs.list_concerns(owner=OFFICER.name)
    cs.give_feedback(cid, "ok", "in_person", OFFICER)
    with pytest.raises(RefusedError):
        cs.correct_concern(cid, COUNTER, place="ailleurs")


def test_topics_are_not_purged_unseen_and_outbox_is_blanked(zone):
    with time_machine.travel(FIXED_NOW - timedelta(days=10), tick=False):
        ref = register(
            zone,
            SignupForm(
                name="Zoé Topique",
                email="zoe@exemple.be",
                topic="Vitesse rue Haute",
                people=1,
                consent=True,
            ),
            max_party=4,
            topic_max=300,
        ).reference
    reg = Registration.get(Registration.reference == ref)
    assert [t.registration_id for t in cs.undecided_topics(now=FIXED_NOW)] == [reg.id]
    mails = OutboxMessage.select().where(OutboxMessage.registration == reg.id)
    assert mails.count() >= 1  # the confirmation
    with time_machine.travel(FIXED_NOW + timedelta(days=40), tick=False):
        report = purge(None, 30)
    assert report.registrations == 0 and report.topics_waiting == 1
    assert Registration.get_by_id(reg.id).name == "Zoé Topique"
    with pytest.raises(ValidationError):
        cs.dismiss_topic(reg.id, "", OFFICER)
    cs.dismiss_topic(reg.id, "Déjà traité par la commune", OFFICER, now=FIXED_NOW)
    assert cs.raised_in_advance(zone) == [] and cs.undecided_topics(now=FIXED_NOW) == []
    with time_machine.travel(FIXED_NOW + timedelta(days=40), tick=False):
        report = purge(None, 30)
    assert report.registrations == 1 and report.outbox >= 1
    for m in OutboxMessage.select().where(OutboxMessage.registration == reg.id):
        assert (m.recipient, m.recipient_name, m.body) == ("", "", "")
        assert m.reference == ref and m.kind


def test_a_delivered_reply_is_blanked_after_retention_but_a_pending_one_keeps_its_contact(zone):
    sent = _concern(zone, contact_name=CITIZEN, contact_email=EMAIL)
    waiting = _concern(zone, contact_name="Autre Personne", contact_email="autre@exemple.be")
    m1 = cs.give_feedback(sent, "Fait.", "email", OFFICER, now=FIXED_NOW)
    m2 = cs.give_feedback(waiting, "Fait aussi.", "email", OFFICER, now=FIXED_NOW)
    outbox._delivered(m1, OutboxStatus.SENT, FIXED_NOW, actor_name="")
    with time_machine.travel(FIXED_NOW + timedelta(days=31), tick=False):
        report = purge(None, 30)
    assert report.outbox == 1
    assert OutboxMessage.get_by_id(m1).body == "" and OutboxMessage.get_by_id(m1).recipient == ""
    assert OutboxMessage.get_by_id(m2).recipient == "autre@exemple.be"
    assert Concern.get_by_id(waiting).contact_email == "autre@exemple.be"
    assert Concern.get_by_id(sent).reply_text == "Fait."


def test_cli_add_feedback_show(zone, settings, capsys):
    run = ["--db", settings.database_url, "concern"]
    assert (
        main(
            [
                *run,
                "add",
                "--meeting",
                str(zone),
                "--theme",
                "Propreté",
                "--text",
                "Tags sur l'école",
                "--contact-name",
                CITIZEN,
                "--contact-email",
                EMAIL,
                "--json",
            ]
        )
        == 0
    )
    added = json.loads(capsys.readouterr().out)
    assert added["status"] == "open" and added["reference"]
    assert main([*run, "show", added["reference"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["has_contact"]["email"] and EMAIL not in json.dumps(shown)
    assert main([*run, "feedback", added["reference"], "--text", "", "--channel", "email"]) == 2
    assert "--text" in capsys.readouterr().err
    assert (
        main([*run, "feedback", added["reference"], "--text", "Nettoyé.", "--channel", "letter"])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--channel" in err
    assert (
        main([*run, "feedback", added["reference"], "--text", "Nettoyé.", "--channel", "email"])
        == 0
    )
    capsys.readouterr()
    assert main([*run, "show", added["reference"].lower(), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["status"], shown["reply_text"], shown["reply_channel"]) == (
        "feedback_given",
        "Nettoyé.",
        "email",
    )
    assert shown["reply_delivered"] is False and shown["has_contact"]["email"]
    assert main([*run, "show", added["reference"]]) == 0
    assert "Nettoyé." in capsys.readouterr().out
    assert main([*run, "show", "ZZZZZZZZ"]) == 2
