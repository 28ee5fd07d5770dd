"""What every kiosk screen shares: typed access to the App, its workers' endings, a way back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    # Types only: the first screen must not load the text widgets (see citizen.keyboard).
    from textual.widgets import Checkbox, DataTable, Input, TextArea

    from cafepol_tui.ui.app import CafePolApp
    from cafepol_tui.ui.widgets.chip_bar import ChipBar
    from cafepol_tui.ui.widgets.party_size import PartySize


class WorkerHandled(Exception):  # noqa: N818 - a signal, not an error
    """Ends a worker on purpose: what went wrong is already shown (e.g. the outage screen)."""


@dataclass(frozen=True)
class Then:
    """Returned by a worker whose last step takes its own screen away: `step` runs on the UI
    thread once the worker has ended (see `FinishesAfterWork`).

    A dialog dismissed with what it saved, the PIN screen giving way to staff mode, the sign-up
    form replaced by its confirmation: Textual cancels a screen's workers when the screen goes.
    Done from inside the worker (`call_from_thread`), the removal cancelled the very worker
    doing it, which then ended « cancelled » instead of done (`WorkerCancelled` for whoever
    waited on it) — always for a dismissed dialog, now and then for the others.
    """

    step: Callable[[], object]


class FinishesAfterWork:
    """Mixin for a Screen: a worker that returned `Then(step)` has `step` run once it has ended."""

    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, Then):
            result.step()


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


# A tap or Enter this soon after a screen (or a new button under the finger) came is ignored: the
# second half of a double tap must not act on what the first one brought up.
TAP_GUARD_S = 0.5

TAP_EVENTS = (events.MouseDown, events.MouseUp, events.Click)


class KioskScreen(FinishesAfterWork, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [Binding("escape", "back", "Retour", show=False, id="back")]
    _tap_armed_at: float | None = None
    # True on screens with something typed to lose: « Vous êtes toujours là ? » comes before
    # the idle reset (`CafePolApp.check_inactivity`).
    warns_before_reset: ClassVar[bool] = False

    @property
    def kiosk(self) -> CafePolApp:
        return cast("CafePolApp", self.app)

    def arm_tap_guard(self) -> None:
        """From now, for `TAP_GUARD_S`, taps and Enter on this screen are ignored (a new screen,
        or a new button where the finger may still be)."""
        self._tap_armed_at = self.kiosk.tap_clock()

    def tap_too_soon(self) -> bool:
        """True while a tap or Enter would land on something the citizen has not seen yet.
        Citizen screens only: staff mode is left as it is."""
        app = self.kiosk
        if self._tap_armed_at is None or app.current_mode == "staff":
            return False
        return app.tap_clock() - self._tap_armed_at < app.tap_guard_s

    def on_screen_resume(self) -> None:
        self.arm_tap_guard()
        self.kiosk.narrator.screen_shown(self)

    # « Écouter » (ui.speech): what the citizen moves to and changes is said.

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.kiosk.narrator.focus_moved(event.widget)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.kiosk.narrator.control_changed(event.checkbox)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.kiosk.narrator.control_changed(event.data_table)

    def on_chip_bar_moved(self, event: ChipBar.Moved) -> None:
        self.kiosk.narrator.control_changed(event.bar)

    def on_party_size_changed(self, event: PartySize.Changed) -> None:
        focused = self.focused
        if focused is not None and focused.parent is event.party_size:
            self.kiosk.narrator.control_changed(focused)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.kiosk.narrator.typed(event.input, event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.kiosk.narrator.typed(event.text_area, event.text_area.text)

    def _forward_event(self, event: Message) -> None:
        if isinstance(event, TAP_EVENTS) and self.tap_too_soon():
            return
        super()._forward_event(event)  # type: ignore[arg-type]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
