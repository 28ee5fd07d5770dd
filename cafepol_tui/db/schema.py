"""Create the tables on first use and record the schema version."""

from __future__ import annotations

import peewee

from cafepol_tui.db.models import ALL_MODELS, SCHEMA_VERSION, Meta


class SchemaTooNewError(peewee.DatabaseError):
    """The database was written by a newer cafepol than this one."""


def ensure_schema(db: peewee.Database) -> None:
    with db.atomic():
        db.create_tables(ALL_MODELS, safe=True)
        row = Meta.get_or_none(Meta.key == "schema_version")
        if row is None:
            Meta.create(key="schema_version", value=str(SCHEMA_VERSION))
        elif int(row.value) > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"the database has schema version {row.value}, this cafepol knows up to "
                f"{SCHEMA_VERSION}: update cafepol"
            )
