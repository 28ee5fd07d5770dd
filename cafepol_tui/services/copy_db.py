"""Copy a cafepol database to another one (SQLite -> PostgreSQL, or back), ids and all.

A commissariat moving to the zone database runs `cafepol copy-db --to postgresql://…` once. The
target gets this program's schema, then every row of every table with its id, so references
(registration -> meeting, concern -> registration…) and the reference codes on printed slips
stay valid. PostgreSQL sequences are moved past the copied ids so new rows don't collide.
A target already holding data is refused unless `force` is given (its rows are then replaced).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import peewee

from cafepol_tui.db.engine import is_sqlite, write_transaction
from cafepol_tui.db.migrations import SCHEMA_KEY, read_version, upgrade
from cafepol_tui.db.models import ALL_MODELS, BaseModel, MetaEntry
from cafepol_tui.i18n import translator

_ = translator("messages")

BATCH = 500


class CopyError(Exception):
    """The copy can't be done; nothing was written to the target."""


@dataclass
class CopyReport:
    target: str
    schema_version: int
    tables: dict[str, int] = field(default_factory=dict)
    replaced: int = 0  # rows removed from the target first (force)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def lines(self) -> list[str]:
        copied = ", ".join(f"{n} {table}" for table, n in self.tables.items() if n)
        lines = [
            _("copied {rows} rows to {target} (schema {version})").format(
                rows=self.rows, target=self.target, version=self.schema_version
            )
        ]
        if copied:
            lines.append(f"  {copied}")
        if self.replaced:
            lines.append(
                "  " + _("{rows} rows that were in the target were replaced").format(rows=self.replaced)
            )
        return lines


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


def _models() -> list[type[BaseModel]]:
    """Every model table, parents before children."""
    return peewee.sort_models(ALL_MODELS)


def count_rows(db: peewee.Database) -> dict[str, int]:
    """Rows per model table present in `db` (the meta table aside)."""
    existing = set(db.get_tables())
    counts = {}
    for model in _models():
        table = model._meta.table_name
        if model is MetaEntry or table not in existing:
            continue
        counts[table] = db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return counts


def _reset_sequences(db: peewee.Database) -> None:
    for model in _models():
        pk = model._meta.primary_key
        if isinstance(pk, peewee.AutoField):
            table, column = model._meta.table_name, pk.column_name
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"'
            )


def copy_database(
    source: peewee.Database,
    target: peewee.Database,
    *,
    target_label: str = "the target",
    force: bool = False,
) -> CopyReport:
    """Copy every row of `source` into `target`; both connected. The source is only read.

    The source must already be at this program's schema (the CLI opens it with `open_database`,
    which upgrades it). The target is created or upgraded, then filled in one transaction.
    """
    source_version = read_version(source)
    if source_version is None:
        raise CopyError(_("the source database holds no cafepol data"))
    target_version = read_version(target)
    if target_version is not None and target_version > source_version:
        raise CopyError(
            _(
                "{target} has schema version {version}, newer than this cafepol "
                "({known}): update cafepol first"
            ).format(target=target_label, version=target_version, known=source_version)
        )
    existing = count_rows(target) if target_version is not None else {}
    occupied = {table: n for table, n in existing.items() if n}
    if occupied and not force:
        listed = ", ".join(f"{n} {table}" for table, n in occupied.items())
        raise CopyError(
            _(
                "{target} is not empty ({tables}): nothing copied; add --force to replace "
                "its rows with the source's"
            ).format(target=target_label, tables=listed)
        )
    upgrade(target)
    report = CopyReport(target=target_label, schema_version=source_version)
    models = _models()
    # One consistent read of the source; one transaction on the target.
    with source.atomic():
        if not is_sqlite(source):
            source.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with write_transaction(target):
            if occupied:
                for model in reversed(models):
                    if model is not MetaEntry:
                        report.replaced += model.delete().bind(target).execute()
            for model in models:
                report.tables[model._meta.table_name] = _copy_table(model, source, target)
            if not is_sqlite(target):
                _reset_sequences(target)
    report.tables.pop(MetaEntry._meta.table_name, None)
    return report


def _copy_table(model: type[BaseModel], source: peewee.Database, target: peewee.Database) -> int:
    fields = list(model._meta.sorted_fields)
    pk = model._meta.primary_key
    pk_index = fields.index(pk)
    base = model.select(*fields).order_by(pk).limit(BATCH)
    if model is MetaEntry:
        base = base.where(MetaEntry.key != SCHEMA_KEY)  # the target keeps its own version row
    copied = 0
    last = None
    while True:
        query = base if last is None else base.where(pk > last)
        batch = list(query.bind(source).tuples())
        if not batch:
            return copied
        if model is MetaEntry:
            keys = [row[pk_index] for row in batch]
            MetaEntry.delete().where(MetaEntry.key.in_(keys)).bind(target).execute()
        # A plain table insert (a model insert would carry the source backend's RETURNING).
        values = [[_value(f, v) for f, v in zip(fields, row, strict=True)] for row in batch]
        table = peewee.Table(model._meta.table_name, [f.column_name for f in fields])
        table.bind(target).insert(
            values, columns=[getattr(table, f.column_name) for f in fields]
        ).execute()
        copied += len(batch)
        last = batch[-1][pk_index]


def _value(field: peewee.Field, value: object) -> object:
    """A source value as the target takes it. A blob (the zone's logo) goes as plain bytes:
    `db_value` would wrap it in the binary type of the database the models are bound to,
    which the other driver refuses."""
    if isinstance(field, peewee.BlobField):
        return None if value is None else bytes(value)  # type: ignore[arg-type]
    return field.db_value(value)
