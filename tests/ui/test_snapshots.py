"""What the citizen sees, at 80×24 and 120×40: home, meeting, form with errors, confirmation.

The clock is frozen and the data fixed, so the pictures only change when the screens do.
Update with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at the report.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from tests.ui.conftest import settle

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_home(kiosk, snap_compare, size):
    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(kiosk, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_meeting(kiosk, snap_compare, size):
    async def open_meeting(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(kiosk, terminal_size=size, run_before=open_meeting)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_form_with_errors(kiosk, snap_compare, size):
    async def bad_form(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#signup")
        await settle(pilot)
        pilot.app.screen.query_one("#phone", Input).value = "12"
        pilot.app.screen.query_one("#email", Input).value = "marie@"
        await pilot.click("#submit")
        await settle(pilot)

    assert snap_compare(kiosk, terminal_size=size, run_before=bad_form)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_confirmation(kiosk, snap_compare, size, monkeypatch):
    monkeypatch.setattr("cafepol_tui.services.registrations.new_reference", lambda: "K7M3QX")

    async def signed_up(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#signup")
        await settle(pilot)
        pilot.app.screen.query_one("#name", Input).value = "Marie Dubois"
        pilot.app.screen.query_one("#consent", Checkbox).value = True
        await pilot.click("#submit")
        await settle(pilot)

    assert snap_compare(kiosk, terminal_size=size, run_before=signed_up)
