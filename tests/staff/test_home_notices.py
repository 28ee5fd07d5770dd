"""The staff home: a banner while a channel is down, and what waits for staff."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from textual.widgets import Static

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.services import outbox
from cafepol_tui.statuses import NoticeChannel, NoticeKind
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff.home import StaffHomeScreen
from tests.conftest import FIXED_NOW
from tests.pilot import settle, wait_until
from tests.staff.test_pilot import login


async def test_the_banner_while_email_is_down(settings, db, counter):
    with write_transaction(database_proxy.obj):
        outbox.enqueue(
            NoticeKind.PROMOTION,
            NoticeChannel.PHONE,
            recipient="+32470123456",
            recipient_name="Mme Fatima El Idrissi",
            body="Bonjour",
            now=FIXED_NOW,
        )
        outbox.enqueue(
            NoticeKind.FEEDBACK,
            NoticeChannel.LETTER,
            recipient="Rue Haute 1",
            recipient_name="M. Benali",
            body="Bonjour",
            now=FIXED_NOW,
        )
        outbox._set_outage("email", "connection refused", FIXED_NOW)
    app = make_app(settings, db)
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        for size in ((80, 24), (120, 40)):
            with write_transaction(database_proxy.obj):
                outbox._set_outage("email", "connection refused", FIXED_NOW)
            async with app.run_test(size=size) as pilot:
                await login(app, pilot, "4321")
                home = app.screen
                assert isinstance(home, StaffHomeScreen)
                banner = home.query_one("#staff-outages", Static)
                await wait_until(pilot, lambda b=banner: b.display)
                text = str(banner.render())
                assert "E-mail en panne depuis" in text and "connection refused" in text
                assert "les messages attendent" in text
                counts = str(home.query_one("#staff-counts", Static).render())
                assert "1 appel(s) à passer" in counts and "1 lettre(s) à imprimer" in counts
                assert banner.region.height >= 1 and banner.region.bottom <= size[1]
                with write_transaction(database_proxy.obj):
                    outbox._set_outage("email", "", FIXED_NOW)
                home.load()
                await wait_until(pilot, lambda b=banner: not b.display)
                await settle(pilot)
            app = make_app(settings, db)
