"""Bring the database to this program's schema: create it, upgrade it, or refuse it.

The work is done by `migrations.upgrade` (one transaction, ordered migrations); this module keeps
the entry point every command uses when it opens the database.
"""

from __future__ import annotations

import peewee

from cafepol_tui.db.migrations import SchemaTooNewError, UpgradeReport, read_version, upgrade

__all__ = ["SchemaTooNewError", "ensure_schema", "read_version"]


def ensure_schema(db: peewee.Database) -> UpgradeReport:
    """Fresh database: create the tables at the latest version. Older: migrate. Newer: refuse."""
    return upgrade(db)
