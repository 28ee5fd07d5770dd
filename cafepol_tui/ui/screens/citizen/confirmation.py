"""After sign-up: the reference code, and confirmed or waitlisted with the position."""

from __future__ import annotations

from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.formatting import format_when
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import SignupResult
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.screens.citizen.help import steps
from cafepol_tui.ui.speech import spelled
from cafepol_tui.ui.widgets.big_text import BigText
from cafepol_tui.ui.widgets.meeting_table import first_upper

_ = translator("kiosk")


def spaced(code: str) -> str:
    """« K7M 3QX »: easier to read aloud and copy."""
    return f"{code[:3]} {code[3:]}"


class ConfirmationScreen(KioskScreen, inherit_bindings=False):
    # Escape must not bring back the filled-in form, nor take the code away: only « Terminer »
    # or the full idle time leave this screen.
    BINDINGS: ClassVar[list[BindingType]] = []

    def action_back(self) -> None:
        """Nothing: the reference code stays on the screen."""

    def __init__(self, result: SignupResult, meeting: MeetingDetail) -> None:
        super().__init__()
        self.result = result
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        r, m = self.result, self.meeting
        lang = current_language()
        if r.confirmed:
            headline = "✔ " + _("Votre inscription est confirmée")
        else:
            headline = _("Vous êtes sur la liste d'attente (position {rank})").format(
                rank=r.waitlist_rank
            )
        people = _.plural("{n} personne", "{n} personnes", r.people).format(n=r.people)
        details = Text()
        details.append(f"{m.commune} — {m.place}\n", style="bold")
        details.append(f"{first_upper(format_when(m.starts_at, lang))}\n{m.address}\n{people}\n")
        if not r.confirmed:
            details.append("\n" + _(
                "Si une place se libère, votre inscription sera confirmée automatiquement. "
                "En cas de doute, le guichet peut vérifier avec votre code."
            ))
        with Vertical(id="confirmation-page"):
            yield Static(steps(3), id="confirmation-steps", classes="centered")
            yield Static(headline, id="confirmation-headline")
            yield Static(_("Votre code de référence :"), classes="centered")
            yield BigText(spaced(r.reference), always=True, id="reference")
            yield BigText(first_upper(format_when(m.starts_at, lang)), id="confirmation-when",
                          classes="large-only")
            yield Static(
                _("Notez-le : il sert à annuler votre inscription ici ou au guichet."),
                classes="centered",
            )
            yield Static(details, id="confirmation-details")
            yield Static("", id="print-status", classes="centered")
            with Horizontal(classes="actions"):
                yield Button(_("Imprimer ma confirmation"), id="print-slip",
                             variant="success")
                yield Button(_("Terminer"), id="finish", variant="primary")

    def on_mount(self) -> None:
        # The citizen's time to read and note the code starts now, not at their last touch: a
        # save that waited out an outage (the outage screen keeps the idle timer from resetting
        # the kiosk, and restarts it each time it runs out) would otherwise leave this screen
        # a second or two before the idle reset.
        self.kiosk.last_input = monotonic()
        narrator = self.kiosk.narrator
        # Heard without a headset, the code is not said aloud: it is on the slip, printed now.
        if self.kiosk.settings.kiosk.auto_print_slip or (narrator.active and not narrator.private):
            self._print()

    def spoken(self) -> str:
        """The outcome, the code (aloud only with private listening), the meeting."""
        r, m = self.result, self.meeting
        lang = current_language()
        if r.confirmed:
            outcome = _("Votre inscription est confirmée.")
        else:
            outcome = _("Vous êtes sur la liste d'attente, en position {rank}.").format(
                rank=r.waitlist_rank
            )
        if self.kiosk.narrator.private:
            code = _("Votre code de référence : {code}.").format(code=spelled(r.reference))
        else:
            code = _("Votre code est imprimé sur votre ticket.")
        people = _.plural("{n} personne", "{n} personnes", r.people).format(n=r.people)
        when = first_upper(format_when(m.starts_at, lang))
        return " ".join((outcome, code, f"{m.commune}, {m.place}. {when}. {m.address}. {people}.",
                         _("Choisissez « Terminer » quand vous avez votre ticket.")))

    @on(Button.Pressed, "#print-slip")
    def _print(self) -> None:
        self.query_one("#print-slip", Button).disabled = True
        self.query_one("#print-status", Static).update(_("Impression en cours…"))
        self.print_slip()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def print_slip(self) -> None:
        """Render and print off the UI thread; the PDF is kept even when the printer fails."""
        import logging

        from cafepol_tui.documents import deliver, render_slip
        from cafepol_tui.services import document_files as names
        from cafepol_tui.services.registrations import get_registration

        settings = self.kiosk.settings
        try:
            with self.kiosk.database.connection_context():
                registration = get_registration(self.result.reference)
            pdf = render_slip(registration, self.meeting, settings)
            outcome = deliver(
                pdf,
                name=names.confirmation_name(
                    self.result.reference, current_language(), settings.documents.slip_format
                ),
                settings=settings,
            )
        except Exception:  # noqa: BLE001 - a citizen never sees a traceback
            logging.getLogger("cafepol.ui").exception("slip %s not printed", self.result.reference)
            ok = False
        else:
            logging.getLogger("cafepol.ui").info(
                "slip %s: printed=%s job=%s", self.result.reference, outcome.printed, outcome.job_id
            )
            ok = outcome.ok and outcome.printed
        self.app.call_from_thread(self.printed, ok)

    def printed(self, ok: bool) -> None:
        status = self.query_one("#print-status", Static)
        if ok:
            message = _("Votre confirmation s'imprime : prenez-la à l'imprimante.")
            status.update("✔ " + message)
            self.kiosk.narrator.note(message, after=True)
        else:
            status.update("⚠ " + _(
                "L'impression n'a pas fonctionné. Notez votre code ci-dessus ; "
                "le guichet peut vous en imprimer une copie."
            ))
            self.query_one("#print-slip", Button).disabled = False
            self.kiosk.narrator.note(
                _("L'impression n'a pas fonctionné. Le guichet peut vous en imprimer une "
                  "copie : demandez-la avec votre nom."),
                private=_("L'impression n'a pas fonctionné. Votre code : {code}. Le guichet peut "
                          "vous en imprimer une copie.").format(code=spelled(self.result.reference)),
                after=True,
            )

    @on(Button.Pressed, "#finish")
    def _finish(self) -> None:
        self.kiosk.narrator.stop(farewell=_("Merci, et à bientôt au café."))
        self.kiosk.reset_to_home()
