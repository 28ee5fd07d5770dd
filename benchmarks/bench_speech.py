"""« Écouter »: speech never holds the interface up, and the next move cuts it off at once.

Targets (issue #17: « Speech never blocks the interface (a worker, one utterance at a time,
interruptible) »), each printed beside what it is compared with:

- `Speaker.say()` on the UI thread: the slowest of 300 calls under 2 ms (a frame is 16.7 ms),
  beside what speaking on that thread would hold the screen for: the voice's own length
  (the home screen's sentence as espeak-ng says it);
- cut-off: from a new `say()` to the end of the process that was speaking, under 250 ms, beside
  the 30 s that utterance had left (a command that speaks for 30 s);
- the real espeak-ng (when installed) makes the home screen's sentence faster than it is heard:
  synthesis time beside the length of the sound.

    python benchmarks/bench_speech.py

Exit status 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cafepol_tui.services.speech import Speaker  # noqa: E402
from cafepol_tui.settings import SpeechSettings  # noqa: E402

HOME = (
    "Un café avec votre policier de quartier. Zone de Police Boraine. 35 rencontres à venir. "
    "Mardi 8 décembre, à 18 h, Frameries, Salle Le Trianon, 24 places libres. Rencontre 1 sur 35."
)
SLOW = "import sys, time; sys.stdin.read(); time.sleep(30)"


def row(name: str, ours: str, other: str, ok: bool) -> bool:
    print(f"{name:<34} {ours:>14} {other:>22}   {'OK' if ok else 'MISSED'}")
    return ok


def voice_length(engine: str | None) -> float:
    """How long espeak-ng takes to say the home sentence (30 s, the slow command, without it)."""
    if engine is None:
        return 30.0
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "home.wav"
        subprocess.run([engine, "-v", "fr-be", "-s", "150", "-w", str(out)], input=HOME.encode(),
                       check=True)
        with wave.open(str(out)) as wav:
            return wav.getnframes() / wav.getframerate()


def main() -> int:
    engine = shutil.which("espeak-ng")
    slow_command = f"{shlex.quote(sys.executable)} -c {shlex.quote(SLOW)}"
    print(f"{'':<34} {'ours':>14} {'compared with':>22}")
    results = []

    # 1. The call on the UI thread.
    speaker = Speaker(SpeechSettings(enabled=True, command=slow_command))
    calls = []
    for _ in range(300):
        started = time.perf_counter()
        speaker.say(HOME, "fr")
        calls.append(time.perf_counter() - started)
    speaker.close()
    results.append(row(
        "say() on the UI thread, slowest", f"{max(calls) * 1000:.2f} ms",
        f"spoken there: {voice_length(engine):.1f} s", max(calls) < 0.002,
    ))

    # 2. Cut-off: a 30 s utterance ended by the next one.
    cuts = []
    speaker = Speaker(SpeechSettings(enabled=True, command=slow_command))
    for _ in range(5):
        speaker.say(HOME, "fr")
        deadline = time.monotonic() + 10
        while speaker._process is None and time.monotonic() < deadline:  # noqa: SLF001
            time.sleep(0.005)
        process = speaker._process  # noqa: SLF001
        assert process is not None
        started = time.perf_counter()
        speaker.say("Mercredi 9 décembre.", "fr")
        process.wait(timeout=10)
        cuts.append(time.perf_counter() - started)
    speaker.close()
    results.append(row(
        "cut-off by the next say(), worst", f"{max(cuts) * 1000:.0f} ms",
        "30 s left to say", max(cuts) < 0.25,
    ))

    # 3. The real engine keeps ahead of its own voice.
    if engine is None:
        print("espeak-ng not installed: its figures are left out")
        return 0 if all(results) else 1
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "home.wav"
        command = SpeechSettings().command + " -w " + shlex.quote(str(out))
        speaker = Speaker(SpeechSettings(enabled=True, command=command))
        started = time.perf_counter()
        speaker.say(HOME, "fr")
        speaker.wait_until_quiet(60)
        made = time.perf_counter() - started
        speaker.close()
        with wave.open(str(out)) as wav:
            heard = wav.getnframes() / wav.getframerate()
    results.append(row(
        "espeak-ng: home sentence made in", f"{made:.2f} s", f"heard in {heard:.1f} s",
        made < heard / 4,
    ))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
