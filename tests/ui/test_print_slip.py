"""« Imprimer ma confirmation »: the slip goes to `lp` off the UI thread; a failure is said calmly."""

from __future__ import annotations

import dataclasses
import stat

import pytest
from textual.widgets import Checkbox, Input, Static

from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from tests.pilot import click_and_wait, settle, wait_until


def fake_lp(folder, exit_code: int):
    script = folder / "lp"
    log = folder / "lp.args"
    script.write_text(
        f"#!/bin/sh\necho \"$@\" > {log}\necho 'request id is Kiosk-42 (1 file(s))'\nexit {exit_code}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


async def sign_up_first_meeting(pilot) -> None:
    """Home → the first meeting → the form, filled and confirmed."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await click_and_wait(pilot, "#signup")
    pilot.app.screen.query_one("#name", Input).value = "Agnieszka Kowalczyk"
    pilot.app.screen.query_one("#consent", Checkbox).value = True
    await click_and_wait(pilot, "#submit")


@pytest.mark.parametrize(("exit_code", "expected"), [(0, "s'imprime"), (1, "n'a pas fonctionné")])
async def test_print_my_confirmation(settings, db, meetings, tmp_path, exit_code, expected):
    script, log = fake_lp(tmp_path, exit_code)
    printing = dataclasses.replace(settings.printing, lp_command=str(script),
                                   printer="Comptoir", output_dir=str(tmp_path / "out"))
    app = make_app(dataclasses.replace(settings, printing=printing), db)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_up_first_meeting(pilot)
        assert isinstance(app.screen, ConfirmationScreen)
        await click_and_wait(pilot, "#print-slip")
        assert expected in str(app.screen.query_one("#print-status", Static).render())
    args = log.read_text(encoding="utf-8")
    assert "-d Comptoir" in args and args.strip().endswith(".pdf")
    kept = list((tmp_path / "out").glob("confirmation-*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("auto", [True, False], ids=["kiosk-printer", "on-request"])
async def test_the_slip_prints_by_itself_when_the_kiosk_has_a_printer(
    settings, db, meetings, tmp_path, auto
):
    """`[kiosk] auto_print_slip`: the slip goes to `lp` as the confirmation appears, once."""
    script, log = fake_lp(tmp_path, 0)
    printing = dataclasses.replace(settings.printing, lp_command=str(script),
                                   printer="Comptoir", output_dir=str(tmp_path / "out"))
    kiosk = dataclasses.replace(settings.kiosk, auto_print_slip=auto)
    app = make_app(dataclasses.replace(settings, printing=printing, kiosk=kiosk), db)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_up_first_meeting(pilot)
        screen = app.screen
        assert isinstance(screen, ConfirmationScreen)
        status = screen.query_one("#print-status", Static)
        await wait_until(pilot, lambda: auto == ("s'imprime" in str(status.render())),
                         what="the slip printed by itself")
        await settle(pilot)
        assert screen.query_one("#print-slip").disabled == auto  # no second slip by a tap
    assert log.exists() == auto
    assert len(list((tmp_path / "out").glob("confirmation-*.pdf"))) == (1 if auto else 0)
