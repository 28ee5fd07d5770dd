"""The schema: create it, upgrade it in ordered migrations, or refuse it.

`ensure_schema` is what opening the database runs (`db.open.open_database`): nothing to do for
an up-to-date database, else `upgrade`, in one transaction. Kiosks are updated one at a time
against a shared database, so the first newer cafepol to start upgrades the schema in place and
the others find it done. Rules for adding a migration:

- append `(version, description, function)` to `MIGRATIONS`, version = previous + 1
  (`SCHEMA_VERSION` is the last one's); never edit or reorder a released migration;
- the function receives a `playhouse.migrate` migrator and must leave the database exactly as
  `create_tables` would build it from the models (tests/db/test_migrations.py checks this);
- prefer additive changes (nullable columns, indexes): they are cheap on a large table and an
  older kiosk still running during the roll-out keeps working.

Brand-new tables need no migration: `upgrade` ends with `create_tables(safe=True)`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import peewee

from cafepol_tui.db.engine import SchemaError, is_sqlite, write_transaction
from cafepol_tui.db.models import ALL_MODELS
from cafepol_tui.i18n import translator

if TYPE_CHECKING:  # loaded by upgrade() only: an up-to-date database starts without it
    from playhouse.migrate import SchemaMigrator

_ = translator("messages")

SCHEMA_KEY = "schema_version"
# Any constant: the advisory lock that serialises two kiosks upgrading the same PostgreSQL.
_PG_LOCK_KEY = 0x0CAFE901


class SchemaTooNewError(SchemaError):
    """The database was written by a newer cafepol than this one."""


class MigrationError(SchemaError):
    """A migration failed; the transaction was rolled back and the database is unchanged."""


Migration = Callable[["SchemaMigrator"], None]


def _v2_zone_database(migrator: SchemaMigrator) -> None:
    """Which kiosk took each sign-up, an idempotency key for retried submits, a waitlist index.

    Also `meeting.walkins` (staff console, same unreleased version): a column added to an
    existing table always needs a migration, unlike a whole new table.
    """
    migrator.migrate(
        migrator.add_column("meeting", "walkins", peewee.IntegerField(default=0)),
        migrator.add_column("registration", "kiosk_id", peewee.CharField(max_length=64, null=True)),
        migrator.add_column(
            "registration",
            "submission_key",
            peewee.CharField(max_length=36, null=True, unique=True),
        ),
        migrator.add_index("registration", ("meeting_id", "status", "waitlist_position"), False),
    )


def _v3_pin_gate(migrator: SchemaMigrator) -> None:
    """A PIN gate per kiosk (`pin_guard.kiosk_id`) and an indexed PIN key per account.

    Additive, so that an older kiosk still running during the roll-out keeps its zone-wide
    gate: the row with id 1 and no kiosk_id (created here if it was missing, so that no
    kiosk's new row takes that id). `pin_guard.id` was a plain integer key: it becomes
    auto-numbered (SQLite: already the case for an INTEGER PRIMARY KEY; PostgreSQL: a
    sequence owned by the column, which is what SERIAL is). Existing accounts get their PIN
    key at their next login or PIN change (services.staff).
    """
    db = migrator.database
    migrator.migrate(
        migrator.add_column(
            "staff_account", "pin_key", peewee.CharField(max_length=64, null=True, unique=True)
        ),
        migrator.add_column(
            "pin_guard", "kiosk_id", peewee.CharField(max_length=64, null=True, unique=True)
        ),
    )
    db.execute_sql(
        'INSERT INTO "pin_guard" ("id", "failures", "lockouts") SELECT 1, 0, 0 '
        'WHERE NOT EXISTS (SELECT 1 FROM "pin_guard" WHERE "id" = 1)'
    )
    if not is_sqlite(db):
        db.execute_sql('CREATE SEQUENCE "pin_guard_id_seq" OWNED BY "pin_guard"."id"')
        db.execute_sql(
            'ALTER TABLE "pin_guard" ALTER COLUMN "id" SET DEFAULT nextval(\'"pin_guard_id_seq"\')'
        )
        db.execute_sql('SELECT setval(\'"pin_guard_id_seq"\', (SELECT MAX("id") FROM "pin_guard"))')


class _CommissariatV4(peewee.Model):
    """The `commissariat` table as schema 4 creates it (frozen here: never the live model,
    which later versions may change), so that `commune.commissariat_id` can reference it."""

    name = peewee.CharField(unique=True, max_length=120)
    address = peewee.CharField(max_length=240, default="")
    phone = peewee.CharField(max_length=32, default="")
    hours = peewee.TextField(default="")
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "commissariat"
        legacy_table_names = False  # index names from the table's, as the models' (BaseModel)


def _v4_zone_file(migrator: SchemaMigrator) -> None:
    """What a zone file describes (`cafepol zone import`): commissariats, several postal codes
    and the usual places per commune, an officer's grade and gender, a partner's contact, a
    theme's translations, and `active` on each (an import deactivates what meetings still use).

    Additive, for the kiosks still running the older cafepol during a roll-out: the old
    columns stay. `commune.postal_code` is carried into `postal_codes` (and kept, as the first
    code, for them); `officer.commissariat` stays the name printed on flyers, and a commune's
    commissariat is linked by the first zone import (matched by name). The `zone` table
    itself is new: `upgrade` creates it.
    """
    db = migrator.database
    with db.bind_ctx([_CommissariatV4]):
        db.create_tables([_CommissariatV4], safe=True)
    active = peewee.BooleanField(default=True)
    migrator.migrate(
        migrator.add_column("commune", "postal_codes", peewee.CharField(max_length=200, default="")),
        migrator.add_column(
            "commune",
            "commissariat_id",
            peewee.ForeignKeyField(
                _CommissariatV4, field=_CommissariatV4.id, null=True, on_delete="SET NULL"
            ),
        ),
        migrator.add_column("commune", "places", peewee.TextField(default="[]")),
        migrator.add_column("commune", "active", active),
        migrator.add_column("officer", "grade", peewee.CharField(max_length=80, default="")),
        migrator.add_column("officer", "gender", peewee.CharField(max_length=1, default="")),
        migrator.add_column("officer", "active", active),
        migrator.add_column("partner", "email", peewee.CharField(max_length=254, default="")),
        migrator.add_column("partner", "phone", peewee.CharField(max_length=32, default="")),
        migrator.add_column("partner", "active", active),
        *(
            migrator.add_column("theme", f"name_{lang}", peewee.CharField(max_length=120, default=""))
            for lang in ("fr", "nl", "de", "en")
        ),
        migrator.add_column("theme", "active", active),
    )
    db.execute_sql('UPDATE "commune" SET "postal_codes" = "postal_code"')


def _v5_notices(migrator: SchemaMigrator) -> None:
    """Every citizen hears back: the notices' language and the reminder wish of a sign-up, a
    dismissed topic, a cancelled meeting's replacement, a concern's reference, officer in
    charge, postal address and reply, a concern update shown to the citizen. The outbox and
    the partner hand-offs are new tables (`upgrade` creates them).

    Concerns recorded before version 5 get their reference here, so that each can be followed
    by its code like the new ones.
    """
    db = migrator.database
    migrator.migrate(
        migrator.add_column("meeting", "replacement_id", peewee.IntegerField(null=True)),
        migrator.add_column("registration", "language", peewee.CharField(max_length=2, default="")),
        migrator.add_column("registration", "wants_reminder", peewee.BooleanField(default=False)),
        migrator.add_column(
            "registration", "topic_dismissed_at", peewee.DateTimeField(null=True)
        ),
        migrator.add_column("registration", "topic_dismissed_reason", peewee.TextField(default="")),
    )
    # A database older than the concerns (version 1 of the first release) gets its concern
    # tables whole from `upgrade`'s create_tables.
    if not db.table_exists("concern"):
        return
    migrator.migrate(
        migrator.add_column(
            "concern", "reference", peewee.CharField(max_length=12, null=True, unique=True)
        ),
        migrator.add_column(
            "concern", "owner", peewee.CharField(max_length=80, default="", index=True)
        ),
        migrator.add_column("concern", "contact_address", peewee.TextField(default="")),
        migrator.add_column("concern", "reply_text", peewee.TextField(default="")),
        migrator.add_column("concern", "reply_channel", peewee.CharField(max_length=16, default="")),
        migrator.add_column("concern", "language", peewee.CharField(max_length=2, default="")),
        migrator.add_column("concern_update", "public", peewee.BooleanField(default=False)),
    )
    concern = peewee.Table("concern", ("id", "reference")).bind(db)
    taken: set[str] = set()
    for row in concern.select(concern.id).order_by(concern.id).tuples():
        reference = _v5_reference()
        while reference in taken:  # pragma: no cover - one chance in billions
            reference = _v5_reference()
        taken.add(reference)
        concern.update(reference=reference).where(concern.id == row[0]).execute()

def _v6_officer_photo(migrator: SchemaMigrator) -> None:
    """An officer's photo from the zone file (printed on the flyer beside the officer's
    name), and the file name it came from. Additive: an older kiosk ignores both."""
    migrator.migrate(
        migrator.add_column("officer", "photo", peewee.BlobField(null=True)),
        migrator.add_column("officer", "photo_name", peewee.CharField(max_length=120, default="")),
    )


def _v5_reference() -> str:
    """A concern reference as version 5 draws them (frozen copy of
    services.registrations.new_concern_reference: db never imports the services)."""
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7))


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (
        2,
        "registration kiosk_id + submission_key + waitlist index, meeting walkins",
        _v2_zone_database,
    ),
    (3, "a PIN gate per kiosk, an indexed PIN key per staff account", _v3_pin_gate),
    (
        4,
        "the zone file: commissariats, postal codes, places, grades, contacts, translations, "
        "active flags",
        _v4_zone_file,
    ),
    (
        5,
        "notices: outbox, partner hand-offs, concern references and replies, sign-up language "
        "and reminder, dismissed topics, replacement meetings",
        _v5_notices,
    ),
    (6, "an officer's photo from the zone file", _v6_officer_photo),
]

# The schema this program writes and reads: the last migration's (version 1 had none).
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass
class UpgradeReport:
    before: int | None  # None: the database was empty
    after: int
    applied: list[str] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.before is None

    def summary(self) -> str:
        if self.created:
            return _("created the schema at version {version}").format(version=self.after)
        if not self.applied:
            return _("schema already at version {version}: nothing to do").format(
                version=self.after
            )
        steps = "; ".join(self.applied)
        return _("schema upgraded from version {before} to {after} ({steps})").format(
            before=self.before, after=self.after, steps=steps
        )


def _check_migrations() -> None:
    versions = [version for version, _, _ in MIGRATIONS]
    expected = list(range(2, SCHEMA_VERSION + 1))
    if versions != expected:
        raise RuntimeError(  # a programming error, caught by the tests
            f"migrations {versions} must run 2, 3, … up to SCHEMA_VERSION={SCHEMA_VERSION}"
        )


def read_version(db: peewee.Database) -> int | None:
    """The schema version stored in the database; None when it has no cafepol tables yet."""
    if not db.table_exists("meta"):
        return 1 if db.table_exists("registration") else None
    row = _meta(db).select(_meta(db).value).where(_meta(db).key == SCHEMA_KEY).tuples().first()
    if row is None:
        # Tables without a version row: only a version-1 database can look like this.
        return 1 if db.table_exists("registration") else None
    return int(row[0])


def _meta(db: peewee.Database) -> peewee.Table:
    """The `meta` table bound to `db` itself, not to the models' proxy (copy-db has two)."""
    return peewee.Table("meta", ("key", "value")).bind(db)


def _write_version(db: peewee.Database, version: int) -> None:
    meta = _meta(db)
    updated = meta.update(value=str(version)).where(meta.key == SCHEMA_KEY).execute()
    if not updated:
        meta.insert(key=SCHEMA_KEY, value=str(version)).execute()


@contextmanager
def _exclusive(db: peewee.Database) -> Iterator[None]:
    """One transaction no other cafepol can interleave with, foreign keys off on SQLite.

    SQLite: foreign-key enforcement can only be switched off outside a transaction (table
    rebuilds would otherwise cascade deletes); it is checked again before commit.
    PostgreSQL: DDL is transactional; an advisory lock makes a second kiosk wait, then find the
    work done.
    """
    sqlite = is_sqlite(db)
    fks = sqlite and bool(db.pragma("foreign_keys"))
    if fks:
        db.pragma("foreign_keys", 0)
    try:
        with write_transaction(db):
            if not sqlite:
                # The session's short timeouts (engine.PG_SERVER_SETTINGS) are for sign-ups:
                # an upgrade may wait for another kiosk's, and may take longer than 8 s.
                db.execute_sql("SET LOCAL lock_timeout = '60s'")
                db.execute_sql("SET LOCAL statement_timeout = '300s'")
                db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))
            yield
            if sqlite:
                broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationError(
                        _("foreign keys broken by the upgrade: {rows}").format(rows=broken[:3])
                    )
    finally:
        if fks:
            db.pragma("foreign_keys", 1)


def _create_tables(db: peewee.Database) -> None:
    with db.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
        db.create_tables(ALL_MODELS, safe=True)


def ensure_schema(db: peewee.Database) -> UpgradeReport:
    """Fresh database: create the tables at the latest version. Older: migrate. Newer: refuse.

    The usual case, an up-to-date database with every table, is answered by two reads and
    takes no write lock, so a kiosk starting never waits behind the others' sign-ups.
    """
    if read_version(db) == SCHEMA_VERSION and set(db.get_tables()) >= {
        m._meta.table_name for m in ALL_MODELS
    }:
        return UpgradeReport(before=SCHEMA_VERSION, after=SCHEMA_VERSION)
    return upgrade(db)


def upgrade(db: peewee.Database, *, target: int | None = None) -> UpgradeReport:
    """Create a fresh schema, or run the pending migrations, in one transaction.

    A database newer than this program is refused (`SchemaTooNewError`); nothing is changed.
    """
    _check_migrations()
    latest = SCHEMA_VERSION
    target = latest if target is None else target
    with _exclusive(db):
        before = read_version(db)
        if before is None:
            _create_tables(db)
            _write_version(db, latest)
            return UpgradeReport(before=None, after=latest)
        if before > latest:
            raise SchemaTooNewError(
                _(
                    "the database has schema version {version}, this cafepol knows up to "
                    "{known}: update cafepol on this terminal"
                ).format(version=before, known=latest)
            )
        report = UpgradeReport(before=before, after=before)
        # Imported here, not at the top: only an old schema needs it (kiosk start-up time).
        from playhouse.migrate import SchemaMigrator

        migrator = SchemaMigrator.from_database(db)
        for version, description, migrate in MIGRATIONS:
            if before < version <= target:
                try:
                    migrate(migrator)
                except peewee.DatabaseError as exc:
                    raise MigrationError(
                        _(
                            "migration to version {version} failed ({description}): {error}; "
                            "nothing was changed"
                        ).format(
                            version=version,
                            description=description,
                            error=str(exc).strip() or type(exc).__name__,
                        )
                    ) from exc
                _write_version(db, version)
                report.after = version
                report.applied.append(f"v{version}: {description}")
        if report.after == latest:
            _create_tables(db)  # tables added since: a whole new table needs no migration
        return report
