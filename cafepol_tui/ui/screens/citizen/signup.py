"""The sign-up form. Each wrong field gets its message beside it; nothing is saved until all is right."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from cafepol_tui.db.engine import KIOSK_DEADLINE_S, connection_deadline, is_outage
from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.formatting import format_when
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import SignupResult, register
from cafepol_tui.services.validation import (
    NotFoundError,
    RefusedError,
    SignupForm,
    ValidationError,
)
from cafepol_tui.statuses import Channel
from cafepol_tui.ui.screens.base import Then
from cafepol_tui.ui.screens.citizen.help import steps
from cafepol_tui.ui.screens.citizen.keyboard import KeyboardScreen
from cafepol_tui.ui.widgets.big_text import BigText
from cafepol_tui.ui.widgets.party_size import PartySize
from cafepol_tui.ui.widgets.tick_box import TickBox
from cafepol_tui.ui.widgets.touch_keyboard import KeyboardToggle, TouchKeyboard

_ = translator("kiosk")

FIELDS = ("name", "people", "phone", "email", "topic", "consent")

# A save that has no answer after this long (a server that hangs, a half-open link) is cut off:
# the outage screen comes up within 10 s of « Confirmer » and keeps retrying the same sign-up.
SAVE_DEADLINE_S = KIOSK_DEADLINE_S


class SignupScreen(KeyboardScreen):
    def __init__(self, meeting: MeetingDetail) -> None:
        super().__init__()
        self.meeting = meeting
        self.submission_key: str | None = None

    def compose(self) -> ComposeResult:
        settings = self.kiosk.settings
        m = self.meeting
        with Vertical(id="signup-page"):
            heading = _("Inscription") if not m.is_full else _("Inscription sur la liste d'attente")
            yield BigText(
                f"{heading} — {m.commune}, {m.place}, {format_when(m.starts_at, current_language())}",
                big=heading,
                id="signup-heading",
            )
            yield Static(steps(2), id="signup-steps")
            with VerticalScroll(id="signup-form"):
                yield Label(_("Votre nom et prénom *"), classes="field-label")
                yield Input(placeholder=_("ex. Marie Dubois"), id="name", max_length=120,
                            classes="-names")
                yield Static("", id="error-name", classes="field-error")
                yield Label(_("Nombre de personnes (vous compris)"), classes="field-label")
                yield PartySize(settings.kiosk.max_party_size, id="people")
                yield Static("", id="error-people", classes="field-error")
                yield Label(_("Téléphone (facultatif)"), classes="field-label")
                yield Input(placeholder=_("ex. 0470 12 34 56"), id="phone", max_length=32)
                yield Static("", id="error-phone", classes="field-error")
                yield Label(_("E-mail (facultatif)"), classes="field-label")
                yield Input(placeholder=_("ex. prenom.nom@exemple.be"), id="email", max_length=254)
                yield Static("", id="error-email", classes="field-error")
                yield TickBox(_("M'envoyer un rappel la veille (par e-mail)"), id="reminder")
                yield Static(no_contact_notice(), id="no-contact-notice")
                yield Label(
                    _("Ce que je voudrais aborder (facultatif, {n} caractères au plus)").format(
                        n=settings.kiosk.topic_max_length
                    ),
                    classes="field-label",
                )
                yield TextArea(id="topic", soft_wrap=True, show_line_numbers=False)
                yield Static("", id="error-topic", classes="field-error")
                yield Static(privacy_notice(settings.retention_days), id="privacy")
            # Outside the scrolling form, just above « Confirmer »: on the smallest screen, in
            # both print sizes, the consent is always in sight with the button it unlocks.
            yield TickBox(_("J'accepte que ces données soient enregistrées *"), id="consent")
            yield Static("", id="error-consent", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            yield TouchKeyboard("letters", id="touch-keyboard")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield KeyboardToggle(id="keyboard-toggle")
                yield Button(_("Besoin d'aide ?"), id="help-button")
                yield Button(_("Confirmer mon inscription"), id="submit", variant="success")

    def on_mount(self) -> None:
        # Heard with the box in « Écouter » mode: what the citizen agrees to.
        consent = self.query_one("#consent", TickBox)
        consent.speech_hint = privacy_notice(self.kiosk.settings.retention_days)
        self.query_one("#name", Input).focus()
        self.sync_keyboard()
        self.show_no_contact()

    def spoken(self) -> str:
        heading = self.query_one("#signup-heading", BigText).text
        return " ".join((
            heading + ".",
            _("Étape 2 sur 3 : vos coordonnées."),
            _("Seul votre nom est obligatoire. Tab : champ suivant. Cochez le consentement, "
              "puis choisissez « Confirmer mon inscription »."),
        ))

    @on(Input.Changed, "#phone")
    @on(Input.Changed, "#email")
    def _contact_typed(self) -> None:
        """The reminder is offered once an e-mail is typed; the no-contact notice stays while
        neither a phone nor an e-mail is."""
        has_email = bool(self.query_one("#email", Input).value.strip())
        reminder = self.query_one("#reminder", Checkbox)
        reminder.display = has_email
        if not has_email:
            reminder.value = False
        self.show_no_contact()

    def show_no_contact(self) -> None:
        """« Sans téléphone ni e-mail… »: a notice, not an error; they can still confirm."""
        self.query_one("#no-contact-notice").display = not self.read_form().reachable

    def read_form(self) -> SignupForm:
        return SignupForm(
            name=self.query_one("#name", Input).value,
            people=self.query_one(PartySize).value,
            phone=self.query_one("#phone", Input).value,
            email=self.query_one("#email", Input).value,
            topic=self.query_one("#topic", TextArea).text,
            consent=self.query_one("#consent", Checkbox).value,
            language=current_language(),
            wants_reminder=self.query_one("#reminder", Checkbox).value,
        )

    def show_errors(self, errors: dict[str, str], general: str = "") -> None:
        for field in FIELDS:
            message = errors.get(field, "")
            box = self.query_one(f"#error-{field}", Static)
            box.update(f"⚠ {message}" if message else "")
            box.display = bool(message)
        form_error = self.query_one("#form-error", Static)
        form_error.update(f"⚠ {general}" if general else "")
        form_error.display = bool(general)
        if general:
            self.kiosk.narrator.note(general)
        first = next((f for f in FIELDS if f in errors), None)
        if first is not None:
            target = self.query_one(f"#{first}")
            target.focus()
            target.scroll_visible(animate=False)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#help-button")
    def _help(self) -> None:
        from cafepol_tui.ui.screens.citizen.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_back(self) -> None:
        """Back to the meeting; from a form with anything typed, only once the citizen says so."""
        from cafepol_tui.ui.screens.citizen.leave import LeaveFormScreen

        if self.has_typed():
            self.app.push_screen(LeaveFormScreen(super().action_back))
        else:
            super().action_back()

    def has_typed(self) -> bool:
        form = self.read_form()
        return any(value.strip() for value in (form.name, form.phone, form.email, form.topic))

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        settings = self.kiosk.settings.kiosk
        form = self.read_form()
        try:
            form.clean(max_party=settings.max_party_size, topic_max=settings.topic_max_length)
        except ValidationError as exc:
            self.show_errors(exc.errors, _("Vérifiez les champs signalés."))
            return
        self.show_errors({})
        self.query_one("#submit", Button).disabled = True
        if self.submission_key is None:  # one key per form: a retried submit is saved once
            self.submission_key = uuid.uuid4().hex
        self.save(form)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def save(self, form: SignupForm) -> Then | None:
        """What follows (the confirmation instead of this form) is shown once this worker has
        ended (`Then`)."""
        try:
            finish = self.attempt(form)
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:  # only outages get here
            self.kiosk.database_failed(exc, retry=partial(self.attempt, form))
            return None
        return Then(finish)

    def attempt(self, form: SignupForm) -> Callable[[], None]:
        """One try at saving, on a worker thread, with this form's idempotency key.

        Returns what to show (on the UI thread); raises the error of an outage, so that the
        outage screen keeps the sign-up and tries again until it lands, exactly once.
        """
        settings = self.kiosk.settings.kiosk
        try:
            with connection_deadline(self.kiosk.database, SAVE_DEADLINE_S):
                result = register(
                    self.meeting.id,
                    form,
                    max_party=settings.max_party_size,
                    topic_max=settings.topic_max_length,
                    channel=Channel.KIOSK,
                    submission_key=self.submission_key,
                )
        except ValidationError as exc:
            return partial(self.refused, exc.errors, _("Vérifiez les champs signalés."))
        except (RefusedError, NotFoundError) as exc:
            return partial(self.refused, {}, str(exc))
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            if is_outage(exc):
                raise
            return partial(
                self.refused, {},
                _("Votre inscription n'a pas pu être enregistrée (service indisponible). "
                  "Adressez-vous au guichet."),
            )
        return partial(self.done, result)

    def refused(self, errors: dict[str, str], message: str) -> None:
        if not self.is_attached:  # the kiosk was reset meanwhile: nothing to show it on
            return
        self.query_one("#submit", Button).disabled = False
        self.show_errors(errors, message)

    def done(self, result: SignupResult) -> None:
        from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen

        if not self.is_attached:  # saved, but the kiosk was reset meanwhile
            return
        self.app.switch_screen(ConfirmationScreen(result, self.meeting))


def no_contact_notice() -> str:
    return "ℹ " + _(
        "Sans téléphone ni e-mail, personne ne pourra vous prévenir d'un changement ou "
        "d'une place libérée."
    )


def privacy_notice(retention_days: int) -> str:
    return _.plural(
        "Vie privée : vos données servent uniquement à organiser cette rencontre et, si vous le "
        "souhaitez, à vous donner une réponse. Seuls la police locale et ses partenaires de la "
        "rencontre y ont accès. Elles sont effacées {n} jour après la rencontre.",
        "Vie privée : vos données servent uniquement à organiser cette rencontre et, si vous le "
        "souhaitez, à vous donner une réponse. Seuls la police locale et ses partenaires de la "
        "rencontre y ont accès. Elles sont effacées {n} jours après la rencontre.",
        retention_days,
    ).format(n=retention_days)
