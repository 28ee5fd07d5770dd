"""« Suivre mon inscription ou ma demande »: type a code, see where it stands.

Nothing about a person is shown (services.public_status holds no name and no contact): the
state, the meeting, or the concern's theme, place, last public update and reply. A
registration whose meeting was cancelled for another one can be moved there.
"""

from __future__ import annotations

from typing import Any

import peewee
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from cafepol_tui.db.engine import connection_deadline
from cafepol_tui.i18n import translator
from cafepol_tui.services import registrations
from cafepol_tui.services.public_status import (
    ConcernStatusView,
    RegistrationStatusView,
    normalise_code,
    status_by_code,
)
from cafepol_tui.services.registrations import (
    CONCERN_REFERENCE_LENGTH,
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
)
from cafepol_tui.services.validation import NotFoundError, RefusedError, ValidationError
from cafepol_tui.statuses import RegistrationStatus
from cafepol_tui.ui.screens.citizen.cancel import UNAVAILABLE
from cafepol_tui.ui.screens.citizen.keyboard import KeyboardScreen
from cafepol_tui.ui.speech import speak_found
from cafepol_tui.ui.widgets.big_text import BigText
from cafepol_tui.ui.widgets.meeting_table import first_upper
from cafepol_tui.ui.widgets.touch_keyboard import KeyboardToggle, TouchKeyboard

_ = translator("kiosk")


def move_available() -> bool:
    """`registrations.move_to_replacement` is there (it comes with the cancellation notices)."""
    return callable(getattr(registrations, "move_to_replacement", None))


class StatusScreen(KeyboardScreen):
    keyboard_wanted = True  # a short screen: the keys fit under the field

    def __init__(self) -> None:
        super().__init__()
        self.view: RegistrationStatusView | ConcernStatusView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="status-page"):
            yield BigText(_("Suivre mon inscription ou ma demande"), id="status-heading")
            yield Label(_("Code de votre inscription (6 caractères) ou de votre demande (7)"))
            yield Input(
                placeholder=_("ex. K7M 3QX"),
                id="code",
                max_length=12,
                restrict=rf"[{REFERENCE_ALPHABET}{REFERENCE_ALPHABET.lower()}0-9oOiI \-]*",
            )
            yield Static("", id="error-code", classes="field-error")
            with VerticalScroll(id="status-found-box"):
                yield Static("", id="status-found")
            yield Button("", id="move", variant="success")
            yield TouchKeyboard("code", id="touch-keyboard")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield KeyboardToggle(id="keyboard-toggle")
                yield Button(_("Voir où en est mon dossier"), id="lookup", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#move").display = False
        self.query_one("#error-code").display = False
        self.query_one("#code", Input).focus()
        self.sync_keyboard()

    @property
    def code(self) -> str:
        return normalise_code(self.query_one("#code", Input).value)

    def say(self, error: str = "", found: Text | str = "") -> None:
        box = self.query_one("#error-code", Static)
        box.update(f"⚠ {error}" if error else "")
        box.display = bool(error)
        self.query_one("#status-found", Static).update(found)
        speak_found(self.kiosk.narrator, error, found)

    @on(Input.Changed, "#code")
    def _typing(self) -> None:
        self.query_one("#move").display = False
        self.view = None

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#lookup")
    def _lookup(self) -> None:
        if len(self.code) not in (REFERENCE_LENGTH, CONCERN_REFERENCE_LENGTH):
            self.say(_("Le code compte 6 caractères (inscription) ou 7 (demande)."))
            return
        self.lookup(self.code)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def lookup(self, code: str) -> None:
        try:
            with connection_deadline(self.kiosk.database):
                view = status_by_code(code)
        except NotFoundError as exc:
            self.app.call_from_thread(self.say, str(exc))
        except peewee.DatabaseError as exc:
            self.kiosk.database_failed(exc)
            self.app.call_from_thread(self.say, _(UNAVAILABLE))
        else:
            self.app.call_from_thread(self.found, view)

    def found(self, view: RegistrationStatusView | ConcernStatusView) -> None:
        self.view = view
        # The answer needs the room more than the keys do (« ⌨ Clavier » brings them back).
        self.keyboard_wanted = False
        self.sync_keyboard()
        if isinstance(view, RegistrationStatusView):
            self.say(found=registration_text(view))
            move = self.query_one("#move", Button)
            if view.can_move and view.replacement is not None and move_available():
                move.label = _("M'inscrire à la rencontre du {day}").format(
                    day=view.replacement.day
                )
                move.display = True
                move.focus()
        else:
            self.say(found=concern_text(view))

    @on(Button.Pressed, "#move")
    def _move(self) -> None:
        if self.view is None:
            return
        self.query_one("#move", Button).disabled = True
        self.do_move(self.view.reference)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def do_move(self, code: str) -> None:
        move: Any = getattr(registrations, "move_to_replacement", None)
        try:
            with connection_deadline(self.kiosk.database):
                if move is None:
                    raise RefusedError(_(UNAVAILABLE))
                result = move(code)
                # The registration where it now is (a move may give it a new code).
                view = status_by_code(getattr(result, "reference", "") or code)
        except (NotFoundError, RefusedError, ValidationError) as exc:
            self.app.call_from_thread(self.moved, str(exc), None, None)
        except peewee.DatabaseError as exc:
            self.kiosk.database_failed(exc)
            self.app.call_from_thread(self.moved, _(UNAVAILABLE), None, None)
        else:
            self.app.call_from_thread(self.moved, "", result, view)

    def moved(self, error: str, result: Any, view: Any) -> None:
        move = self.query_one("#move", Button)
        move.disabled = False
        move.display = False
        if error:
            self.say(error)
            return
        text = Text()
        if getattr(result, "confirmed", False):
            text.append(
                "✔ " + _("C'est fait : votre place est réservée à la nouvelle rencontre."),
                style="bold",
            )
        else:
            text.append(
                "✔ " + _("C'est fait : vous êtes sur la liste d'attente de la nouvelle rencontre."),
                style="bold",
            )
        reference = getattr(result, "reference", "")
        if reference:
            text.append("\n" + _("Votre code : {code}").format(code=reference), style="bold")
        if isinstance(view, RegistrationStatusView):
            text.append("\n\n")
            text.append_text(registration_text(view))
        self.say(found=text)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()


def registration_text(view: RegistrationStatusView) -> Text:
    m = view.meeting
    text = Text()
    text.append(_("Inscription {code}").format(code=view.reference) + "\n", style="bold")
    mark = "✔ " if view.status == RegistrationStatus.CONFIRMED else ""
    text.append(mark + view.status_label[:1].upper() + view.status_label[1:] + "\n", style="bold")
    if view.waitlist_rank is not None:
        text.append(
            _("Vous êtes n° {n} sur la liste d'attente.").format(n=view.waitlist_rank) + "\n"
        )
    text.append(
        _.plural("{n} personne", "{n} personnes", view.people).format(n=view.people) + "\n\n"
    )
    text.append(f"{first_upper(m.day)}, {m.hours}\n", style="bold")
    text.append(f"{m.place} — {m.commune}\n")
    if m.address:
        text.append(f"{m.address}\n")
    if m.cancelled:
        text.append("\n⚠ " + _("Cette rencontre est annulée."), style="bold")
        if m.cancel_reason:
            text.append(" " + m.cancel_reason)
        text.append("\n")
    if view.replacement is not None:
        r = view.replacement
        text.append(
            _("Elle est remplacée par la rencontre du {day}, {hours}, {place} — {commune}.").format(
                day=r.day, hours=r.hours, place=r.place, commune=r.commune
            )
            + "\n"
        )
    return text


def concern_text(view: ConcernStatusView) -> Text:
    text = Text()
    text.append(_("Demande {code}").format(code=view.reference) + "\n", style="bold")
    text.append(view.status_label[:1].upper() + view.status_label[1:] + "\n", style="bold")
    about = " — ".join(p for p in (view.theme, view.place, view.commune) if p)
    if about:
        text.append(about + "\n")
    text.append(_("Signalée le {day}").format(day=view.created_day) + "\n")
    if view.last_update is not None and view.last_update.note:
        text.append(
            "\n" + _("Dernière nouvelle ({day}) :").format(day=view.last_update.day) + "\n",
            style="bold",
        )
        text.append(view.last_update.note + "\n")
    if view.reply:
        text.append("\n" + _("Notre réponse :") + "\n", style="bold")
        text.append(view.reply + "\n")
    return text
