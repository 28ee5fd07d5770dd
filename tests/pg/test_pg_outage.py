"""Outages: the connection to PostgreSQL is cut mid-use (a TCP relay we can stop)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import peewee
import pytest
from textual.widgets import Checkbox, Input

from cafepol_tui.db.database import is_outage, open_database
from cafepol_tui.db.models import Registration, utcnow
from cafepol_tui.services.meetings import get_meeting
from cafepol_tui.services.registrations import register
from cafepol_tui.services.validation import SignupForm
from cafepol_tui.settings import Settings
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import HomeScreen
from cafepol_tui.ui.screens.citizen.outage import MESSAGE, OutageScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from tests.factories import make_meeting
from tests.pg.conftest import with_database
from tests.pg.tcpproxy import TcpProxy


@pytest.fixture
def relay(pg_empty_url: str) -> Iterator[tuple[TcpProxy, str]]:
    parts = urlsplit(pg_empty_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    url = with_database(f"postgresql://{parts.username}@127.0.0.1:{proxy.port}/x", parts.path[1:])
    try:
        yield proxy, url
    finally:
        proxy.close()


@pytest.fixture
def zone(
    pg_db: peewee.Database, relay: tuple[TcpProxy, str]
) -> Iterator[tuple[TcpProxy, peewee.Database, int]]:
    """A future meeting, and the models bound to the database through the relay."""
    meeting = make_meeting(capacity=5, starts_at=utcnow() + timedelta(days=10))
    proxy, url = relay
    db = open_database(url)
    yield proxy, db, meeting.id


def test_a_cut_connection_is_an_outage_and_a_retry_is_saved_once(zone) -> None:  # noqa: ANN001
    proxy, db, meeting_id = zone
    form = SignupForm(name="Marie Dubois", consent=True)
    with db.connection_context():
        first = register(meeting_id, form, max_party=4, topic_max=300, submission_key="a" * 32)
        proxy.cut()
        with pytest.raises(peewee.DatabaseError) as caught:
            register(meeting_id, form, max_party=4, topic_max=300, submission_key="a" * 32)
    assert is_outage(caught.value)
    proxy.restore()
    with db.connection_context():  # the answer was "lost": the kiosk sends it again
        again = register(meeting_id, form, max_party=4, topic_max=300, submission_key="a" * 32)
        assert again == first
        assert Registration.select().where(Registration.meeting == meeting_id).count() == 1


async def wait_for(pilot, condition, timeout: float = 15.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await pilot.pause(0.1)


async def test_the_kiosk_keeps_a_typed_signup_through_an_outage_and_saves_it_once(
    zone,
    settings: Settings,  # noqa: ANN001
) -> None:
    proxy, db, meeting_id = zone
    with db.connection_context():
        detail = get_meeting(meeting_id)
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        signup = SignupScreen(detail)
        await app.push_screen(signup)
        signup.query_one("#name", Input).value = "Fatima El Amrani"
        signup.query_one("#phone", Input).value = "0470 12 34 56"
        signup.query_one("#consent", Checkbox).value = True
        proxy.cut()
        signup.query_one("#submit").press()
        await wait_for(pilot, lambda: isinstance(app.screen, OutageScreen))
        assert MESSAGE in str(app.screen.query_one("#outage-title").render())
        assert app.screen.pending  # the citizen is told the sign-up is pending
        assert signup in app.screen_stack
        assert signup.query_one("#name", Input).value == "Fatima El Amrani"
        proxy.restore()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmationScreen))
    with db.connection_context():
        rows = list(Registration.select().where(Registration.meeting == meeting_id))
    assert [r.name for r in rows] == ["Fatima El Amrani"]
    assert rows[0].submission_key == signup.submission_key


async def test_a_kiosk_started_while_the_database_is_down_waits_then_shows_the_list(
    zone,
    settings: Settings,  # noqa: ANN001
) -> None:
    proxy, db, _ = zone
    proxy.cut()
    app = make_app(settings, db)
    app.schema_ready = False
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OutageScreen))
        await pilot.pause(0.5)
        assert isinstance(app.screen, OutageScreen)  # still down: still waiting, calmly
        proxy.restore()
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(
            pilot, lambda: "à venir" in str(app.screen.query_one("#status-line").render())
        )


async def test_a_signup_at_another_kiosk_shows_here_within_5_seconds(
    zone,
    settings: Settings,  # noqa: ANN001
) -> None:
    from cafepol_tui.ui.widgets.meeting_table import MeetingTable

    _, db, meeting_id = zone
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(MeetingTable)

        def seats() -> str:
            key = str(meeting_id)
            return str(table.get_row(key)[2]) if key in table.rows else ""

        await wait_for(pilot, lambda: seats() == "5 places libres")
        with db.connection_context():  # "another kiosk": a separate connection and thread
            register(
                meeting_id,
                SignupForm(name="Ahmet Kaya", people=2, consent=True),
                max_party=4,
                topic_max=300,
            )
        start = time.monotonic()
        await wait_for(pilot, lambda: seats() == "3 places libres", timeout=8)
        assert time.monotonic() - start <= 5.5
