"""Shown while the database doesn't answer: a calm message, retried by itself.

Pushed on top of whatever screen was open (a half-typed sign-up form stays underneath, as it
was); popped as soon as the database answers again, then the callbacks registered by the screens
below run (the sign-up form re-sends its pending submission with the same idempotency key).
"""

from __future__ import annotations

from collections.abc import Callable

import peewee
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from cafepol_tui.db.database import is_outage
from cafepol_tui.db.schema import ensure_schema
from cafepol_tui.i18n import N_, translator

_ = translator("kiosk")

RETRY_EVERY_S = 3.0

MESSAGE = N_("Service momentanément indisponible, adressez-vous au guichet.")
DETAIL = N_("Nous réessayons automatiquement. Cet écran disparaîtra de lui-même dès que possible.")
PENDING = N_(
    "Votre inscription est en attente : elle sera vérifiée et confirmée à l'écran dès le retour "
    "du service. En cas de doute, le guichet peut la retrouver à votre nom."
)


class OutageScreen(Screen[None]):
    """No bindings at all: nothing to press, nothing to break."""

    BINDINGS = [Binding("escape", "noop", show=False, id="outage-noop")]
    DEFAULT_CSS = """
    OutageScreen { align: center middle; }
    OutageScreen #outage-box { width: 70%; height: auto; padding: 2 4; border: round $primary; }
    OutageScreen #outage-title { text-style: bold; content-align: center middle; width: 100%; }
    OutageScreen .outage-line { margin-top: 1; width: 100%; content-align: center middle; }
    """

    def __init__(self) -> None:
        super().__init__(id="outage")
        self.callbacks: list[Callable[[], object]] = []
        self.attempts = 0
        self.pending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="outage-box"):
            yield Static(_(MESSAGE), id="outage-title")
            yield Static(_(DETAIL), classes="outage-line")
            pending = Static(_(PENDING) if self.pending else "", id="outage-pending",
                             classes="outage-line")
            pending.display = self.pending
            yield pending

    def on_mount(self) -> None:
        self.set_interval(RETRY_EVERY_S, self.probe)

    def add_callback(self, callback: Callable[[], object] | None, *, pending: bool = False) -> None:
        if callback is not None and callback not in self.callbacks:
            self.callbacks.append(callback)
        self.pending = self.pending or pending
        if self.is_mounted:
            self._show_pending()

    def _show_pending(self) -> None:
        found = self.query("#outage-pending")
        if not found:  # not composed yet: compose() shows the state it finds
            return
        box = found.first(Static)
        box.update(_(PENDING) if self.pending else "")
        box.display = self.pending

    def action_noop(self) -> None:
        pass

    @work(thread=True, exclusive=True, group="outage-probe", exit_on_error=False)
    def probe(self) -> None:
        """One cheap round trip; also creates or upgrades the schema if the kiosk started offline."""
        database = self.app.database  # type: ignore[attr-defined]
        self.attempts += 1
        try:
            with database.connection_context():
                if not getattr(self.app, "schema_ready", True):
                    ensure_schema(database)
                    self.app.schema_ready = True  # type: ignore[attr-defined]
                database.execute_sql("SELECT 1").fetchone()
        except peewee.DatabaseError as exc:
            if not is_outage(exc):
                raise
            return
        self.app.call_from_thread(self.recovered)

    def recovered(self) -> None:
        callbacks, self.callbacks = self.callbacks, []
        if self.app.screen is self:
            self.app.pop_screen()
        for callback in callbacks:
            callback()
