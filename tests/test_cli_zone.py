"""`cafepol zone import FILE` and `cafepol zone export [--out FILE]`: what they print, the round
trip, and what they refuse (exit status 2, one line, nothing imported, nothing written)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cafepol_tui.cli import main
from cafepol_tui.db.models import Commune, Zone
from cafepol_tui.db.open import open_database
from cafepol_tui.services.zone_file import shipped_zone_file
from tests.test_cli_hostile import World, _assert_refused
from tests.zones import logo_png, photo_jpeg, write_polderland

pytestmark = pytest.mark.usefixtures("english")


def _count(db_path: Path) -> tuple[int, str | None]:
    db = open_database(str(db_path))
    with db.connection_context():
        zone = Zone.get_or_none()
        return Commune.select().count(), zone.name if zone else None


def test_import_creates_the_database_then_finds_nothing_to_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "zone.sqlite3"
    assert main(["--db", str(db), "zone", "import", str(shipped_zone_file())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("zone Zone de Police Boraine imported\n")
    assert "  communes: 5 created\n" in out and "  themes: 6 created\n" in out
    assert main(["--db", str(db), "zone", "import", str(shipped_zone_file())]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert _count(db) == (5, "Zone de Police Boraine")


def test_export_then_import_changes_nothing_logo_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "zone.sqlite3"
    source = write_polderland(tmp_path / "source")
    assert main(["--db", str(db), "zone", "import", str(source)]) == 0
    out = tmp_path / "export" / "zone.toml"
    out.parent.mkdir()
    assert main(["--db", str(db), "zone", "export", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"written {out}" in err and f"written {out.parent / 'polderland.png'}" in err
    assert (out.parent / "polderland.png").read_bytes() == logo_png()
    assert f"written {out.parent / 'peeters.jpg'}" in err  # from photos/ in the source
    assert (out.parent / "peeters.jpg").read_bytes() == photo_jpeg()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# cafepol zone file")
    assert 'phone = "03 210 00 01"' in text  # as people dial it
    assert main(["--db", str(db), "zone", "import", str(out)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    # Again into the same folder: the same logo is there, the previous export is replaced.
    assert main(["--db", str(db), "zone", "export", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text


def test_export_to_standard_output_says_the_logo_stays_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "zone.sqlite3"
    assert main(["--db", str(db), "zone", "import", str(write_polderland(tmp_path))]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "zone", "export"]) == 0
    out, err = capsys.readouterr()
    assert 'name = "Politiezone Polderland"' in out and "logo" not in out
    assert "photo" not in out  # nor the officers' photos
    assert "--out FILE" in err and len(err.splitlines()) == 1


def test_export_never_replaces_another_logo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "zone.sqlite3"
    assert main(["--db", str(db), "zone", "import", str(write_polderland(tmp_path))]) == 0
    (tmp_path / "polderland.png").write_bytes(logo_png((200, 0, 0)))  # a new logo, not imported
    capsys.readouterr()
    code = main(["--db", str(db), "zone", "export", "--out", str(tmp_path / "zone.toml")])
    out, err = capsys.readouterr()
    _assert_refused(code, out, err, "is not the zone's logo")
    assert not (tmp_path / "zone.toml").exists()
    assert (tmp_path / "polderland.png").read_bytes() == logo_png((200, 0, 0))


def test_export_never_replaces_another_photo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "zone.sqlite3"
    assert main(["--db", str(db), "zone", "import", str(write_polderland(tmp_path))]) == 0
    (tmp_path / "peeters.jpg").write_bytes(photo_jpeg((80, 80)))  # another picture
    capsys.readouterr()
    code = main(["--db", str(db), "zone", "export", "--out", str(tmp_path / "zone.toml")])
    out, err = capsys.readouterr()
    _assert_refused(code, out, err, "is not an officer's photo")
    assert not (tmp_path / "zone.toml").exists()
    assert (tmp_path / "peeters.jpg").read_bytes() == photo_jpeg((80, 80))


def test_a_bad_file_imports_nothing_and_creates_no_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_polderland(tmp_path)
    source.write_text(source.read_text().replace('gender = "F"', 'gender = "q"'), "utf-8")
    db = tmp_path / "new.sqlite3"
    code = main(["--db", str(db), "zone", "import", str(source)])
    out, err = capsys.readouterr()
    _assert_refused(code, out, err, "[[officers]] entry 2")
    assert "key 'gender'" in err and not db.exists()
    kept = tmp_path / "kept.sqlite3"
    assert main(["--db", str(kept), "zone", "import", str(shipped_zone_file())]) == 0
    before = kept.read_bytes()
    capsys.readouterr()
    assert main(["--db", str(kept), "zone", "import", str(source)]) == 2
    assert kept.read_bytes() == before and _count(kept) == (5, "Zone de Police Boraine")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    w = World(tmp_path)
    db = open_database(str(w.db))
    with db.connection_context():
        pass
    shutil.copyfile(shipped_zone_file(), w.work / "zone.toml")
    (w.work / "bad.toml").write_bytes("[zone]\nname = 'Liège'\n".encode("latin-1"))
    (w.work / "huge.toml").write_bytes(b"#" * (1024 * 1024 + 10))
    (w.work / "zone-export.toml").write_text("# cafepol zone file\n", encoding="utf-8")
    monkeypatch.chdir(w.work)
    return w


CASES: list[tuple[list[str], str]] = [
    (["zone"], "the following arguments are required: ACTION"),
    (["zone", "import"], "the following arguments are required: FILE"),
    (["zone", "delete"], "invalid choice: 'delete'"),
    (["zone", "import", "<DB>"], "is the database"),
    (["zone", "import", "<DB>-wal"], "is the database"),
    (["zone", "import", "<WORK>/../work/cafepol.sqlite3"], "is the database"),
    (["zone", "import", "<WORK>"], "it is a folder"),
    (["zone", "import", "/dev/zero"], "not a regular file"),
    (["zone", "import", "<WORK>/fifo"], "not a regular file"),
    (["zone", "import", "<WORK>/missing.toml"], "not found"),
    (["zone", "import", "<WORK>/bad.toml"], "is not UTF-8 text"),
    (["zone", "import", "<WORK>/huge.toml"], "is too big"),
    (["zone", "import", "<WORK>/notes.txt"], "is not valid TOML"),
    (["zone", "import", "<WORK>/a\nb\x1b[31m.toml"], "a\\nb\\x1b[31m.toml not found"),
    (["zone", "import", "<WORK>/" + "z" * 300 + ".toml"], "too long"),
    (["zone", "import", ""], "empty file name"),
    (["zone", "export", "--out", "<DB>"], "is the database"),
    (["zone", "export", "--out", "<DB>-shm"], "is the database"),
    (["zone", "export", "--out", "<WORK>/notes.txt"], "is not a previous zone export"),
    (["zone", "export", "--out", "<WORK>/export.json"], "is not a previous zone export"),
    (["zone", "export", "--out", "<WORK>/missing/zone.toml"], "does not exist"),
    (["zone", "export", "--out", "<WORK>"], "it is a folder"),
    (["zone", "export", "--out", "<RO>/zone.toml"], "zone.toml"),
    (["--db", "<WORK>/typo.sqlite3", "zone", "export"], "no database at"),
    (["--db", "<WORK>/typo/x.sqlite3", "zone", "import", "<WORK>/zone.toml"], "does not exist"),
]


@pytest.mark.parametrize(("args", "needle"), CASES, ids=range(len(CASES)))
def test_hostile_zone_command_lines_are_refused_in_one_line(
    world: World, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    argv = world.expand(args if "--db" in args else ["--db", "<DB>", *args])
    before = world.snapshot()
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    _assert_refused(code, out, err, needle)
    assert world.snapshot() == before


def test_a_previous_export_and_an_empty_file_may_be_replaced(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(world.db), "zone", "import", "zone.toml"]) == 0
    (world.work / "empty.toml").touch()
    for name in ("zone-export.toml", "empty.toml"):
        assert main(["--db", str(world.db), "zone", "export", "--out", name]) == 0
        assert (world.work / name).read_text(encoding="utf-8").count("[[communes]]") == 5
    capsys.readouterr()
