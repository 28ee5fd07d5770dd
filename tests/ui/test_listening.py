"""« Écouter »: what the kiosk says, heard through a command that records what it is given.

The journeys are made the way a citizen who can't see the screen makes them: only keys, and
each next key chosen from what was just heard (`tab_to` listens for the control it wants).
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import sys
from collections.abc import Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from time import monotonic

import pytest

from cafepol_tui.db.models import Registration
from cafepol_tui.i18n import language, translator
from cafepol_tui.services.doctor import run_checks
from cafepol_tui.ui.app import make_app
from cafepol_tui.ui.screens.citizen.confirmation import ConfirmationScreen
from cafepol_tui.ui.screens.citizen.home import LISTEN, REPEAT, HomeScreen
from cafepol_tui.ui.screens.citizen.meeting import MeetingScreen
from cafepol_tui.ui.screens.citizen.signup import SignupScreen
from cafepol_tui.ui.speech import spelled
from cafepol_tui.ui.widgets.chip_bar import ChipBar
from tests.pilot import click_and_wait, settle, wait_for_screen, wait_until, wake_kiosk
from tests.ui.conftest import touch
from tests.ui.test_print_slip import fake_lp

_ = translator("kiosk")

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

NAME, PHONE = "Marie Dubois", "0470 12 34 56"


class Recorder:
    """A speech command that writes down each utterance with its words (voice, rate, volume).
    `slow`: it then speaks for 30 s, unless it is cut off."""

    def __init__(self, folder: Path, slow: bool = False) -> None:
        self.script = folder / "say.py"
        self.script.write_text(RECORDER, encoding="utf-8")
        self.log = folder / "said.jsonl"
        words = (sys.executable, self.script, self.log, "slow" if slow else "fast")
        self.command = " ".join(shlex.quote(str(w)) for w in words)
        self.command += " -v {voice} -s {rate} -a {volume}"

    def records(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def said(self) -> list[str]:
        return [r["text"] for r in self.records() if "text" in r]

    def voices(self) -> set[str]:
        return {r["argv"][r["argv"].index("-v") + 1] for r in self.records() if "argv" in r}


@pytest.fixture
def recorder(tmp_path) -> Recorder:
    return Recorder(tmp_path)


def speaking(settings, db, recorder, tmp_path, *, lang="fr", **speech):
    """A kiosk that speaks through `recorder`, and prints to a recording `lp`."""
    spoken = dataclasses.replace(settings.speech, enabled=True, command=recorder.command, **speech)
    script, _log = fake_lp(tmp_path, 0)
    printing = dataclasses.replace(settings.printing, lp_command=str(script),
                                   output_dir=str(tmp_path / "out"))
    return make_app(dataclasses.replace(settings, speech=spoken, printing=printing,
                                        language=lang), db)


def t(lang: str, message: str, **values: object) -> str:
    """`message` as the kiosk says it in `lang`."""
    with language(lang):
        text = _(message)
    return text.format(**values) if values else text


async def hear(pilot, recorder: Recorder, *keys: str, doing: Awaitable[object] | None = None) -> str:
    """Press `keys` (or await `doing`: a touch) and return all that was said because of it."""
    before = len(recorder.said())
    if keys:
        await pilot.press(*keys)
    if doing is not None:
        await doing
    await settle(pilot)
    await wait_until(pilot, lambda: pilot.app.narrator.quiet, what="the kiosk to finish speaking")
    return " ".join(recorder.said()[before:])


@asynccontextmanager
async def listening(settings, db, recorder, tmp_path, **speech):
    """A speaking kiosk, its home loaded, « Écouter » started with F2 and its welcome heard."""
    app = speaking(settings, db, recorder, tmp_path, **speech)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await hear(pilot, recorder, "f2")
        yield app, pilot


async def tab_to(pilot, recorder: Recorder, wanted: str, limit: int = 40) -> str:
    """Tab until the control said starts with `wanted`, as a citizen listening would."""
    heard = []
    for _ in range(limit):
        said = await hear(pilot, recorder, "tab")
        heard.append(said)
        if said.startswith(wanted):
            return said
    raise AssertionError(f"never heard {wanted!r}; heard {heard}")


async def consent_and_confirm(pilot, recorder: Recorder) -> str:
    """On the form: tick the consent and confirm, by ear (French); what the outcome said."""
    await tab_to(pilot, recorder, "Case à cocher")
    await hear(pilot, recorder, "space")
    await tab_to(pilot, recorder, "Confirmer mon inscription")
    said = await hear(pilot, recorder, "enter")
    await wait_for_screen(pilot, ConfirmationScreen)
    return said + " " + await hear(pilot, recorder)


def keys_for(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
async def test_a_whole_sign_up_with_the_keyboard_and_the_voice_alone(
    settings, db, meetings, recorder, tmp_path, lang
):
    app = speaking(settings, db, recorder, tmp_path, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = await hear(pilot, recorder, "f2")
        assert said.startswith(t(lang, "Mode Écouter. Touche Tab : élément suivant. Flèches : "
                                       "changer de choix. Entrée : choisir. Échap : retour. F3 : "
                                       "répéter. F2 : arrêter."))
        assert t(lang, "Un café avec votre policier de quartier.") in said
        assert "Salle Le Trianon" in said and t(lang, "Rencontre {i} sur {n}.", i=1, n=3) in said

        said = await hear(pilot, recorder, "down")
        assert "Boussu" in said and "Cafétéria du Grand-Hornu" in said
        assert t(lang, "Rencontre {i} sur {n}.", i=2, n=3) in said
        assert "Salle Le Trianon" not in said  # only the row moved to
        said = await hear(pilot, recorder, "up")
        assert "Salle Le Trianon" in said

        said = await hear(pilot, recorder, "enter")
        assert isinstance(app.screen, MeetingScreen)
        assert "Salle Le Trianon" in said and "Hygea" in said and "Inspecteur Test" in said

        await tab_to(pilot, recorder, t(lang, "S'inscrire"))
        said = await hear(pilot, recorder, "enter")
        assert isinstance(app.screen, SignupScreen)
        assert t(lang, "Étape 2 sur 3 : vos coordonnées.") in said
        assert t(lang, "Champ de texte") in said and t(lang, "vide") in said

        said = await hear(pilot, recorder, *keys_for(NAME))
        assert said == ""  # what is typed is not echoed through a loudspeaker
        await tab_to(pilot, recorder, t(lang, "Une personne de plus"))
        said = await hear(pilot, recorder, "enter")
        with language(lang):
            assert _.plural("{n} personne", "{n} personnes", 2).format(n=2) in said

        said = await tab_to(pilot, recorder, t(lang, "Case à cocher"))
        assert t(lang, "non cochée") in said
        assert said.startswith(t(lang, "Case à cocher") + ", " + t(
            lang, "J'accepte que ces données soient enregistrées *").replace(
                "*", t(lang, "obligatoire")))
        said = await hear(pilot, recorder, "space")
        assert t(lang, "cochée") in said and t(lang, "non cochée") not in said

        await tab_to(pilot, recorder, t(lang, "Confirmer mon inscription"))
        said = await hear(pilot, recorder, "enter")
        await wait_for_screen(pilot, ConfirmationScreen)
        said += " " + await hear(pilot, recorder)
        assert t(lang, "Votre inscription est confirmée.") in said
        assert t(lang, "Votre code est imprimé sur votre ticket.") in said
        await wait_until(pilot, lambda: any(
            t(lang, "Votre confirmation s'imprime : prenez-la à l'imprimante.") in s
            for s in recorder.said()), what="the slip to be said printed")
        assert app.focused.id == "finish"  # said with the outcome: « Terminer, bouton »
        said = await hear(pilot, recorder, "enter")
        assert said == t(lang, "Merci, et à bientôt au café.")
        assert isinstance(app.screen, HomeScreen) and not app.narrator.active

    registration = Registration.get(Registration.name == NAME)
    assert registration.people == 2
    everything = " ".join(recorder.said())
    for private in ("Marie", "Dubois", registration.reference, spelled(registration.reference)):
        assert private not in everything
    assert recorder.voices() == {settings.speech.voice(lang)}
    if lang != "fr":  # really in the language, not French left untranslated
        assert "Case à cocher" not in everything and "Votre code est imprimé" not in everything


async def test_with_private_listening_what_is_typed_and_the_code_are_said(
    settings, db, meetings, recorder, tmp_path
):
    async with listening(settings, db, recorder, tmp_path, private_listening=True) as (app, pilot):
        await hear(pilot, recorder, "enter")
        await tab_to(pilot, recorder, "S'inscrire")
        await hear(pilot, recorder, "enter")
        said = []
        for key in keys_for("Marie"):
            said.append(await hear(pilot, recorder, key))
        assert said == list("Marie")
        said_next = await tab_to(pilot, recorder, "Une personne de plus")
        assert "Marie" not in said_next
        said_back = await hear(pilot, recorder, "shift+tab")
        assert said_back == "Champ de texte, Votre nom et prénom obligatoire, contenu : Marie."
        said = await consent_and_confirm(pilot, recorder)
    reference = Registration.get(Registration.name == "Marie").reference
    assert f"Votre code de référence : {spelled(reference)}." in said
    assert "imprimé sur votre ticket" not in said
    assert not (tmp_path / "lp.args").exists()  # a headset kiosk prints only when asked


async def test_a_refused_form_says_what_to_correct(settings, db, meetings, recorder, tmp_path):
    async with listening(settings, db, recorder, tmp_path) as (app, pilot):
        await hear(pilot, recorder, "enter")
        await tab_to(pilot, recorder, "S'inscrire")
        await hear(pilot, recorder, "enter")
        await tab_to(pilot, recorder, "Confirmer mon inscription")
        said = await hear(pilot, recorder, "enter")
        assert said.startswith("Vérifiez les champs signalés. Champ de texte, Votre nom et "
                               "prénom obligatoire, vide, Erreur : ")
        assert app.screen.focused.id == "name"
        said = await tab_to(pilot, recorder, "Case à cocher")
        assert "Erreur : " in said  # the consent's own message


async def test_the_next_thing_focused_cuts_off_what_is_being_said(
    settings, db, meetings, tmp_path
):
    """A command that would speak for 30 s: moving on ends it at once, then says the new row."""
    slow = Recorder(tmp_path, slow=True)
    app = speaking(settings, db, slow, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: len(slow.said()) == 1, what="the home to be said")
        started = monotonic()
        await pilot.press("down")
        await wait_until(pilot, lambda: len(slow.said()) == 2, what="the next row to be said")
        assert monotonic() - started < 15  # not after the first utterance's 30 s
        assert "Rencontre 2 sur 3." in slow.said()[1]
        await pilot.press("f3")  # « Répéter »: the row again, cutting off its first reading
        await wait_until(pilot, lambda: len(slow.said()) == 3, what="the row said again")
        assert slow.said()[2] == slow.said()[1]
        app.narrator.stop()
        assert app.narrator.speaker.wait_until_quiet(10)
    assert not [r for r in slow.records() if "done" in r]  # none was left to finish


async def test_touch_only_listen_repeat_and_another_language(
    settings, db, meetings, recorder, tmp_path
):
    app = speaking(settings, db, recorder, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = await hear(pilot, recorder, doing=touch(pilot, "#preferences", LISTEN))
        assert "Mode Écouter" in said and "3 rencontres à venir." in said
        bar = app.screen.query_one("#preferences", ChipBar)
        assert bar.chip(LISTEN).selected and bar.chip(REPEAT).label == "Répéter"
        last = app.narrator.last
        assert await hear(pilot, recorder, doing=touch(pilot, "#preferences", REPEAT)) == last

        said = await hear(pilot, recorder, doing=touch(pilot, "#preferences", "nl"))
        assert t("nl", "Un café avec votre policier de quartier.") in said
        assert recorder.records()[-1]["argv"][:2] == ["-v", "nl"]

        # A tap on the second meeting.
        said = await hear(pilot, recorder, doing=pilot.click("#meetings", offset=(5, 4)))
        assert isinstance(app.screen, MeetingScreen)
        assert "Cafétéria du Grand-Hornu" in said
        said = await hear(pilot, recorder, doing=click_and_wait(pilot, "#signup"))
        assert t("nl", "Étape 2 sur 3 : vos coordonnées.") in said


async def test_listening_ends_with_the_idle_reset_and_the_calm_screen_offers_it_again(
    settings, db, meetings, recorder, tmp_path
):
    async with listening(settings, db, recorder, tmp_path) as (app, pilot):
        await hear(pilot, recorder, "enter")
        assert app.narrator.active
        app.check_inactivity(now=app.last_input + settings.kiosk.idle_timeout_s + 1)
        await wait_until(pilot, lambda: app.screen.id == "welcome"
                         and app.screen.query("#welcome-touch"), what="the calm screen")
        assert not app.narrator.active
        assert "Écouter : touche F2" in str(app.screen.query_one("#welcome-listen").content)
        before = len(recorder.said())
        await settle(pilot)
        assert len(recorder.said()) == before  # the calm screen is quiet
        said = await hear(pilot, recorder, "f2")  # wakes the kiosk, talking
        assert isinstance(app.screen, HomeScreen) and app.narrator.active
        assert said.startswith("Mode Écouter.")


async def test_without_its_engine_the_kiosk_offers_no_listening(settings, db, meetings, tmp_path):
    speech = dataclasses.replace(settings.speech, enabled=True,
                                 command="cafepol-no-such-voice -v {voice}")
    app = make_app(dataclasses.replace(settings, speech=speech), db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = [c.name for c in app.screen.query_one("#preferences", ChipBar).chips]
        assert LISTEN not in names
        await pilot.press("f2")
        await settle(pilot)
        assert not app.narrator.active
        app.check_inactivity(now=app.last_input + settings.kiosk.idle_timeout_s + 1)
        await wait_until(pilot, lambda: app.screen.id == "welcome"
                         and app.screen.query("#welcome-touch"), what="the calm screen")
        assert not app.screen.query("#welcome-listen")
        await wake_kiosk(pilot)
    check = next(c for c in run_checks(dataclasses.replace(settings, speech=speech))
                 if c.name == "speech")
    assert check.status == "WARN" and check.detail.startswith("cafepol-no-such-voice ")


async def test_speech_off_by_default(kiosk):
    async with kiosk.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = [c.name for c in kiosk.screen.query_one("#preferences", ChipBar).chips]
        assert LISTEN not in names and kiosk.narrator.speaker is None


async def test_choosing_a_commune_says_how_many_meetings_it_has(
    settings, db, meetings, recorder, tmp_path
):
    async with listening(settings, db, recorder, tmp_path) as (app, pilot):
        said = await tab_to(pilot, recorder, "Commune, Toutes, choisi, 1 sur 6.")
        said = await hear(pilot, recorder, "right")
        assert said == "Commune, Boussu, 2 sur 6."
        said = await hear(pilot, recorder, "enter")
        assert said == "1 rencontre à venir. Commune, Boussu, choisi, 2 sur 6."


@pytest.mark.parametrize("private", [False, True], ids=["loudspeaker", "headset"])
async def test_a_code_typed_to_cancel_is_spelled_only_in_a_headset_and_a_pin_never(
    settings, db, meetings, recorder, tmp_path, private
):
    from cafepol_tui.ui.screens.citizen.cancel import CancelScreen
    from cafepol_tui.ui.screens.citizen.pin import PinScreen
    from tests.factories import sign_up

    code = sign_up(meetings[0], "Jeanne Pirson", 1).reference
    async with listening(settings, db, recorder, tmp_path, private_listening=private) as (app, pilot):
        app.push_screen(CancelScreen())
        await wait_for_screen(pilot, CancelScreen)
        assert "Annuler une inscription" in await hear(pilot, recorder)
        said = await hear(pilot, recorder, *code.lower(), "enter")
        assert "Frameries — Salle Le Trianon." in said and "Jeanne" not in said
        assert (spelled(code) in said) is private
        assert code not in said
        app.pop_screen()
        app.push_screen(PinScreen())
        await wait_for_screen(pilot, PinScreen)
        assert "Accès réservé au personnel" in await hear(pilot, recorder)
        said = await hear(pilot, recorder, *"4321")
        assert said == ""
        said = await hear(pilot, recorder, "shift+tab", "tab")
        assert "4321" not in said and "4, 3" not in said and "rempli" in said


async def test_a_full_meeting_says_the_waiting_list_and_the_place_in_it(
    settings, db, meetings, recorder, tmp_path
):
    async with listening(settings, db, recorder, tmp_path) as (app, pilot):
        said = await hear(pilot, recorder, "down", "enter")
        assert "Complet – liste d'attente" in said and "Places : Complet" in said
        await tab_to(pilot, recorder, "S'inscrire sur la liste d'attente")
        said = await hear(pilot, recorder, "enter")
        assert said.startswith("Inscription sur la liste d'attente — Boussu")
        await hear(pilot, recorder, *keys_for("Jules Hanot"))
        said = await consent_and_confirm(pilot, recorder)
    assert "Vous êtes sur la liste d'attente, en position 2." in said  # after Nguyễn Thị Hoa
    assert "Votre code est imprimé sur votre ticket." in said and "Jules" not in said


async def test_the_kiosk_closing_leaves_no_voice_behind(settings, db, meetings, tmp_path):
    """The speaking command runs in a session of its own: the App's end must stop it."""
    slow = Recorder(tmp_path, slow=True)
    app = speaking(settings, db, slow, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: len(slow.said()) == 1, what="the home to be said")
        process = app.narrator.speaker._process
        assert process is not None and process.poll() is None
    assert process.wait(timeout=10) < 0  # ended by a signal, not after its 30 s


async def test_dialogs_say_their_question_and_their_answers(
    settings, db, meetings, recorder, tmp_path
):
    """Screens without a `spoken()` of their own say their heading and lines: leaving a typed
    form, help."""
    async with listening(settings, db, recorder, tmp_path) as (app, pilot):
        await hear(pilot, recorder, "enter")
        await tab_to(pilot, recorder, "S'inscrire")
        await hear(pilot, recorder, "enter")
        await hear(pilot, recorder, *keys_for("Luc"))
        said = await hear(pilot, recorder, "escape")
        assert said.startswith("Quitter le formulaire ? Ce que vous avez écrit sera effacé.")
        assert said.endswith("Non, continuer, bouton.")
        said = await hear(pilot, recorder, "enter")  # « Non, continuer »: back to the form
        assert isinstance(app.screen, SignupScreen) and said.startswith("Inscription")
        said = await tab_to(pilot, recorder, "Besoin d'aide ?")
        said = await hear(pilot, recorder, "enter")
        assert said.startswith("Besoin d'aide ? Adressez-vous au guichet d'accueil")
        assert "Rien de ce que vous avez écrit ici n'est perdu." in said
        assert said.endswith("Fermer, bouton.")
