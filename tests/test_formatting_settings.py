from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cafepol_tui.services.formatting import format_span, format_when
from cafepol_tui.settings import SettingsError, load_settings


def test_french_dates_in_brussels_time():
    winter = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    assert format_when(winter) == "mardi 12 janvier 2027 à 10 h"
    summer = datetime(2027, 6, 15, 16, 30, tzinfo=UTC)
    assert format_when(summer) == "mardi 15 juin 2027 à 18 h 30"
    end = datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
    assert format_span(winter, end) == "mardi 12 janvier 2027 de 10 h à 11 h 30"


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(environ={})
    assert settings.kiosk.idle_timeout_s == 90
    assert settings.kiosk.max_party_size == 4
    assert settings.retention_days == 30
    # A zone is data (issue 14): no zone's name or communes in the code; the zone file says them.
    assert settings.communes == () and settings.zone_name == ""


def test_file_env_and_flags(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(
        'zone_name = "Zone Test"\ndatabase_url = "/tmp/a.db"\nretention_days = 10\n'
        "[kiosk]\nidle_timeout_s = 30\nmax_party_size = 6\n",
        encoding="utf-8",
    )
    settings = load_settings(environ={"CAFEPOL_CONFIG": str(config), "CAFEPOL_DB": "/tmp/b.db"})
    assert settings.zone_name == "Zone Test"
    assert settings.kiosk.idle_timeout_s == 30
    assert settings.kiosk.max_party_size == 6
    assert settings.database_url == "/tmp/b.db"
    assert load_settings(config, database_url="/tmp/c.db", environ={}).database_url == "/tmp/c.db"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("zone_nom = 'x'\n", "réglage inconnu « zone_nom »"),
        ("[kiosk]\nidle_timeout = 3\n", "réglage inconnu « kiosk.idle_timeout »"),
        ("[kiosk]\nidle_timeout_s = 'long'\n", "kiosk.idle_timeout_s : un nombre entier est attendu"),
        ("communes = 'Boussu'\n", "communes : une liste de str est attendue"),
        ("kiosk = 3\n", "kiosk : une table"),
        ("retention_days = 0\n", "retention_days : au moins 1 jour"),
        ("zone_name = \n", "pas du TOML valide"),
    ],
)
def test_wrong_keys_and_types_are_named(tmp_path, text, needle):
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=needle.replace("(", r"\(")):
        load_settings(config, environ={})


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("retention_days = 99999999999999\n", "retention_days: must be between 1 and 3650"),
        ("[kiosk]\nidle_timeout_s = 1000000\n", "kiosk.idle_timeout_s: must be between 5 and 3600"),
        ("[kiosk]\ntopic_max_length = 0\n", "kiosk.topic_max_length: must be between 1 and"),
        ("[kiosk]\npin_lock_base_s = -5\n", "kiosk.pin_lock_base_s: must be between"),
        ("[printing]\ncopies = 100000\n", "printing.copies: must be between 1 and 100"),
        ("[backup]\ninterval_h = 10000000\n", "backup.interval_h: must be between 1 and 8760"),
        ("[logging]\nmax_bytes = 10000000000000\n", "logging.max_bytes: must be between"),
        ("communes = ['']\n", "communes: each name has 1 to 80 characters"),
        ("x = " + "[" * 1000 + "]" * 1000 + "\n", "nested too deeply"),
    ],
)
def test_numbers_and_sizes_have_sane_ranges(tmp_path, text, needle, english):
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=needle):
        load_settings(config, environ={})


def test_every_number_in_the_settings_has_its_range():
    from cafepol_tui.settings import RANGES, Settings, _numbers

    assert {where for where, _value in _numbers(Settings())} == set(RANGES)


def test_config_that_is_not_a_small_regular_utf8_file(tmp_path, english):
    import os

    from cafepol_tui.settings import CONFIG_MAX_BYTES

    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * CONFIG_MAX_BYTES + "\n", encoding="utf-8")
    latin = tmp_path / "latin.toml"
    latin.write_bytes("zone_name = 'Liège'\n".encode("latin-1"))
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    cases = [
        ("/dev/zero", "not a regular file"),
        (str(tmp_path), "it is a folder"),
        (str(fifo), "not a regular file"),
        (str(big), "too big"),
        (str(latin), "TOML"),
        (str(tmp_path / ("n" * 300 + ".toml")), "too long"),
    ]
    for path, needle in cases:
        with pytest.raises(SettingsError, match=needle):
            load_settings(path, environ={})
