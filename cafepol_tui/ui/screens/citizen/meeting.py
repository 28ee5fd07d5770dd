"""One meeting: everything about it, and its event page as a QR code."""

from __future__ import annotations

import peewee
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from cafepol_tui.db.engine import connection_deadline
from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.formatting import format_span
from cafepol_tui.services.meetings import MeetingDetail, availability_text, get_meeting
from cafepol_tui.services.validation import titled_name
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.speech import label_text
from cafepol_tui.ui.widgets.meeting_table import first_upper
from cafepol_tui.ui.widgets.qr import QRCode

_ = translator("kiosk")


def officer_title(gender: str, grade: str, name: str) -> tuple[str, str]:
    """« Votre policière de quartier : » and « Inspectrice Sophie Lambert »: the label follows
    the officer's gender (one whole string per gender, for the translators)."""
    if gender == "f":
        label = _("Votre policière de quartier : ")
    elif gender == "x":
        label = _("Votre contact à la police de quartier : ")
    else:
        label = _("Votre policier de quartier : ")
    return label, titled_name(grade, name)


# Below this height the event's address under the QR code would push the code under the
# buttons: the code is what a phone needs, so the address goes (and large print's buttons are
# a row less tall).
QR_ADDRESS_MIN_HEIGHT = 30


class MeetingScreen(KioskScreen):
    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.meeting: MeetingDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="meeting-page"):
            # Side by side in both print sizes: the text scrolls, the QR code stays whole above
            # the buttons (under the text it was cut by them at 80×24 in large print).
            with Horizontal(id="meeting-body"):
                yield VerticalScroll(Static(_("Chargement…"), id="meeting-info"), id="meeting-left")
                yield Vertical(id="meeting-qr")
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield Button(_("S'inscrire"), id="signup", variant="success", disabled=True)

    def on_mount(self) -> None:
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < QR_ADDRESS_MIN_HEIGHT, "-short")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        try:
            with connection_deadline(self.kiosk.database):
                meeting = get_meeting(self.meeting_id)
        except peewee.DatabaseError as exc:
            if self.kiosk.database_failed(exc, self.load):
                return
            raise
        self.app.call_from_thread(self.show, meeting)

    def show(self, m: MeetingDetail) -> None:
        self.meeting = m
        lang = current_language()
        text = Text()

        def add(label: str, value: str = "", style: str = "bold") -> None:
            text.append(label, style=style)
            text.append(f"{value}\n")

        add(f"{m.commune} — {m.place}\n")
        add("", first_upper(format_span(m.starts_at, m.ends_at, lang)))
        add("", f"{m.address}\n")
        if m.is_cancelled:
            add(" {} ".format(_("RENCONTRE ANNULÉE")), style="bold reverse")
            add("", f"{m.cancel_reason}\n")
        if m.officer_name:
            label, name = officer_title(m.officer_gender, m.officer_grade, m.officer_name)
            add(label, name)
        if m.partners:
            add(_("Avec : "), ", ".join(m.partners))
        if m.themes:
            add(_("Thèmes : "), ", ".join(m.themes_shown or m.themes))
        if m.description:
            add("", f"\n{m.description}")
        add("\n" + _("Places : "),
            _("{availability} (sur {capacity})").format(availability=availability_text(m),
                                                       capacity=m.capacity))
        if m.is_full and not m.is_cancelled:
            waiting = m.waitlist_count
            add("", _.plural("Liste d'attente : {n} inscription", "Liste d'attente : {n} inscriptions",
                             waiting).format(n=waiting))
        if m.interested_count:
            add("", _.plural("{n} personne intéressée sur Facebook",
                             "{n} personnes intéressées sur Facebook",
                             m.interested_count).format(n=m.interested_count))
        text.rstrip()
        self.query_one("#meeting-info", Static).update(text)
        qr_box = self.query_one("#meeting-qr", Vertical)
        if m.event_url:
            qr_box.mount(Static(_("Scannez pour voir l'événement :"), classes="qr-caption"))
            qr_box.mount(QRCode(m.event_url, id="qr"))
            qr_box.mount(Static(Text(m.event_url, overflow="fold"), classes="qr-url"))
        else:
            qr_box.display = False
        signup = self.query_one("#signup", Button)
        signup.disabled = m.is_cancelled
        if m.is_full and not m.is_cancelled:
            signup.label = _("S'inscrire sur la liste d'attente")
        self._spoken = text.plain
        self.kiosk.narrator.screen_ready(self)

    def spoken(self) -> str | None:
        """Everything the screen says about the meeting, once it is read."""
        if self.meeting is None:
            return None
        said = [line.strip().rstrip(".") + "." for line in self._spoken.splitlines() if line.strip()]
        signup = self.query_one("#signup", Button)
        if signup.disabled:
            said.append(_("Tab : le bouton « Retour »."))
        else:
            said.append(_("Tab : les boutons « Retour » et « {signup} ».").format(
                signup=label_text(signup.label)))
        return " ".join(said)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#signup")
    def _signup(self) -> None:
        from cafepol_tui.ui.screens.citizen.signup import SignupScreen

        if self.meeting is not None:
            self.app.push_screen(SignupScreen(self.meeting))
