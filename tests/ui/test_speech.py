"""« Écouter »: what the kiosk says, heard through a command that records what it is given."""

from __future__ import annotations

import dataclasses
import json
import shlex
import sys
from pathlib import Path

import pytest

from cafepol_tui.ui.app import make_app
from tests.pilot import settle, wait_until

RECORDER = '''
import json, sys, time
text = sys.stdin.read()
log, slow, argv = sys.argv[1], sys.argv[2] == "slow", sys.argv[3:]
with open(log, "a", encoding="utf-8") as out:
    out.write(json.dumps({"argv": argv, "text": text.strip()}) + "\\n")
if slow:
    time.sleep(30)
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps({"done": text.strip()}) + "\\n")
'''


class Recorder:
    """A speech command that writes down each utterance (and its voice, rate, volume)."""

    def __init__(self, folder: Path, slow: bool = False) -> None:
        self.script = folder / "say.py"
        self.script.write_text(RECORDER, encoding="utf-8")
        self.log = folder / "said.jsonl"
        self.command = " ".join(shlex.quote(str(p)) for p in (
            sys.executable, self.script, self.log, "slow" if slow else "fast"
        )) + " -v {voice} -s {rate} -a {volume}"

    def records(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def said(self) -> list[str]:
        return [r["text"] for r in self.records() if "text" in r]


@pytest.fixture
def recorder(tmp_path) -> Recorder:
    return Recorder(tmp_path)


def speaking(settings, db, recorder, **speech):
    spoken = dataclasses.replace(settings.speech, enabled=True, command=recorder.command, **speech)
    return make_app(dataclasses.replace(settings, speech=spoken), db)


async def test_explore(settings, db, meetings, recorder):
    app = speaking(settings, db, recorder)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(4):
            print("focused", app.focused)
            await pilot.press("tab")
            await settle(pilot)
        await wait_until(pilot, lambda: app.narrator.speaker.wait_until_quiet(0))
        print(*recorder.records(), sep="\n")
