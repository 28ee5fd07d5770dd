"""The outage screen over a sign-up (SQLite): the confirmation that follows gets its full time."""

from __future__ import annotations

from time import monotonic

import peewee
from textual.widgets import Checkbox, Input

from cafepol_tui.services import registrations
from cafepol_tui.services.meetings import get_meeting
from cafepol_tui.ui.screens.citizen import signup as signup_module
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.outage import OutageScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from tests.pilot import wait_for_screen, wake_kiosk


async def test_the_confirmation_after_an_outage_gets_its_full_idle_time(
    kiosk, meetings, monkeypatch  # noqa: ANN001
) -> None:
    down = True

    def register(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if down:
            raise peewee.OperationalError("database is locked")
        # The database answers just as the idle timer (started again by the outage screen each
        # time it runs out) is about to run out once more.
        kiosk.last_input = monotonic() - (kiosk.idle_limit - 0.5)
        return registrations.register(*args, **kwargs)

    monkeypatch.setattr(signup_module, "register", register)
    detail = get_meeting(meetings[0].id)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        form = SignupScreen(detail)
        await kiosk.push_screen(form)
        form.query_one("#name", Input).value = "Fatima El Amrani"
        form.query_one("#consent", Checkbox).value = True
        form.query_one("#submit").press()
        await wait_for_screen(pilot, OutageScreen)
        limit = kiosk.idle_limit
        # The outage outlasts the idle timeout: the pending sign-up is kept (not reset)...
        kiosk.last_input = monotonic() - limit - 1
        kiosk.check_inactivity()
        assert isinstance(kiosk.screen, OutageScreen)
        # ...and when the database answers with the timer nearly run out again, the
        # confirmation used to get what was left of it: about a second.
        down = False
        await wait_for_screen(pilot, ConfirmationScreen)
        shown = monotonic()
        kiosk.check_inactivity(now=shown + limit - 2)
        assert isinstance(kiosk.screen, ConfirmationScreen), "cut before its idle time"
        kiosk.check_inactivity(now=shown + limit + 1)  # then the reset does come
        await wake_kiosk(pilot)
        await wait_for_screen(pilot, HomeScreen)
