"""The list of upcoming meetings: two lines a meeting, one tap opens it."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.formatting import format_clock, format_day
from cafepol_tui.services.meetings import MeetingSummary, availability_text

_ = translator("kiosk")

CELL_GUTTER = 2  # DataTable's cell padding, one column on either side
SCROLLBAR = 2
MIN_PLACE_WIDTH = 12


def fill_day_cache(meetings: list[MeetingSummary], lang: str) -> None:
    """Fill `format_day`'s cache with the rows' days, in a worker thread, while the UI thread
    lays the screen out (nothing is returned: the cache is the point).

    The first date in a language makes Babel load that locale's calendar (~15 ms); done here,
    `show()` on the UI thread finds every day already formatted.
    """
    for m in meetings:
        format_day(m.starts_at, lang, year=False)


def widest(texts: list[Text]) -> int:
    """The width of the longest line among `texts`, in terminal cells."""
    return max(cell_len(line) for text in texts for line in text.plain.split("\n"))


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
        self._widths: tuple[int, ...] = ()

    def on_resize(self) -> None:
        if self.size.width != self._width and self._meetings:
            self.show(list(self._meetings))

    async def _on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        before = self.cursor_coordinate
        await super()._on_click(event)
        # Textual calls every class's handler along the MRO: without this, DataTable's would run
        # again, see the cursor already on the row and select it a second time (one tap, two
        # meeting screens).
        event.prevent_default()
        row = meta.get("row", -1)
        if row >= 0 and self.cursor_coordinate.row == row and before.row != row:
            self.action_select_cursor()

    def show(self, meetings: list[MeetingSummary]) -> None:
        """Show `meetings`, touching only what changed.

        The same meetings in the same order and column widths (a sign-up elsewhere, a seat
        freed): only the changed rows' cells are updated. Otherwise the rows are rebuilt,
        keeping the cursor on the same meeting when it is still listed.
        """
        large = self.app.has_class("-large-print")
        headers = self.headers(large)
        rows, widths = self.fit([self.cells(m, large) for m in meetings], headers)
        same_rows = (
            widths == self._widths
            and large == self.large
            and [m.id for m in meetings] == [m.id for m in self._meetings]
            and self.row_count == len(meetings)
        )
        if same_rows:
            for old, new, cells in zip(self._meetings, meetings, rows, strict=True):
                if old != new:
                    for column, cell in zip(self.column_keys, cells, strict=True):
                        self.update_cell(str(new.id), column, cell)
            self._meetings = meetings
            return
        current = self._current_key()
        self.clear(columns=True)
        self._meetings = meetings
        self._width = self.size.width
        self._widths = widths
        self.large = large
        for key, header, width in zip(self.column_keys, headers, widths, strict=True):
            self.add_column(header, width=width, key=key)
        for m, cells in zip(meetings, rows, strict=True):
            self.add_row(*cells, height=4 if large else 2, key=str(m.id))
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    @property
    def column_keys(self) -> tuple[str, ...]:
        return ("when", "where") if self.large else ("when", "where", "seats")

    @staticmethod
    def headers(large: bool) -> tuple[Text, ...]:
        if large:
            return Text(_("Quand")), Text(_("Où et places"))
        return Text(_("Quand")), Text(_("Où")), Text(_("Places"))

    def fit(
        self, rows: list[tuple[Text, ...]], headers: tuple[Text, ...]
    ) -> tuple[list[tuple[Text, ...]], tuple[int, ...]]:
        """Column widths for this table's width, and the rows as they will be shown.

        The day column is as wide as its longest day. The place column gets its longest place
        when the width allows and the seats column the rest; when it is tight (80 columns),
        « Complet – liste d'attente » goes on two lines so that the places still fit, and a
        place that is still too long ends with « … » rather than being cut silently.
        """
        # Each column has one cell of padding on either side; the scrollbar takes two.
        room = self.size.width - CELL_GUTTER * len(headers) - SCROLLBAR
        when = widest([headers[0], *(row[0] for row in rows)])
        place = widest([headers[1], *(row[1] for row in rows)])
        if len(headers) == 2:  # large print: the seats are under the place
            return rows, (when, max(MIN_PLACE_WIDTH, room - when))
        seats = widest([headers[2], *(row[2] for row in rows)])
        if when + place + seats > room:
            rows = [(w, p, Text(s.plain.replace(" – ", " –\n"), style=s.style)) for w, p, s in rows]
            seats = widest([headers[2], *(row[2] for row in rows)])
            place = max(MIN_PLACE_WIDTH, room - when - seats)
        return rows, (when, place, max(seats, room - when - place))

    def cells(self, m: MeetingSummary, large: bool) -> tuple[Text, ...]:
        when = Text(first_upper(format_day(m.starts_at, self.lang, year=False)), style="bold")
        when.append("\n" + _("à {time}").format(time=format_clock(m.starts_at, self.lang)))
        where = Text(m.commune, style="bold", no_wrap=True, overflow="ellipsis")
        where.append(f"\n{m.place}")
        # Full or cancelled is said in words; bold only underlines it.
        seats = Text(availability_text(m), style="bold" if m.is_cancelled or m.is_full else "")
        if large:
            where.append("\n")
            where.append_text(seats)
            return when, where
        return when, where, seats

    def spoken(self) -> str:
        """The meeting under the cursor, as a sentence: « Mardi 1 décembre, à 14 h, Frameries,
        Salle des fêtes, 12 places libres. Rencontre 1 sur 3. »"""
        if not self._meetings or not self.row_count:
            return _("Liste des rencontres, vide.")
        row = min(max(self.cursor_row, 0), len(self._meetings) - 1)
        m = self._meetings[row]
        when = first_upper(format_day(m.starts_at, self.lang, year=False))
        clock = _("à {time}").format(time=format_clock(m.starts_at, self.lang))
        place = ", ".join((when, clock, m.commune, m.place, availability_text(m)))
        return f"{place}. " + _("Rencontre {i} sur {n}.").format(i=row + 1, n=len(self._meetings))

    def _current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - an empty or cleared table has no key
            return None
        return key
