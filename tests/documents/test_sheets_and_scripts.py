"""The attendance sheet for a pen, slips that say what they are, every script, honest printing.

The printing tests run a private CUPS scheduler (cupsd on a socket in a temporary folder,
queues made with lpadmin: cups-pdf, and file:/dev/null where a job must go through).
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import peewee
import pytest
from pypdf import PdfReader

from cafepol_tui.documents.attendance import render_attendance
from cafepol_tui.documents.printing import deliver, queue_state
from cafepol_tui.documents.slip import render_slip
from cafepol_tui.documents.texts import plural
from cafepol_tui.i18n import language
from cafepol_tui.services import document_files as names
from cafepol_tui.services.document_files import expired_documents
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import RegistrationView
from cafepol_tui.services.validation import ValidationError, clean_name, clean_text
from cafepol_tui.settings import DocumentPrinter, PrintSettings, Settings, load_settings
from tests.documents.conftest import CREATED
from tests.documents.pdfcheck import flat, pdf_text

SCRIPTS = {
    "chinese": "王小明",
    "japanese": "田中さくら",
    "korean": "김민준",
    "devanagari": "प्रिया शर्मा",
    "cyrillic": "Ольга Иванова",
    "greek": "Ελένη Παπαδοπούλου",
    "arabic": "فاطمة الزهراء",
    "hebrew": "שרה כהן",
    "emoji": "Anna ☕😀🚲",
}


def _reg(i: int, name: str, status: str = "confirmed", **changes: object) -> RegistrationView:
    base = RegistrationView(
        id=i,
        reference=f"R{i:05d}",
        meeting_id=1,
        name=name,
        people=1,
        phone="+32470123456",
        email="",
        topic="",
        status=status,
        waitlist_rank=i if status == "waitlisted" else None,
        channel="counter",
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    return dataclasses.replace(base, **changes)


def _pypdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _title(pdf: bytes) -> str:
    meta = PdfReader(io.BytesIO(pdf)).metadata
    return str(meta.title if meta else "")


# --- attendance sheet ---------------------------------------------------------------------


def test_sheet_is_alphabetical_with_walk_in_rows_and_notes(
    meeting: MeetingDetail, settings: Settings
) -> None:
    regs = [_reg(1, "Zoé Martin"), _reg(2, "émile Dubois"), _reg(3, "Bernard Lenoir")]
    text = flat(pdf_text(render_attendance(meeting, regs, settings, creation_date=CREATED))[0])
    assert text.index("Bernard Lenoir") < text.index("émile Dubois") < text.index("Zoé Martin")
    assert "Notes" in text
    walk_ins = text[text.index("Venus sans inscription") :]
    assert all(f"{n}." in walk_ins for n in range(1, 9))


def test_sheet_header_and_confidential_foot_on_every_page(
    meeting: MeetingDetail, settings: Settings
) -> None:
    regs = [_reg(i, f"Personne {i:02d}") for i in range(60)]
    pages = [
        flat(p) for p in pdf_text(render_attendance(meeting, regs, settings, creation_date=CREATED))
    ]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Liste de présence" in page, number
        assert meeting.place in page and "Mercredi 2 décembre 2026" in page, number
        assert "Confidentiel — à détruire après la rencontre" in page, number
        assert f"Page {number}/{len(pages)}" in page
    assert "Nom" in pages[1] and "Notes" in pages[1]  # the column heads again
    assert all(f"Personne {i:02d}" in " ".join(pages) for i in range(60))


def test_sheet_says_present_and_absent_as_checked_in(
    meeting: MeetingDetail, settings: Settings
) -> None:
    regs = [
        _reg(1, "Alice Venue", "attended"),
        _reg(2, "Bruno Absent", "no_show"),
        _reg(3, "Chloé Attendue", "confirmed"),
    ]
    lines = pdf_text(render_attendance(meeting, regs, settings, creation_date=CREATED))[0]
    rows = {
        name: next(line for line in lines.splitlines() if name in line)
        for name in ("Alice Venue", "Bruno Absent", "Chloé Attendue")
    }
    assert "présent" in rows["Alice Venue"]
    assert "absent" in rows["Bruno Absent"] and "inscrit" not in rows["Bruno Absent"]
    assert "inscrit" in rows["Chloé Attendue"]


def test_phones_only_when_asked(meeting: MeetingDetail, settings: Settings) -> None:
    regs = [_reg(1, "Alice Venue")]
    without = flat(pdf_text(render_attendance(meeting, regs, settings, creation_date=CREATED))[0])
    with_phones = flat(
        pdf_text(render_attendance(meeting, regs, settings, creation_date=CREATED, phones=True))[0]
    )
    assert "0470 12 34 56" not in without and "Téléphone" not in without
    assert "0470 12 34 56" in with_phones and "Téléphone" in with_phones


def test_cancelled_meeting_sheet_says_annulee(meeting: MeetingDetail, settings: Settings) -> None:
    cancelled = dataclasses.replace(meeting, status="cancelled", cancel_reason="Agent malade")
    pdf = render_attendance(cancelled, [_reg(1, "Alice Venue")], settings, creation_date=CREATED)
    text = flat(pdf_text(pdf)[0])
    assert "ANNULÉE" in text and "Motif : Agent malade" in text
    assert "Venus sans inscription" not in text  # nobody is expected to walk in
    assert "ANNULÉE" in _title(pdf)


@pytest.mark.parametrize(
    ("lang", "one", "none"),
    [
        ("fr", "1 inscription, 1 personne", "0 inscription, 0 personne"),
    ],
)
def test_sheet_counts_in_words(
    meeting: MeetingDetail, settings: Settings, lang: str, one: str, none: str
) -> None:
    single = render_attendance(
        meeting, [_reg(1, "Alice")], settings, lang=lang, creation_date=CREATED
    )
    empty = render_attendance(meeting, [], settings, lang=lang, creation_date=CREATED)
    assert one in flat(pdf_text(single)[0])
    assert none in flat(pdf_text(empty)[0])
    two = render_attendance(
        meeting, [_reg(1, "A", people=2), _reg(2, "B")], settings, lang=lang, creation_date=CREATED
    )
    assert "2 inscriptions, 3 personnes" in flat(pdf_text(two)[0])


@pytest.mark.parametrize("lang", ["nl", "de", "en"])
def test_plural_forms_follow_the_language_rule(lang: str) -> None:
    """nl, de and en: singular for 1 only (their catalogs' rule); French counts 0 as one."""
    with language(lang):
        one = plural("{n} inscription", "{n} inscriptions", 1)
        zero = plural("{n} inscription", "{n} inscriptions", 0)
        two = plural("{n} inscription", "{n} inscriptions", 2)
    assert one.startswith("1 ") and zero.startswith("0 ") and two.startswith("2 ")
    assert one != two and zero.split(" ", 1)[1] == two.split(" ", 1)[1]
    with language("fr"):
        assert plural("{n} inscription", "{n} inscriptions", 0) == "0 inscription"


# --- slips --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["a6", "receipt"])
def test_slips_say_what_they_are(meeting: MeetingDetail, settings: Settings, fmt: str) -> None:
    waiting = render_slip(
        _reg(3, "Alice", "waitlisted", waitlist_rank=2),
        meeting,
        settings,
        fmt,
        creation_date=CREATED,
    )
    cancelled = render_slip(
        _reg(4, "Alice", "cancelled"), meeting, settings, fmt, creation_date=CREATED
    )
    confirmed = render_slip(_reg(5, "Alice"), meeting, settings, fmt, creation_date=CREATED)
    assert "Liste d'attente — position 2" in flat(pdf_text(waiting)[0])
    assert _title(waiting).startswith("Liste d'attente — position 2")
    assert "Pour quitter la liste d'attente" in flat(pdf_text(waiting)[0])
    text = flat(pdf_text(cancelled)[0])
    assert "Inscription annulée" in text and "ne réserve aucune place" in text
    assert "Pour annuler" not in text
    assert _title(cancelled).startswith("Inscription annulée")
    assert _title(confirmed).startswith("Confirmation d'inscription")


def test_slip_without_any_page_carries_no_staff_note(
    meeting: MeetingDetail, settings: Settings
) -> None:
    bare = dataclasses.replace(meeting, event_url="")
    pdf = render_slip(
        _reg(1, "Alice"),
        bare,
        dataclasses.replace(settings, zone_page_url=""),
        creation_date=CREATED,
    )
    text = flat(pdf_text(pdf)[0])
    assert "pas de page en ligne" not in text and "Votre code" in text


# --- scripts ------------------------------------------------------------------------------


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_script_reads_back_from_slip_and_sheet(
    meeting: MeetingDetail, settings: Settings, script: str
) -> None:
    name = SCRIPTS[script]
    registration = _reg(1, name, topic=f"Sujet : {name}")
    place = dataclasses.replace(meeting, place=f"Salle {name}")
    slip = render_slip(registration, place, settings, creation_date=CREATED)
    sheet = render_attendance(place, [registration], settings, creation_date=CREATED)
    for pdf in (slip, sheet):
        text = " ".join(_pypdf_text(pdf))
        assert "\ufffd" not in text
        if script not in ("arabic", "hebrew", "devanagari"):
            # Shaped scripts come back in visual order or as ligatures: no « � » is the test.
            assert name in text, (script, text[:200])


def test_text_no_font_can_draw_is_refused_at_entry() -> None:
    hieroglyph = "Ramsès \U00013000"
    with pytest.raises(ValidationError) as caught:
        clean_name(hieroglyph)
    assert "U+13000" in caught.value.errors["name"]
    with pytest.raises(ValidationError) as caught:
        clean_text(f"Salle {hieroglyph}", "place", 160)
    assert "place" in caught.value.errors
    for name in SCRIPTS.values():
        assert clean_name(name) == name
    assert clean_name("Bob 👍🏽") == "Bob 👍🏽"  # a skin tone is drawn as the plain sign


# --- file names and the purge ------------------------------------------------------------


def test_kept_names_carry_language_and_layout() -> None:
    assert names.flyer_name(12, "a5", "nl") != names.flyer_name(12, "a5", "fr")
    assert names.flyer_name(12, "a5", "nl") == "flyer-12-a5-nl.pdf"
    assert names.slip_name("ABC234", "de", "receipt") == "slip-ABC234-de-receipt.pdf"
    assert names.personal_reference("slip-ABC234-de-receipt.pdf") == "ABC234"
    assert names.personal_reference("confirmation-ABC234-fr-a6.pdf") == "ABC234"
    assert names.personal_meeting(names.attendance_name(7, "en")) == 7
    assert names.personal_meeting("attendance-7.pdf") == 7  # the old names too
    assert names.document_kind("confirmation-ABC234-fr-a6.pdf") == "slip"


def test_purge_deletes_kept_slips_and_sheets_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    kept = {
        names.slip_name("GONE22", "nl", "a6"): True,
        names.confirmation_name("GONE22", "fr", "receipt"): True,
        names.attendance_name(7, "de"): True,
        "warnlist-7.pdf": False,  # young: only age removes it
        names.slip_name("LIVE33", "fr", "a6"): False,
        names.flyer_name(7, "a5", "nl"): False,
    }
    future = time.time() + 86_400
    for name in kept:
        (folder / name).write_bytes(b"%PDF-1.4\n")
        os.utime(folder / name, (future, future))  # not old: the names decide
    expired = expired_documents(
        [folder],
        datetime.now(UTC) - timedelta(days=30),
        expired_references=lambda refs: refs & {"GONE22"},
        ended_meetings=lambda ids: ids & {7},
    )
    assert sorted(p.name for p in expired) == sorted(n for n, gone in kept.items() if gone)
    old = time.time() - 400 * 86_400
    os.utime(folder / "warnlist-7.pdf", (old, old))
    expired = expired_documents(
        [folder],
        datetime.now(UTC) - timedelta(days=30),
        expired_references=lambda refs: set(),
        ended_meetings=lambda ids: set(),
    )
    assert [p.name for p in expired] == ["warnlist-7.pdf"]


def test_purge_everywhere_deletes_kept_documents_of_erased_people(
    demo: peewee.Database, settings: Settings, tmp_path: Path
) -> None:
    from cafepol_tui.services.registrations import list_for_meeting
    from cafepol_tui.services.upkeep import purge_everywhere
    from tests.conftest import FIXED_NOW
    from tests.factories import ADMIN

    out = tmp_path / "kept"
    settings = dataclasses.replace(settings, printing=PrintSettings(output_dir=str(out)))
    from cafepol_tui.services.meetings import list_upcoming

    first = list_upcoming(now=FIXED_NOW)[0]
    registration = next(r for r in list_for_meeting(first.id) if r.status == "confirmed")
    out.mkdir()
    slip = out / names.slip_name(registration.reference, "nl", "a6")
    sheet = out / names.attendance_name(first.id, "fr")
    flyer = out / names.flyer_name(first.id, "a5", "fr")
    for path in (slip, sheet, flyer):
        path.write_bytes(b"%PDF-1.4\n")
    report = purge_everywhere(settings, FIXED_NOW + timedelta(days=800), actor=ADMIN)
    assert slip in report.documents and sheet in report.documents
    assert not slip.exists() and not sheet.exists() and flyer.exists()


# --- printing: settings per document ------------------------------------------------------


def test_printing_tables_per_document(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[printing]\nprinter = "Laser_A4"\nmedia = "A4"\ncopies = 2\n'
        '[printing.slip]\nprinter = "Ticket_80mm"\nmedia = "Custom.80x200mm"\n'
        "[printing.flyer]\ncopies = 1\n",
        encoding="utf-8",
    )
    printing = load_settings(config, environ={}).printing
    slip = printing.for_document("slip")
    assert (slip.printer, slip.media, slip.copies) == ("Ticket_80mm", "Custom.80x200mm", 2)
    flyer = printing.for_document("flyer")
    assert (flyer.printer, flyer.media, flyer.copies) == ("Laser_A4", "A4", 1)
    assert printing.for_document("") == printing


# --- printing: a real CUPS ----------------------------------------------------------------


class Cups:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "cups.sock"
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket), "LC_ALL": "C"}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for sub in ("spool", "cache", "state", "tmp", "log", "ppd"):
            (self.root / sub).mkdir(exist_ok=True)
        (self.root / "cupsd.conf").write_text(
            f"Listen {self.socket}\nLogLevel warn\nWebInterface No\nBrowsing No\n"
            "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order allow,deny\n    Allow all\n  </Limit>\n"
            "</Policy>\n",
            encoding="utf-8",
        )
        r = self.root
        (r / "cups-files.conf").write_text(
            f"ServerRoot {r}\nRequestRoot {r}/spool\nCacheDir {r}/cache\nStateDir {r}/state\n"
            f"TempDir {r}/tmp\nErrorLog {r}/log/error_log\nAccessLog {r}/log/access_log\n"
            f"PageLog {r}/log/page_log\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n"
            "User lp\nGroup lp\nSystemGroup root\nSandboxing Relaxed\nFileDevice Yes\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(r / "cupsd.conf"), "-s", str(r / "cups-files.conf")]
        )
        deadline = time.monotonic() + 20
        while not self.running():
            assert self.process.poll() is None, "cupsd stopped"
            assert time.monotonic() < deadline, "cupsd did not start"
            time.sleep(0.05)

    def running(self) -> bool:
        return self.run("lpstat", "-r", check=False).stdout.startswith("scheduler is running")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, check=check)

    def queue(self, name: str, device: str) -> None:
        args = ["lpadmin", "-p", name, "-E", "-v", device]
        if device.startswith("cups-pdf"):
            args += ["-P", "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"]
        else:
            args += ["-m", "raw"]
        self.run(*args)


@pytest.fixture
def cups(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cups]:
    if not (shutil.which("cupsd") and shutil.which("lpadmin") and shutil.which("lp")):
        pytest.skip("CUPS is not installed (.ci/run installs cups and printer-driver-cups-pdf)")
    if not Path("/usr/lib/cups/backend/cups-pdf").exists():
        pytest.skip("cups-pdf is not installed")
    # A short folder: a Unix socket's path has a length limit that pytest's tmp_path can pass.
    root = Path(tempfile.mkdtemp(prefix="cups", dir="/tmp"))
    root.chmod(0o755)
    server = Cups(root)
    try:
        server.start()
        monkeypatch.setenv("CUPS_SERVER", str(server.socket))
        monkeypatch.setenv("LC_ALL", "C")
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _print_settings(settings: Settings, tmp_path: Path) -> Settings:
    printing = PrintSettings(
        printer="Laser",
        output_dir=str(tmp_path / "out"),
        slip=DocumentPrinter(printer="Ticket"),
    )
    return dataclasses.replace(settings, printing=printing)


def test_each_document_goes_to_its_printer(cups: Cups, settings: Settings, tmp_path: Path) -> None:
    cups.queue("Laser", "file:///dev/null")
    cups.queue("Ticket", "file:///dev/null")
    settings = _print_settings(settings, tmp_path)
    pdf = Path("/dev/null").read_bytes() or b"%PDF-1.4\n%%EOF\n"
    slip = deliver(pdf, names.confirmation_name("ABC234", "fr", "receipt"), settings)
    flyer = deliver(pdf, names.flyer_name(7, "a5", "fr"), settings)
    assert slip.printed and slip.job_id and slip.job_id.startswith("Ticket-"), slip.message
    assert flyer.printed and flyer.job_id and flyer.job_id.startswith("Laser-"), flyer.message
    assert "Ticket" in slip.message and "Laser" in flyer.message


def test_paused_queue_is_reported_as_paused(cups: Cups, settings: Settings, tmp_path: Path) -> None:
    cups.queue("Ticket", "cups-pdf:/")
    cups.queue("Laser", "cups-pdf:/")
    cups.run("cupsdisable", "-r", "Papier coincé", "Ticket")
    settings = _print_settings(settings, tmp_path)
    state = queue_state("Ticket")
    assert state.paused and "Papier coincé" in state.problem
    outcome = deliver(b"%PDF-1.4\n%%EOF\n", names.slip_name("ABC234", "fr", "a6"), settings)
    assert not outcome.ok and not outcome.printed
    assert "en pause" in outcome.message and "Papier coincé" in outcome.message
    assert "Document envoyé" not in outcome.message
    assert outcome.job_id and outcome.job_id.startswith("Ticket-")
    # The job waits in the queue: CUPS lists it as not completed.
    assert outcome.job_id in cups.run("lpstat", "-o", "Ticket").stdout
    assert outcome.path is not None and outcome.path.is_file()


def test_rejecting_queue_gets_no_job(cups: Cups, settings: Settings, tmp_path: Path) -> None:
    cups.queue("Ticket", "cups-pdf:/")
    cups.run("cupsreject", "-r", "Toner vide", "Ticket")
    settings = _print_settings(settings, tmp_path)
    outcome = deliver(b"%PDF-1.4\n%%EOF\n", names.slip_name("ABC234", "fr", "a6"), settings)
    assert not outcome.ok and outcome.job_id is None
    assert "refuse" in outcome.message and "Toner vide" in outcome.message
    assert cups.run("lpstat", "-o", check=False).stdout == ""


def test_cups_not_running_is_said(cups: Cups, settings: Settings, tmp_path: Path) -> None:
    cups.queue("Ticket", "cups-pdf:/")
    cups.stop()
    settings = _print_settings(settings, tmp_path)
    outcome = deliver(b"%PDF-1.4\n%%EOF\n", names.slip_name("ABC234", "fr", "a6"), settings)
    assert not outcome.ok and "CUPS ne tourne pas" in outcome.message
    assert outcome.path is not None and outcome.path.is_file()
