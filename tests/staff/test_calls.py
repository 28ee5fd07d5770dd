"""The « À appeler » screen: calls made, letters printed, failed messages sent again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pypdf
import pytest
import time_machine
from textual.widgets import Button, DataTable, Static

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import AuditEntry, OutboxMessage
from cafepol_tui.services import outbox
from cafepol_tui.statuses import CallOutcome, NoticeChannel, NoticeKind, OutboxStatus
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.staff.calls import CallsScreen
from tests.conftest import FIXED_NOW
from tests.pilot import screen_text, settle, wait_until
from tests.staff.test_pilot import SIZE, login

TEXT = (
    "Bonjour, ici la police de la zone Boraine. Une place s'est libérée pour le café de "
    "quartier du mardi 1er décembre à 10 h, salle Boussu : vous êtes inscrite. "
    "Votre référence est K7P2Q. Merci et à bientôt."
)


@pytest.fixture
def app(settings, db, tmp_path):  # type: ignore[no-untyped-def]
    printing = dataclasses.replace(
        settings.printing, output_dir=str(tmp_path / "out"), lp_command=str(tmp_path / "no-such-lp")
    )
    return make_app(dataclasses.replace(settings, printing=printing), db)


def a_call(db) -> int:  # type: ignore[no-untyped-def]
    with write_transaction(database_proxy.obj):
        message_id = outbox.enqueue(
            NoticeKind.PROMOTION,
            NoticeChannel.PHONE,
            recipient="+32470123456",
            recipient_name="Mme Fatima El Idrissi",
            body=TEXT,
            reference="K7P2Q",
            now=FIXED_NOW,
        )
    assert message_id is not None
    return message_id


def a_letter(db, kind: str = NoticeKind.FEEDBACK) -> int:  # type: ignore[no-untyped-def]
    with write_transaction(database_proxy.obj):
        message_id = outbox.enqueue(
            kind,
            NoticeChannel.LETTER,
            recipient="Rue des Lilas 2\n7080 Frameries",
            recipient_name="M. Ahmed Benali",
            subject="Votre signalement",
            body="Bonjour,\nLes dépôts clandestins rue Haute ont été enlevés.",
            reference="C-7K2P",
            now=FIXED_NOW,
        )
    assert message_id is not None
    return message_id


async def open_calls(app, pilot, pin: str) -> CallsScreen:  # type: ignore[no-untyped-def]
    await login(app, pilot, pin)
    await pilot.press("a")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CallsScreen)
    return screen


def status(message_id: int) -> str:
    return str(OutboxMessage.get_by_id(message_id).status)


async def press(pilot, screen, selector: str, until) -> None:  # type: ignore[no-untyped-def]
    button = screen.query_one(selector, Button)
    button.scroll_visible(animate=False)
    await settle(pilot)
    await pilot.click(selector)
    await wait_until(pilot, until, what=f"what {selector} does")
    await settle(pilot)


async def test_the_list_shows_who_the_number_and_the_whole_text(app, db, counter):
    message_id = a_call(db)
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_calls(app, pilot, "4321")  # counter staff may
            await wait_until(pilot, lambda: screen.query(f"#call-{message_id}"))
            shown = " ".join(str(s.render()) for s in screen.query(f"#call-{message_id} Static"))
            assert "Mme Fatima El Idrissi" in shown
            assert "0470 12 34 56" in shown  # read aloud
            assert "Place libérée" in shown
            assert TEXT in shown  # whole, not cut
            assert "0470 12 34 56" in screen_text(app)
            await press(
                pilot,
                screen,
                f"#call-reached-{message_id}",
                lambda: not screen.query(f"#call-{message_id}"),
            )
            assert "Joint" in str(screen.query_one("#calls-message", Static).render())
    row = OutboxMessage.get_by_id(message_id)
    assert (row.status, row.call_outcome, row.handled_by) == (
        OutboxStatus.DONE,
        CallOutcome.REACHED,
        "Carl Guichet",
    )


async def test_no_answer_comes_back_tomorrow(app, db, counter):
    message_id = a_call(db)
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_calls(app, pilot, "4321")
            await wait_until(pilot, lambda: screen.query(f"#call-{message_id}"))
            await press(
                pilot,
                screen,
                f"#call-no-answer-{message_id}",
                lambda: not screen.query(f"#call-{message_id}"),
            )
            assert "Aucun appel" in screen_text(app)
    assert status(message_id) == OutboxStatus.TO_CALL
    assert outbox.call_list(now=FIXED_NOW + timedelta(hours=2)) == []
    tomorrow = FIXED_NOW + timedelta(days=1)  # 10:00 in Brussels, after CALL_AGAIN_AT
    assert [v.id for v in outbox.call_list(now=tomorrow)] == [message_id]


async def test_a_call_already_made_is_refused_beside_not_a_crash(app, db, counter):
    message_id = a_call(db)
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_calls(app, pilot, "4321")
            await wait_until(pilot, lambda: screen.query(f"#call-{message_id}"))
            outbox.record_call(message_id, CallOutcome.REACHED, counter)  # another console
            await press(
                pilot,
                screen,
                f"#call-message-left-{message_id}",
                lambda: not screen.query(f"#call-{message_id}"),
            )
            said = str(screen.query_one("#calls-message", Static).render())
            assert "plus sur la liste" in said and said.startswith("⚠")
            assert app.screen is screen
    assert OutboxMessage.get_by_id(message_id).call_outcome == CallOutcome.REACHED


async def test_print_the_call_list(app, db, counter, tmp_path):
    a_call(db)
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_calls(app, pilot, "4321")
            await wait_until(pilot, lambda: not screen.query_one("#print-calls").disabled)
            await press(
                pilot,
                screen,
                "#print-calls",
                lambda: "calls-" in str(screen.query_one("#calls-message").render()),
            )
    files = list((tmp_path / "out").glob("calls-*.pdf"))
    assert len(files) == 1
    text = "".join(p.extract_text() for p in pypdf.PdfReader(files[0]).pages)
    assert "Fatima El Idrissi" in text and "K7P2Q" in text
    entry = AuditEntry.get(AuditEntry.action == "document")
    assert (entry.actor, entry.detail) == ("Carl Guichet", files[0].name)


async def test_a_printed_letter_is_sent(app, db, counter, tmp_path):
    message_id = a_letter(db)
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_calls(app, pilot, "4321")
            screen.query_one("#send-to-printer").value = False  # kept in the output folder
            await pilot.press("right")  # the letters' tab
            screen.query_one("#calls-tabs").active = "tab-letters"
            await wait_until(pilot, lambda: screen.query(f"#letter-{message_id}"))
            await press(
                pilot,
                screen,
                f"#letter-{message_id}",
                lambda: not screen.query(f"#letter-{message_id}"),
            )
    assert status(message_id) == OutboxStatus.SENT
    pdf = pypdf.PdfReader(tmp_path / "out" / f"letter-{message_id}.pdf")
    text = pdf.pages[0].extract_text()
    assert "Ahmed Benali" in text and "C-7K2P" in text and "enlevés" in text


async def test_a_failed_message_is_sent_again(app, db, admin):
    with write_transaction(database_proxy.obj):
        message_id = outbox.enqueue(
            NoticeKind.CONFIRMATION,
            NoticeChannel.EMAIL,
            recipient="a@example.org",
            body="Bonjour",
            now=FIXED_NOW,
        )
    OutboxMessage.update(status=OutboxStatus.FAILED, last_error="550 no such user").where(
        OutboxMessage.id == message_id
    ).execute()
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_calls(app, pilot, "9999")
            screen.query_one("#calls-tabs").active = "tab-outbox"
            table = screen.query_one("#outbox-table", DataTable)
            await wait_until(pilot, lambda: table.row_count == 1)
            assert "550 no such user" in table.get_row_at(0)
            assert "en échec" in table.get_row_at(0)
            await settle(pilot)
            await press(pilot, screen, "#retry", lambda: status(message_id) == "pending")
            await wait_until(pilot, lambda: "en attente" in table.get_row_at(0))


async def test_give_feedback_through_the_dialog_writes_the_outbox_row(app, db, zone, officer):
    from textual.widgets import Select, TextArea

    from cafepol_tui.services import concerns as cs
    from cafepol_tui.ui.screens.staff.concerns import ConcernScreen
    from cafepol_tui.ui.screens.staff.form import FormDialog

    concern_id = cs.create_concern(
        cs.ConcernForm(
            theme="Propreté",
            description="Dépôts rue Haute",
            wants_feedback=True,
            contact_name="Ophélie Dupont",
            contact_email="ophelie.d@exemple.be",
        ),
        officer,
        now=FIXED_NOW,
    )
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "5678")
            screen = ConcernScreen(concern_id)
            app.push_screen(screen)
            await wait_until(pilot, lambda: screen.detail is not None)
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, FormDialog))
            dialog = app.screen
            await wait_until(pilot, lambda: dialog.query("#f-reply"))
            dialog.query_one("#f-reply", TextArea).text = "Les dépôts ont été enlevés."
            assert dialog.query_one("#f-channel", Select).value == "email"
            await pilot.click("#form-ok")
            await wait_until(pilot, lambda: app.screen is screen)
    row = OutboxMessage.get(OutboxMessage.concern == concern_id)
    assert (row.kind, row.channel, row.recipient) == (
        NoticeKind.FEEDBACK,
        NoticeChannel.EMAIL,
        "ophelie.d@exemple.be",
    )
    assert "Les dépôts ont été enlevés." in row.body


async def test_hand_off_through_the_dialog(app, db, zone, officer):
    from textual.widgets import Input, Select

    from cafepol_tui.db.models import ConcernHandoff
    from cafepol_tui.services import concerns as cs
    from cafepol_tui.ui.screens.staff.concerns import ConcernScreen
    from cafepol_tui.ui.screens.staff.form import FormDialog

    concern_id = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Dépôts rue Haute"), officer, now=FIXED_NOW
    )
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "5678")
            screen = ConcernScreen(concern_id)
            app.push_screen(screen)
            await wait_until(pilot, lambda: screen.detail is not None)
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, FormDialog))
            dialog = app.screen
            await wait_until(pilot, lambda: dialog.query("#f-partner"))
            dialog.query_one("#f-partner", Select).value = "Hygea"
            dialog.query_one("#f-channel", Select).value = "letter"
            dialog.query_one("#f-due_on", Input).value = "15/12/2026"
            await pilot.click("#form-ok")
            await wait_until(pilot, lambda: app.screen is screen)
    handoff = ConcernHandoff.get(ConcernHandoff.concern == concern_id)
    assert str(handoff.due_on) == "2026-12-15"
    row = OutboxMessage.get(OutboxMessage.handoff == handoff.id)
    assert (row.kind, row.channel, row.status) == (
        NoticeKind.HANDOFF,
        NoticeChannel.LETTER,
        OutboxStatus.PENDING,
    )
    with time_machine.travel(FIXED_NOW + timedelta(minutes=10), tick=False):
        async with make_app(app.settings, db).run_test(size=SIZE) as pilot:
            from textual.widgets import TextArea

            again = pilot.app
            await login(again, pilot, "5678")
            screen = ConcernScreen(concern_id)
            again.push_screen(screen)
            await wait_until(pilot, lambda: screen.detail is not None)
            await pilot.press("a")
            await wait_until(pilot, lambda: isinstance(again.screen, FormDialog))
            dialog = again.screen
            await wait_until(pilot, lambda: dialog.query("#f-answer"))
            dialog.query_one("#f-answer", TextArea).text = "Enlèvement prévu le 10 décembre."
            await pilot.click("#form-ok")
            await wait_until(pilot, lambda: again.screen is screen)
    handoff = ConcernHandoff.get_by_id(handoff.id)
    assert handoff.answer == "Enlèvement prévu le 10 décembre."


async def test_a_concern_corrected_in_the_console_keeps_the_change_in_its_history(
    app, db, zone, officer
):
    from textual.widgets import Input

    from cafepol_tui.db.models import Concern, ConcernUpdate
    from cafepol_tui.services import concerns as cs
    from cafepol_tui.ui.screens.staff.concerns import ConcernScreen, ConcernsScreen
    from cafepol_tui.ui.screens.staff.form import FormDialog

    concern_id = cs.create_concern(
        cs.ConcernForm(theme="Propreté", description="Dépôts", place="Rue Haute"),
        officer,
        now=FIXED_NOW,
    )
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        async with app.run_test(size=SIZE) as pilot:
            await login(app, pilot, "5678")
            mine = ConcernsScreen()
            app.push_screen(mine)
            await pilot.press("m")  # « Mes doléances »: the officer recorded it, so it is theirs
            await wait_until(pilot, lambda: mine.query_one("#concern-list").row_count == 1)
            screen = ConcernScreen(concern_id)
            app.push_screen(screen)
            await wait_until(pilot, lambda: screen.detail is not None)
            await pilot.press("k")
            await wait_until(pilot, lambda: isinstance(app.screen, FormDialog))
            dialog = app.screen
            await wait_until(pilot, lambda: dialog.query("#f-place"))
            dialog.query_one("#f-place", Input).value = "Rue Haute 14"
            await pilot.click("#form-ok")
            await wait_until(pilot, lambda: app.screen is screen)
    assert Concern.get_by_id(concern_id).place == "Rue Haute 14"
    notes = [u.note for u in ConcernUpdate.select().where(ConcernUpdate.concern == concern_id)]
    assert any("Rue Haute 14" in note for note in notes)
