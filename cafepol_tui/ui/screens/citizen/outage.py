"""Shown while the database doesn't answer: a calm message, retried by itself.

Pushed on top of whatever screen was open (a half-typed sign-up form stays underneath, as it
was); popped as soon as the database answers again, then the callbacks registered by the screens
below run.

A pending sign-up is different: its `retry` is tried by the screen itself, after each probe that
got an answer, with the form's idempotency key, and the screen stays up until that retry has
landed (a database that answers `SELECT 1` may still be unable to save: a full disk, a lock held
by a stuck session). Only then is the screen popped and the form's outcome shown, so the citizen
never sees the form come back, greyed out, between two outages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING, cast

import peewee
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from cafepol_tui.db.engine import describe_outage, is_outage
from cafepol_tui.i18n import N_, translator
from cafepol_tui.ui.screens.base import FinishesAfterWork, Then

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp

_ = translator("kiosk")

RETRY_EVERY_S = 3.0
PROBE_DEADLINE_S = 7.0  # a probe that gets no answer gives up, and the next one tries again

log = logging.getLogger("cafepol.ui")

# On a worker thread: one try at a pending save. Returns what to show next (run on the UI
# thread once the outage screen is gone), or raises the outage error that is still going on.
Retry = Callable[[], Callable[[], object]]

MESSAGE = N_("Service momentanément indisponible, adressez-vous au guichet.")
DETAIL = N_("Nous réessayons automatiquement. Cet écran disparaîtra de lui-même dès que possible.")
DISK_FULL = N_(
    "La borne n'a plus de place pour enregistrer (disque plein) : le guichet peut prévenir le "
    "service informatique."
)
PENDING = N_(
    "Votre inscription est en attente : elle sera vérifiée et confirmée à l'écran dès le retour "
    "du service. En cas de doute, le guichet peut la retrouver à votre nom."
)


class OutageScreen(FinishesAfterWork, Screen[None]):
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
        self.retries: list[Retry] = []
        self.landed: list[Callable[[], object]] = []  # what to show for the retries that landed
        self.attempts = 0
        self.pending = False
        self.disk_full = False
        self.reason = ""  # last cause written to the log, so it is written once, not every 3 s
        self.since = monotonic()
        self._probing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="outage-box"):
            yield Static(_(MESSAGE), id="outage-title")
            yield Static(_(DETAIL), classes="outage-line")
            disk = Static(_(DISK_FULL), id="outage-disk-full", classes="outage-line")
            disk.display = self.disk_full
            yield disk
            pending = Static(_(PENDING) if self.pending else "", id="outage-pending",
                             classes="outage-line")
            pending.display = self.pending
            yield pending

    def on_screen_resume(self) -> None:
        self.kiosk.narrator.screen_shown(self)

    def on_mount(self) -> None:
        self.set_interval(RETRY_EVERY_S, self._tick)

    def _tick(self) -> None:
        if not self._probing:  # one probe at a time: a slow one must not overlap the next
            self._probing = True
            self.probe()

    def add_callback(
        self,
        callback: Callable[[], object] | None,
        *,
        pending: bool = False,
        retry: Retry | None = None,
        reason: BaseException | None = None,
    ) -> None:
        if callback is not None and callback not in self.callbacks:
            self.callbacks.append(callback)
        if retry is not None:
            self.retries.append(retry)
        self.pending = self.pending or pending or retry is not None
        if reason is not None:
            self.note(reason)
        if self.is_mounted:
            self._show_pending()

    def note(self, exc: BaseException) -> None:
        """Tell the log (once per cause) why the database doesn't answer; show a full disk."""
        from cafepol_tui.db.engine import disk_write_failed, is_disk_full

        reason = describe_outage(exc)
        self.disk_full = is_disk_full(exc)
        if self.is_mounted:
            self._show_pending()
        if reason == self.reason:
            return
        self.reason = reason
        level = logging.ERROR if self.disk_full or disk_write_failed(exc) else logging.WARNING
        log.log(level, "database outage: %s; %d sign-up(s) kept, saved when it answers",
                reason, len(self.retries))

    def _show_pending(self) -> None:
        found = self.query("#outage-pending")
        if not found:  # not composed yet: compose() shows the state it finds
            return
        box = found.first(Static)
        box.update(_(PENDING) if self.pending else "")
        box.display = self.pending
        self.query_one("#outage-disk-full", Static).display = self.disk_full

    @property
    def kiosk(self) -> CafePolApp:
        return cast("CafePolApp", self.app)

    def action_noop(self) -> None:
        pass

    @work(thread=True, exclusive=True, group="outage-probe", exit_on_error=False)
    def probe(self) -> Then | None:
        """One cheap round trip (creating or upgrading the schema if the kiosk started offline),
        then each pending save; the screen goes away only once they have all landed, and this
        worker has ended (`Then`)."""
        try:
            self._probe()
        except (peewee.DatabaseError, peewee.InterfaceError) as exc:
            self._probing = False
            if not is_outage(exc):
                raise
            self.app.call_from_thread(self.note, exc)
            return None
        except BaseException:
            self._probing = False
            raise
        return Then(self.recovered)  # _probing stays set: no probe after this one

    def _probe(self) -> None:
        self.attempts += 1
        self.kiosk.probe_database(PROBE_DEADLINE_S)
        for retry in list(self.retries):
            self.landed.append(retry())  # an outage still going on raises: the screen stays
            self.retries.remove(retry)  # landed: never sent again

    def recovered(self) -> None:
        finishes, self.landed = self.landed, []
        if self.reason:
            # The cause again: a full disk may have kept its first line out of the log.
            log.info("database answers again after %.0f s (it had failed: %s); "
                     "%d pending sign-up(s) sent again",
                     monotonic() - self.since, self.reason, len(finishes))
            self.reason = ""
        callbacks, self.callbacks = self.callbacks, []
        if self.app.screen is self:
            self.app.pop_screen()
        # Whatever comes next (the form's outcome, a confirmation) gets the citizen's full time.
        self.kiosk.last_input = monotonic()
        for callback in callbacks:
            callback()
        for finish in finishes:
            finish()
