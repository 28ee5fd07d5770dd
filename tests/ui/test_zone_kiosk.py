"""The kiosk of another zone: its name, its communes and its language, nothing of Boraine.

The config is still the tests' Boraine one (`tests/conftest.py`): the zone imported into the
database is what the kiosk shows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from cafepol_tui.db.models import Commune, Meeting, Officer
from cafepol_tui.i18n import current_language
from cafepol_tui.services.zone import import_zone
from cafepol_tui.services.zone_file import read_zone_file
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.widgets.chip_bar import ChipBar
from tests.factories import FIXED_START
from tests.pilot import settle
from tests.zones import BORAINE_WORDS, write_polderland


def polderland_meeting(tmp_path: Path) -> Meeting:
    import_zone(read_zone_file(write_polderland(tmp_path / "zone")))
    return Meeting.create(
        commune=Commune.get(Commune.name == "Oosterdijk"),
        place="Ontmoetingscentrum De Polder",
        address="Dorpsstraat 5, 2990 Oosterdijk",
        starts_at=FIXED_START,
        officer=Officer.get(Officer.name == "Inspecteur Jan Peeters"),
        capacity=30,
        event_url=None,
    )


def screen_text(app) -> str:  # noqa: ANN001
    """What the screen shows, as text (the screenshot's SVG without its markup)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_the_home_of_another_zone_shows_its_name_and_communes(
    settings, db, frozen, tmp_path: Path
) -> None:
    polderland_meeting(tmp_path)
    kiosk = make_app(settings, db)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert current_language() == "nl"  # the zone's language: the config chose none
        assert kiosk.sub_title == "Politiezone Polderland"
        subtitle = str(kiosk.screen.query_one("#subtitle").render())
        assert subtitle.startswith("Politiezone Polderland · ")
        chips = [c.name for c in kiosk.screen.query_one("#communes", ChipBar).chips]
        assert chips == ["", "Oosterdijk", "Westerveld"]
        shown = screen_text(kiosk)
        assert "Ontmoetingscentrum De Polder" in shown and "Oosterdijk" in shown
        for word in BORAINE_WORDS:
            assert word not in shown, word
