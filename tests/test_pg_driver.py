"""The launcher imports peewee without psycopg, and psycopg comes back with the first
PostgreSQL database exactly as peewee's own import would have set it (cafepol_tui/pg_driver)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("psycopg")

ROOT = Path(__file__).resolve().parents[1]

# peewee's psycopg state, as text: what a plain `import peewee` leaves and what the deferred
# import must leave once the first PostgreSQL database is made (built, not connected).
STATE = """
import json, sys
import peewee
db = peewee.PostgresqlDatabase("cafepol", host="127.0.0.1")
adapter = peewee.Psycopg3Adapter
print(json.dumps({
    "names": {n: repr(getattr(peewee, n, "<missing>"))
              for n in ("psycopg", "TransactionStatus", "Json_pg3", "Jsonb_pg3")},
    "states": {n: repr(getattr(adapter, n, None))  # peewee 4.4 has none of them
               for n in ("txn_idle", "txn_inerror", "txn_unknown")},
    "adapter": type(db._adapter).__name__,
    "json": [repr(db._adapter.json_type), repr(db._adapter.jsonb_type)],
    "init": peewee.PostgresqlDatabase.init.__qualname__,
}))
"""


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout


def test_a_deferred_psycopg_leaves_peewee_as_a_plain_import_does() -> None:
    plain = json.loads(run(STATE))
    deferred = json.loads(
        run(
            "from cafepol_tui.pg_driver import defer_psycopg\n"
            "assert defer_psycopg()\n"
            "import sys, peewee\n"
            "assert 'psycopg' not in sys.modules and peewee.psycopg is None\n" + STATE
        )
    )
    assert plain["adapter"] == "Psycopg3Adapter"
    assert deferred == plain


def test_the_sqlite_commands_do_not_import_psycopg(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    out = run(
        "import sys\n"
        "from cafepol_tui.__main__ import main\n"
        f"sys.argv = ['cafepol', '--db', {str(db)!r}, 'seed', '--demo', '--meetings', '3',"
        "'--registrations', '4']\n"
        "assert main() == 0\n"
        "sys.argv[3:] = ['meetings']\n"
        "assert main() == 0\n"
        "from cafepol_tui.db.engine import make_database\n"
        "make_database('sqlite:///' + sys.argv[2])\n"
        "print('psycopg' in sys.modules)\n"
        "import psycopg  # still importable by anyone who wants it\n"
        "make_database('postgresql://postgres@127.0.0.1/cafepol')\n"
        "import peewee\n"
        "print(peewee.psycopg is psycopg)\n"
    )
    assert out.split()[-2:] == ["False", "True"]


def test_defer_does_nothing_once_peewee_is_imported() -> None:
    out = run(
        "import peewee\n"
        "from cafepol_tui.pg_driver import defer_psycopg\n"
        "print(defer_psycopg(), peewee.psycopg is not None)\n"
    )
    assert out.split() == ["False", "True"]


def test_a_peewee_laid_out_otherwise_is_imported_the_ordinary_way(tmp_path: Path) -> None:
    (tmp_path / "peewee.py").write_text(
        "try:\n    import psycopg\nexcept ImportError:\n    psycopg = None\nIMPORTS = []\n"
    )
    out = run(
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "from cafepol_tui.pg_driver import defer_psycopg\n"
        "print(defer_psycopg())\n"
        "import peewee\n"
        "print(peewee.__file__.startswith(sys.path[0]), peewee.psycopg is not None)\n"
    )
    assert out.split() == ["False", "True", "True"]
