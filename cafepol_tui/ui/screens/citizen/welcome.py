"""The calm screen when nobody is there: after the idle reset, the next meetings in large print
and « Touchez l'écran pour commencer » in every language of the kiosk.

It wakes on the first touch or key without acting on it: the touch is taken here (the home below
gets neither the press nor the release), and the home's tap guard covers what follows.
"""

from __future__ import annotations

from typing import ClassVar

import peewee
from rich.cells import cell_len
from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Static

from cafepol_tui.db.engine import connection_deadline
from cafepol_tui.i18n import LANGUAGES, N_, current_language, language, translator
from cafepol_tui.services.formatting import format_clock, format_short_day
from cafepol_tui.services.meetings import MeetingSummary, list_upcoming
from cafepol_tui.ui.screens.base import KioskScreen
from cafepol_tui.ui.speech import LISTEN_KEY, plain
from cafepol_tui.ui.widgets.big_text import BigText

_ = translator("kiosk")

TOUCH_TO_START = N_("Touchez l'écran pour commencer")
LISTEN_WITH_KEY = N_("Écouter : touche {key}")
# The meetings are read again now and then: the screen may stay up for hours.
REFRESH_S = 60.0
# Rows a meeting takes (three of block letters, one for the place) and rows kept for the rest.
ROWS_PER_MEETING = 4
ROWS_KEPT = 13
MOST_MEETINGS = 3


def meetings_that_fit(height: int) -> int:
    """How many meetings the screen shows at `height` rows: at least one, at most three."""
    return max(1, min(MOST_MEETINGS, (height - ROWS_KEPT) // ROWS_PER_MEETING))


class WelcomeScreen(KioskScreen, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self) -> None:
        super().__init__(id="welcome")
        self._meetings: list[MeetingSummary] = []

    def compose(self) -> ComposeResult:
        lang = current_language()
        with Vertical(id="welcome-box"):
            yield Static(f"☕ {_('Un café avec votre policier de quartier')}", id="welcome-title")
            yield Static(self.kiosk.settings.zone_name, id="welcome-zone")
            yield Vertical(id="welcome-meetings")
            yield BigText(_(TOUCH_TO_START), always=True, id="welcome-touch")
            others = []
            for code in LANGUAGES:
                if code != lang:
                    with language(code):
                        others.append(_(TOUCH_TO_START))
            yield Static(" · ".join(others), id="welcome-others")
            if self.kiosk.narrator.available:
                # The key is marked by touch on the kiosk's keyboard (README, « Mode vocal »).
                listen = []
                for code in (lang, *(c for c in LANGUAGES if c != lang)):
                    with language(code):
                        listen.append(_(LISTEN_WITH_KEY).format(key="F2"))
                yield Static(" · ".join(listen), id="welcome-listen")

    def on_mount(self) -> None:
        self.load()
        self.set_interval(REFRESH_S, self.load)

    def on_resize(self, event: events.Resize) -> None:
        self.show_meetings(self._meetings)

    def tap_too_soon(self) -> bool:
        return False  # any touch wakes the kiosk at once

    @work(thread=True, exclusive=True, group="welcome-load", exit_on_error=False)
    def load(self) -> None:
        """The next meetings; a database that does not answer leaves the list empty (the home
        below shows the outage screen once it is touched)."""
        try:
            with connection_deadline(self.kiosk.database):
                meetings = [m for m in list_upcoming(limit=MOST_MEETINGS + 2)
                            if not m.is_cancelled][:MOST_MEETINGS]
        except peewee.DatabaseError:
            meetings = []
        self.app.call_from_thread(self.show_meetings, meetings)

    def show_meetings(self, meetings: list[MeetingSummary]) -> None:
        self._meetings = meetings
        found = self.query("#welcome-meetings")
        if not found:  # a resize before the screen is composed (Textual 8.0): load() shows them
            return
        box = found.first(Vertical)
        box.remove_children()
        lang = current_language()
        shown = meetings[: meetings_that_fit(self.app.size.height - self.listen_rows())]
        if not shown:
            return
        rows: list[Static] = [Static(_("Prochaines rencontres"), classes="welcome-next")]
        for meeting in shown:
            when = f"{format_short_day(meeting.starts_at, lang)} {format_clock(meeting.starts_at, lang)}"
            rows.append(BigText(when, always=True, classes="welcome-when"))
            rows.append(Static(f"{meeting.commune} — {meeting.place}", markup=False,
                               classes="welcome-place"))
        box.mount_all(rows)

    def listen_rows(self) -> int:
        """Rows to keep for the « Écouter » line: its wrapped lines, twice (at 80 columns the
        lines above it wrap too, past what `ROWS_KEPT` counts)."""
        found = self.query("#welcome-listen")
        if not found:
            return 0
        width = max(self.app.size.width - 2, 20)
        return 2 * -(-cell_len(plain(found.first(Static))) // width)

    def wake(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    # The first touch is taken here whole: the press is kept, the release wakes the kiosk, so
    # no part of it reaches the home below.
    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        event.stop()
        self.wake()

    def on_click(self, event: events.Click) -> None:
        event.stop()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.wake()
        if event.key == LISTEN_KEY:  # wakes the kiosk talking
            self.kiosk.action_listen()
