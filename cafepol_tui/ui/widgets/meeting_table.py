"""The list of upcoming meetings: two lines a meeting, one tap opens it."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.formatting import format_clock, format_day
from cafepol_tui.services.meetings import MeetingSummary, availability_text

_ = translator("kiosk")

WHEN_WIDTH = 25
SEATS_WIDTH = 25


def format_ahead(meetings: list[MeetingSummary], lang: str) -> None:
    """Format the rows' days in a worker thread, while the UI thread lays the screen out.

    The first date in a language makes Babel load that locale's calendar (~15 ms); done here,
    `show()` on the UI thread finds every day already formatted.
    """
    for m in meetings:
        format_day(m.starts_at, lang, year=False)


def first_upper(text: str) -> str:
    """« Mittwoch, 2. Dezember »: only the first letter raised (`str.capitalize` lowers the rest)."""
    return text[:1].upper() + text[1:]


class MeetingTable(DataTable[Text]):
    """A DataTable of meetings keyed by id. A single click (or tap) selects, as on a touch screen.

    In large print there are two columns instead of three (the seats go under the place) and a
    blank line between meetings.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.lang = current_language()
        self.large = False
        self._meetings: list[MeetingSummary] = []
        self._width = 0

    def on_resize(self) -> None:
        if self.size.width != self._width and self._meetings:
            self.show(list(self._meetings))

    async def _on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        before = self.cursor_coordinate
        await super()._on_click(event)
        row = meta.get("row", -1)
        if row >= 0 and self.cursor_coordinate.row == row and before.row != row:
            self.action_select_cursor()

    def show(self, meetings: list[MeetingSummary]) -> None:
        """Show `meetings`, touching only what changed.

        The same meetings in the same order (a sign-up elsewhere, a seat freed): only the
        changed rows' cells are updated. Otherwise the rows are rebuilt, keeping the cursor on
        the same meeting when it is still listed.
        """
        large = self.app.has_class("-large-print")
        same_rows = (
            self._width == self.size.width
            and large == self.large
            and [m.id for m in meetings] == [m.id for m in self._meetings]
            and self.row_count == len(meetings)
        )
        if same_rows:
            for old, new in zip(self._meetings, meetings, strict=True):
                if old != new:
                    for column, cell in zip(self.column_keys, self.cells(new), strict=True):
                        self.update_cell(str(new.id), column, cell)
            self._meetings = meetings
            return
        current = self._current_key()
        self.clear(columns=True)
        self._meetings = meetings
        self._width = self.size.width
        self.large = large
        if large:
            place_width = max(12, self.size.width - WHEN_WIDTH - 8)
            self.add_column(Text(_("Quand")), width=WHEN_WIDTH, key="when")
            self.add_column(Text(_("Où et places")), width=place_width, key="where")
        else:
            place_width = max(12, self.size.width - WHEN_WIDTH - SEATS_WIDTH - 8)
            self.add_column(Text(_("Quand")), width=WHEN_WIDTH, key="when")
            self.add_column(Text(_("Où")), width=place_width, key="where")
            self.add_column(Text(_("Places")), width=SEATS_WIDTH, key="seats")
        for m in meetings:
            self.add_row(*self.cells(m), height=4 if large else 2, key=str(m.id))
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    @property
    def column_keys(self) -> tuple[str, ...]:
        return ("when", "where") if self.large else ("when", "where", "seats")

    def cells(self, m: MeetingSummary) -> tuple[Text, ...]:
        when = Text(first_upper(format_day(m.starts_at, self.lang, year=False)), style="bold")
        when.append("\n" + _("à {time}").format(time=format_clock(m.starts_at, self.lang)))
        where = Text(m.commune, style="bold")
        where.append(f"\n{m.place}")
        # Full or cancelled is said in words; bold only underlines it.
        seats = Text(availability_text(m), style="bold" if m.is_cancelled or m.is_full else "")
        if self.large:
            where.append("\n")
            where.append_text(seats)
            return when, where
        return when, where, seats

    def _current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - an empty or cleared table has no key
            return None
        return key
