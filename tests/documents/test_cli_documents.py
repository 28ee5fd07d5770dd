"""`cafepol flyer|programme|slip|attendance`: files, exit statuses, and no Textual import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from cafepol_tui.cli import main
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import list_for_meeting
from cafepol_tui.settings import Settings
from tests.documents.pdfcheck import page_sizes_mm, qr_codes


def _run(settings: Settings, *argv: str) -> int:
    return main(["--db", settings.database_url, *argv])


def test_flyer_to_a_file(meeting: MeetingDetail, settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "f.pdf"
    assert (
        _run(
            settings,
            "flyer",
            str(meeting.id),
            "--layout",
            "a4-4up",
            "--copies",
            "9",
            "--out",
            str(out),
        )
        == 0
    )
    pdf = out.read_bytes()
    assert page_sizes_mm(pdf) == [(210, 297)] * 3
    assert qr_codes(pdf) == [meeting.event_url] * 4


def test_without_out_the_pdf_goes_to_the_output_folder(
    meeting: MeetingDetail, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(settings, "attendance", str(meeting.id)) == 0
    line = capsys.readouterr().out.strip()
    path = Path(line.split(" : ", 1)[1])
    assert path.name == f"attendance-{meeting.id}-fr.pdf" and path.read_bytes().startswith(b"%PDF")


def test_slip_and_programme(meeting: MeetingDetail, settings: Settings, tmp_path: Path) -> None:
    registration = list_for_meeting(meeting.id)[0]
    assert (
        _run(
            settings,
            "slip",
            registration.reference.lower(),
            "--format",
            "receipt",
            "--out",
            str(tmp_path / "s.pdf"),
        )
        == 0
    )
    assert page_sizes_mm((tmp_path / "s.pdf").read_bytes())[0][0] == 80
    assert (
        _run(
            settings,
            "programme",
            "--month",
            "2026-12",
            "--commune",
            "Boussu",
            "--out",
            str(tmp_path / "p.pdf"),
        )
        == 0
    )
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["flyer", "9999"], "no meeting with id 9999"),
        (["attendance", "9999"], "no meeting with id 9999"),
        (["slip", "ZZZZZZ"], "no registration with reference"),
        (["flyer", "1", "--layout", "a3"], "invalid choice"),
        (["flyer", "1", "--copies", "0"], "--copies"),
        (["flyer", "1", "--out", "/nonexistent/dir/f.pdf"], "can't write /nonexistent/dir/f.pdf"),
        (["programme", "--month", "2026-13"], "bad month"),
        (["programme", "--month", "2026-12", "--commune", "Mons"], "unknown commune 'Mons'"),
    ],
)
@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_bad_input_is_one_line_and_status_2(
    demo: peewee.Database,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    assert _run(settings, *argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_print_failure_keeps_the_pdf_and_exits_1(
    meeting: MeetingDetail,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert _run(settings, "flyer", str(meeting.id), "--print") == 1
    err = capsys.readouterr().err
    assert "introuvable" in err
    kept = Path(err.split("conservé ici : ", 1)[1].strip())
    assert kept.read_bytes().startswith(b"%PDF")


def test_pdf_commands_do_not_import_textual(
    meeting: MeetingDetail, settings: Settings, tmp_path: Path
) -> None:
    script = (
        "import sys\n"
        "from cafepol_tui.cli import main\n"
        f"code = main(['--db', {settings.database_url!r}, 'flyer', '{meeting.id}', '--out', {str(tmp_path / 'f.pdf')!r}])\n"
        f"code += main(['--db', {settings.database_url!r}, 'attendance', '{meeting.id}', '--out', {str(tmp_path / 'a.pdf')!r}])\n"
        "assert code == 0, code\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'cafepol_tui.ui'))]\n"
        "print('IMPORTED', bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stdout + done.stderr

