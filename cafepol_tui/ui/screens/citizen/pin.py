"""The gate to staff mode. Wrong PINs are counted in the database and lock this kiosk's gate
for a while (at most 15 minutes; an admin can lift it from another kiosk's staff console)."""

from __future__ import annotations

from functools import partial

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.formatting import format_clock
from cafepol_tui.services.registrations import terminal_id
from cafepol_tui.services.staff import (
    PinLockedError,
    StaffUser,
    WrongPinError,
    has_accounts,
    verify_pin,
)
from cafepol_tui.ui.screens.base import Then
from cafepol_tui.ui.screens.citizen.keyboard import KeyboardScreen
from cafepol_tui.ui.widgets.big_text import BigText
from cafepol_tui.ui.widgets.touch_keyboard import KeyboardToggle, TouchKeyboard

_ = translator("kiosk")


class PinScreen(KeyboardScreen):
    keyboard_wanted = True  # a short screen: the keys fit under the field

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-page"):
            yield BigText(_("Accès réservé au personnel"), id="pin-heading")
            yield Label(_("Code PIN"))
            yield Input(password=True, restrict=r"[0-9]*", max_length=12, id="pin")
            yield Static("", id="pin-message", classes="field-error")
            yield TouchKeyboard("pin", id="touch-keyboard")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield KeyboardToggle(id="keyboard-toggle")
                yield Button(_("Valider"), id="submit-pin", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#pin-message").display = False
        self.query_one("#pin", Input).focus()
        self.sync_keyboard()

    def say(self, message: str) -> None:
        box = self.query_one("#pin-message", Static)
        box.update(f"⚠ {message}" if message else "")
        box.display = bool(message)

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#submit-pin")
    def _submit(self) -> None:
        pin_input = self.query_one("#pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        if not pin:
            self.say(_("Tapez le code PIN."))
            return
        self.query_one("#submit-pin", Button).disabled = True
        self.check(pin)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def check(self, pin: str) -> Then | None:
        """The right PIN: staff mode (which takes this screen away) once this worker has ended."""
        kiosk = self.kiosk.settings.kiosk
        try:
            with self.kiosk.database.connection_context():
                if not has_accounts():
                    message = _("Aucun code PIN n'est défini : utilisez « cafepol set-pin ».")
                    self.app.call_from_thread(self.refused, message)
                    return None
                # The tries count against this kiosk's gate only: a lock here leaves the
                # zone's other kiosks open, and an admin there can lift it.
                user = verify_pin(pin, kiosk_id=terminal_id(),
                                  max_attempts=kiosk.pin_max_attempts,
                                  base_s=kiosk.pin_lock_base_s)
        except WrongPinError as exc:
            left = exc.attempts_left
            self.app.call_from_thread(
                self.refused,
                _.plural("Code incorrect. Encore {n} essai.", "Code incorrect. Encore {n} essais.",
                         left).format(n=left),
            )
        except PinLockedError as exc:
            until = format_clock(exc.until, current_language())
            self.app.call_from_thread(
                self.refused, _("Trop d'essais : accès bloqué jusqu'à {time}.").format(time=until)
            )
        except peewee.DatabaseError as exc:
            self.kiosk.database_failed(exc)
            self.app.call_from_thread(self.refused, _("Service momentanément indisponible."))
        else:
            return Then(partial(self.granted, user))
        return None

    def refused(self, message: str) -> None:
        self.query_one("#submit-pin", Button).disabled = False
        self.say(message)

    def granted(self, user: StaffUser) -> None:
        self.kiosk.enter_staff_mode(user)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()
