"""Hostile command lines: exit status 2, one line on stderr, nothing changed, nothing created.

Each case runs against a seeded database in its own folder; before and after, every file
under the test's folder (the log folder aside) is listed with its size, time and content
digest, so a changed database, a new file (a PDF over the database, a `sqlite:` file, a
database at a mistyped path) or a new folder fails the case.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine

from cafepol_tui.cli import EXIT_UNEXPECTED, main
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.usefixtures("english")

ROOT = os.geteuid() == 0


class World:
    """A seeded database in `work/`, a few files beside it, configs elsewhere."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.work = tmp / "work"
        self.work.mkdir()
        self.db = self.work / "cafepol.sqlite3"
        self.configs = tmp / "configs"
        self.configs.mkdir()
        (self.work / "notes.txt").write_text("the clerk's notes\n", encoding="utf-8")
        (self.work / "old.json").write_text("not an export\n", encoding="utf-8")
        (self.work / "export.json").write_text('{\n  "meetings": []\n}\n', encoding="utf-8")
        os.mkfifo(self.work / "fifo")  # a node that `backup --out` would replace
        configs = {
            "retention.toml": "retention_days = 99999999999999\n",
            "idle.toml": "[kiosk]\nidle_timeout_s = 1000000000000000000000000000000\n",
            "nested.toml": "x = " + "[" * 1000 + "]" * 1000 + "\n",
        }
        for name, text in configs.items():
            (self.configs / name).write_text(text, encoding="utf-8")
        (self.configs / "latin1.toml").write_bytes("zone_name = 'Liège'\n".encode("latin-1"))
        if ROOT:  # permissions don't stop root: sysfs refuses new files even to root
            self.read_only = Path("/sys")
        else:
            self.read_only = tmp / "read-only"
            self.read_only.mkdir()
            self.read_only.chmod(0o555)

    def expand(self, args: list[str]) -> list[str]:
        """Placeholders: DB, WORK, RO (a read-only folder), CFG."""
        mapping = {
            "DB": str(self.db),
            "WORK": str(self.work),
            "RO": str(self.read_only),
            "CFG": str(self.configs),
        }
        out = []
        for arg in args:
            for key, value in mapping.items():
                arg = arg.replace(f"<{key}>", value)
            out.append(arg)
        return out

    def snapshot(self) -> dict[str, tuple[int, int, str]]:
        """Every file and folder under the test's folder, but the log (XDG_STATE_HOME)."""
        listing: dict[str, tuple[int, int, str]] = {}
        for folder, dirs, files in os.walk(self.tmp):
            here = Path(folder)
            if here == self.tmp:
                dirs[:] = [d for d in dirs if d != "state"]
            for name in dirs:
                listing[str((here / name).relative_to(self.tmp)) + "/"] = (0, 0, "")
            for name in files:
                path = here / name
                info = path.stat()
                if not stat.S_ISREG(info.st_mode):  # the FIFO: its kind is what matters
                    listing[str(path.relative_to(self.tmp))] = (info.st_mode, 0, "")
                    continue
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                listing[str(path.relative_to(self.tmp))] = (info.st_size, info.st_mtime_ns, digest)
        return listing


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo zone seeded once; each test gets a copy."""
    from cafepol_tui.db.open import open_database
    from cafepol_tui.services.demo import seed_demo

    path = tmp_path_factory.mktemp("template") / "cafepol.sqlite3"
    db = open_database(str(path))
    with db.connection_context():
        seed_demo(now=FIXED_NOW)
    return path


@pytest.fixture
def world(
    tmp_path: Path, seeded_file: Path, monkeypatch: pytest.MonkeyPatch
) -> World:
    import shutil

    w = World(tmp_path)
    shutil.copyfile(seeded_file, w.db)
    monkeypatch.chdir(w.work)  # a relative file (« sqlite: ») would land beside the database
    monkeypatch.setattr(sys, "stdin", io.StringIO("482913\n"))  # set-pin reads its PIN here
    return w


def _assert_refused(code: int, out: str, err: str, needle: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()  # also breaks on \r, \x1c-\x1e, \x85, \u2028, \u2029
    assert len(lines) == 1 and lines[0].strip(), repr(err)
    assert "\x1b" not in err and "\x9b" not in err and "\x07" not in err
    assert needle in err, err
    assert out == ""


LONG = "x" * 100_000
BIG = "1" + "0" * 30

# (arguments with placeholders, a few words the one line must contain). Without --db, the
# case gets `--db <DB>` in front.
CASES: list[tuple[list[str], str]] = [
    # Numbers too big for a column, a date, a loop.
    (["register", "99999999999999999999", "--name", "X", "--consent"], "out of range"),
    (["register", "1", "--name", "X", "--consent", "--people", "1" + "0" * 20], "out of range"),
    (["flyer", BIG], "out of range"),
    (["attendance", BIG], "out of range"),
    (["stats", "--months", BIG], "--months"),
    (["seed", "--demo", "--meetings", "1" + "0" * 12, "--registrations", "5"], "out of range"),
    (["seed", "--demo", "--meetings", "5", "--registrations", "1" + "0" * 12], "out of range"),
    (["purge", "--as-of", "0001-01-01"], "too far back"),
    (["--config", "<CFG>/retention.toml", "purge"], "retention_days"),
    (["--config", "<CFG>/idle.toml", "meetings"], "kiosk.idle_timeout_s"),
    # Configs that are no config.
    (["--config", "<CFG>/nested.toml", "meetings"], "nested too deeply"),
    (["--config", "/dev/zero", "meetings"], "not a regular file"),
    (["--config", "<CFG>", "meetings"], "it is a folder"),
    (["--config", "<CFG>/latin1.toml", "meetings"], "utf-8"),
    (["--config", "<CFG>/" + "c" * 300 + ".toml", "meetings"], "too long"),
    # Database URLs and paths that can't be the right database.
    (["--db", "postgresql://u@127.0.0.1:99999/x", "meetings"], "Port out of range"),
    (["--db", "postgresql://[::1", "meetings"], "Invalid IPv6 URL"),
    (["--db", "postgresql://u:secret@127.0.0.1:abc/x", "meetings"], "u:***@"),
    (["--db", "postgresql:///cafepol", "meetings"], "no server named"),
    (["--db", "postgresql://127.0.0.1", "meetings"], "no database named"),
    (["--db", "<WORK>/" + "a" * 300 + "/cafepol.sqlite3", "seed", "--demo"], "too long"),
    (["--db", "<WORK>/" + "a" * 300, "seed", "--demo"], "too long"),
    (["--db", "", "meetings"], "--db: empty"),
    (["--db", "   ", "meetings"], "--db: empty"),
    (["--db", "<WORK>/typo/cafepol.sqlite3", "seed", "--demo"], "does not exist"),
    (["--db", "<WORK>/typo/cafepol.sqlite3", "meetings"], "no database at"),
    (["--db", "<WORK>/cafepol.sqlite", "meetings"], "no database at"),
    (["--db", "<WORK>/cafepol.sqlite", "export", "json"], "no database at"),
    (["--db", "sqlite:", "meetings"], "looks like a URL"),
    (["--db", "sqlite:", "seed", "--demo"], "looks like a URL"),
    (["--db", "postgresql:127.0.0.1/x", "meetings"], "looks like a URL"),
    (["--db", "<WORK>", "meetings"], "is not a file"),
    (["--db", "<WORK>/a\nb.sqlite3", "seed", "--demo"], "control characters"),
    (["--db", "<RO>/cafepol.sqlite3", "seed", "--demo"], ""),  # root: SQLite says it
    (["copy-db", "--to", "postgresql://[::1"], "Invalid IPv6 URL"),
    # Text that would steer the terminal or forge a second line: shown escaped.
    (["meetings", "--commune", "a\nb\x1b[31m"], "a\\nb\\x1b[31m"),
    (["cancel", "AB\r\n\x1b[2J\x9b1m"], "AB2J1M"),  # the code keeps letters and digits
    (["purge", "--as-of", "2026-01-01\n\x1b]0;pwned\x07"], "\\x1b]0;pwned\\x07"),
    (["meetings", "stray\nword\u2028more"], "unrecognized arguments: stray\\nword\\u2028more"),
    (["slip", "\x1b[2J" + "Z" * 5_000], "no registration with reference '2JZZZ"),
    (["set-pin", "--name", "a\x1b[31mb"], "control characters"),
    (["set-pin", "--name", "n" * 200], "too long"),
    # Arguments of 100,000 characters (the log's e-mail masking took 49 s over one).
    (["meetings", "--commune", LONG], "too long"),
    (["cancel", LONG], "too long"),
    (["register", "1", "--name", "X", "--consent", "--topic", LONG], "too long"),
    (["register", "1", "--name", "X", "--consent", "--topic", "t" * 9_000], "--topic"),
    (["--db", LONG, "meetings"], "too long"),
    # --out: never the database, a file of another kind, a missing or read-only folder.
    (["flyer", "1", "--out", "<DB>"], "is the database"),
    (["flyer", "1", "--out", "<DB>-wal"], "is the database"),
    (["flyer", "1", "--out", "<WORK>/../work/cafepol.sqlite3"], "is the database"),
    (["attendance", "1", "--out", "<WORK>/notes.txt"], "is not a PDF"),
    (["programme", "--month", "2026-12", "--out", "<WORK>/notes.txt"], "is not a PDF"),
    (["export", "json", "--out", "<DB>"], "is the database"),
    (["export", "csv", "--out", "<DB>-shm"], "is the database"),
    (["export", "csv", "--out", "<WORK>/notes.txt"], "is not a previous CSV registrations export"),
    (["export", "json", "--out", "<WORK>/old.json"], "is not a previous json export"),
    (["export", "ics", "--out", "<WORK>/export.json"], "is not a previous ics export"),
    (["export", "json", "--out", "<WORK>/missing/x.json"], "does not exist"),
    (["export", "json", "--out", "<WORK>"], "it is a folder"),
    (["export", "json", "--out", ""], "empty file name"),
    (["export", "json", "--out", "<RO>/x.json"], "x.json"),
    (["flyer", "1", "--out", "<WORK>/missing/x.pdf"], "does not exist"),
    (["flyer", "1", "--out", "<WORK>/" + "b" * 300 + ".pdf"], "too long"),
    (["flyer", "1", "--out", "<RO>/x.pdf"], "x.pdf"),
    (["backup", "--out", "<DB>"], "is the database"),
    (["backup", "--out", "<WORK>/notes.txt"], "is not a SQLite backup"),
    (["backup", "--out", "<WORK>/missing/copy.sqlite3"], "does not exist"),
    (["backup", "--out", "<WORK>/fifo"], "not a regular file"),  # it would replace the node
    (["restore", "<WORK>/" + "r" * 300], "too long"),
    # `meeting add|edit|cancel`: every field refused before anything is written.
    (["meeting", "edit", BIG, "--capacity", "3"], "out of range"),
    (["meeting", "cancel", "-1", "--reason", "x"], ""),
    (["meeting", "edit", "99999", "--capacity", "3"], "no meeting with id 99999"),
    (["meeting", "edit", "1", "--capacity", BIG], "out of range"),
    (["meeting", "edit", "1", "--interested", BIG], "out of range"),
    (["meeting", "edit", "1", "--duration", "-5"], "out of range"),
    (["meeting", "edit", "1", "--start", "2099-13-01 10:00"], "YYYY-MM-DD HH:MM"),
    (["meeting", "edit", "1", "--start", "9" * 5_000], "YYYY-MM-DD HH:MM"),
    (["meeting", "edit", "1", "--place", "P\x1b[2J\x07"], "--place"),
    (["meeting", "edit", "1", "--place", "p" * 9_000], "--place"),
    (["meeting", "edit", "1", "--address", LONG], "too long"),
    (["meeting", "edit", "1", "--commune", "a\nb\x1b[31m"], "control characters"),
    (["meeting", "edit", "1", "--commune", "Atlantis"], "unknown commune 'Atlantis'"),
    (["meeting", "edit", "1", "--officer", "Nobody"], "--officer"),
    (["meeting", "edit", "1", "--partner", "Nobody\u2028x"], "control characters"),
    (["meeting", "edit", "1", "--partner", "Hygea", "--partner", "Nobody"], "Nobody"),
    (["meeting", "edit", "1", "--partner", "p" * 9_000], "too long"),
    (["meeting", "edit", "1", "--theme", "Nothing"], "Nothing"),
    (["meeting", "edit", "1", "--event-url", "javascript:alert(1)"], "--event-url"),
    (["meeting", "cancel", "1", "--reason", "r" * 9_000], "--reason"),
    (["meeting", "cancel", "1", "--reason", "  "], "--reason"),
    (["meeting", "add", "--commune", "Boussu", "--place", "P", "--address", "A",
      "--start", "2099-01-05 10:00", "--theme", "Nothing"], "Nothing"),
    (["meeting", "add", "--commune", "Boussu", "--place", "P", "--address", "A",
      "--start", "2001-01-05 10:00"], "--start"),
    (["meeting", "add", "--place", "P", "--address", "A", "--start", "2099-01-05 10:00"],
     "--commune"),
]


def _with_db(args: list[str]) -> list[str]:
    return args if "--db" in args else ["--db", "<DB>", *args]


@pytest.mark.parametrize(
    ("args", "needle"), CASES, ids=[f"{i:02d}-{c[0][0].strip('-')}" for i, c in enumerate(CASES)]
)
def test_hostile_command_line_is_refused_in_one_line(world: World, capsys, args, needle):
    argv = world.expand(_with_db(args))
    before = world.snapshot()
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    _assert_refused(code, out, err, needle)
    assert world.snapshot() == before


NOT_UTF8: list[tuple[list[bytes], str]] = [
    ([b"meetings", b"--commune", b"Fram\xe9ries"], "argument 5 is not valid UTF-8 text: Fram\\udce9ries"),
    ([b"register", b"1", b"--name", b"Jo\xff\xfe", b"--consent"], "not valid UTF-8"),
    ([b"--db", b"<WORK>/\xff.sqlite3", b"seed", b"--demo"], "not valid UTF-8"),
    ([b"cancel", b"\xc3("], "not valid UTF-8"),
    ([b"cancel", b"x" * 100_000], "too long"),  # and fast: no quadratic masking on the way
]


@pytest.mark.parametrize(("args", "needle"), NOT_UTF8, ids=range(len(NOT_UTF8)))
def test_bytes_that_are_not_utf8_are_refused_in_one_line(world: World, args, needle):
    """Through a real process: these reach sys.argv as surrogates, as from a shell."""
    work = os.fsencode(world.work)
    argv = [a.replace(b"<WORK>", work) for a in args]
    if b"--db" not in argv:
        argv = [b"--db", os.fsencode(world.db), *argv]
    before = world.snapshot()
    started = time.monotonic()
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"cafepol_tui", *argv],
        capture_output=True,
        timeout=60,
        cwd=world.work,
        env={**os.environ, "CAFEPOL_LANG": "en"},
    )
    assert time.monotonic() - started < 20
    err = result.stderr.decode("utf-8", "replace")
    _assert_refused(result.returncode, result.stdout.decode(), err, needle)
    assert world.snapshot() == before


def test_commands_that_create_a_database_still_do_so_in_an_existing_folder(
    world: World, capsys
) -> None:
    """Only the file itself, only for seed / run / set-pin / serve; the default place is made."""
    fresh = world.work / "fresh.sqlite3"
    with time_machine.travel(FIXED_NOW, tick=False):
        assert main(["--db", str(fresh), "seed", "--demo"]) == 0
    assert fresh.is_file()
    assert main(["--db", str(world.work / "pins.sqlite3"), "set-pin", "--name", "Greffe"]) == 0
    capsys.readouterr()
    default = world.tmp / "data" / "cafepol" / "cafepol.sqlite3"  # XDG_DATA_HOME
    assert not default.exists()
    with time_machine.travel(FIXED_NOW, tick=False):
        assert main(["seed", "--demo"]) == 0
    assert default.is_file()


def test_output_may_replace_its_own_kind(world: World, capsys) -> None:
    """A previous export, a previous PDF and an empty file are overwritten as before."""
    with time_machine.travel(FIXED_NOW, tick=False):
        assert main(["--db", str(world.db), "export", "json", "--out", "export.json"]) == 0
        assert main(["--db", str(world.db), "export", "json", "--out", "export.json"]) == 0
        assert main(["--db", str(world.db), "export", "csv", "--out", "r.csv"]) == 0
        assert main(["--db", str(world.db), "export", "csv", "--out", "r.csv"]) == 0
        (world.work / "empty.pdf").touch()
        assert main(["--db", str(world.db), "attendance", "1", "--out", "empty.pdf"]) == 0
        assert main(["--db", str(world.db), "attendance", "1", "--out", "empty.pdf"]) == 0
    assert (world.work / "empty.pdf").read_bytes().startswith(b"%PDF-")
    capsys.readouterr()


# --- a small fuzz over the parser: whatever the values, never a traceback nor exit 70 -----

HOSTILE_VALUES = [
    "", " ", "0", "-1", "1", "2", "1" + "0" * 25, "-" + "9" * 40, "1e9", "0x10", "١٢",
    "nan", "2026-02-30", "0001-01-01", "9999-12-31", "2026-13", "0000-00",
    "a\nb", "\x1b[2J", "\x00", "\x9b31m", "\u202eevil", "\ud800", "é" * 300, "x" * 12_000,
    "sqlite:", "sqlite://", "postgresql://", "postgresql://[::1", "postgresql://h:0/x",
    "postgresql://h:70000/d", "mysql://x", "file:x", "missing/dir/x", "a" * 256, "<DB>",
    "<DB>-wal", "<WORK>", "<WORK>/x", "Frameries", "ZZZZZZ", "--", "-", "--help-me",
]
# Only where a file is read, never written: a fuzz run as root once had `backup --out
# /dev/zero` replace the device with a database copy (now refused: see CASES).
READ_ONLY_VALUES = [*HOSTILE_VALUES, "/dev/zero", "/proc/self/mem", "/", "~", "/sys/x"]
COMMAND_SHAPES = [
    ["meetings", "--commune", "V"], ["meetings", "--json"], ["register", "V", "--name", "V"],
    ["register", "1", "--name", "V", "--people", "V", "--consent"],
    ["register", "1", "--name", "X", "--phone", "V", "--email", "V", "--consent"],
    ["cancel", "V"], ["export", "V"], ["export", "csv", "--table", "V"],
    ["export", "json", "--out", "V"], ["stats", "--months", "V"], ["purge", "--as-of", "V"],
    ["flyer", "V", "--copies", "V"], ["flyer", "1", "--layout", "V"], ["programme", "--month", "V"],
    ["slip", "V"], ["attendance", "V", "--out", "V"], ["seed", "--demo", "--meetings", "V",
    "--registrations", "V"], ["backup", "--out", "V"], ["--db", "V", "meetings"],
    ["--config", "R", "stats"], ["--lang", "V", "meetings"], ["copy-db", "--to", "V"],
    ["restore", "R"], ["serve", "--port", "V", "--host", "V"], ["V"], ["V", "V"],
    ["zone", "import", "R"], ["zone", "export", "--out", "V"], ["zone", "V"],
]


def test_bounded_fuzz_of_the_parser_never_crashes(world: World, capsys, monkeypatch) -> None:
    import cafepol_tui.serve as serve

    # serve would start listening if it got that far; restore and copy-db replace databases:
    # fine here, the fuzz only looks at how each command line ends.
    monkeypatch.setattr(serve, "serve", lambda settings, **values: None)
    rng = random.Random(int(os.environ.get("CAFEPOL_FUZZ_SEED", "20261128")))
    seen: dict[int, int] = {}
    started = time.monotonic()
    for _ in range(int(os.environ.get("CAFEPOL_FUZZ_TRIES", "300"))):
        shape = rng.choice(COMMAND_SHAPES)
        argv = [
            rng.choice(HOSTILE_VALUES) if part == "V"
            else rng.choice(READ_ONLY_VALUES) if part == "R"
            else part
            for part in shape
        ]
        if rng.random() < 0.5 and "--db" not in argv:
            argv = ["--db", "<DB>", *argv]
        argv = world.expand(argv)
        try:
            code = main(argv)
        except SystemExit as exc:  # --help and the like
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        assert code in (0, 1, 2) and code != EXIT_UNEXPECTED, (argv[:6], err)
        assert "Traceback" not in err, (argv[:6], err)
        if code == 2 and "usage:" not in err:
            assert len(err.splitlines()) == 1, (argv[:6], err)
        seen[code] = seen.get(code, 0) + 1
    assert seen.get(2, 0) > 100  # most of them are refusals, as they should be
    assert time.monotonic() - started < 120


def test_a_full_disk_leaves_the_old_out_file_whole(tmp_path, monkeypatch) -> None:
    """--out is written beside and renamed over: ENOSPC halfway leaves the old file as it was
    and no temporary file behind."""
    import errno
    import io
    import os

    from cafepol_tui.cli import common

    target = tmp_path / "export.json"
    target.write_bytes(b"the previous export")
    real_fdopen = os.fdopen

    class HalfWritten(io.RawIOBase):
        def __init__(self, fd: int) -> None:
            self.inner = real_fdopen(fd, "wb")

        def write(self, data) -> int:  # type: ignore[override]
            self.inner.write(bytes(data[: len(data) // 2]))
            self.inner.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self) -> None:
            self.inner.close()

    monkeypatch.setattr(common.os, "fdopen", lambda fd, mode: HalfWritten(fd))
    with pytest.raises(common.BadOutputError, match="export.json"):
        common.write_file(target, b"x" * 10_000)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]
