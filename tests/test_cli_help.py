"""Every command's help, in English and in French: the parser is built in the language asked
(--lang, else $CAFEPOL_LANG), argparse's own words included."""

from __future__ import annotations

import argparse
import gettext

import pytest

from cafepol_tui import i18n
from cafepol_tui.cli import build_parser, main
from cafepol_tui.i18n import language


def _parser(lang: str) -> argparse.ArgumentParser:
    with language(lang):
        return build_parser()


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(subparsers.choices)


def _listing(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The commands as the main help lists them (one line each)."""
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(subparsers._choices_actions)


def _texts(parser: argparse.ArgumentParser) -> dict[str, str]:
    """The texts of one help that are ours (not argparse's), by where they are."""
    texts = {"description": parser.description or ""}
    for action in [*parser._actions, *(_listing(parser) if parser.prog == "cafepol" else [])]:
        if isinstance(action, argparse._SubParsersAction):
            continue
        where = action.option_strings[-1] if action.option_strings else action.metavar or action.dest
        texts[str(where)] = action.help or ""
    return texts


COMMANDS = sorted(_commands(_parser("en")))
HELPS = ["cafepol", *COMMANDS]


def _help_parser(lang: str, name: str) -> argparse.ArgumentParser:
    parser = _parser(lang)
    return parser if name == "cafepol" else _commands(parser)[name]


def test_every_command_is_listed_with_its_help() -> None:
    parser = _parser("en")
    assert [a.dest for a in _listing(parser)] == list(_commands(parser))
    assert len(COMMANDS) == 28  # `meeting`, `concern`, `outbox`, `send`, `status`, `share-kit`…


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", HELPS)
def test_every_help_renders_with_a_text_for_each_option(lang: str, name: str) -> None:
    parser = _help_parser(lang, name)
    with language(lang):
        text = parser.format_help()
    for where, help_text in _texts(parser).items():
        assert help_text.strip(), f"{name} {where}: no help text"
    for action in parser._actions:
        for option in action.option_strings:
            assert option in text


@pytest.mark.parametrize("name", HELPS)
def test_french_help_is_translated(name: str) -> None:
    """Needs the French catalog: a help text « translated » to its English source (as
    `tools/i18n.py update` leaves a new one) fails here."""
    english, french = _texts(_help_parser("en", name)), _texts(_help_parser("fr", name))
    assert english.keys() == french.keys()
    same = [f"{where}: {text!r}" for where, text in english.items() if french[where] == text]
    assert not same, f"`cafepol {name} --help` in French has English texts:\n" + "\n".join(same)


class _Marked(gettext.NullTranslations):
    """A French catalog that marks what it translates."""

    def gettext(self, message: str) -> str:
        return "«fr» " + message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return "«fr» " + (singular if n == 1 else plural)


@pytest.fixture
def marked_french(monkeypatch: pytest.MonkeyPatch) -> None:
    real = i18n.catalog
    monkeypatch.setattr(
        i18n,
        "catalog",
        lambda domain, lang: _Marked() if (domain, lang) == ("messages", "fr") else real(domain, lang),
    )
    monkeypatch.setenv("COLUMNS", "400")  # one line per option: texts are found whole


@pytest.mark.usefixtures("marked_french")
@pytest.mark.parametrize("name", HELPS)
@pytest.mark.parametrize("how", ["--lang", "CAFEPOL_LANG"])
def test_help_follows_the_language_argparse_words_included(
    name: str, how: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = [] if name == "cafepol" else [name]
    assert main(["--lang", "en", *command, "--help"]) == 0
    english = capsys.readouterr().out
    if how == "--lang":
        assert main(["--lang", "fr", *command, "--help"]) == 0
    else:
        monkeypatch.setenv("CAFEPOL_LANG", "fr")
        assert main([*command, "--help"]) == 0
    french = capsys.readouterr().out
    assert "«fr»" not in english and english.startswith("usage: ")
    assert french.startswith("«fr» usage: ") and "\n«fr» options:\n" in french
    assert "«fr» show this help message and exit" in french
    for where, text in _texts(_help_parser("en", name)).items():
        assert f"«fr» {text}" in french, where
    assert french.replace("«fr» ", "") == english
