"""Waiting in Pilot tests: always on a condition, with a deadline; never a fixed pause.

A loaded machine (two cores, other test runs beside) makes everything slower but changes no
outcome here: each helper waits for what the test needs (workers ended, a screen up, a button
ready for a click), as long as it takes up to a generous deadline, then fails saying what it
was waiting for. `pilot.pause()` without a delay (let the queued messages be handled) is the only
pause used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button

DEADLINE_S = 60.0


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = DEADLINE_S,
    what: str = "",
) -> None:
    """Let the app run until `condition()` holds (timers too: each pause lasts ≥ 20 ms)."""
    deadline = monotonic() + timeout
    while not condition():
        if monotonic() > deadline:
            raise AssertionError(
                f"waited {timeout:.0f} s for {what or 'a condition'}; on {pilot.app.screen!r}"
            )
        await pilot.pause()


async def settle(pilot: Pilot[Any], timeout: float = DEADLINE_S) -> None:
    """Until no worker runs and what they sent (results, screens) has been handled.

    A worker's outcome is not judged here: a failure or a database outage is the App's to show
    (the recovery or outage screen), which is what the tests look at.
    """
    app = pilot.app
    deadline = monotonic() + timeout
    quiet = 0
    while quiet < 2:  # twice in a row: a worker's result may start the next one (a reload)
        await pilot.pause()
        running = [worker for worker in app.workers if not worker.is_finished]
        if not running:
            quiet += 1
            continue
        quiet = 0
        left = deadline - monotonic()
        if left <= 0:
            raise AssertionError(f"workers still running after {timeout:.0f} s: {running}")
        waits = [asyncio.ensure_future(worker.wait()) for worker in running]
        done, pending = await asyncio.wait(waits, timeout=left)
        for ended in done:
            ended.exception()  # retrieved: cancelled or failed is the App's business
        for waiting in pending:
            waiting.cancel()


async def wait_for_screen(
    pilot: Pilot[Any], screen: type[Screen[Any]] | Screen[Any], timeout: float = DEADLINE_S
) -> Screen[Any]:
    """Until `screen` (a class, or that very screen) is on top; returns it. Not settled: a
    screen that goes by itself (« Un instant… ») may be looked at before it goes."""

    def on_top() -> bool:
        top = pilot.app.screen
        return top is screen if isinstance(screen, Screen) else isinstance(top, screen)

    name = type(screen).__name__ if isinstance(screen, Screen) else screen.__name__
    await wait_until(pilot, on_top, timeout, what=name)
    return pilot.app.screen


async def at_rest(pilot: Pilot[Any], timeout: float = DEADLINE_S) -> None:
    """Settled, no scroll under way, and no button still lit by its press: Textual keeps a
    pressed button in its `-active` look for 0.2 s (and ignores a click meanwhile), which a
    snapshot would show."""
    await settle(pilot, timeout)
    await pilot.wait_for_scheduled_animations()
    await wait_until(pilot, lambda: not pilot.app.screen.query(".-active"), timeout,
                     what="the pressed buttons to come back up")


async def click_and_wait(
    pilot: Pilot[Any],
    selector: str,
    *,
    offset: tuple[int, int] = (0, 0),
    until: Callable[[], object] | None = None,
    timeout: float = DEADLINE_S,
) -> None:
    """Click `selector` once it can take the click (no scroll moving it; a button enabled and
    back up from its last press), then settle, and wait until `until()` holds if given."""
    await pilot.wait_for_scheduled_animations()
    target = pilot.app.screen.query_one(selector)
    if isinstance(target, Button):
        await wait_until(
            pilot, lambda: not target.disabled and not target.has_class("-active"), timeout,
            what=f"{selector} to take a click",
        )
    await pilot.click(selector, offset=offset)
    await settle(pilot, timeout)
    if until is not None:
        await wait_until(pilot, until, timeout, what=f"what clicking {selector} does")


def screen_text(app: object) -> str:
    """What the terminal shows, as text: the screenshot's SVG without its markup (its numbers
    are coordinates, which a search for a phone number's digits would find)."""
    import html
    import re

    svg = app.export_screenshot()  # type: ignore[attr-defined]
    svg = re.sub(r"<(style|defs)\b.*?</\1>", "", svg, flags=re.S)  # styles and clip paths
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def wake_kiosk(pilot: Pilot[Any]) -> Screen[Any]:
    """After the idle reset: the calm screen is up; one touch takes it away and does nothing
    else. Returns the screen below (the home)."""
    app = pilot.app
    await wait_until(pilot, lambda: app.screen.id == "welcome" and app.screen.region.area > 0,
                     what="the calm screen, laid out")
    await pilot.click(offset=(1, 1))
    await wait_until(pilot, lambda: app.screen.id != "welcome", what="the calm screen to go")
    return app.screen
