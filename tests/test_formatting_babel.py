"""services.formatting writes days and times from its own CLDR tables: they say exactly what
Babel says for our four locales, for every day (and a few times) of several years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date, format_time

from cafepol_tui.services import formatting
from cafepol_tui.services.formatting import (
    LOCALES,
    format_clock,
    format_day,
    format_short_day,
    local,
)

# Babel's patterns, as services.formatting used them before it kept the names itself.
DAY = {"de": "EEEE, d. MMMM y"}
DAY_NO_YEAR = {"de": "EEEE, d. MMMM"}
SHORT_DAY = {"de": "EEE, d. MMM"}


def _days() -> list[datetime]:
    start = datetime(2025, 12, 28, 8, 30, tzinfo=UTC)  # around New Year and both DST changes
    return [start + timedelta(days=n, hours=n % 15) for n in range(3 * 366)]


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_days_and_times_read_as_babel_writes_them(lang: str) -> None:
    locale = LOCALES[lang]
    for dt in _days():
        moment = local(dt)
        assert format_day(dt, lang) == format_date(
            moment, DAY.get(lang, "EEEE d MMMM y"), locale=locale
        )
        assert format_day(dt, lang, year=False) == format_date(
            moment, DAY_NO_YEAR.get(lang, "EEEE d MMMM"), locale=locale
        )
        assert format_short_day(dt, lang) == format_date(
            moment, SHORT_DAY.get(lang, "EEE d MMM"), locale=locale
        )
        if lang != "fr":
            assert format_clock(dt, lang) == format_time(moment, "HH:mm", locale=locale)


def test_the_tables_are_babels_names() -> None:
    from babel import Locale

    for lang, name in LOCALES.items():
        cldr = Locale.parse(name)
        assert formatting.DAYS[lang] == tuple(cldr.days["format"]["wide"][i] for i in range(7))
        assert formatting.SHORT_DAYS[lang] == tuple(
            cldr.days["format"]["abbreviated"][i] for i in range(7)
        )
        assert formatting.MONTHS[lang] == tuple(
            cldr.months["format"]["wide"][i] for i in range(1, 13)
        )
        assert formatting.SHORT_MONTHS[lang] == tuple(
            cldr.months["format"]["abbreviated"][i] for i in range(1, 13)
        )
