"""JSON and CSV exports of the rows `services.exports.export_data` reads. Keys and column names
are a contract for the zone's scripts: the columns live in `services.contracts`, and nothing
here is translated."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from cafepol_tui.services.contracts import CONCERN_COLUMNS, REGISTRATION_COLUMNS


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# A cell a spreadsheet would take for a formula (CSV injection, OWASP): =, +, -, @, tab and
# carriage return at the start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_cell(value: Any) -> Any:
    """The text with a single quote in front when it starts like a formula, else unchanged.

    OWASP's advice: the quote makes Excel and LibreOffice take the cell as text and show it
    without the quote, so « +32 470 55 66 77 » stays a phone number with its + visible, and
    « =HYPERLINK(…) » typed in a topic is shown, never run. Numbers, booleans and None are
    values of ours, not typed text: left as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _defused(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield {key: defuse_cell(value) for key, value in row.items()}


def _csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(_defused(rows))
    return buffer.getvalue()


def registrations_csv(data: dict[str, Any]) -> str:
    """CSV with a UTF-8 BOM so spreadsheet programs keep the accents; no cell runs as a formula."""
    return _csv(REGISTRATION_COLUMNS, data["registrations"])


def concerns_csv(data: dict[str, Any]) -> str:
    """Concerns (without citizen contacts), UTF-8 with BOM and defused like the registrations."""
    return _csv(CONCERN_COLUMNS, data.get("concerns", []))
