"""`cafepol serve`: the kiosk over HTTP, and in a real headless browser."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cafepol_tui.cli import main
from cafepol_tui.serve import exposure_warning, is_loopback, kiosk_command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "kiosk.sqlite3"
    assert main(["--db", str(db), "seed", "--demo"]) == 0
    port = free_port()
    env = {**os.environ, "CAFEPOL_DB": str(db), "XDG_STATE_HOME": str(tmp_path / "state")}
    # Into a file, not a pipe nobody reads: a full pipe would stall the server mid-test.
    with (tmp_path / "serve.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cafepol_tui", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert exposure_warning("127.0.0.1", 8000) is None
    assert "staff PIN" in (exposure_warning("0.0.0.0", 8000) or "")


def test_the_kiosk_command_carries_no_database_url() -> None:
    command = kiosk_command(config=None, lang="fr")
    assert command.endswith("-m cafepol_tui --lang fr run")


@pytest.mark.usefixtures("english")  # wording checked in its English source
def test_serve_refuses_a_taken_port_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["--db", str(tmp_path / "k.sqlite3"), "serve", "--port", str(port)])
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"can't listen on 127.0.0.1:{port}" in err


def test_serve_answers_over_http(served: str) -> None:
    page = wait_http(served)
    assert "textual.js" in page and "CaféPol" in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


async def _screen_bytes(page_url: str, debug_port: int, want: list[bytes]) -> tuple[bytes, list[str]]:
    """Drive Chromium over CDP; collect what the kiosk sends to the page's terminal.

    Returns the bytes and what happened on the way (for the failure message). A page that
    shows nothing for a while is reloaded: on a loaded machine the first connection can be
    lost while the kiosk process starts.
    """
    import aiohttp

    notes: list[str] = []
    async with aiohttp.ClientSession() as http:
        deadline = time.monotonic() + 30
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{debug_port}/json") as r:
                    targets = await r.json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium's DevTools never answered")
            await asyncio.sleep(0.2)
        async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            await ws.send_json({"id": 1, "method": "Network.enable"})
            await ws.send_json({"id": 2, "method": "Page.navigate", "params": {"url": page_url}})
            seen = b""
            end = time.monotonic() + 90
            quiet_until = time.monotonic() + 25  # reload if no frame came by then
            reloads = 0
            while time.monotonic() < end and not all(w in seen for w in want):
                try:
                    msg = await ws.receive(timeout=1.0)
                except TimeoutError:
                    if not seen and time.monotonic() > quiet_until and reloads < 2:
                        reloads += 1
                        notes.append(f"no frame yet: reload {reloads}")
                        await ws.send_json({"id": 10 + reloads, "method": "Page.reload"})
                        quiet_until = time.monotonic() + 25
                    continue
                if msg.type != aiohttp.WSMsgType.TEXT:
                    notes.append(f"DevTools connection ended: {msg.type!r}")
                    break
                event = json.loads(msg.data)
                method = event.get("method", "")
                if "error" in event:
                    notes.append(f"DevTools error: {event['error']}")
                elif method in ("Network.webSocketCreated", "Network.webSocketClosed"):
                    notes.append(method)
                elif method == "Network.loadingFailed":
                    notes.append(f"loading failed: {event['params'].get('errorText')}")
                elif method == "Network.webSocketFrameReceived":
                    response = event["params"]["response"]
                    data = response["payloadData"]
                    seen += base64.b64decode(data) if response["opcode"] == 2 else data.encode()
            return seen, notes


def test_a_headless_browser_shows_the_home_screen(served: str, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CAFEPOL_REQUIRE_BROWSER") == "1":
            pytest.fail("CAFEPOL_REQUIRE_BROWSER=1 but Chromium is not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    wait_http(served)
    debug_port = free_port()
    proc = subprocess.Popen(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--remote-debugging-port={debug_port}",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--window-size=1280,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    want = [b"policier de quartier", b"Frameries", "à venir".encode()]
    try:
        seen, notes = asyncio.run(_screen_bytes(served, debug_port, want))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    missing = [w.decode() for w in want if w not in seen]
    if missing:
        log = (tmp_path / "serve.log").read_text(errors="replace")[-2000:]
        pytest.fail(
            f"the page never showed {missing}; got {len(seen)} bytes; {notes}; server log: {log}"
        )
