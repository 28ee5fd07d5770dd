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
from cafepol_tui.services.document_files import fallback_dir
from cafepol_tui.settings import Settings

_ = translator("texts")

LP_TIMEOUT_S = 30
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
    path: Path, settings: Settings, copies: int | None = None, title: str = ""
) -> list[str]:
    """The `lp` command line: printer (-d), copies (-n), media (-o media=…), title (-t)."""
    p = settings.printing
    command = shlex.split(p.lp_command or "lp")
    if p.printer:
        command += ["-d", p.printer]
    command += ["-n", str(copies if copies is not None else p.copies)]
    if p.media:
        command += ["-o", f"media={p.media}"]
    if title:
        command += ["-t", title]
    return [*command, str(path.resolve())]  # absolute: a name can't be taken for an option


def deliver(
    pdf: bytes,
    name: str,
    settings: Settings,
    print_: bool = True,
    *,
    copies: int | None = None,
) -> PrintOutcome:
    """Keep `pdf` as `name` in the output folder and, if `print_`, send it to the printer.

    Never raises for a printing or disk problem: the outcome carries it. Safe to call from
    a worker thread (no UI, no shared state).
    """
    path, problem = _keep(pdf, name, settings)
    if path is None:
        return PrintOutcome(False, None, _("Échec : {problem}.").format(problem=problem))
    kept = _("Le PDF est conservé ici : {path}").format(path=path)
    if problem:
        kept = _("Attention : {problem}. {kept}").format(problem=problem, kept=kept)
    if not print_:
        saved = _("PDF enregistré : {path}").format(path=path)
        return PrintOutcome(not problem, path, saved if not problem else kept)

    argv = lp_arguments(path, settings, copies, title=Path(name).stem)
    printer = settings.printing.printer or _("par défaut")
    if shutil.which(argv[0]) is None:
        return PrintOutcome(
            False,
            path,
            _(
                "Impression impossible : la commande « {command} » est introuvable "
                "(CUPS n'est pas installé sur ce poste ?). {kept}"
            ).format(command=argv[0], kept=kept),
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
