"""Bring the database to this program's schema: create it, upgrade it, or refuse it.

The work is done by `migrations.upgrade` (one transaction, ordered migrations); this module keeps
the entry point every command uses when it opens the database.
"""

from __future__ import annotations

import peewee

from cafepol_tui.db.migrations import SchemaTooNewError, UpgradeReport, read_version, upgrade

__all__ = ["SchemaTooNewError", "ensure_schema", "read_version"]


def ensure_schema(db: peewee.Database) -> UpgradeReport:
    """Fresh database: create the tables at the latest version. Older: migrate. Newer: refuse.

    The usual case, an up-to-date database with every table, is answered by two reads and
    takes no write lock, so a kiosk starting never waits behind the others' sign-ups.
    """
    from cafepol_tui.db.migrations import latest_version, read_version
    from cafepol_tui.db.models import ALL_MODELS

    latest = latest_version()
    if read_version(db) == latest and set(db.get_tables()) >= {
        m._meta.table_name for m in ALL_MODELS
    }:
        return UpgradeReport(before=latest, after=latest)
    return upgrade(db)
