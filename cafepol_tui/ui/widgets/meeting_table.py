"""The list of upcoming meetings: two lines a meeting, one tap opens it."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from cafepol_tui.services.formatting import format_clock, format_day
from cafepol_tui.services.meetings import MeetingSummary, availability_text

WHEN_WIDTH = 20
SEATS_WIDTH = 25


class MeetingTable(DataTable[Text]):
    """A DataTable of meetings keyed by id. A single click (or tap) selects, as on a touch screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.lang = "fr"
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
        same_rows = (
            self._width == self.size.width
            and [m.id for m in meetings] == [m.id for m in self._meetings]
            and self.row_count == len(meetings)
        )
        if same_rows:
            for old, new in zip(self._meetings, meetings, strict=True):
                if old != new:
                    for column, cell in zip(("when", "where", "seats"), self.cells(new),
                                            strict=True):
                        self.update_cell(str(new.id), column, cell)
            self._meetings = meetings
            return
        current = self._current_key()
        self.clear(columns=True)
        place_width = max(12, self.size.width - WHEN_WIDTH - SEATS_WIDTH - 8)
        self._meetings = meetings
        self._width = self.size.width
        self.add_column("Quand", width=WHEN_WIDTH, key="when")
        self.add_column("Où", width=place_width, key="where")
        self.add_column("Places", width=SEATS_WIDTH, key="seats")
        for m in meetings:
            self.add_row(*self.cells(m), height=2, key=str(m.id))
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def cells(self, m: MeetingSummary) -> tuple[Text, Text, Text]:
        when = Text(format_day(m.starts_at, self.lang, year=False).capitalize(), style="bold")
        when.append(f"\nà {format_clock(m.starts_at, self.lang)}")
        where = Text(m.commune, style="bold")
        where.append(f"\n{m.place}")
        seats = Text(availability_text(m))
        if m.is_cancelled or m.is_full:
            seats.stylize("bold")
        return when, where, seats

    def _current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - an empty or cleared table has no key
            return None
        return key
