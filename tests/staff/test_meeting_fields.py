"""The shared field checks (one text cleaner, one URL check), series dates and doctor's words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cafepol_tui.documents.qr import event_link
from cafepol_tui.services.formatting import format_ago, format_bytes
from cafepol_tui.services.series import nth_weekdays, parse_series, parse_weekday
from cafepol_tui.services.validation import (
    ValidationError,
    clean_text,
    clean_url,
    web_address,
)


def test_clean_text_squeezes_one_line_and_keeps_several() -> None:
    assert clean_text("  Salle   du\tCoron ", "place", 50) == "Salle du Coron"
    assert clean_text(" Ligne 1\n\tLigne 2 ", "description", 50) == "Ligne 1\n\tLigne 2"
    assert clean_text("Cafe\u0301", "place", 50) == "Café"  # NFC
    assert clean_text("", "address", 50) == ""


@pytest.mark.parametrize(
    ("raw", "kwargs"),
    [
        ("", {"required": "Indiquez le lieu."}),
        ("a\u200bb", {}),  # a format character
        ("a\x00b", {}),
        ("x" * 11, {}),
    ],
)
def test_clean_text_refuses(raw: str, kwargs: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as err:
        clean_text(raw, "place", 10, **kwargs)
    assert set(err.value.errors) == {"place"}


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        (" https://www.facebook.com/events/1/ ", "https://www.facebook.com/events/1/"),
        ("http://zone.be", "http://zone.be"),
        ("ftp://zone.be", None),
        ("https://", None),
        ("https://a.be/x y", None),
        ("https://a.be/x\ty", None),
        ("https://a.be/\u200b", None),
        ("http://[::1", None),  # urlparse raises: not a URL, not a crash
        ("", None),
        (None, None),
    ],
)
def test_one_url_check_for_the_editor_and_the_qr_codes(raw: str | None, url: str | None) -> None:
    assert web_address(raw) == url
    assert event_link(raw, None).url == url
    if raw and raw.strip() and url is None:
        with pytest.raises(ValidationError):
            clean_url(raw)
    elif raw is not None:
        assert clean_url(raw) == url


@pytest.mark.parametrize("name", ["mardi", "Dinsdag", "DIENSTAG", "tuesday", " 1 "])
def test_a_weekday_in_any_language(name: str) -> None:
    assert parse_weekday(name) == 1


def test_series_refuses_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as err:
        parse_series("mardo", "0", "20")
    assert set(err.value.errors) == {"weekday", "nths", "months"}
    assert parse_series(6, "1;5", "2") == (6, (1, 5), 2)


def test_last_weekday_and_duplicates() -> None:
    # February 2027 has four Tuesdays: the 4th is the last, listed once.
    assert nth_weekdays(date(2027, 2, 15), 1, 1, (4, 5, -1)) == [date(2027, 2, 23)]
    # March 2027 has five Mondays: « 5 » is the last one, the 29th.
    assert nth_weekdays(date(2027, 3, 1), 1, 0, (1, 5)) == [date(2027, 3, 1), date(2027, 3, 29)]
    assert nth_weekdays(date(2027, 3, 1), 0, 0, (1,)) == []


def test_doctor_words_come_from_babel() -> None:
    assert format_ago(timedelta(minutes=5), "en") == "5 minutes ago"
    assert format_ago(timedelta(hours=30), "fr") == "il y a 30 heures"
    assert format_ago(timedelta(days=3), "nl") == "3 dagen geleden"
    assert format_bytes(12.34 * 1024**2, "en") == "12.3 MB"
    assert format_bytes(12.34 * 1024**2, "fr") == "12,3\u202fMo"
    assert format_bytes(512, "de") == "512 Byte"
