"""Persistence, in four layers, each importing only those below it (lint-imports checks it):

- `engine`: the peewee database a path or URL names (SQLite, PostgreSQL and its timeouts), the
  `database_proxy` the models point at, `write_transaction`, outage and disk-full errors;
- `models`: the peewee models, bound to that proxy;
- `migrations`: the schema, created, upgraded (`SCHEMA_VERSION` is the last migration's) or
  refused: `ensure_schema`;
- `open`: `open_database(url)`, which binds the proxy to the database and ensures its schema.

This package imports none of them itself. The codes stored in status, channel and role columns
are in `cafepol_tui.statuses`, which needs no peewee.
"""
