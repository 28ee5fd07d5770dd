"""Printing through `lp`: a fake lp that records its arguments, one that fails, and none."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest

from cafepol_tui.documents.printing import deliver, lp_arguments, safe_name
from cafepol_tui.settings import PrintSettings, Settings

PDF = b"%PDF-1.4\n% fake\n"


def _fake_lp(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "lp"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


@pytest.fixture
def print_settings(settings: Settings, tmp_path: Path) -> Settings:
    printing = PrintSettings(
        printer="Accueil_HP", media="A4", copies=2, output_dir=str(tmp_path / "out")
    )
    return dataclasses.replace(settings, printing=printing)


def test_fake_lp_gets_printer_copies_media_and_the_kept_file(
    print_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "args.txt"
    _fake_lp(
        tmp_path / "bin",
        f'printf "%s\\n" "$@" > "{record}"\necho "request id is Accueil_HP-42 (1 file(s))"\n',
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    outcome = deliver(PDF, "slip-ABC123.pdf", print_settings)
    assert outcome.ok and outcome.printed
    assert outcome.job_id == "Accueil_HP-42"
    assert outcome.path == tmp_path / "out" / "slip-ABC123.pdf"
    assert outcome.path.read_bytes() == PDF
    args = record.read_text(encoding="utf-8").splitlines()
    assert args == [
        "-d",
        "Accueil_HP",
        "-n",
        "2",
        "-o",
        "media=A4",
        "-t",
        "slip-ABC123",
        str(outcome.path),
    ]
    assert "Accueil_HP-42" in outcome.message and str(outcome.path) in outcome.message


def test_copies_can_be_overridden(print_settings: Settings) -> None:
    args = lp_arguments(Path("/tmp/x.pdf"), print_settings, copies=1)
    assert args[args.index("-n") + 1] == "1"


def test_failing_lp_keeps_the_pdf_and_says_why(
    print_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_lp(tmp_path / "bin", 'echo "lp: Error - Scheduler is not running." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    outcome = deliver(PDF, "flyer-1-a5.pdf", print_settings)
    assert not outcome.ok and not outcome.printed
    assert outcome.path is not None and outcome.path.read_bytes() == PDF
    assert "Scheduler is not running" in outcome.message
    assert str(outcome.path) in outcome.message
    assert "Impression impossible" in outcome.message


def test_no_lp_at_all(
    print_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    outcome = deliver(PDF, "attendance-3.pdf", print_settings)
    assert not outcome.ok
    assert "introuvable" in outcome.message and str(outcome.path) in outcome.message
    assert outcome.path.read_bytes() == PDF


def test_lp_that_hangs_times_out(
    print_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cafepol_tui.documents.printing as printing

    _fake_lp(tmp_path / "bin", "sleep 5\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(printing, "LP_TIMEOUT_S", 0.5)
    outcome = deliver(PDF, "x.pdf", print_settings)
    assert not outcome.ok and "ne répond pas" in outcome.message
    assert outcome.path.read_bytes() == PDF


def test_without_printing_the_pdf_is_only_saved(print_settings: Settings) -> None:
    outcome = deliver(PDF, "programme-2026-12.pdf", print_settings, print_=False)
    assert outcome.ok and not outcome.printed and outcome.path.read_bytes() == PDF


def test_unwritable_output_folder_falls_back_to_temp(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    bad = dataclasses.replace(settings, printing=PrintSettings(output_dir=str(blocker / "out")))
    outcome = deliver(PDF, "x.pdf", bad, print_=False)
    assert not outcome.ok
    assert outcome.path == tmp_path / "tmp" / "cafepol" / "x.pdf"
    assert str(blocker / "out") in outcome.message and str(outcome.path) in outcome.message


def test_names_cannot_escape_the_folder() -> None:
    assert safe_name("../../etc/passwd") == "passwd.pdf"
    assert safe_name("slip ÉÀ/..") == "document.pdf" or safe_name("slip ÉÀ/..").endswith(".pdf")
    assert safe_name("flyer-1-a5.pdf") == "flyer-1-a5.pdf"
