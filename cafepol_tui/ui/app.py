"""The kiosk App: two modes (citizen, staff), the idle reset, and the services it was given."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING

import peewee
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerFailed

from cafepol_tui.i18n import N_, current_language, set_language, translator
from cafepol_tui.settings import Settings
from cafepol_tui.ui.screens.base import TAP_GUARD_S, KioskScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.speech import LISTEN_KEY, REPEAT_KEY, Narrator

if TYPE_CHECKING:
    from cafepol_tui.services.staff import StaffUser
    from cafepol_tui.ui.screens.citizen.outage import Retry

# More unexpected errors than this within the window: exit, and let systemd restart us.
MAX_RECOVERIES = 3
RECOVERY_WINDOW_S = 60.0

_ = translator("kiosk")

# Pure black, white and yellow; focus shown by a yellow block, never by a shade alone.
CONTRAST_THEME = Theme(
    name="cafepol-contraste",
    primary="#ffff00",
    secondary="#ffffff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    success="#ffffff",
    warning="#ffff00",
    error="#ffff00",
    dark=True,
    variables={
        "text-muted": "#ffffff",
        "border": "#ffff00",
        "border-blurred": "#ffffff",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "input-cursor-background": "#ffff00",
        "input-cursor-foreground": "#000000",
        "footer-background": "#000000",
    },
)


def recovery_screen() -> Screen[None]:
    from cafepol_tui.ui.screens.citizen.recovery import RecoveryScreen

    return RecoveryScreen()


def staff_home() -> Screen[None]:
    """Staff screens are imported on first use: the citizen's first screen must not wait."""
    from cafepol_tui.ui.screens.staff.home import StaffHomeScreen

    return StaffHomeScreen()


class CafePolApp(App[None], inherit_bindings=False):
    """Locked down: no inherited bindings (ctrl+q, ctrl+c…), no command palette for citizens."""

    CSS_PATH = "app.tcss"
    # Taps and Enter right after a new citizen screen are ignored for this long (see
    # `KioskScreen.tap_too_soon`), read from `tap_clock` (a monotonic clock; a test sets its own).
    tap_guard_s: float = TAP_GUARD_S
    tap_clock: Callable[[], float] = staticmethod(monotonic)
    TITLE = N_("Un café avec votre policier de quartier")
    ENABLE_COMMAND_PALETTE = False
    # The citizen mode's home is the default screen, and the mode is declared once it is up
    # (on_mount): Textual re-parses every stylesheet when a MODES screen first appears, which
    # would cost the first screen ~20 ms for nothing.
    MODES = {"staff": staff_home, "recovery": recovery_screen}
    DEFAULT_MODE = "citizen"
    BINDINGS = [
        Binding("tab", "app.focus_next", "Suivant", show=False, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", "Précédent", show=False, id="focus-previous"),
        Binding(LISTEN_KEY, "app.listen", "Écouter", show=False, id="listen"),
        Binding(REPEAT_KEY, "app.repeat", "Répéter", show=False, id="repeat"),
    ]

    def __init__(
        self, settings: Settings, database: peewee.Database, *, schema_ready: bool = True
    ) -> None:
        """Built by `make_app` only."""
        super().__init__()
        self.settings = settings
        self.database = database
        self.staff_user: StaffUser | None = None
        self.last_input = monotonic()
        self.recoveries: list[float] = []
        self.incident_code = ""
        self._stopping_for_restart = False
        self._outage_screen: Screen[None] | None = None
        # False when the kiosk started while the database was unreachable: the outage
        # screen's probe creates or upgrades the schema once it answers (`probe_database`).
        self._schema_ready = schema_ready
        # « Écouter »: a voice only where it is switched on and its engine is installed.
        speaker = None
        if settings.speech.enabled:  # imported only then: the first screen must not wait
            from cafepol_tui.services.speech import Speaker

            speaker = Speaker(settings.speech)
        self.narrator = Narrator(self, speaker)
        self.register_theme(CONTRAST_THEME)
        self.default_theme = self.theme
        set_language(settings.language)
        self.title = _(self.TITLE)

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen()

    def on_unmount(self) -> None:
        self.narrator.close()

    def action_listen(self) -> None:
        """F2: « Écouter » on or off (citizen mode, where the kiosk can speak)."""
        if self.current_mode != "citizen" or not self.narrator.available:
            return
        self.narrator.toggle()
        home = self.screen_stack[0] if self.screen_stack else None
        if isinstance(home, HomeScreen):
            home.show_listening()

    def action_repeat(self) -> None:
        self.narrator.repeat()

    def on_mount(self) -> None:
        self.add_mode("citizen", HomeScreen)
        self.sub_title = self.settings.zone_name
        self.set_interval(1.0, self.check_inactivity)
        if not self.schema_ready:
            self.show_outage()

    @property
    def schema_ready(self) -> bool:
        """False until the schema of a kiosk started with the database unreachable is made."""
        return self._schema_ready

    def probe_database(self, deadline_s: float) -> None:
        """From a worker thread: one cheap round trip, or the outage's error.

        A kiosk started while the database was unreachable creates (or upgrades) the schema
        first, and says so on the UI thread (`schema_became_ready`).
        """
        from cafepol_tui.db.engine import connection_deadline
        from cafepol_tui.db.migrations import ensure_schema

        with connection_deadline(self.database, deadline_s):
            if not self._schema_ready:
                ensure_schema(self.database)
                self.call_from_thread(self.schema_became_ready)
            self.database.execute_sql("SELECT 1").fetchone()

    def schema_became_ready(self) -> None:
        """UI thread: the schema is made; the probes from now on only ask for an answer."""
        self._schema_ready = True

    def show_outage(
        self,
        on_back: Callable[[], object] | None = None,
        *,
        pending: bool = False,
        retry: Retry | None = None,
        reason: BaseException | None = None,
    ) -> None:
        """The database stopped answering: a calm screen on top that retries by itself.

        The screens below stay as they were (a typed sign-up is kept); `on_back` runs when the
        database answers again. A pending save gives its `retry` instead: the outage screen
        tries it and stays until it has landed. Call on the UI thread; workers use
        `database_failed`.
        """
        from cafepol_tui.ui.screens.citizen.outage import OutageScreen

        current = self.screen
        last = self._outage_screen
        if last is not None and last is not current and last.is_attached:
            # The database answered, then failed again at once (the reload that followed):
            # the last outage screen is still being removed, and a second one can't share
            # its id. Shown as soon as it is gone.
            self.set_timer(
                0.05,
                lambda: self.show_outage(on_back, pending=pending, retry=retry, reason=reason),
            )
            return
        outage = current if isinstance(current, OutageScreen) else OutageScreen()
        if outage is not current:
            self.push_screen(outage)
            self._outage_screen = outage
        outage.add_callback(on_back, pending=pending, retry=retry, reason=reason)

    def database_failed(
        self,
        exc: BaseException,
        on_back: Callable[[], object] | None = None,
        *,
        pending: bool = False,
        retry: Retry | None = None,
    ) -> bool:
        """From a worker thread: True (and the outage screen shown) if `exc` is an outage."""
        from cafepol_tui.db.engine import is_outage

        if not is_outage(exc):
            return False
        self.call_from_thread(
            self.show_outage, on_back, pending=pending, retry=retry, reason=exc
        )
        return True

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp)):
            self.last_input = monotonic()
        if (isinstance(event, events.Key) and event.key in ("enter", "space")
                and isinstance(self.screen, KioskScreen) and self.screen.tap_too_soon()):
            return  # the Enter of a double press: the new screen is not acted on unseen
        await super().on_event(event)

    # The citizen's choices on the home screen, each undone after the idle timeout.

    def choose_language(self, lang: str) -> None:
        """Every screen composed from now on is in `lang` (UI thread only)."""
        set_language(lang)
        self.title = _(self.TITLE)

    @property
    def large_print(self) -> bool:
        return self.has_class("-large-print")

    def set_large_print(self, on: bool) -> None:
        """More spacing, taller targets, fewer columns: an App class every screen's CSS reads."""
        self.set_class(on, "-large-print")

    @property
    def high_contrast(self) -> bool:
        return self.theme == CONTRAST_THEME.name

    def set_high_contrast(self, on: bool) -> None:
        self.theme = CONTRAST_THEME.name if on else self.default_theme
        self.set_class(on, "-high-contrast")

    def reset_preferences(self) -> bool:
        """Back to the default language, normal print and theme; True if anything changed."""
        changed = (current_language() != self.settings.language or self.large_print
                   or self.high_contrast)
        self.choose_language(self.settings.language)
        self.set_large_print(False)
        self.set_high_contrast(False)
        return changed

    @property
    def idle_limit(self) -> float:
        if self.current_mode == "staff":
            return self.settings.kiosk.staff_idle_timeout_s
        return self.settings.kiosk.idle_timeout_s

    def check_inactivity(self, now: float | None = None) -> None:
        """Back to a clean citizen home after the idle timeout, whatever screen is open.

        A citizen screen with typed text gets « Vous êtes toujours là ? » first: a countdown
        (`STILL_THERE_S`) that any touch cancels, keeping what was typed. The reset ends on the
        calm screen (`WelcomeScreen`), which the next touch takes away.
        """
        from cafepol_tui.ui.screens.citizen.still_there import STILL_THERE_S, StillThereScreen
        from cafepol_tui.ui.screens.citizen.welcome import WelcomeScreen

        now = now or monotonic()
        idle = now - self.last_input
        limit = self.idle_limit
        if idle >= limit:
            self.last_input = now
            if self.screen.id == "outage":  # keep a pending sign-up until it is confirmed
                return
            if self.screen.id == "welcome":  # nobody came: the calm screen stays
                return
            self.reset_to_home()
            self.push_screen(WelcomeScreen())
            return
        if self.current_mode != "citizen" or len(self.screen_stack) <= 1:
            return
        screen = self.screen
        left = limit - idle
        if isinstance(screen, StillThereScreen):
            screen.show_left(left)
        elif (left <= min(STILL_THERE_S, limit / 3) and isinstance(screen, KioskScreen)
              and screen.warns_before_reset):
            self.push_screen(StillThereScreen(left))

    def reset_to_home(self) -> None:
        """Drop every open citizen screen (and so every half-typed form) and leave staff mode.

        The next citizen finds the kiosk as configured: default language, normal print.
        """
        self.narrator.stop()  # « Écouter » ends with the citizen who started it
        if self.current_mode == "staff":
            self.leave_staff_mode()
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.forget_typed_text()
        relayout = self.reset_preferences()
        home = self.screen
        if isinstance(home, HomeScreen):
            home.reset(relayout=relayout)

    def forget_typed_text(self) -> None:
        """Nothing the previous person typed comes back: not by paste, not by undo.

        Called whenever the citizen home comes back. The App's clipboard (filled by ctrl+c or
        ctrl+x in a field) is emptied, and the terminal's too (Textual copies there with OSC
        52). Input keeps no undo history in Textual 8; a TextArea does, on screens that are
        gone by now, but any left in the stack is cleared all the same.
        """
        if self.clipboard:
            self.copy_to_clipboard("")
        for screen in self.screen_stack:
            for area in screen.query("TextArea"):
                history = getattr(area, "history", None)
                if history is not None:
                    history.clear()

    def enter_staff_mode(self, user: StaffUser) -> None:
        self.narrator.stop()
        self.staff_user = user
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.switch_mode("staff")

    def leave_staff_mode(self) -> None:
        self.staff_user = None
        self.switch_mode("citizen")
        self.remove_mode("staff")
        self.add_mode("staff", staff_home)
        self.reset_to_home()


    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for an error it did not expect: never its traceback on the screen."""
        if isinstance(error, WorkerFailed) and isinstance(error.error, Exception):
            error = error.error
        self.report_error(error, f"screen {self._screen_name()}")

    def worker_failed(self, error: BaseException, node: object) -> None:
        """A worker (or a callback it ran on the UI thread) raised: the same as any error.

        The screens' workers run with `exit_on_error=False` and would end silently (the screen
        stuck on « Chargement… »); their screens hand the error here instead. A lost database
        is the outage screen, whose return reloads the screen (`reload`) if it has one.
        """
        from cafepol_tui.db.engine import is_outage

        where = f"worker:{type(node).__name__}"
        if not self._running:  # closing: a last callback found its screen gone; nothing to show
            from cafepol_tui.logging_setup import log_incident

            log_incident(error, f"{where} (closing)")
            return
        if is_outage(error):
            self.show_outage(getattr(node, "reload", None))
            return
        self.report_error(error, where)

    def report_error(self, error: BaseException, where: str) -> None:
        """An unexpected error: log it, show « Un instant… », start again from a fresh home.

        Only when errors repeat (a broken database file, a bug on the home screen itself) does
        the app exit with status 1, for the service manager to restart it. The traceback goes
        to the log file, formatted without the frames' local variables (they hold citizens'
        data); the terminal gets one line with the incident code.
        """
        from cafepol_tui.logging_setup import log_incident

        code = log_incident(error, where)
        now = monotonic()
        self.recoveries = [t for t in self.recoveries if now - t < RECOVERY_WINDOW_S]
        repeated = len(self.recoveries) >= MAX_RECOVERIES or self.current_mode == "recovery"
        if repeated or not self._running:  # errors repeat, or the app is already closing
            self._stop_for_restart(error, code)
            return
        self.recoveries.append(now)
        self.call_later(self._start_recovery, code)

    def _screen_name(self) -> str:
        try:
            return type(self.screen).__name__
        except Exception:  # noqa: BLE001 - no screen yet, or the stack is being torn down
            return "-"

    def _stop_for_restart(self, error: BaseException, code: str) -> None:
        """Exit status 1 and one calm line, printed once the terminal is restored.

        Textual's own handling would print a rich traceback with every frame's locals; this
        replaces it. The first error is kept where Textual keeps it, so that a Pilot test
        still sees what stopped the app.
        """
        logging.getLogger("cafepol.ui").critical("errors repeat (%s): exiting for a restart", code)
        if self._exception is None and isinstance(error, Exception):
            self._exception = error
            self._exception_event.set()
        if self._stopping_for_restart:  # one line on the terminal, however many errors
            self._return_code = 1
            return
        self._stopping_for_restart = True
        line = _("erreurs répétées, la borne redémarre ({code}) ; voir le journal").format(code=code)
        # Never wrapped by Rich into two lines: a long translation is one line the console folds.
        self.exit(return_code=1, message=Text(f"cafepol: {line}", no_wrap=True, overflow="ignore"))

    def _start_recovery(self, code: str) -> None:
        """Every screen may be broken: replace both modes' stacks, not just pop screens."""
        if not self._running:  # the app began to close meanwhile: its stacks are being pruned
            return
        self.staff_user = None
        self.incident_code = code
        self.switch_mode("recovery")
        for mode, base in (("citizen", HomeScreen), ("staff", staff_home)):
            self.remove_mode(mode)
            self.add_mode(mode, base)

    def finish_recovery(self) -> None:
        self.last_input = monotonic()
        self.switch_mode("citizen")
        self.remove_mode("recovery")
        self.add_mode("recovery", recovery_screen)


def make_app(
    settings: Settings, database: peewee.Database, *, schema_ready: bool = True
) -> CafePolApp:
    """The one way to build the kiosk, used by the CLI, the tests and the benchmarks.

    `schema_ready=False` when the database did not answer at start (`attach_database`): the
    kiosk opens on the outage screen, whose probe makes the schema once the database answers.

    The zone the database holds (its name, communes, language, page, logo) is read once,
    here, over the config's (`services.zone`); a database that can't be read now (the kiosk
    starts on its outage screen: `schema_ready` False) leaves the config's.
    """
    zone_settings = (
        _zone_settings(settings, database)
        if schema_ready
        else dataclasses.replace(settings, language=settings.default_language)
    )
    return CafePolApp(zone_settings, database, schema_ready=schema_ready)


def _zone_settings(settings: Settings, database: peewee.Database) -> Settings:
    from cafepol_tui.db.engine import DatabaseConfigError, connection_deadline
    from cafepol_tui.services.zone import zone_settings

    try:
        with connection_deadline(database):
            return zone_settings(settings)
    except (peewee.PeeweeException, DatabaseConfigError) as exc:  # the outage screen will say
        logging.getLogger("cafepol.ui").warning(
            "the zone can't be read (%s): the config's zone name and communes are shown", exc
        )
        return dataclasses.replace(settings, language=settings.default_language)
