"""Fixtures for the PDF tests: the demo zone at a fixed date, PDF text, page images, QR codes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import peewee
import pytest

from cafepol_tui.services.demo import seed_demo
from cafepol_tui.services.meetings import MeetingDetail, get_meeting, list_upcoming
from cafepol_tui.settings import Settings
from tests.conftest import FIXED_NOW

CREATED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo(db: peewee.Database) -> peewee.Database:
    seed_demo(now=FIXED_NOW)
    return db


@pytest.fixture
def meeting(demo: peewee.Database) -> MeetingDetail:
    """The first upcoming scheduled meeting that has its own event page."""
    for summary in list_upcoming(now=FIXED_NOW, include_cancelled=False):
        if summary.event_url:
            return get_meeting(summary.id)
    raise AssertionError("the demo zone has no meeting with an event page")


@pytest.fixture
def zone_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, zone_page_url="https://www.facebook.com/ZPBoraine/")
