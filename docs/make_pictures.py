"""Redraw the README's pictures: the kiosk home and meeting screens (SVG) and a flyer (PNG).

Uses the demo zone with the clock frozen on 28 November 2026, so the pictures only change when
the screens or documents do.   python docs/make_pictures.py   (needs pdftoppm for the PNG)
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import time_machine

from cafepol_tui.db.open import open_database
from cafepol_tui.settings import load_settings
from cafepol_tui.ui.widgets.chip_bar import ChipBar

HERE = Path(__file__).parent
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


async def screenshots(settings, db) -> None:
    from cafepol_tui.ui.app import make_app

    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("kiosk-home.svg", path=str(HERE))
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("kiosk-meeting.svg", path=str(HERE))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#preferences", offset=app.screen.query_one("#preferences", ChipBar).chip_offset("nl"))
        await pilot.pause()
        await pilot.click("#preferences", offset=app.screen.query_one("#preferences", ChipBar).chip_offset("large-print"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("kiosk-large-print-nl.svg", path=str(HERE))


async def listening(settings, db) -> None:
    """« Écouter » on (espeak-ng, silenced), then the calm screen that offers it with F2."""
    import dataclasses

    from cafepol_tui.i18n import set_language
    from cafepol_tui.ui.app import make_app

    set_language("fr")
    speech = dataclasses.replace(settings.speech, enabled=True, volume=0)
    app = make_app(dataclasses.replace(settings, speech=speech), db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()
        app.save_screenshot("kiosk-listening.svg", path=str(HERE))
        app.check_inactivity(now=app.last_input + settings.kiosk.idle_timeout_s + 1)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        app.save_screenshot("kiosk-calm.svg", path=str(HERE))


def flyer(settings, db) -> None:
    from cafepol_tui.documents import render_flyer
    from cafepol_tui.i18n import language
    from cafepol_tui.services.meetings import get_meeting, list_upcoming
    from cafepol_tui.services.zone import zone_settings

    with db.connection_context():
        first = next(m for m in list_upcoming() if m.event_url and not m.is_cancelled)
        meeting = get_meeting(first.id)
        settings = zone_settings(settings)  # as `cafepol flyer` prints: the zone's name, foot
    pdf = HERE / "flyer.pdf"
    with language("fr"):  # the kiosk pictures before left the process in Dutch
        pdf.write_bytes(render_flyer(meeting, settings, "a5", creation_date=NOW))
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf),
                        str(HERE / "flyer")], check=True)
    pdf.unlink()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, time_machine.travel(NOW, tick=True):
        settings = load_settings(database_url=str(Path(folder) / "demo.sqlite3"), environ={})
        db = open_database(settings.resolved_database_url)
        from cafepol_tui.services.demo import seed_demo

        with db.connection_context():
            seed_demo()
        asyncio.run(screenshots(settings, db))
        asyncio.run(listening(settings, db))
        flyer(settings, db)


if __name__ == "__main__":
    main()
