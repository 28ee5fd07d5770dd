"""Outages: the connection to PostgreSQL is cut mid-use (a TCP relay we can stop)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import peewee
import pytest
from textual.widgets import Checkbox, Input

from cafepol_tui.db.engine import is_outage
from cafepol_tui.db.models import Registration, utcnow
from cafepol_tui.db.open import open_database
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
from tests.pilot import wait_until


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
        await wait_until(pilot, lambda: isinstance(app.screen, OutageScreen))
        assert MESSAGE in str(app.screen.query_one("#outage-title").render())
        assert app.screen.pending  # the citizen is told the sign-up is pending
        assert signup in app.screen_stack
        assert signup.query_one("#name", Input).value == "Fatima El Amrani"
        proxy.restore()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmationScreen))
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
    app = make_app(settings, db, schema_ready=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OutageScreen))
        outage = app.screen
        await wait_until(pilot, lambda: outage.attempts >= 1)  # a probe found it down...
        assert isinstance(app.screen, OutageScreen)  # ...still waiting, calmly
        proxy.restore()
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_until(
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

        await wait_until(pilot, lambda: seats() == "5 places libres")
        with db.connection_context():  # "another kiosk": a separate connection and thread
            register(
                meeting_id,
                SignupForm(name="Ahmet Kaya", people=2, consent=True),
                max_party=4,
                topic_max=300,
            )
        start = time.monotonic()
        await wait_until(pilot, lambda: seats() == "3 places libres", timeout=8)
        assert time.monotonic() - start <= 5.5


def test_postgresql_urls_get_timeouts_and_keepalives_unless_the_url_says_otherwise() -> None:
    from cafepol_tui.db.engine import make_database

    params = make_database("postgresql://kiosk@zone.example:5432/cafepol").connect_params
    assert params["connect_timeout"] == 5
    assert (params["keepalives"], params["keepalives_idle"]) == (1, 5)
    assert (params["keepalives_interval"], params["keepalives_count"]) == (2, 3)
    assert params["tcp_user_timeout"] == 9000  # the psycopg binary's libpq is recent
    for setting in ("lock_timeout=4000", "statement_timeout=8000",
                    "idle_in_transaction_session_timeout=30000", "tcp_keepalives_idle=5"):
        assert f"-c {setting}" in params["options"]

    given = make_database(
        "postgresql://kiosk@zone.example/cafepol?connect_timeout=20&keepalives_idle=60"
        "&options=-c%20statement_timeout%3D0%20--lock-timeout%3D1s"
    ).connect_params
    assert (given["connect_timeout"], given["keepalives_idle"]) == (20, 60)
    options = given["options"]
    assert options.startswith("-c statement_timeout=0 --lock-timeout=1s")
    assert "statement_timeout=8000" not in options and "lock_timeout=4000" not in options
    assert "-c idle_in_transaction_session_timeout=30000" in options


def _rows(url: str, meeting_id: int) -> int:
    """Count the meeting's registrations on a connection of our own (not through the relay)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM registration WHERE meeting_id = %s", (meeting_id,)
        ).fetchone()
    return int(row[0]) if row else 0


async def _fill_and_confirm(app, detail, name: str) -> SignupScreen:  # noqa: ANN001
    signup = SignupScreen(detail)
    await app.push_screen(signup)
    signup.query_one("#name", Input).value = name
    signup.query_one("#consent", Checkbox).value = True
    return signup


@pytest.mark.parametrize("freeze", ["connecting", "FOR UPDATE", "COMMIT"])
async def test_a_link_that_goes_silent_during_a_signup_is_an_outage_within_10_s(
    zone, settings: Settings, pg_empty_url: str, freeze: str  # noqa: ANN001
) -> None:
    """The relay keeps the connection open but forwards nothing (a half-open link, a frozen
    server): while connecting, before the meeting is locked, or with the sign-up's COMMIT sent
    and not answered. The outage screen comes within 10 s with the sign-up kept; once the link
    flows again the sign-up is saved once (for COMMIT: the held COMMIT lands, then the retry
    finds it by its submission key) and its confirmation shown."""
    proxy, db, meeting_id = zone
    with db.connection_context():
        detail = get_meeting(meeting_id)
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        signup = await _fill_and_confirm(app, detail, "Fatima El Amrani")
        if freeze == "connecting":
            proxy.freeze()
        else:
            proxy.freeze_on(freeze.encode())
        pressed = time.monotonic()
        signup.query_one("#submit").press()
        # The outage screen with the sign-up kept: the home's own poll may meet the silent
        # link first and bring the screen up a moment before the save hands it the sign-up.
        await wait_until(pilot, lambda: isinstance(app.screen, OutageScreen) and app.screen.pending,
                         timeout=12)
        waited = time.monotonic() - pressed
        print(f"outage screen {waited:.1f} s after « Confirmer »")
        assert waited <= 10, f"outage screen after {waited:.1f} s"
        if freeze != "connecting":
            assert proxy.frozen_at.is_set()  # it froze where it was meant to
        outage = app.screen
        assert outage.pending and signup in app.screen_stack
        assert signup.query_one("#name", Input).value == "Fatima El Amrani"
        await wait_until(pilot, lambda: outage.attempts >= 1)  # it keeps trying, calmly
        assert _rows(pg_empty_url, meeting_id) == 0
        assert isinstance(app.screen, OutageScreen)
        proxy.thaw()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmationScreen), timeout=20)
        confirmation = app.screen
    with db.connection_context():
        rows = list(Registration.select().where(Registration.meeting == meeting_id))
    assert [r.name for r in rows] == ["Fatima El Amrani"]
    assert rows[0].submission_key == signup.submission_key
    assert confirmation.result.reference == rows[0].reference


async def test_a_backend_that_hangs_on_a_lock_is_an_outage_and_the_signup_lands_after(
    zone, settings: Settings, pg_empty_url: str  # noqa: ANN001
) -> None:
    """Another session (a stuck kiosk, a long staff job) holds the meeting's row: the sign-up
    waits 4 s at most (lock_timeout), the outage screen says it is pending and keeps it until the
    row is free; then it is saved once. A `SELECT 1` that answers meanwhile is not enough: the
    screen stays until the sign-up itself has landed."""
    import psycopg

    proxy, db, meeting_id = zone
    with db.connection_context():
        detail = get_meeting(meeting_id)
    app = make_app(settings, db)
    holder = psycopg.connect(pg_empty_url)
    try:
        holder.execute("SELECT id FROM meeting WHERE id = %s FOR UPDATE", (meeting_id,))
        async with app.run_test(size=(120, 40)) as pilot:
            signup = await _fill_and_confirm(app, detail, "Ahmet Kaya")
            pressed = time.monotonic()
            signup.query_one("#submit").press()
            await wait_until(
                pilot, lambda: isinstance(app.screen, OutageScreen) and app.screen.pending,
                timeout=12,
            )
            waited = time.monotonic() - pressed
            print(f"outage screen {waited:.1f} s after « Confirmer »")
            assert waited <= 10, f"outage screen after {waited:.1f} s"
            outage = app.screen
            assert outage.pending
            await wait_until(pilot, lambda: outage.attempts >= 2, timeout=20)
            assert app.screen is outage and outage.retries  # probes answer, the save can't
            holder.rollback()
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmationScreen), timeout=20)
    finally:
        holder.close()
    assert _rows(pg_empty_url, meeting_id) == 1
