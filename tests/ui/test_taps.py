"""Taps land where they were meant: a double tap never acts on what its first half brought up;
nothing typed is thrown away by surprise (« Retour », the idle countdown)."""

from __future__ import annotations

from time import monotonic

from textual.widgets import Input

from cafepol_tui.db.models import Registration
from cafepol_tui.statuses import RegistrationStatus
from cafepol_tui.ui.screens.citizen.cancel import CancelScreen
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.leave import LeaveFormScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.screens.citizen.still_there import StillThereScreen
from tests.factories import sign_up
from tests.pilot import at_rest, click_and_wait, settle, wait_for_screen, wake_kiosk
from tests.ui.conftest import touch


class Clock:
    """The tap guard's clock, moved by the test only."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def later(self, seconds: float = 0.6) -> None:
        self.now += seconds


def guarded(kiosk) -> Clock:
    clock = Clock()
    kiosk.tap_clock = clock
    kiosk.tap_guard_s = 0.5
    return clock


async def open_form(pilot, clock: Clock) -> SignupScreen:
    clock.later()
    await pilot.press("enter")
    await wait_for_screen(pilot, MeetingScreen)
    await settle(pilot)
    clock.later()
    await click_and_wait(pilot, "#signup")
    form = await wait_for_screen(pilot, SignupScreen)
    await at_rest(pilot)
    clock.later()
    return form  # type: ignore[return-value]


async def test_one_tap_on_a_meeting_opens_it_once(kiosk, meetings):
    """Textual runs each class's click handler along the MRO: the table's own and DataTable's
    both selected the row, and one tap opened two meeting screens (« Retour » then showed the
    same meeting again)."""
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#meetings")
        await pilot.click("#meetings", offset=(5, 4))  # the second meeting, not under the cursor
        await wait_for_screen(pilot, MeetingScreen)
        await settle(pilot)
        assert [type(s) for s in pilot.app.screen_stack] == [HomeScreen, MeetingScreen]
        assert pilot.app.screen.meeting_id == meetings[1].id
        pilot.app.pop_screen()
        await settle(pilot)
        assert table.cursor_row == 1
        await pilot.click("#meetings", offset=(5, 4))  # the row under the cursor this time
        await wait_for_screen(pilot, MeetingScreen)
        await settle(pilot)
        assert [type(s) for s in pilot.app.screen_stack] == [HomeScreen, MeetingScreen]


async def test_a_tap_right_after_a_new_screen_is_ignored(kiosk, meetings):
    clock = guarded(kiosk)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the home screen has just come: ignored
        await settle(pilot)
        assert isinstance(kiosk.screen, HomeScreen)
        clock.later()
        await pilot.press("enter")
        await wait_for_screen(pilot, MeetingScreen)
        await settle(pilot)
        await pilot.click("#signup")  # the second half of a double tap
        await settle(pilot)
        assert isinstance(kiosk.screen, MeetingScreen)
        clock.later()
        await click_and_wait(pilot, "#signup")
        assert isinstance(kiosk.screen, SignupScreen)


async def test_double_tap_on_confirm_ends_on_the_code_and_escape_keeps_it(kiosk, meetings):
    clock = guarded(kiosk)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, clock)
        form.query_one("#name", Input).value = "Marie Dubois"
        form.query_one("#consent").value = True
        submit = form.query_one("#submit").region
        spot = (submit.x + submit.width // 2, submit.y + submit.height // 2)
        await pilot.click("#submit", times=2)
        await wait_for_screen(pilot, ConfirmationScreen)
        await settle(pilot)
        await pilot.click(offset=spot)  # a third tap where « Confirmer » was: nothing
        await pilot.click("#finish")  # even on « Terminer », too soon after the screen came
        await settle(pilot)
        assert isinstance(kiosk.screen, ConfirmationScreen)
        saved = Registration.get(Registration.meeting == meetings[0].id)
        reference = kiosk.screen.query_one("#reference").text.replace(" ", "")
        assert saved.reference in reference
        clock.later()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(kiosk.screen, ConfirmationScreen)
        assert Registration.select().where(Registration.meeting == meetings[0].id).count() == 1
        await click_and_wait(pilot, "#finish")
        assert isinstance(kiosk.screen, HomeScreen)


async def test_enter_in_the_code_field_searches_and_never_cancels(kiosk, meetings):
    booked = sign_up(meetings[0], "Marie Dubois", 1)
    clock = guarded(kiosk)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock.later()
        await touch(pilot, "#actions", "cancel")
        await wait_for_screen(pilot, CancelScreen)
        await settle(pilot)
        clock.later()
        await pilot.press(*booked.reference.lower(), "enter")
        await settle(pilot)
        screen = kiosk.screen
        confirm = screen.query_one("#confirm-cancel")
        assert confirm.display and screen.query_one("#confirm-cancel-row").display
        assert screen.focused is screen.query_one("#code")
        assert not confirm.region.overlaps(screen.query_one("#lookup").region)
        await pilot.press("enter", "enter")  # searches again, twice
        await settle(pilot)
        await pilot.click("#confirm-cancel")  # the button has just appeared: ignored
        await settle(pilot)
        registration = Registration.get(Registration.reference == booked.reference)
        assert registration.status != RegistrationStatus.CANCELLED
        clock.later()
        await click_and_wait(pilot, "#confirm-cancel")
        registration = Registration.get(Registration.reference == booked.reference)
        assert registration.status == RegistrationStatus.CANCELLED


async def test_back_from_a_typed_form_asks_first(kiosk, meetings):
    clock = guarded(kiosk)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, clock)
        await pilot.press(*"Jean")
        await click_and_wait(pilot, "#back")
        await wait_for_screen(pilot, LeaveFormScreen)
        assert kiosk.screen.focused is kiosk.screen.query_one("#stay")
        await pilot.press("enter")  # too soon: nothing
        await settle(pilot)
        assert isinstance(kiosk.screen, LeaveFormScreen)
        clock.later()
        await click_and_wait(pilot, "#stay")
        assert kiosk.screen is form and form.query_one("#name", Input).value == "Jean"
        clock.later()
        await click_and_wait(pilot, "#back")
        await wait_for_screen(pilot, LeaveFormScreen)
        clock.later()
        await click_and_wait(pilot, "#leave")
        assert isinstance(kiosk.screen, MeetingScreen)


async def test_back_from_an_empty_form_goes_at_once(kiosk, meetings):
    clock = guarded(kiosk)
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(pilot, clock)
        await click_and_wait(pilot, "#back")
        assert isinstance(kiosk.screen, MeetingScreen)


async def test_still_there_countdown_and_a_touch_keeps_the_form(kiosk, meetings):
    """Idle times are set back on `last_input` (the App's own 1 s check runs meanwhile and must
    see the same)."""

    def idle_for(seconds: float) -> None:
        kiosk.last_input = monotonic() - seconds
        kiosk.check_inactivity()

    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, Clock())
        await pilot.press(*"Jean")
        idle_for(30)  # idle 60 s: nothing yet
        await settle(pilot)
        assert kiosk.screen is form
        idle_for(41)
        countdown = await wait_for_screen(pilot, StillThereScreen)
        await settle(pilot)
        assert countdown.query_one("#still-there-count").value in {"19", "18"}
        idle_for(45)
        await settle(pilot)
        assert countdown.query_one("#still-there-count").value in {"15", "14"}
        await pilot.click("#still-there-heading")
        await wait_for_screen(pilot, SignupScreen)
        assert form.query_one("#name", Input).value == "Jean"
        assert monotonic() - kiosk.last_input < 10  # the touch counted as activity
        idle_for(41)
        await wait_for_screen(pilot, StillThereScreen)
        idle_for(61)  # nobody touched: a clean home, under the calm screen
        await settle(pilot)
        await wake_kiosk(pilot)
        assert isinstance(kiosk.screen, HomeScreen) and len(kiosk.screen_stack) == 1


async def test_the_confirmation_stays_for_the_whole_idle_time(kiosk, meetings):
    async with kiosk.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, Clock())
        form.query_one("#name", Input).value = "Marie Dubois"
        form.query_one("#consent").value = True
        await click_and_wait(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen)
        kiosk.check_inactivity(now=monotonic() + 30)
        await settle(pilot)
        assert isinstance(kiosk.screen, ConfirmationScreen)
