"""The CLI contract: names, JSON shapes, and one clear line + exit 2 for any bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import time_machine

from cafepol_tui.cli import main
from tests.conftest import FIXED_NOW


@pytest.fixture
def cli(db_path, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def seeded(cli):
    with time_machine.travel(FIXED_NOW, tick=False):
        assert cli("seed", "--demo")[0] == 0
    return cli


def test_seed_is_idempotent(cli):
    with time_machine.travel(FIXED_NOW, tick=False):
        code, out, _ = cli("seed", "--demo")
        assert code == 0 and out.startswith("seeded ")
        code, out, _ = cli("seed", "--demo")
        assert code == 0 and "nothing added" in out


@time_machine.travel(FIXED_NOW, tick=False)
def test_meetings_json_contract(seeded):
    code, out, _ = seeded("meetings", "--json")
    assert code == 0
    rows = json.loads(out)
    assert 30 <= len(rows) <= 45  # 2-3 a month, five communes, three months
    for key in ("id", "starts_at", "commune", "place", "address", "capacity", "seats_left",
                "status", "event_url"):
        assert key in rows[0]
    assert rows[0]["starts_at"].endswith(("+01:00", "+02:00"))
    assert {r["commune"] for r in rows} == {"Boussu", "Colfontaine", "Frameries", "Quaregnon",
                                             "Saint-Ghislain"}
    assert any(r["status"] == "cancelled" for r in rows)
    assert any(r["seats_left"] == 0 for r in rows)
    starts = [r["starts_at"] for r in rows]
    assert starts == sorted(starts)
    code, out, _ = seeded("meetings", "--json", "--commune", "quaregnon")
    assert {r["commune"] for r in json.loads(out)} == {"Quaregnon"}


@time_machine.travel(FIXED_NOW, tick=False)
def test_register_cancel_and_export(seeded, tmp_path):
    meeting = json.loads(seeded("meetings", "--json")[1])[0]
    code, out, _ = seeded("register", str(meeting["id"]), "--name", "Jean Dupont", "--people", "2",
                          "--phone", "065 12 34 56", "--topic", "Vitesse rue Ferrer", "--consent")
    assert code == 0
    reference, status = out.split()[:2]
    assert status == "confirmed"
    out_file = tmp_path / "export.json"
    assert seeded("export", "json", "--out", str(out_file))[0] == 0
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert set(data) >= {"meetings", "registrations"}
    mine = [r for r in data["registrations"] if r["reference"] == reference]
    assert mine and mine[0]["meeting_id"] == meeting["id"] and mine[0]["people"] == 2
    assert mine[0]["name"] == "Jean Dupont" and mine[0]["status"] == "confirmed"
    code, out, _ = seeded("cancel", reference)
    assert code == 0 and out.startswith(f"{reference} cancelled")
    code, out, _ = seeded("export", "csv")
    assert out.startswith("\ufeffmeeting_id,reference,name,people,status")


@time_machine.travel(FIXED_NOW, tick=False)
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["register", "9999", "--name", "X", "--consent"], "no meeting with id 9999"),
        (["register", "1", "--name", "X", "--phone", "12", "--consent"], "--phone:"),
        (["register", "1", "--name", "X"], "--consent:"),
        (["register", "1", "--name", "X", "--people", "9", "--consent"], "--people:"),
        (["register", "1", "--name", "X", "--email", "nope", "--consent"], "--email:"),
        (["cancel", "ZZZZZZ"], "No registration has the code"),
        (["meetings", "--commune", "Mons"], "unknown commune 'Mons'"),
        (["export", "json", "--out", "/nonexistent/dir/x.json"], "can't write"),
        (["export", "pdf"], "invalid choice"),
        (["register", "abc", "--name", "X"], "invalid int value"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(seeded, args, needle):
    code, out, err = seeded(*args)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_input_changes_nothing(seeded):
    before = seeded("export", "json")[1]
    with time_machine.travel(FIXED_NOW, tick=False):
        seeded("register", "1", "--name", "X", "--phone", "12", "--consent")
    assert seeded("export", "json")[1] == before


def test_bad_config_and_unreachable_database(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[kiosk]\nidle_timeout_s = 'x'\n", encoding="utf-8")
    assert main(["--config", str(bad), "meetings"]) == 2
    assert "kiosk.idle_timeout_s" in capsys.readouterr().err
    assert main(["--config", str(tmp_path / "missing.toml"), "meetings"]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["--db", "postgresql://nobody@127.0.0.1:1/none", "meetings"]) == 2
    assert "database unreachable" in capsys.readouterr().err
    assert main(["--db", "mysql://x/y", "meetings"]) == 2
    assert "unsupported database URL" in capsys.readouterr().err


def test_set_pin_from_stdin(db_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("12\n"))
    assert main(["--db", str(db_path), "set-pin"]) == 2
    assert "4 to 12 digits" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("482913\n"))
    assert main(["--db", str(db_path), "set-pin", "--name", "Greffe"]) == 0
    assert "PIN set for Greffe" in capsys.readouterr().out


def test_module_entry_point_and_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cafepol_tui", "--db", str(tmp_path / "x.db"), "cancel", "AB"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# Wording checked in the English source; French output: tests/test_languages.py.
pytestmark = pytest.mark.usefixtures("english")


def test_the_launcher_holds_the_collector_back_only_while_loading(monkeypatch) -> None:
    import gc

    from cafepol_tui import __main__ as launcher

    seen: list[bool] = []
    monkeypatch.setattr("cafepol_tui.cli.main", lambda: seen.append(gc.isenabled()) or 3)
    assert launcher.main() == 3
    assert seen == [False] and gc.isenabled()
