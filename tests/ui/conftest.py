"""A kiosk App on a small fixed data set, with the clock frozen on Saturday 28 November 2026."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine

from cafepol_tui.db.models import Meeting, MeetingPartner, MeetingTheme, Partner, Theme
from cafepol_tui.i18n import set_language
from cafepol_tui.ui.app import CafePolApp, make_app
from cafepol_tui.ui.widgets.chip_bar import ChipBar
from tests.conftest import FIXED_NOW
from tests.factories import FIXED_START, make_meeting, sign_up


@pytest.fixture(autouse=True)
def french_afterwards() -> Iterator[None]:
    """The language is process-wide: a test that picks Dutch must not leave it to the next."""
    yield
    set_language("fr")


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture
def meetings(db, frozen) -> list[Meeting]:
    first = make_meeting(capacity=30)
    partner = Partner.create(name="Hygea", kind="propreté publique")
    theme = Theme.create(name="Sentiment d'insécurité")
    MeetingPartner.create(meeting=first, partner=partner)
    MeetingTheme.create(meeting=first, theme=theme)
    full = make_meeting(capacity=2, commune="Boussu", place="Cafétéria du Grand-Hornu",
                        starts_at=FIXED_START + timedelta(days=3))
    sign_up(full, "Zbigniew Wiśniewski", 2, now=FIXED_NOW)
    sign_up(full, "Nguyễn Thị Hoa", 1, now=FIXED_NOW)
    no_url = make_meeting(capacity=45, commune="Quaregnon", place="Espace Jeunes du Rivage",
                          starts_at=FIXED_START + timedelta(days=9, hours=8), event_url=None)
    return [first, full, no_url]


@pytest.fixture
def kiosk(settings, db, meetings) -> CafePolApp:
    fast = dataclasses.replace(settings, kiosk=dataclasses.replace(settings.kiosk, idle_timeout_s=60))
    return make_app(fast, db)


async def touch(pilot, bar: str, chip: str) -> None:
    """Touch one chip of a home-screen bar (#preferences, #communes, #actions, #staff-entry)
    where it is drawn, as a finger would."""
    widget = pilot.app.screen.query_one(bar, ChipBar)
    await pilot.click(bar, offset=widget.chip_offset(chip))


def chip_text(screen, bar: str, chip: str) -> str:
    """A chip's label as drawn, with its ✓ when it is the chosen one."""
    return screen.query_one(bar, ChipBar).chip(chip).text
