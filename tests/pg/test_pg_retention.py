"""Retention on PostgreSQL: the live database, and the SQLite copies still in the backup folder
(from the days before the zone moved to PostgreSQL) follow it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import time_machine

from cafepol_tui.db.models import Concern, Registration, Theme
from cafepol_tui.db.open import open_database
from cafepol_tui.services import backup as bk
from cafepol_tui.services import concerns as cs
from cafepol_tui.services.copy_db import copy_database
from cafepol_tui.services.permissions import CLI
from cafepol_tui.services.retention import ERASED_TEXT
from cafepol_tui.services.upkeep import purge_everywhere
from cafepol_tui.settings import Settings, load_settings
from cafepol_tui.statuses import ConcernStatus
from tests.factories import FIXED_START, make_meeting, sign_up

SECRETS = ("Ophélia Pgsecret", "+32470112233", "ophelia.pg@exemple.be", "pgsecretissime")


def test_purge_on_postgresql_reaches_the_sqlite_copies(pg_fresh_url: str, tmp_path: Path) -> None:
    base = load_settings(database_url=str(tmp_path / "old.sqlite3"), environ={})
    old: Settings = dataclasses.replace(
        base, backup=dataclasses.replace(base.backup, folder=str(tmp_path / "backups"))
    )
    sqlite = open_database(old.database_url)
    with sqlite.connection_context():
        meeting = make_meeting()
        ref = sign_up(meeting, SECRETS[0], phone="0470 11 22 33", email=SECRETS[2],
                      topic="Chien qui aboie pgsecretissime").reference
        Theme.create(name="Bruit")
        registration = Registration.get(Registration.reference == ref)
        after = FIXED_START + timedelta(days=1)
        concern = cs.concern_from_topic(registration.id, "Bruit", CLI, now=after)
        with time_machine.travel(after, tick=False):
            copy = bk.backup(old).path
        cs.update_concern(concern, ConcernStatus.CLOSED, "", CLI, reason="Réglé", now=after)
        pg = open_database(pg_fresh_url)
        with pg.connection_context():
            copy_database(sqlite, pg, target_label="pg")
    live = dataclasses.replace(old, database_url=pg_fresh_url)
    pg = open_database(pg_fresh_url)
    with pg.connection_context(), time_machine.travel(FIXED_START + timedelta(days=40), tick=False):
        dry = purge_everywhere(live, dry_run=True)
        assert (dry.database.registrations, dry.database.concern_texts) == (1, 1)
        assert [c.path for c in dry.copies_changed] == [copy]
        report = purge_everywhere(live, actor=CLI)
        assert report.database.registrations == 1 and report.database.concern_texts == 1
        assert [c.path for c in report.copies_changed] == [copy] and report.complete
        assert Registration.get(Registration.reference == ref).name == "(anonymisé)"
        assert Concern.get_by_id(concern).description == ERASED_TEXT
    data = copy.read_bytes()
    assert not [s for s in SECRETS if s.encode() in data]
