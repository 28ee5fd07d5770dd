"""Staff dialogs read their lists off the UI thread; a lost database there is the outage screen.

Four dialogs (new/edit meeting, series, new concern, topic → concern) used to read communes,
officers, themes or partners on the UI thread while being built: a database that stopped
answering froze the console, then ended in crash recovery (staff logged out) instead of the
calm outage screen that retries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import peewee
import pytest
import time_machine
from textual.widgets import Button

from cafepol_tui.db.models import Registration
from cafepol_tui.services import concerns as concern_service
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.citizen import outage
from cafepol_tui.ui.screens.citizen.outage import OutageScreen
from cafepol_tui.ui.screens.citizen.recovery import RecoveryScreen
from cafepol_tui.ui.screens.staff import editors
from cafepol_tui.ui.screens.staff.form import FormDialog
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen
from tests.conftest import FIXED_NOW
from tests.pilot import settle, wait_for_screen, wait_until
from tests.staff.test_pilot import SIZE

COMMUNES = (editors, "commune_names")
THEMES = (concern_service, "theme_names")

# name -> (build the dialog, the read that fails, a field that appears once loaded)
DIALOGS: dict[str, tuple[Callable[[Any, dict[str, Any]], FormDialog], tuple[object, str], str]] = {
    "new meeting": (lambda app, ids: editors.meeting_editor(app, None), COMMUNES, "commune"),
    "edit meeting": (lambda app, ids: editors.meeting_editor(app, ids["soon"]), COMMUNES, "place"),
    "series": (lambda app, ids: editors.series_editor(app), COMMUNES, "weekday"),
    "new concern": (lambda app, ids: editors.concern_editor(app, None), THEMES, "theme"),
    "topic to concern": (
        lambda app, ids: editors.concern_from_topic_dialog(app, ids["registration"], "Dépôts"),
        THEMES,
        "theme",
    ),
}


class Backend:
    """The patched read: fails like a lost server while `down`, records the thread it ran on."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real, self.down, self.threads = real, True, []  # type: ignore[var-annotated]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread())
        if self.down:
            raise peewee.OperationalError("server closed the connection unexpectedly")
        return self.real(*args, **kwargs)


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_dialog_loads_off_the_ui_thread_and_an_outage_is_the_outage_screen(
    name, zone, counter, settings, db, monkeypatch
):
    build, (module, attribute), field = DIALOGS[name]
    reference = register(
        zone["soon"], SignupForm(name="Alice Martin", consent=True, topic="Dépôts"),
        max_party=4, topic_max=300, now=FIXED_NOW,
    ).reference
    ids = {**zone, "registration": Registration.get(Registration.reference == reference).id}
    backend = Backend(getattr(module, attribute))
    monkeypatch.setattr(module, attribute, backend)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(counter)
            await settle(pilot)
            dialog = build(app, ids)
            assert backend.threads == []  # building the dialog reads nothing
            app.push_screen(dialog)
            await wait_for_screen(pilot, OutageScreen)
            # the probe retries every 3 s: it finds the database back only after `down` is off
            assert isinstance(app.screen, OutageScreen)
            # not crash recovery: still in staff mode, still logged in, the dialog underneath
            assert app.current_mode == "staff" and app.staff_user is not None
            assert dialog in app.screen_stack and dialog.query_one("#form-ok", Button).disabled
            backend.down = False
            await wait_until(pilot, lambda: app.screen is dialog and not dialog.fields_pending)
            assert app.screen is dialog and dialog.query(f"#f-{field}")
            assert not dialog.query("#form-loading")
            assert not dialog.query_one("#form-ok", Button).disabled
    assert len(backend.threads) >= 2
    assert all(thread is not threading.main_thread() for thread in backend.threads)


@pytest.fixture
def fast_outage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outage, "RETRY_EVERY_S", 0.2)


@pytest.mark.usefixtures("fast_outage")
async def test_an_outage_in_any_staff_worker_is_the_outage_screen_then_a_reload(
    zone, counter, settings, db, monkeypatch
):
    """A staff screen's worker with no outage handling of its own: the App routes it."""
    from cafepol_tui.ui.screens.staff import home

    backend = Backend(home.list_concerns)
    backend.down = False
    monkeypatch.setattr(home, "list_concerns", backend)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW, tick=True):
        async with app.run_test(size=SIZE) as pilot:
            app.enter_staff_mode(counter)
            await settle(pilot)
            staff_home = app.screen
            assert isinstance(staff_home, StaffHomeScreen)
            backend.down = True
            staff_home.reload()
            await wait_until(pilot, lambda: isinstance(app.screen, OutageScreen))
            assert app.current_mode == "staff" and app.staff_user is not None
            calls = len(backend.threads)
            backend.down = False
            await wait_until(pilot, lambda: app.screen is staff_home and len(backend.threads) > calls)
            await settle(pilot)
            assert app.screen is staff_home and app.current_mode == "staff"
            assert not any(isinstance(s, RecoveryScreen) for s in app.screen_stack)
