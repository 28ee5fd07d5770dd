"""Persistence: open a database from a URL, the peewee models, and schema set-up."""
