"""Status by code (services.public_status, `cafepol status`) and a commune's feedback
(services.neighbourhood): every state, and never a name or a contact."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.db.models import Concern, ConcernUpdate, Meeting, Registration, Theme
from cafepol_tui.i18n import set_language
from cafepol_tui.services.neighbourhood import months_back, neighbourhood_feedback
from cafepol_tui.services.public_status import (
    ConcernStatusView,
    RegistrationStatusView,
    normalise_code,
    status_by_code,
)
from cafepol_tui.services.registrations import cancel
from cafepol_tui.services.validation import NotFoundError
from cafepol_tui.statuses import ConcernStatus, MeetingStatus, RegistrationStatus
from tests.conftest import FIXED_NOW
from tests.factories import FIXED_START, make_meeting, sign_up

NAME = "Zbigniew Wiśniewski"
PHONE = "0470 12 34 56"
EMAIL = "zbigniew@example.be"
SECRETS = (
    NAME,
    "Wiśniewski",
    "+32470123456",
    "470",
    "zbigniew",
    "example.be",
    "Rue des Secrets 3",
    "Mon voisin Dupont",
)


@pytest.fixture(autouse=True)
def french_afterwards():
    yield
    set_language("fr")


def assert_private(view) -> None:
    blob = json.dumps(view.as_json(), ensure_ascii=False) + repr(view)
    for secret in SECRETS:
        assert secret not in blob, secret


def signed(meeting: Meeting, **contact: str):
    return sign_up(meeting, NAME, 2, phone=PHONE, email=EMAIL, **contact)


def test_confirmed_registration_shows_the_meeting_and_nobody(db):
    meeting = make_meeting()
    result = signed(meeting)
    view = status_by_code(result.reference, now=FIXED_NOW)
    assert isinstance(view, RegistrationStatusView)
    assert view.status == RegistrationStatus.CONFIRMED
    assert view.status_label == "inscription confirmée"
    assert view.waitlist_rank is None and view.people == 2
    assert view.meeting.place == "Salle Le Trianon" and view.meeting.commune == "Frameries"
    assert view.meeting.day == "mardi 8 décembre 2026"
    assert view.meeting.hours == "de 10 h à 11 h 30"
    assert not view.meeting.cancelled and view.replacement is None and not view.can_move
    assert_private(view)
    data = view.as_json()
    assert data["kind"] == "registration" and data["reference"] == result.reference


def test_waitlisted_shows_its_position(db):
    meeting = make_meeting(capacity=1)
    sign_up(meeting, "Premier Arrivé")
    sign_up(meeting, "Deuxième Arrivé")
    third = signed(meeting)
    view = status_by_code(third.reference, now=FIXED_NOW)
    assert view.status == RegistrationStatus.WAITLISTED and view.waitlist_rank == 2
    assert view.status_label == "sur la liste d'attente"
    assert_private(view)


def test_cancelled_attended_and_no_show(db):
    meeting = make_meeting()
    first, second, third = signed(meeting), sign_up(meeting, "B B"), sign_up(meeting, "C C")
    cancel(first.reference, now=FIXED_NOW)
    assert status_by_code(first.reference, now=FIXED_NOW).status_label == "inscription annulée"
    Registration.update(status=RegistrationStatus.ATTENDED).where(
        Registration.reference == second.reference
    ).execute()
    Registration.update(status=RegistrationStatus.NO_SHOW).where(
        Registration.reference == third.reference
    ).execute()
    assert status_by_code(second.reference).status_label == "présence enregistrée"
    assert status_by_code(third.reference).status_label == "absence enregistrée"


def test_cancelled_meeting_with_a_replacement_can_be_moved(db):
    meeting = make_meeting()
    later = make_meeting(starts_at=FIXED_START + timedelta(days=14), place="Salle des fêtes")
    result = signed(meeting)
    Meeting.update(
        status=MeetingStatus.CANCELLED, cancel_reason="Salle inondée", replacement_id=later.id
    ).where(Meeting.id == meeting.id).execute()
    view = status_by_code(result.reference, now=FIXED_NOW)
    assert view.meeting.cancelled and view.meeting.cancel_reason == "Salle inondée"
    assert view.replacement is not None and view.replacement.place == "Salle des fêtes"
    assert view.replacement.day == "mardi 22 décembre 2026"
    assert view.can_move
    assert view.as_json()["replacement"]["id"] == later.id
    # Too late, or already cancelled: no move offered.
    assert not status_by_code(result.reference, now=later.starts_at).can_move
    Registration.update(status=RegistrationStatus.CANCELLED).execute()
    assert not status_by_code(result.reference, now=FIXED_NOW).can_move
    assert_private(view)


def test_anonymised_registration_reads_as_unknown(db):
    result = signed(make_meeting())
    Registration.update(name="", phone="", email="", anonymised_at=FIXED_NOW).execute()
    with pytest.raises(NotFoundError) as refused:
        status_by_code(result.reference)
    with pytest.raises(NotFoundError) as unknown:
        status_by_code("ZZZZZZ")
    assert str(refused.value) == str(unknown.value)


@pytest.mark.parametrize("typed", ["{c}", "{l}", " {c3} {c4} ", "{c3}-{c4}", "{c}-", "{l}-\n"])
def test_the_code_is_read_as_typed_or_scanned(db, typed):
    code = signed(make_meeting()).reference
    raw = typed.format(c=code, l=code.lower(), c3=code[:3], c4=code[3:])
    assert normalise_code(raw) == code
    assert status_by_code(raw).reference == code


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "   ",
        "-",
        "ABCDE",
        "ABCDEFGH",
        "A" * 10_000,
        "ABC\x1b[2JDEF",
        "ABC\nDEF",
        "ABCDÉF",
        "ABC%DEF",
        "' OR 1=1 --",
        "ＡＢＣＤＥＦ",
        "ABC\x00DEF",
    ],
)
def test_unknown_and_hostile_codes_say_nothing(db, hostile):
    signed(make_meeting())
    with pytest.raises(NotFoundError) as refused:
        status_by_code(hostile)
    message = str(refused.value)
    assert "Vérifiez-le sur votre ticket" in message
    assert "\x1b" not in message and len(message) < 200


def concern(meeting: Meeting, **fields) -> Concern:
    theme, _ = Theme.get_or_create(name="Propreté", defaults={"name_nl": "Netheid"})
    values = dict(
        meeting=meeting,
        commune=meeting.commune_id,
        theme=theme,
        description="Mon voisin Dupont dépose ses sacs",
        place="Rue de la Gare",
        contact_name=NAME,
        contact_email=EMAIL,
        contact_phone="+32470123456",
        contact_address="Rue des Secrets 3",
        wants_feedback=True,
        due_on=date(2026, 12, 20),
        reference="K7M3QXA",
        created_at=FIXED_NOW - timedelta(days=3),
    )
    values.update(fields)
    return Concern.create(**values)


def test_concern_before_and_after_the_reply(db):
    c = concern(make_meeting())
    ConcernUpdate.create(
        concern=c,
        status=ConcernStatus.IN_PROGRESS,
        note="Transmis à Hygea",
        public=True,
        at=FIXED_NOW - timedelta(days=2),
    )
    ConcernUpdate.create(
        concern=c,
        status=ConcernStatus.IN_PROGRESS,
        note="Appelé M. Wiśniewski",
        public=False,
        at=FIXED_NOW - timedelta(days=1),
    )
    Concern.update(status=ConcernStatus.IN_PROGRESS, reply_text="Brouillon de réponse").where(
        Concern.id == c.id
    ).execute()
    view = status_by_code("k7m 3qx-a")
    assert isinstance(view, ConcernStatusView)
    assert view.status_label == "en cours" and view.theme == "Propreté"
    assert view.commune == "Frameries" and view.place == "Rue de la Gare"
    assert view.created_day == "mercredi 25 novembre 2026"
    assert view.last_update is not None and view.last_update.note == "Transmis à Hygea"
    assert view.reply == ""  # not before feedback is given
    assert_private(view)

    Concern.update(
        status=ConcernStatus.FEEDBACK_GIVEN,
        reply_text="Les sacs sont enlevés.",
        feedback_at=FIXED_NOW,
    ).where(Concern.id == c.id).execute()
    after = status_by_code("K7M3QXA")
    assert after.reply == "Les sacs sont enlevés." and after.status_label == "retour donné"
    assert after.reply_day == "samedi 28 novembre 2026"
    assert after.as_json()["kind"] == "concern"
    assert_private(after)
    set_language("nl")
    assert status_by_code("K7M3QXA").theme == "Netheid"


# --- cafepol status --------------------------------------------------------------------------


@pytest.fixture
def cli(db_path, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_status_text_and_json(db, cli):
    result = signed(make_meeting())
    concern(make_meeting(commune="Boussu"), reference="ABCDEFG")
    with time_machine.travel(FIXED_NOW, tick=False):
        code, out, err = cli("status", result.reference.lower())
        assert code == 0 and err == ""
        assert f"{result.reference}: " in out and "Salle Le Trianon" in out
        code, out, _ = cli("status", result.reference, "--json")
        data = json.loads(out)
        assert code == 0 and data["status"] == "confirmed" and data["meeting"]["id"]
        code, out, _ = cli("status", "ABCDEFG", "--json")
        assert code == 0 and json.loads(out)["theme"] == "Propreté"
        code, out, _ = cli("status", "ABC-DEFG")
        assert code == 0 and "Rue de la Gare" in out
    for text in (out,):
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("hostile", ["ZZZZZZ", "AB\x1b[31mCD", "A" * 10_000, "x\ny"])
def test_cli_status_refuses_on_one_safe_line(db, cli, hostile):
    signed(make_meeting())
    code, out, err = cli("status", hostile)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "\x1b" not in err and len(err) < 400


# --- neighbourhood ---------------------------------------------------------------------------


def test_months_back():
    assert months_back(date(2026, 11, 28), 6) == date(2026, 6, 1)
    assert months_back(date(2026, 2, 3), 3) == date(2025, 12, 1)
    assert months_back(date(2026, 2, 3), 1) == date(2026, 2, 1)


def test_neighbourhood_feedback_shows_what_was_done_without_names(db):
    frameries = make_meeting()
    concern(
        frameries,
        reference="AAAAAAA",
        status=ConcernStatus.FEEDBACK_GIVEN,
        reply_text="Les sacs sont enlevés.",
    )
    second = concern(
        frameries,
        reference="BBBBBBB",
        place="Place Roi Albert",
        created_at=FIXED_NOW - timedelta(days=40),
    )
    ConcernUpdate.create(
        concern=second, status="in_progress", note="Patrouilles prévues", public=True
    )
    ConcernUpdate.create(concern=second, status="in_progress", note="Voir M. Wiśniewski")
    concern(frameries, reference="CCCCCCC", created_at=FIXED_NOW - timedelta(days=400))
    concern(make_meeting(commune="Boussu"), reference="DDDDDDD")

    report = neighbourhood_feedback("frameries", now=FIXED_NOW)
    assert report.commune == "Frameries" and report.since == date(2026, 6, 1)
    assert [i.reference for i in report.items] == ["AAAAAAA", "BBBBBBB"]
    first, older = report.items
    assert first.public_text == "Les sacs sont enlevés." and first.status_label == "retour donné"
    assert first.created_month_label == "novembre 2026" and first.theme == "Propreté"
    assert older.public_text == "Patrouilles prévues" and older.place == "Place Roi Albert"
    assert older.created_month == date(2026, 10, 1)
    blob = json.dumps(report.as_json(), ensure_ascii=False) + repr(report)
    for secret in SECRETS:
        assert secret not in blob
    assert "dépose" not in blob  # the description can name people: never shown
    with pytest.raises(NotFoundError):
        neighbourhood_feedback("Atlantis")
