"""Print from the staff console: a meeting's flyers and attendance sheet, the month's programme.

Rendering and printing run in a worker thread with a progress bar (500 flyers take a couple of
seconds); the outcome says where the PDF is kept, printed or not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Select, Static

from cafepol_tui.i18n import LANGUAGES, N_, current_language, translator
from cafepol_tui.services import document_files as names
from cafepol_tui.services.permissions import (
    NOBODY,
    Actor,
    Permission,
    PermissionRefusedError,
    require,
)
from cafepol_tui.ui.screens.base import ReportsWorkerErrors
from cafepol_tui.ui.screens.staff.base import TranslatedBindings

if TYPE_CHECKING:
    from cafepol_tui.documents.printing import PrintOutcome
    from cafepol_tui.ui.app import CafePolApp

_ = translator("staff")
log = logging.getLogger("cafepol.ui.print")

FLYER = "flyer"
ATTENDANCE = "attendance"
PROGRAMME = "programme"
LAYOUTS = (("A5", "a5"), ("2 × A5 / A4", "a4-2up"), ("4 × A6 / A4", "a4-4up"))


def next_month(today: date) -> str:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


class PrintDialog(ReportsWorkerErrors, TranslatedBindings, ModalScreen[None]):
    """Options, then « Préparer »: render off the UI thread, show progress, then the outcome."""

    BINDINGS = [Binding("escape", "close", N_("Fermer"), id="print-close")]

    def __init__(self, kiosk: CafePolApp, kind: str, meeting_id: int | None = None) -> None:
        super().__init__(classes="staff-dialog")
        self.kiosk = kiosk
        self.kind = kind
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        titles = {
            FLYER: _("Affiches pour la distribution en boîtes aux lettres"),
            ATTENDANCE: _("Feuille de présence pour l'agent"),
            PROGRAMME: _("Programme du mois (affiche A4)"),
        }
        with Vertical(id="form-dialog"):
            yield Static(titles[self.kind], id="form-title")
            if self.kind == FLYER:
                yield Label(_("Mise en page"))
                yield Select(LAYOUTS, value="a4-2up", allow_blank=False, id="layout")  # flyer.MAILBOX_LAYOUT
                yield Label(_("Nombre d'affiches"))
                yield Input("100", id="copies", restrict=r"[0-9]*", max_length=5)
            if self.kind == PROGRAMME:
                yield Label(_("Mois (AAAA-MM)"))
                yield Input(next_month(date.today()), id="month", max_length=7)
                yield Label(_("Commune"))
                communes = [(name, name) for name in self.kiosk.settings.communes]
                yield Select([(_("Toute la zone"), ""), *communes], value="",
                             allow_blank=False, id="commune")
            if self.kind == ATTENDANCE:
                yield Checkbox(_("Imprimer les numéros de téléphone"), value=False, id="phones")
            yield Label(_("Langue"))
            yield Select([(name, code) for code, name in LANGUAGES.items()],
                         value=current_language(), allow_blank=False, id="language")
            yield Checkbox(_("Envoyer à l'imprimante"), value=True, id="send-to-printer")
            yield Static("", id="print-error", classes="field-error")
            yield ProgressBar(id="print-progress", show_eta=False)
            yield Static("", id="print-outcome")
            with Horizontal(classes="actions"):
                yield Button(_("Fermer"), id="close")
                yield Button(_("Préparer"), id="prepare", variant="success")

    def on_mount(self) -> None:
        self.query_one("#print-progress").display = False

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    def say_error(self, message: str) -> None:
        box = self.query_one("#print-error", Static)
        box.update(f"⚠ {message}" if message else "")
        box.display = bool(message)

    @on(Button.Pressed, "#prepare")
    def _prepare(self) -> None:
        options: dict[str, object] = {
            "lang": self.query_one("#language", Select).value,
            "print": self.query_one("#send-to-printer", Checkbox).value,
        }
        if self.kind == FLYER:
            copies = self.query_one("#copies", Input).value.strip()
            if not copies.isdigit() or not 1 <= int(copies) <= 10000:
                self.say_error(_("Indiquez un nombre d'affiches de 1 à 10000."))
                return
            options.update(layout=self.query_one("#layout", Select).value, copies=int(copies))
        if self.kind == ATTENDANCE:
            options["phones"] = self.query_one("#phones", Checkbox).value
        if self.kind == PROGRAMME:
            from cafepol_tui.documents.programme import MonthError, parse_month

            try:
                options["month"] = parse_month(self.query_one("#month", Input).value.strip())
            except MonthError:
                self.say_error(_("Indiquez le mois sous la forme AAAA-MM, ex. 2027-01."))
                return
            options["commune"] = self.query_one("#commune", Select).value or None
        self.say_error("")
        self.query_one("#prepare", Button).disabled = True
        bar = self.query_one("#print-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#print-outcome", Static).update(_("Préparation du PDF…"))
        self.render_and_deliver(options)

    def progress(self, done: int, total: int) -> None:
        """Called from the worker thread by the renderers."""
        self.app.call_from_thread(self.query_one("#print-progress", ProgressBar).update,
                                  total=total, progress=done)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def render_and_deliver(self, options: dict[str, object]) -> None:
        from cafepol_tui.documents import deliver

        actor = self.kiosk.staff_user or NOBODY
        try:
            require(actor, Permission.PRINT)
            pdf, name = self.make_pdf(options)
            outcome = deliver(pdf, name, self.kiosk.settings, print_=bool(options["print"]))
        except PermissionRefusedError as exc:
            self.app.call_from_thread(self.finished, False, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - say it, keep the console running
            log.exception("%s for meeting %s not made", self.kind, self.meeting_id)
            message = _("Le document n'a pas pu être préparé : {error}").format(error=exc)
            self.app.call_from_thread(self.finished, False, message)
            return
        log.info("%s %s: kept=%s printed=%s job=%s", self.kind, self.meeting_id,
                 outcome.path is not None, outcome.printed, outcome.job_id)
        self.audit(actor, name, outcome)
        self.app.call_from_thread(self.finished, outcome.ok, outcome.message)

    def audit(self, actor: Actor, name: str, outcome: PrintOutcome) -> None:
        """The audit log's line for the document (its failure only logged: it is made)."""
        from cafepol_tui.services.audit import document_made

        if outcome.printed:
            where = f"lp {outcome.job_id}" if outcome.job_id else "lp"
        elif outcome.path is not None:
            where = str(outcome.path)
        else:
            return
        try:
            with self.kiosk.database.connection_context():
                document_made(actor, name, where)
        except Exception:  # noqa: BLE001 - the document exists; the entry is what is lost
            log.exception("audit entry for %s not written", name)

    def make_pdf(self, options: dict[str, object]) -> tuple[bytes, str]:
        from cafepol_tui import documents
        from cafepol_tui.services.meetings import get_meeting, programme_meetings
        from cafepol_tui.services.registrations import list_for_meeting

        settings, lang = self.kiosk.settings, str(options["lang"])
        report: Callable[[int, int], None] = self.progress
        if self.kind == PROGRAMME:
            month = options["month"]
            assert isinstance(month, date)
            commune = options["commune"] or None
            with self.kiosk.database.connection_context():
                meetings = programme_meetings(month, commune)  # type: ignore[arg-type]
            pdf = documents.render_programme(meetings, settings, month, commune,  # type: ignore[arg-type]
                                             lang=lang, progress=report)
            return pdf, names.programme_name(month, commune, lang)  # type: ignore[arg-type]
        with self.kiosk.database.connection_context():
            meeting = get_meeting(self.meeting_id or 0)
            registrations = list_for_meeting(meeting.id) if self.kind == ATTENDANCE else []
        if self.kind == ATTENDANCE:
            pdf = documents.render_attendance(meeting, registrations, settings, lang=lang,
                                              progress=report, phones=bool(options["phones"]))
            return pdf, names.attendance_name(meeting.id, lang)
        layout, copies = str(options["layout"]), int(options["copies"])  # type: ignore[call-overload]
        pdf = documents.render_flyer(meeting, settings, layout, copies, lang=lang, progress=report)
        return pdf, names.flyer_name(meeting.id, layout, lang)

    def finished(self, ok: bool, message: str) -> None:
        self.query_one("#prepare", Button).disabled = False
        self.query_one("#print-outcome", Static).update(("✔ " if ok else "⚠ ") + message)


def programme_dialog(kiosk: CafePolApp) -> PrintDialog:
    """The month's programme (the staff console's route « Programme du mois »)."""
    return PrintDialog(kiosk, PROGRAMME)
