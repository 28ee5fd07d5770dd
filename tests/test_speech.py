"""The kiosk's voice without a terminal: settings, the words given to the engine, and the real
espeak-ng speaking each language into a WAV file."""

from __future__ import annotations

import array
import math
import os
import shlex
import shutil
import wave
from pathlib import Path

import pytest

from cafepol_tui.services.speech import Speaker, speakable, speech_argv
from cafepol_tui.settings import SettingsError, SpeechSettings, load_settings

SENTENCES = {
    "fr": "Votre inscription est confirmée. Votre code est imprimé sur votre ticket.",
    "nl": "Uw inschrijving is bevestigd. Uw code staat op uw ticket.",
    "de": "Ihre Anmeldung ist bestätigt. Ihr Code steht auf Ihrem Ticket.",
    "en": "Your registration is confirmed. Your code is printed on your ticket.",
}


def config(tmp_path: Path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ={})


def test_speech_is_off_by_default_and_runs_espeak_ng_with_the_voice_rate_and_volume(tmp_path):
    speech = config(tmp_path, "").speech
    assert not speech.enabled and not speech.private_listening
    assert speech_argv(speech, "nl") == ["espeak-ng", "-v", "nl", "-s", "150", "-a", "100"]
    tuned = config(tmp_path, '[speech]\nrate = 120\nvolume = 180\n[speech.voices]\nfr = "fr-fr"\n')
    assert speech_argv(tuned.speech, "fr") == ["espeak-ng", "-v", "fr-fr", "-s", "120", "-a", "180"]


@pytest.mark.parametrize(("text", "message"), [
    ("[speech]\nrate = 1000", "speech.rate"),
    ("[speech]\nrate = 10", "speech.rate"),
    ("[speech]\nvolume = 201", "speech.volume"),
    ('[speech]\ncommand = "say {name}"', "unknown placeholder {name}"),
    ('[speech]\ncommand = "say {"', "speech.command"),
    ('[speech]\ncommand = "\'unclosed"', "can't be split"),
    ('[speech]\ncommand = "   "', "speech.command"),
    ('[speech]\ncommand = "say\\u001b[31m"', "control characters"),
    ('[speech.voices]\nde = "de; rm -rf /"', "speech.voices.de"),
    ("[speech]\nenabled = 1", "expected true or false"),
    ("[speech]\nloud = true", "unknown setting 'speech.loud'"),
])
def test_a_wrong_speech_setting_is_named(tmp_path, text, message, english):
    with pytest.raises(SettingsError, match=None) as caught:
        config(tmp_path, text)
    assert message in str(caught.value)


def test_what_is_spoken_has_no_control_characters_nor_symbols():
    said = speakable("✔ Salle\x1b[31m du\u200b Trianon\n« Hygea »\x00 ← Retour")
    assert said == "Salle[31m du Trianon Hygea Retour"
    assert len(speakable("a" * 10_000)) == 4000


def test_a_missing_engine_is_not_available_and_says_nothing():
    speaker = Speaker(SpeechSettings(enabled=True, command="cafepol-no-such-engine -v {voice}"))
    assert not speaker.available
    speaker.say("Bonjour", "fr")  # logged once, never raised
    assert speaker.wait_until_quiet(10)
    speaker.close()


def engine_required() -> None:
    if shutil.which("espeak-ng") is None:
        if os.environ.get("CAFEPOL_REQUIRE_SPEECH"):
            pytest.fail("espeak-ng is not installed, and CAFEPOL_REQUIRE_SPEECH is set")
        pytest.skip("espeak-ng is not installed")


@pytest.mark.parametrize("lang", list(SENTENCES))
def test_espeak_ng_speaks_each_language_into_a_wav_file(tmp_path, lang):
    """The default command with `-w FILE` added: a second or more of sound, not silence, and
    longer at a slower rate."""
    engine_required()
    lengths = []
    for rate in (175, 100):
        out = tmp_path / f"{lang}-{rate}.wav"
        command = SpeechSettings().command + " -w " + shlex.quote(str(out))
        speaker = Speaker(SpeechSettings(enabled=True, command=command, rate=rate))
        assert speaker.available
        speaker.say(SENTENCES[lang], lang)
        assert speaker.wait_until_quiet(60)
        speaker.close()
        with wave.open(str(out)) as wav:
            assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
            frames = wav.readframes(wav.getnframes())
            seconds = wav.getnframes() / wav.getframerate()
        samples = array.array("h", frames)
        rms = math.sqrt(sum(s * s for s in samples) / len(samples))
        assert rms > 500, f"{lang}: silence (RMS {rms:.0f})"
        lengths.append(seconds)
    # Two short sentences: 2 to 12 s at the usual rate, clearly longer when slower.
    assert 2.0 < lengths[0] < 12.0, lengths
    assert lengths[1] > lengths[0] * 1.4, lengths



def test_doctor_names_the_engine_a_missing_voice_and_a_missing_sound_card(
    settings, english, monkeypatch, tmp_path
):
    from dataclasses import replace

    from cafepol_tui.services import doctor
    from cafepol_tui.services.doctor import run_checks
    from cafepol_tui.settings import SpeechVoices

    def speech_line(speech: SpeechSettings):
        return next(c for c in run_checks(replace(settings, speech=speech)) if c.name == "speech")

    database = tmp_path / "cafepol.sqlite3"
    database.write_bytes(b"SQLite format 3\x00")
    not_a_program = speech_line(SpeechSettings(enabled=True, command=f"{database} -v {{voice}}"))
    assert not_a_program.status == "WARN" and "is not a program" in not_a_program.detail
    off = speech_line(SpeechSettings())
    assert (off.status, off.detail) == ("OK", "off ([speech] enabled = false): no listening mode")
    engine_required()
    wrong = speech_line(SpeechSettings(enabled=True, voices=SpeechVoices(nl="xx-nope")))
    assert wrong.status == "WARN" and "no voice xx-nope" in wrong.detail
    monkeypatch.setattr(doctor, "sound_output_found", lambda: False)
    mute = speech_line(SpeechSettings(enabled=True))
    assert mute.status == "WARN" and "no sound card" in mute.detail
    to_file = speech_line(SpeechSettings(enabled=True, command="espeak-ng -v {voice} -w out.wav"))
    assert to_file.status == "OK"
    monkeypatch.setattr(doctor, "sound_output_found", lambda: True)
    on = speech_line(SpeechSettings(enabled=True))
    assert on.status == "OK" and "espeak-ng (loudspeaker)" in on.detail
