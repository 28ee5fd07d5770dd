"""Roles that mean something: every data-changing service checks who acts.

Counter staff sign people up, cancel, check in and record concerns; officers also manage
meetings, print and follow concerns up; administrators also manage accounts, the zone's data,
the audit log and the purge. Each action below is the real service, called by an actor of each
role: allowed, it succeeds; refused, it raises `PermissionRefusedError` and writes nothing.
The command line acts as `cli` and its changes are audited under that name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import peewee
import pytest
import time_machine

from cafepol_tui.cli import main
from cafepol_tui.db.models import AuditEntry, Registration, Theme
from cafepol_tui.db.open import open_database
from cafepol_tui.services import audit, outbox, retention, series, staff, upkeep
from cafepol_tui.services import concerns as cs
from cafepol_tui.services import meeting_fields as mf
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services.permissions import (
    CLI,
    NOBODY,
    SYSTEM,
    Actor,
    Permission,
    PermissionRefusedError,
    allows,
    require,
)
from cafepol_tui.services.validation import RefusedError, SignupForm
from cafepol_tui.services.zone import import_zone
from cafepol_tui.services.zone_file import read_zone_file, shipped_zone_file
from cafepol_tui.settings import Settings
from cafepol_tui.statuses import CallOutcome, ConcernStatus, NoticeChannel, NoticeKind, StaffRole
from tests.conftest import FIXED_NOW
from tests.factories import ADMIN, COUNTER, FIXED_START, OFFICER, make_meeting, sign_up

BEFORE = FIXED_NOW - timedelta(days=10)


@dataclass
class World:
    settings: Settings
    past: int  # 3 days ago: its day has come, check-in is open
    future: int  # capacity 1: one confirmed, one waiting (with a topic)
    confirmed: str  # a reference
    past_registration: int
    waiting: int
    concern: int
    spare_account: int
    call: int  # an outbox message on the « À appeler » list


@pytest.fixture
def world(cheap_pins: None, settings: Settings, db: peewee.Database) -> World:
    Theme.create(name="Propreté")
    with time_machine.travel(BEFORE, tick=False):
        past = make_meeting(starts_at=FIXED_NOW - timedelta(days=3))
        future = make_meeting(capacity=1, starts_at=FIXED_START)
        came = sign_up(past, "Paula Passée", now=BEFORE)
        confirmed = sign_up(future, "Carla Confirmée", now=BEFORE)
        waiting = sign_up(future, "Walter Attente", topic="Dépôts sauvages", now=BEFORE)
        concern = cs.create_concern(cs.ConcernForm(theme="Propreté", description="Tags"), ADMIN)
        spare = staff.set_pin("Sam Réserve", "135790", StaffRole.COUNTER)
        call = outbox.enqueue(
            NoticeKind.PROMOTION, NoticeChannel.PHONE, recipient="+3265000000", body="Bonjour"
        )
    assert call is not None
    return World(
        settings=settings,
        past=past.id,
        future=future.id,
        confirmed=confirmed.reference,
        past_registration=Registration.get(Registration.reference == came.reference).id,
        waiting=Registration.get(Registration.reference == waiting.reference).id,
        concern=concern,
        spare_account=spare.id,
        call=call,
    )


Call = Callable[[World, Actor], object]


def _new_meeting(day: str = "15/12/2026") -> mf.MeetingForm:
    return mf.MeetingForm(commune="Frameries", place="Salle du Parc", day=day, start="14:00")


# name: (what it needs, the service call)
ACTIONS: dict[str, tuple[Permission, Call]] = {
    "add_on_behalf": (Permission.SIGN_UP, lambda w, a: ra.add_on_behalf(
        w.future, SignupForm(name="Zoé Guichet", consent=True), "counter", a,
        max_party=4, topic_max=300,
    )),
    "move_in_waitlist": (Permission.SIGN_UP, lambda w, a: ra.move_in_waitlist(
        w.waiting, 1, "Mobilité réduite", a
    )),
    "promote": (Permission.SIGN_UP, lambda w, a: ra.promote(w.future, a)),
    "cancel_registration": (Permission.CANCEL, lambda w, a: ra.cancel_registration(
        w.confirmed, a
    )),
    "check_in": (Permission.CHECK_IN, lambda w, a: ra.check_in(w.past_registration, True, a)),
    "add_walkins": (Permission.CHECK_IN, lambda w, a: ra.add_walkins(w.past, 2, a)),
    "create_concern": (Permission.RECORD_CONCERN, lambda w, a: cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Bruit la nuit"), a
    )),
    "concern_from_topic": (Permission.RECORD_CONCERN, lambda w, a: cs.concern_from_topic(
        w.waiting, "Propreté", a
    )),
    "record_call": (Permission.NOTIFY, lambda w, a: outbox.record_call(
        w.call, CallOutcome.REACHED, a)),
    "update_concern": (Permission.FOLLOW_UP, lambda w, a: cs.update_concern(
        w.concern, ConcernStatus.IN_PROGRESS, "Transmis à Hygea", a
    )),
    "give_feedback": (Permission.FOLLOW_UP, lambda w, a: cs.update_concern(
        w.concern, ConcernStatus.CLOSED, "", a, reason="Pas de retour demandé"
    )),
    "create_meeting": (Permission.MANAGE_MEETINGS, lambda w, a: ma.create_meeting(
        _new_meeting(), a
    )),
    "update_meeting": (Permission.MANAGE_MEETINGS, lambda w, a: ma.update_meeting(
        w.future, mf.MeetingForm(**(mf.form_for(w.future).__dict__ | {"capacity": 3})), a
    )),
    "cancel_meeting": (Permission.MANAGE_MEETINGS, lambda w, a: ma.cancel_meeting(
        w.future, "Salle inondée", a
    )),
    "duplicate_meeting": (Permission.MANAGE_MEETINGS, lambda w, a: ma.duplicate_meeting(
        w.future, "22/12/2026", a
    )),
    "set_interested": (Permission.MANAGE_MEETINGS, lambda w, a: ma.set_interested(
        w.future, 30, a
    )),
    "plan_series": (Permission.MANAGE_MEETINGS, lambda w, a: series.plan_series(
        _new_meeting("01/12/2026"), "mardi", "1,3", "2", a
    )),
    "document_made": (Permission.PRINT, lambda w, a: audit.document_made(
        a, "flyer-2-a5.pdf", "lp 42"
    )),
    "read_entries": (Permission.READ_AUDIT, lambda w, a: audit.read_entries(a)),
    "create_account": (Permission.MANAGE_ACCOUNTS, lambda w, a: staff.create_account(
        "Nina Nouvelle", "246810", StaffRole.COUNTER, a
    )),
    "deactivate_account": (Permission.MANAGE_ACCOUNTS, lambda w, a: staff.deactivate_account(
        w.spare_account, a
    )),
    "unlock_pins": (Permission.MANAGE_ACCOUNTS, lambda w, a: staff.unlock_pins(None, actor=a)),
    "unlock_kiosk": (Permission.MANAGE_ACCOUNTS, lambda w, a: staff.unlock_kiosk("borne-a", a)),
    "import_zone": (Permission.MANAGE_ZONE, lambda w, a: import_zone(
        read_zone_file(shipped_zone_file()), actor=a
    )),
    "purge": (Permission.PURGE, lambda w, a: retention.purge(None, 30, actor=a)),
    "purge_everywhere": (Permission.PURGE, lambda w, a: upkeep.purge_everywhere(
        w.settings, actor=a
    )),
}

# What each role may do, written out (not read from GRANTS: this is the concept's table).
MAY: dict[str, set[Permission]] = {
    StaffRole.COUNTER: {
        Permission.SIGN_UP, Permission.CANCEL, Permission.CHECK_IN, Permission.RECORD_CONCERN,
        Permission.NOTIFY,
    },
}
MAY[StaffRole.OFFICER] = MAY[StaffRole.COUNTER] | {
    Permission.MANAGE_MEETINGS, Permission.PRINT, Permission.FOLLOW_UP,
}
MAY[StaffRole.ADMIN] = set(Permission)

# Allowed, these change nothing here: a read, no locked kiosk, no free seat to fill.
QUIET = {"read_entries", "unlock_pins", "unlock_kiosk", "promote"}

ROLES = {StaffRole.COUNTER: COUNTER, StaffRole.OFFICER: OFFICER, StaffRole.ADMIN: ADMIN}


def _snapshot(db: peewee.Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table."""
    return {
        table: sorted(db.execute_sql(f'SELECT * FROM "{table}"').fetchall(), key=repr)
        for table in db.get_tables()
    }


def test_every_permission_has_an_action() -> None:
    assert {permission for permission, _ in ACTIONS.values()} == set(Permission)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_role_may_do_its_own_work_and_only_that(
    world: World, db: peewee.Database, role: str, name: str
) -> None:
    permission, call = ACTIONS[name]
    actor = ROLES[role]
    with time_machine.travel(FIXED_NOW, tick=False):
        if permission in MAY[role]:
            audits = AuditEntry.select().count()
            call(world, actor)
            if name not in QUIET:
                assert AuditEntry.select().count() > audits  # a change, in the log…
                assert AuditEntry.select().order_by(AuditEntry.id.desc()).get().actor == (
                    actor.name  # …under the actor's name
                )
        else:
            before = _snapshot(db)
            with pytest.raises(PermissionRefusedError) as refused:
                call(world, actor)
            assert refused.value.permission is permission and refused.value.role == role
            assert _snapshot(db) == before


@pytest.mark.parametrize("name", list(ACTIONS))
def test_no_one_signed_in_may_do_anything(world: World, db: peewee.Database, name: str) -> None:
    before = _snapshot(db)
    with time_machine.travel(FIXED_NOW, tick=False), pytest.raises(PermissionRefusedError):
        ACTIONS[name][1](world, NOBODY)
    assert _snapshot(db) == before


def test_the_refusal_is_a_refusal_and_says_who_may() -> None:
    with pytest.raises(RefusedError, match="policiers et aux administrateurs"):
        require(COUNTER, Permission.MANAGE_MEETINGS)
    with pytest.raises(RefusedError, match="administrateurs"):
        require(OFFICER, Permission.PURGE)
    with pytest.raises(RefusedError, match="personnel connecté"):
        require(None, Permission.SIGN_UP)
    assert require(COUNTER, Permission.CHECK_IN) is COUNTER
    assert all(allows(CLI, p) and allows(SYSTEM, p) for p in Permission)
    assert not any(allows(NOBODY, p) for p in Permission)


def test_a_signed_in_staff_user_is_an_actor(world: World) -> None:
    """A StaffUser from the login is an actor as it is."""
    with time_machine.travel(FIXED_NOW, tick=False):
        counter = staff.create_account("Cora Comptoir", "112358", StaffRole.COUNTER, ADMIN)
        with pytest.raises(PermissionRefusedError):
            staff.create_account("Intrus", "998877", StaffRole.ADMIN, counter)
        assert ra.add_walkins(world.past, 1, counter) == 1
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).get().actor == "Cora Comptoir"


# --- the command line acts as `cli` --------------------------------------------------------


def _entries(db_path: Path) -> list[tuple[str, str]]:
    db = open_database(str(db_path))
    with db.connection_context():
        return [(e.actor, e.action) for e in AuditEntry.select().order_by(AuditEntry.id)]


def test_cli_actions_are_audited_as_cli(db_path: Path, tmp_path: Path, capsys) -> None:
    def run(*args: str) -> str:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    with time_machine.travel(FIXED_NOW, tick=False):
        run("zone", "import", str(shipped_zone_file()))
        meeting = run(
            "meeting", "add", "--commune", "boussu", "--place", "Salle Saint-Charles",
            "--address", "Rue de Mons 12, 7300 Boussu", "--start", "2027-01-12 18:30",
        ).split()[0]
        run("meeting", "edit", meeting, "--capacity", "30")
        counter = run("register", meeting, "--name", "Jean Dupont", "--consent").split()[0]
        kiosk = run(
            "register", meeting, "--name", "Lou Borne", "--consent", "--channel", "kiosk"
        ).split()[0]
        run("cancel", counter)
        run("flyer", meeting, "--out", str(tmp_path / "flyer.pdf"))
        run("attendance", meeting, "--out", str(tmp_path / "sheet.pdf"))
        run("export", "json", "--out", str(tmp_path / "export.json"))
        run("copy-db", "--to", str(tmp_path / "copy.sqlite3"))
        run("meeting", "cancel", meeting, "--reason", "Travaux")
        run("purge")
    entries = _entries(db_path)
    actions = [action for actor, action in entries if actor == "cli"]
    assert actions == [
        "zone import", "meeting-create", "meeting-edit", "registration-add",
        "registration-add", "registration-cancel", "document", "document", "export",
        "copy-db", "meeting-cancel", "purge",
    ]
    assert {actor for actor, _ in entries} == {"cli"}
    db = open_database(str(db_path))
    with db.connection_context():
        added = [e.target for e in AuditEntry.select().where(
            AuditEntry.action == "registration-add").order_by(AuditEntry.id)]
        documents = [(e.target, e.detail) for e in AuditEntry.select().where(
            AuditEntry.action == "document").order_by(AuditEntry.id)]
    assert added == [f"registration:{counter}", f"registration:{kiosk}"]
    assert documents == [
        (str(tmp_path / "flyer.pdf"), f"flyer-{meeting}-a5-fr.pdf"),
        (str(tmp_path / "sheet.pdf"), f"attendance-{meeting}-fr.pdf"),
    ]
