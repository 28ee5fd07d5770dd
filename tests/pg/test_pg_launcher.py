"""PostgreSQL through the `cafepol` launcher, which imports psycopg only with the first
PostgreSQL database (cafepol_tui/pg_driver): SQLite opened first, then PostgreSQL, and back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cafepol(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cafepol_tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_launcher_copies_sqlite_to_postgresql_and_lists_it(
    tmp_path: Path, pg_fresh_url: str
) -> None:
    local = tmp_path / "kiosk.sqlite3"
    seeded = cafepol("--db", str(local), "seed", "--demo", "--meetings", "4", "--registrations", "6")
    assert seeded.returncode == 0, seeded.stderr
    copied = cafepol("--db", str(local), "copy-db", "--to", pg_fresh_url)
    assert copied.returncode == 0, copied.stderr
    from_sqlite = cafepol("--db", str(local), "meetings")
    from_pg = cafepol("--db", pg_fresh_url, "meetings")
    assert from_pg.returncode == 0, from_pg.stderr
    assert from_pg.stdout == from_sqlite.stdout and from_pg.stdout.strip()
    back = tmp_path / "back.sqlite3"
    returned = cafepol("--db", pg_fresh_url, "copy-db", "--to", str(back))
    assert returned.returncode == 0, returned.stderr
