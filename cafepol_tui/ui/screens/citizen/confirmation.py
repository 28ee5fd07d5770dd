"""After sign-up: the reference code, and confirmed or waitlisted with the position."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from cafepol_tui.services.formatting import format_when
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.services.registrations import SignupResult
from cafepol_tui.ui.screens.base import KioskScreen


def spaced(code: str) -> str:
    """« K7M 3QX »: easier to read aloud and copy."""
    return f"{code[:3]} {code[3:]}"


class ConfirmationScreen(KioskScreen):
    BINDINGS: list = []  # escape must not bring back the filled-in form

    def __init__(self, result: SignupResult, meeting: MeetingDetail) -> None:
        super().__init__()
        self.result = result
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        r, m = self.result, self.meeting
        lang = self.kiosk.settings.language
        if r.confirmed:
            headline = "✔ Votre inscription est confirmée"
        else:
            headline = f"Vous êtes sur la liste d'attente (position {r.waitlist_rank})"
        people = f"{r.people} personne{'s' if r.people > 1 else ''}"
        details = Text()
        details.append(f"{m.commune} — {m.place}\n", style="bold")
        details.append(f"{format_when(m.starts_at, lang).capitalize()}\n{m.address}\n{people}\n")
        if not r.confirmed:
            details.append(
                "\nSi une place se libère, votre inscription sera confirmée automatiquement. "
                "En cas de doute, le guichet peut vérifier avec votre code."
            )
        with Vertical(id="confirmation-page"):
            yield Static(headline, id="confirmation-headline")
            yield Static("Votre code de référence :", classes="centered")
            yield Static(spaced(r.reference), id="reference")
            yield Static(
                "Notez-le : il sert à annuler votre inscription ici ou au guichet.",
                classes="centered",
            )
            yield Static(details, id="confirmation-details")
            with Horizontal(classes="actions"):
                yield Button("Terminer", id="finish", variant="primary")

    @on(Button.Pressed, "#finish")
    def _finish(self) -> None:
        self.kiosk.reset_to_home()
