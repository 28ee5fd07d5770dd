"""What every kiosk screen shares: typed access to the App and a harmless way back."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp


class WorkerHandled(Exception):  # noqa: N818 - a signal, not an error
    """Ends a worker on purpose: what went wrong is already shown (e.g. the outage screen)."""


class ReportsWorkerErrors:
    """Mixin for a Screen: a worker that raised is reported to the App like any other error.

    The screens' workers run with `exit_on_error=False`, so Textual only marks them failed:
    without this, an error in a worker (or in a callback it ran with `call_from_thread`)
    would leave the screen as it was, e.g. on « Chargement… ». Textual calls this handler
    as well as any `on_worker_state_changed` of the screen (handlers run along the MRO).
    """

    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        error = worker.error
        if event.state != WorkerState.ERROR or worker.exit_on_error or error is None:
            return  # with exit_on_error Textual already called App._handle_exception
        if isinstance(error, WorkerHandled):
            return
        app = cast("CafePolApp", getattr(self, "app"))  # noqa: B009 - a mixin: the Screen's app
        app.worker_failed(error, self)


class KioskScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [Binding("escape", "back", "Retour", show=False, id="back")]

    @property
    def kiosk(self) -> CafePolApp:
        return cast("CafePolApp", self.app)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
