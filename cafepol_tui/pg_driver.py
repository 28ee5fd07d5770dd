"""psycopg is imported when a PostgreSQL database is made, not whenever peewee is.

peewee 4 tries `import psycopg` (and its `pq` and JSON modules) while it is imported itself;
with `pip install '.[postgres]'` that is some 100 ms of every command's start-up, the SQLite
kiosk's first screen included, for a driver it never uses. So the launcher
(`cafepol_tui/__main__.py`) calls `defer_psycopg()` before anything imports peewee:

- peewee is imported with `psycopg` marked as absent (`sys.modules["psycopg"] = None` makes
  `import psycopg` raise ImportError, exactly what peewee expects when the driver is not
  installed); the mark is removed right after, so anyone else may import psycopg as usual;
- `PostgresqlDatabase.init` (which every PostgreSQL database, playhouse's `db_url` and pool
  ones included, goes through and where peewee picks its psycopg adapter) first calls
  `load_psycopg()`. That does what peewee's own import would have done: the four module names
  peewee gives psycopg (`psycopg`, `TransactionStatus`, `Json_pg3`, `Jsonb_pg3`) and the three
  transaction states its `Psycopg3Adapter` copies at class creation. Then `init` is peewee's
  own again.

Should a peewee release name these differently (its psycopg names are not where this module
expects them), `defer_psycopg` imports peewee again the ordinary way at once: nothing holds
it yet, and only the time is lost. tests/test_pg_driver.py compares the result with a plain
`import peewee`; tests/pg/test_pg_launcher.py runs PostgreSQL through it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

# What peewee 4's `import peewee` sets from psycopg 3 (peewee.py, « try: import psycopg »).
PEEWEE_PSYCOPG_NAMES = ("psycopg", "Json_pg3", "Jsonb_pg3")
_ADAPTER_STATES = {"txn_idle": "IDLE", "txn_inerror": "INERROR", "txn_unknown": "UNKNOWN"}

_lock = threading.Lock()
_original_init: Callable[..., Any] | None = None  # peewee's PostgresqlDatabase.init, while deferred


def defer_psycopg() -> bool:
    """Import peewee without psycopg, to be loaded by the first PostgreSQL database.

    Call before anything imports peewee; later (or once psycopg is imported anyway) this does
    nothing. True when psycopg was deferred.
    """
    global _original_init
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return False
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # « not installed », for peewee
    try:
        import peewee
    finally:
        if "psycopg" in sys.modules and sys.modules["psycopg"] is None:
            del sys.modules["psycopg"]
    adapter = getattr(peewee, "Psycopg3Adapter", None)
    known = adapter is not None and all(
        hasattr(peewee, name) and getattr(peewee, name) is None for name in PEEWEE_PSYCOPG_NAMES
    )
    if not known or any(state in vars(adapter) for state in _ADAPTER_STATES):
        # Not the peewee this was written for: take it as it comes (nothing refers to it yet).
        del sys.modules["peewee"]
        import peewee  # noqa: F401, F811
        return False
    _original_init = peewee.PostgresqlDatabase.init

    def init(self: peewee.PostgresqlDatabase, *args: Any, **kwargs: Any) -> Any:
        load_psycopg()
        return peewee.PostgresqlDatabase.init(self, *args, **kwargs)

    peewee.PostgresqlDatabase.init = init  # type: ignore[method-assign]
    return True


def load_psycopg() -> None:
    """Give peewee psycopg, as its own import would have (if `defer_psycopg` held it back)."""
    global _original_init
    with _lock:
        if _original_init is None:
            return
        import peewee

        try:
            import psycopg
            from psycopg.pq import TransactionStatus
            from psycopg.types.json import Json, Jsonb
        except ImportError:
            pass  # not installed: peewee says « psycopg postgres driver not found », as before
        else:
            peewee.psycopg = psycopg  # type: ignore[attr-defined]
            peewee.TransactionStatus = TransactionStatus  # type: ignore[attr-defined]
            peewee.Json_pg3 = Json  # type: ignore[attr-defined]
            peewee.Jsonb_pg3 = Jsonb  # type: ignore[attr-defined]
            # peewee 4.5 reads the states from the adapter class (its base gives them
            # defaults); 4.4 reads the module's TransactionStatus, set above.
            if all(hasattr(peewee._BasePsycopgAdapter, a) for a in _ADAPTER_STATES):
                for attribute, state in _ADAPTER_STATES.items():
                    setattr(peewee.Psycopg3Adapter, attribute, getattr(TransactionStatus, state))
        peewee.PostgresqlDatabase.init = _original_init  # type: ignore[method-assign]
        _original_init = None
