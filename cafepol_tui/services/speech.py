"""The kiosk's voice: one utterance at a time, spoken by an outside command, cut off at once by
the next.

The text goes to the command's standard input (espeak-ng by default, `[speech] command`), so
nothing the citizen typed ever reaches a command line. A worker thread starts and waits for the
command; the caller (the UI thread) only hands over the text, never waits. A new utterance ends
the one being spoken: its whole process group is terminated, so a command that is a shell
pipeline (`sh -c 'espeak-ng --stdout | aplay'`) stops whole as well.

What is spoken is never logged: it may hold a name or a phone number.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from time import monotonic

from cafepol_tui.settings import SpeechSettings

log = logging.getLogger("cafepol.speech")

# An utterance longer than this is cut: a meeting's whole description is a few hundred
# characters; what is past this is nobody's to listen to in one go.
MAX_CHARS = 4000
# A command that is still speaking after this long is stopped (a hung audio device).
MAX_UTTERANCE_S = 120.0
# After SIGTERM, the group gets this long before SIGKILL.
TERMINATE_GRACE_S = 1.0
POLL_S = 0.05


# Control and format characters (a terminal escape in a place's name), and the screen's symbols
# (✔ ⚠ ☕ ◐ ←, « »): a voice would read their Unicode names, or stumble.
SILENT_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "So")
SILENT = "«»‹›*"
SPACE_BEFORE_STOP = re.compile(r"\s+([.,])")  # what a left-out « » leaves: « Retour » .


def speakable(text: str) -> str:
    """The text without what a voice can't or shouldn't say, lines joined, at most
    `MAX_CHARS`."""
    kept = []
    for ch in text:
        if ch in "\n\t":
            kept.append(" ")
        elif unicodedata.category(ch) in SILENT_CATEGORIES or ch in SILENT or "\u2190" <= ch <= "\u21ff":
            continue
        else:
            kept.append(ch)
    text = " ".join("".join(kept).split())
    return SPACE_BEFORE_STOP.sub(r"\1", text)[:MAX_CHARS]


def speech_argv(settings: SpeechSettings, lang: str) -> list[str]:
    """The command's words with {voice}, {rate} and {volume} filled in for `lang`."""
    values = {"voice": settings.voice(lang), "rate": settings.rate, "volume": settings.volume}
    return [word.format(**values) for word in shlex.split(settings.command)]


def engine_path(settings: SpeechSettings) -> str | None:
    """Where the command's program is, or None when it is not installed."""
    try:
        words = shlex.split(settings.command)
    except ValueError:
        return None
    return shutil.which(words[0]) if words else None


def missing_voices(settings: SpeechSettings, program: str, timeout_s: float = 5.0) -> list[str]:
    """The voices of `[speech.voices]` espeak-ng does not have (none for another engine, whose
    voices can't be listed the same way)."""
    if Path(program).name not in ("espeak-ng", "espeak"):
        return []
    try:
        listed = subprocess.run(
            [program, "--voices"], capture_output=True, text=True, timeout=timeout_s, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    known: set[str] = set()
    for line in listed.splitlines()[1:]:
        words = line.split()
        if len(words) >= 5:
            known.add(words[1].lower())  # the language code: fr-be, nl, en-gb
            known.add(words[4].lower().rsplit("/", 1)[-1])  # the file: fr-be, en
    wanted = [settings.voice(lang) for lang in ("fr", "nl", "de", "en")]
    return [voice for voice in dict.fromkeys(wanted) if voice.lower() not in known]


@dataclass(frozen=True)
class Utterance:
    text: str
    lang: str


class Speaker:
    """Says one thing at a time; `say` replaces whatever is being said. Thread-safe."""

    def __init__(self, settings: SpeechSettings) -> None:
        self.settings = settings
        self._lock = threading.Condition()
        self._next: Utterance | None = None
        self._later: list[Utterance] = []  # said after the current one (`say_after`)
        self._process: subprocess.Popen[bytes] | None = None
        self._busy = False
        self._cut = False  # the utterance being spoken is to stop
        self._closed = False
        self._thread: threading.Thread | None = None
        self._broken = False  # the command could not be started: said once in the log

    @property
    def available(self) -> bool:
        """Speech is on in the settings and its program is installed."""
        return self.settings.enabled and not self._broken and engine_path(self.settings) is not None

    def say(self, text: str, lang: str) -> None:
        """Stop what is being said and say `text` in `lang` (one of the kiosk's languages)."""
        text = speakable(text)
        with self._lock:
            if self._closed:
                return
            self._next = Utterance(text, lang) if text else None
            self._later.clear()
            self._interrupt()
            self._start_thread()
            self._lock.notify_all()

    def say_after(self, text: str, lang: str) -> None:
        """Say `text` once what is being said (and waiting) has been said: news that came by
        itself (the slip printed) must not cut off the screen the citizen is listening to."""
        text = speakable(text)
        with self._lock:
            if self._closed or not text:
                return
            if self._next is None and not self._busy:
                self._next = Utterance(text, lang)
            else:
                self._later.append(Utterance(text, lang))
            self._start_thread()
            self._lock.notify_all()

    def stop(self) -> None:
        """Silence now, and nothing waiting."""
        with self._lock:
            self._next = None
            self._later.clear()
            self._interrupt()
            self._lock.notify_all()

    def close(self) -> None:
        """Silence, and the worker thread ends (the kiosk is closing)."""
        with self._lock:
            self._closed = True
            self._next = None
            self._later.clear()
            self._interrupt()
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=TERMINATE_GRACE_S * 5)

    def wait_until_quiet(self, timeout: float) -> bool:
        """True once nothing is being said or waiting (tests and the benchmark wait on it)."""
        with self._lock:
            return self._lock.wait_for(
                lambda: self._next is None and not self._later and not self._busy,
                timeout=timeout,
            )

    # --- the worker thread ----------------------------------------------------------------

    def _start_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="cafepol-speech", daemon=True)
            self._thread.start()

    def _interrupt(self) -> None:
        """With the lock held: the process speaking now (its whole group) is told to stop."""
        self._cut = True
        process = self._process
        if process is not None and process.poll() is None:
            _signal_group(process, signal.SIGTERM)

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._next is not None or self._closed)
                if self._closed:
                    return
                utterance, self._next = self._next, None
                self._busy = True
                self._cut = False
            try:
                if utterance is not None:
                    self._speak(utterance)
            except Exception:  # a broken engine must not end the thread: the log says it
                log.exception("speech: the command failed")
            finally:
                with self._lock:
                    self._busy = False
                    self._process = None
                    if self._next is None and self._later:
                        self._next = self._later.pop(0)
                    self._lock.notify_all()

    def _speak(self, utterance: Utterance) -> None:
        argv = speech_argv(self.settings, utterance.lang)
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own group: stopped whole, children too
                close_fds=True,
            )
        except OSError as exc:
            if not self._broken:
                log.warning("speech: %s can't be started: %s", argv[0], exc.strerror or exc)
            self._broken = True
            return
        self._broken = False
        with self._lock:
            self._process = process
            if self._cut or self._closed:  # stopped, or a newer one came, while starting
                _signal_group(process, signal.SIGTERM)
        assert process.stdin is not None
        try:
            process.stdin.write(utterance.text.encode("utf-8") + b"\n")
            process.stdin.close()
        except OSError:  # stopped before it read it all (BrokenPipe): fine
            pass
        self._wait(process, argv[0])
        if process.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
            log.warning("speech: %s ended with status %s", argv[0], process.returncode)

    def _wait(self, process: subprocess.Popen[bytes], program: str) -> None:
        """Until the command ends: told to stop (SIGTERM) when a newer utterance waits or it
        speaks too long, killed when it does not stop within `TERMINATE_GRACE_S`."""
        deadline = monotonic() + MAX_UTTERANCE_S
        told_at: float | None = None
        while True:
            try:
                process.wait(timeout=POLL_S)
                return
            except subprocess.TimeoutExpired:
                pass
            with self._lock:
                wanted = self._cut or self._closed
            now = monotonic()
            if told_at is None and (wanted or now > deadline):
                if not wanted:
                    log.warning("speech: %s still speaking after %.0f s: stopped", program,
                                MAX_UTTERANCE_S)
                _signal_group(process, signal.SIGTERM)
                told_at = now
            elif told_at is not None and now - told_at > TERMINATE_GRACE_S:
                _signal_group(process, signal.SIGKILL)
                process.wait()
                return


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
