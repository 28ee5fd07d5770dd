"""Cancel with the reference code: look it up, confirm, cancel. Frees seats for the waiting list."""

from __future__ import annotations

import peewee
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cafepol_tui.db.engine import connection_deadline
from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.services.formatting import format_when
from cafepol_tui.services.meetings import MeetingDetail, get_meeting
from cafepol_tui.services.registrations import (
    REFERENCE_ALPHABET,
    RegistrationView,
    cancel,
    get_registration,
    normalise_reference,
)
from cafepol_tui.services.validation import NotFoundError, RefusedError
from cafepol_tui.statuses import RegistrationStatus
from cafepol_tui.ui.screens.citizen.keyboard import KeyboardScreen
from cafepol_tui.ui.speech import speak_found
from cafepol_tui.ui.widgets.big_text import BigText
from cafepol_tui.ui.widgets.meeting_table import first_upper
from cafepol_tui.ui.widgets.touch_keyboard import KeyboardToggle, TouchKeyboard

_ = translator("kiosk")

UNAVAILABLE = N_("Service momentanément indisponible : adressez-vous au guichet.")


class CancelScreen(KeyboardScreen):
    keyboard_wanted = True  # a short screen: the keys fit under the field

    def compose(self) -> ComposeResult:
        with Vertical(id="cancel-page"):
            yield BigText(_("Annuler une inscription"), id="cancel-heading")
            yield Label(_("Code de référence (6 caractères, sur votre confirmation)"))
            yield Input(
                placeholder=_("ex. K7M 3QX"),
                id="code",
                max_length=9,
                restrict=rf"[{REFERENCE_ALPHABET}{REFERENCE_ALPHABET.lower()}0-9oOiI \-]*",
            )
            yield Static("", id="error-code", classes="field-error")
            yield Static("", id="cancel-found")
            # The destructive button comes in a row of its own, under what was found, on the
            # right: never where « Rechercher » was, never focused, never what Enter presses.
            with Horizontal(id="confirm-cancel-row"):
                yield Button(_("Oui, annuler cette inscription"), id="confirm-cancel",
                             variant="error")
            yield TouchKeyboard("code", id="touch-keyboard")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield KeyboardToggle(id="keyboard-toggle")
                yield Button(_("Rechercher"), id="lookup", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-cancel-row").display = False
        self.query_one("#error-code").display = False
        self.query_one("#code", Input).focus()
        self.sync_keyboard()

    @property
    def code(self) -> str:
        return normalise_reference(self.query_one("#code", Input).value)

    def say(self, error: str = "", found: Text | str = "") -> None:
        box = self.query_one("#error-code", Static)
        box.update(f"⚠ {error}" if error else "")
        box.display = bool(error)
        self.query_one("#cancel-found", Static).update(found)
        speak_found(self.kiosk.narrator, error, found)

    @on(Input.Changed, "#code")
    def _typing(self) -> None:
        self.query_one("#confirm-cancel-row").display = False

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#lookup")
    def _lookup(self) -> None:
        if len(self.code) != 6:
            self.say(_("Le code compte 6 caractères (lettres et chiffres)."))
            return
        self.lookup(self.code)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def lookup(self, code: str) -> None:
        try:
            with connection_deadline(self.kiosk.database):
                registration = get_registration(code)
                meeting = get_meeting(registration.meeting_id)
        except NotFoundError:
            self.app.call_from_thread(
                self.say, _("Aucune inscription ne porte le code {code}.").format(code=code)
            )
        except peewee.DatabaseError as exc:
            self.kiosk.database_failed(exc)
            self.app.call_from_thread(self.say, _(UNAVAILABLE))
        else:
            self.app.call_from_thread(self.found, registration, meeting)

    def found(self, registration: RegistrationView, meeting: MeetingDetail) -> None:
        if registration.status == RegistrationStatus.CANCELLED:
            self.say(_("L'inscription {code} est déjà annulée.").format(
                code=registration.reference))
            return
        people = registration.people
        text = Text()
        text.append(_("Inscription {code}").format(code=registration.reference) + "\n",
                    style="bold")
        text.append(f"{meeting.commune} — {meeting.place}\n")
        text.append(f"{first_upper(format_when(meeting.starts_at, current_language()))}\n")
        text.append(_.plural("{n} personne", "{n} personnes", people).format(n=people))
        self.say(found=text)
        # Shown, not focused: Enter in the code field searches again, it never cancels; and
        # the tap that searched can't land on it (a new button under the finger).
        self.query_one("#confirm-cancel-row").display = True
        self.arm_tap_guard()

    @on(Button.Pressed, "#confirm-cancel")
    def _confirm(self) -> None:
        self.query_one("#confirm-cancel", Button).disabled = True
        self.do_cancel(self.code)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def do_cancel(self, code: str) -> None:
        try:
            with connection_deadline(self.kiosk.database):
                cancel(code)
        except (NotFoundError, RefusedError) as exc:
            self.app.call_from_thread(self.cancelled, str(exc))
        except peewee.DatabaseError as exc:
            self.kiosk.database_failed(exc)
            self.app.call_from_thread(self.cancelled, _(UNAVAILABLE))
        else:
            self.app.call_from_thread(self.cancelled, "")

    def cancelled(self, error: str) -> None:
        confirm = self.query_one("#confirm-cancel", Button)
        confirm.disabled = False
        self.query_one("#confirm-cancel-row").display = False
        if error:
            self.say(error)
            return
        self.query_one("#code", Input).value = ""
        self.say(found=Text("✔ " + _(
            "Votre inscription est annulée. Merci de nous avoir prévenus : "
            "votre place profite à quelqu'un d'autre."), style="bold"))

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

