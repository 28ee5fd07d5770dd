"""The database package imports in one direction, and what screens need from it needs no peewee.

engine <- models <- migrations <- open (lint-imports checks the same statically): each module
imports cleanly first in a fresh process (no circle hidden by import order), and the statuses
module loads neither peewee nor any of them.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

DB_MODULES = [
    "cafepol_tui.db.engine",
    "cafepol_tui.db.models",
    "cafepol_tui.db.migrations",
    "cafepol_tui.db.open",
]


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.split()


def test_statuses_import_neither_peewee_nor_the_database_package() -> None:
    loaded = _loaded_after("import cafepol_tui.statuses")
    bad = [m for m in loaded if m.split(".")[0] in ("peewee", "playhouse", "textual")]
    bad += [m for m in loaded if m.startswith("cafepol_tui.db")]
    assert not bad, bad


@pytest.mark.parametrize("module", DB_MODULES)
def test_each_database_module_imports_first_and_only_what_is_below_it(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    below = DB_MODULES[: DB_MODULES.index(module) + 1]
    assert [m for m in loaded if m in DB_MODULES] == sorted(below)
    assert "playhouse.migrate" not in loaded  # only an old schema's upgrade needs it
