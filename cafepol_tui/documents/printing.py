"""Keep the PDF, then send it to CUPS with `lp`. A print job is never lost silently.

The file is written to the configured output folder first, whatever happens next; if `lp`
is missing, the printer unknown, CUPS down or the command fails, the outcome says so in a
sentence for the person at the counter and gives the path of the kept PDF.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cafepol_tui.i18n import translator
from cafepol_tui.services.document_files import document_kind, fallback_dir
from cafepol_tui.settings import PrintSettings, Settings

_ = translator("texts")

LP_TIMEOUT_S = 30
LPSTAT_TIMEOUT_S = 10
_JOB_ID = re.compile(r"request id is (\S+)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class PrintOutcome:
    """What happened. `message` is for a person, in the language current when `deliver` ran;
    `path` is the kept PDF (None if even that failed)."""

    ok: bool
    path: Path | None
    message: str
    job_id: str | None = None
    printed: bool = False


def safe_name(name: str) -> str:
    """A file name without folders or odd characters; always ends in .pdf."""
    stem = _UNSAFE.sub("-", Path(name).name).strip("-.") or "document"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


def save_pdf(pdf: bytes, name: str, folder: Path) -> Path:
    """Write atomically (temp file + rename): a reader never sees half a PDF.

    The file is readable by its owner only (mkstemp's 0600), and so is a folder created here.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / safe_name(name)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _keep(pdf: bytes, name: str, settings: Settings) -> tuple[Path | None, str]:
    """Save in the output folder, or in the temporary folder if that one can't be written."""
    try:
        return save_pdf(pdf, name, settings.output_dir), ""
    except OSError as exc:
        problem = _("le dossier {folder} n'est pas accessible ({error})").format(
            folder=settings.output_dir, error=exc.strerror
        )
    try:
        return save_pdf(pdf, name, fallback_dir()), problem
    except OSError as exc:
        return None, _("{problem} et le PDF n'a pu être enregistré nulle part ({error})").format(
            problem=problem, error=exc.strerror
        )


def lp_arguments(
    path: Path,
    settings: Settings,
    copies: int | None = None,
    title: str = "",
    *,
    printing: PrintSettings | None = None,
) -> list[str]:
    """The `lp` command line: printer (-d), copies (-n), media (-o media=…), title (-t).

    `printing`: the settings for this kind of document (`PrintSettings.for_document`).
    """
    p = printing or settings.printing
    command = shlex.split(p.lp_command or "lp")
    if p.printer:
        command += ["-d", p.printer]
    command += ["-n", str(copies if copies is not None else p.copies)]
    if p.media:
        command += ["-o", f"media={p.media}"]
    if title:
        command += ["-t", title]
    return [*command, str(path.resolve())]  # absolute: a name can't be taken for an option


@dataclass(frozen=True)
class QueueState:
    """What `lpstat` says of a queue: `problem` is a sentence for the counter ('' when fine)."""

    problem: str = ""
    paused: bool = False
    rejecting: bool = False
    cups_down: bool = False


def _lpstat(lp_command: str, *args: str) -> subprocess.CompletedProcess[str] | None:
    """`lpstat` next to the configured `lp`, in the C locale (its words are parsed)."""
    lp = shutil.which(shlex.split(lp_command or "lp")[0])
    lpstat = str(Path(lp).with_name("lpstat")) if lp else "lpstat"
    if shutil.which(lpstat) is None:
        return None
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        return subprocess.run(
            [lpstat, *args],
            capture_output=True,
            text=True,
            timeout=LPSTAT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def _reason(output: str) -> str:
    """The reason CUPS gives on the lines under « printer X disabled since … - »."""
    lines = [line.strip() for line in output.splitlines()[1:] if line.strip()]
    lines = [line for line in lines if not line.lower().startswith(("form mounted", "content types",
                                                                     "printer types", "description",
                                                                     "alerts", "location",
                                                                     "connection", "interface",
                                                                     "on fault", "after fault",
                                                                     "users allowed", "forms allowed",
                                                                     "banner", "charset", "default",
                                                                     "(none)", "-"))]
    return lines[0].rstrip(". ") if lines else ""


def queue_state(printer: str, lp_command: str = "lp") -> QueueState:
    """Is CUPS running, is the queue (or the default one) paused or refusing jobs?

    Without `lpstat` (another `lp` command, no CUPS client) nothing is known: no problem said.
    """
    done = _lpstat(lp_command, "-r")
    if done is None:
        return QueueState()
    if "not running" in (done.stdout + done.stderr):
        return QueueState(
            _("CUPS ne tourne pas sur ce poste (service « cups » arrêté)"), cups_down=True
        )
    if not printer:
        default = _lpstat(lp_command, "-d")
        match = re.search(r"destination: (\S+)", default.stdout) if default else None
        if match is None:
            return QueueState()
        printer = match.group(1)
    accepting = _lpstat(lp_command, "-a", printer)
    if accepting is not None and "not accepting" in accepting.stdout:
        reason = _reason(accepting.stdout) or _("sans raison donnée")
        return QueueState(
            _("l'imprimante {printer} refuse les documents ({reason})").format(
                printer=printer, reason=reason
            ),
            rejecting=True,
        )
    status = _lpstat(lp_command, "-p", printer)
    if status is not None and re.search(r"^printer \S+ disabled", status.stdout, re.M):
        reason = _reason(status.stdout) or _("sans raison donnée")
        return QueueState(
            _("l'imprimante {printer} est en pause ({reason})").format(
                printer=printer, reason=reason
            ),
            paused=True,
        )
    return QueueState()


def deliver(
    pdf: bytes,
    name: str,
    settings: Settings,
    print_: bool = True,
    *,
    copies: int | None = None,
    document: str | None = None,
) -> PrintOutcome:
    """Keep `pdf` as `name` in the output folder and, if `print_`, send it to the printer.

    The printer, media and copies are those of `[printing.KIND]` for `document` (by default
    the kind read from `name`: « slip-… » goes to `[printing.slip]`). The queue is asked
    first (`lpstat`): CUPS stopped, a queue refusing jobs or paused is said as such, and
    asked again after the job is queued. Never raises for a printing or disk problem: the
    outcome carries it. Safe to call from a worker thread (no UI, no shared state).
    """
    printing = settings.printing.for_document(
        document if document is not None else document_kind(name)
    )
    path, problem = _keep(pdf, name, settings)
    if path is None:
        return PrintOutcome(False, None, _("Échec : {problem}.").format(problem=problem))
    kept = _("Le PDF est conservé ici : {path}").format(path=path)
    if problem:
        kept = _("Attention : {problem}. {kept}").format(problem=problem, kept=kept)
    if not print_:
        saved = _("PDF enregistré : {path}").format(path=path)
        return PrintOutcome(not problem, path, saved if not problem else kept)

    argv = lp_arguments(path, settings, copies, title=Path(name).stem, printing=printing)
    printer = printing.printer or _("par défaut")
    if shutil.which(argv[0]) is None:
        return PrintOutcome(
            False,
            path,
            _(
                "Impression impossible : la commande « {command} » est introuvable "
                "(CUPS n'est pas installé sur ce poste ?). {kept}"
            ).format(command=argv[0], kept=kept),
        )
    before = queue_state(printing.printer, printing.lp_command)
    if before.cups_down or before.rejecting:
        return PrintOutcome(
            False,
            path,
            _("Impression impossible : {problem}. {kept}").format(
                problem=before.problem, kept=kept
            ),
        )
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=LP_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return PrintOutcome(
            False,
            path,
            _(
                "Impression impossible : l'imprimante {printer} ne répond pas "
                "après {seconds} secondes (CUPS arrêté ?). {kept}"
            ).format(printer=printer, seconds=LP_TIMEOUT_S, kept=kept),
        )
    except OSError as exc:
        return PrintOutcome(
            False,
            path,
            _("Impression impossible : {error}. {kept}").format(error=exc.strerror or exc, kept=kept),
        )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        reason = (
            detail[0].rstrip(". ")
            if detail
            else _("code de sortie {code}").format(code=done.returncode)
        )
        return PrintOutcome(
            False,
            path,
            _("Impression impossible sur l'imprimante {printer} : {reason}. {kept}").format(
                printer=printer, reason=reason, kept=kept
            ),
        )
    match = _JOB_ID.search(done.stdout)
    job = match.group(1) if match else None
    after = before if before.paused else queue_state(printing.printer, printing.lp_command)
    if after.paused or after.rejecting or after.cups_down:
        waiting = (
            _("Document en attente (tâche {job}) : {problem} ; il sortira quand elle sera "
              "relancée. Copie PDF : {path}")
            if job
            else _("Document en attente : {problem} ; il sortira quand elle sera relancée. "
                   "Copie PDF : {path}")
        )
        return PrintOutcome(
            False, path, waiting.format(job=job, problem=after.problem, path=path), job_id=job
        )
    sent = (
        _("Document envoyé à l'imprimante {printer} (tâche {job}). Copie PDF : {path}")
        if job
        else _("Document envoyé à l'imprimante {printer}. Copie PDF : {path}")
    )
    return PrintOutcome(
        True,
        path,
        sent.format(printer=printer, job=job, path=path),
        job_id=job,
        printed=True,
    )
