"""« Écouter »: the kiosk says what is on the screen, for a citizen who can't read it.

EN 301 549 calls a locked kiosk closed functionality: nobody can bring a screen reader to it, so
it must speak by itself (§ 5.1.3). While the mode is on, the `Narrator` says, in the citizen's
language:

- each screen's title and what it offers, when it appears (a screen's `spoken()`, else its
  heading);
- the control that has the focus, with its kind and state, on every move (« Case à cocher,
  J'accepte…, non cochée »), with the field's error when it has one;
- what a screen reports (`note`): a sign-up's outcome, a code not found, the slip printed.

Each new thing said cuts off the last (`Speaker.say`). Names, phone numbers, e-mail addresses
and reference codes are said only with `[speech] private_listening` (§ 5.1.3.9: a headset):
otherwise a field is « rempli » and the code « imprimé sur votre ticket ».

Screens and widgets stay free of speech code: they tell the narrator what happened (a screen
came, a note) and may offer `spoken()`; the rest is read here from the widgets themselves.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Label, Static

from cafepol_tui.i18n import N_, current_language, translator

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widgets import Input, TextArea

    from cafepol_tui.services.speech import Speaker
    from cafepol_tui.ui.app import CafePolApp

_ = translator("kiosk")

LISTEN_LABEL = N_("Écouter")
REPEAT_LABEL = N_("Répéter")
LISTEN_KEY, REPEAT_KEY = "f2", "f3"


@runtime_checkable
class Spoken(Protocol):
    """A screen or widget that says itself; None while it has nothing to say yet (loading)."""

    def spoken(self) -> str | None: ...


def plain(widget: Widget) -> str:
    """The text a Static, Label or BigText shows, without its styles."""
    text = getattr(widget, "text", None)  # BigText keeps its words (it draws block letters)
    if isinstance(text, str):
        return text
    content: Any = getattr(widget, "content", "")
    if isinstance(content, Text):
        return content.plain
    plain_text = getattr(content, "plain", None)
    return plain_text if isinstance(plain_text, str) else str(content)


def label_text(label: object) -> str:
    """A Button's label (Content, Rich Text or str) as plain text."""
    text = getattr(label, "plain", label)
    return text if isinstance(text, str) else str(text)


def sentence(*parts: str) -> str:
    """Parts joined with commas, ended with a full stop (a pause in every voice)."""
    kept = [p.strip().rstrip(".:") for p in parts if p and p.strip()]
    if not kept:
        return ""
    said = ", ".join(kept)
    return said if said.endswith(("?", "!", "…")) else said + "."


def spelled(code: str) -> str:
    """« K, 7, M, 3, Q, X »: one character at a time, a pause between them."""
    return ", ".join(code.replace(" ", ""))


class Narrator:
    """Belongs to the App; does nothing until `start`, nothing at all without a speaker."""

    def __init__(self, app: CafePolApp, speaker: Speaker | None) -> None:
        self.app = app
        self.speaker = speaker
        self.active = False
        self.last = ""  # what « Répéter » says again
        self._notes: list[str] = []
        self._screen: Screen[Any] | None = None  # a screen whose title is still to be said
        self._focused: Widget | None = None
        self._described = ""  # what was said of the focused control (said again only if changed)
        self._flush_planned = False

    @property
    def available(self) -> bool:
        """The kiosk can speak: `[speech] enabled` and its engine installed."""
        return self.speaker is not None and self.speaker.available

    @property
    def quiet(self) -> bool:
        """Nothing left to say: no flush planned, the speaker silent (tests wait on it)."""
        return not self._flush_planned and (
            self.speaker is None or self.speaker.wait_until_quiet(0)
        )

    @property
    def private(self) -> bool:
        return self.speaker is not None and self.speaker.settings.private_listening

    # --- the citizen's commands -----------------------------------------------------------

    def start(self) -> None:
        if not self.available or self.active:
            return
        self.active = True
        self._notes = [_(
            "Mode Écouter. Touche Tab : élément suivant. Flèches : changer de choix. Entrée : "
            "choisir. Échap : retour. F3 : répéter. F2 : arrêter."
        )]
        self._screen = self.app.screen
        self._focused = None
        self._plan()

    def stop(self, farewell: str = "") -> None:
        """Silence and the mode off (the idle reset, staff mode, F2 again); `farewell` is said
        last (« Terminer »)."""
        if not self.active:
            return
        if self.speaker is not None:
            if farewell:
                self.speaker.say(farewell, current_language())
            else:
                self.speaker.stop()
        self.active = False
        self.last = ""
        self._notes.clear()
        self._screen = None
        self._focused = None
        self._described = ""

    def toggle(self) -> None:
        if self.active:
            self.stop(farewell=_("Mode Écouter arrêté."))
        else:
            self.start()

    def repeat(self) -> None:
        """« Répéter »: the last thing said, again (not the « Répéter » chip just touched)."""
        if self.active and self.last:
            focused = self.app.focused
            self._focused = focused
            self._described = describe(focused, private=self.private) if focused else ""
            self._say(self.last)

    def close(self) -> None:
        self.active = False
        if self.speaker is not None:
            self.speaker.close()

    # --- what the screens tell it ---------------------------------------------------------

    def screen_shown(self, screen: Screen[Any]) -> None:
        """A screen came (or came back): its title first, then its focused control."""
        if self.active:
            self._screen = screen
            self._focused = None
            self._plan()

    def screen_ready(self, screen: Screen[Any]) -> None:
        """A screen that was loading (`spoken()` was None) has its content now."""
        if self.active and self._screen is screen:
            self._plan()

    def focus_moved(self, widget: Widget) -> None:
        if self.active:
            self._plan()

    def control_changed(self, widget: Widget) -> None:
        """The focused control's state changed (a box ticked, a row or chip moved to)."""
        if self.active and widget is self.app.focused:
            self._plan()

    def note(self, text: str, *, private: str | None = None, after: bool = False) -> None:
        """Something the screen reports. `private`: the same with the citizen's own data (a
        code, a name), said instead only with private listening. `after`: news that came by
        itself (the slip printed), said once what is being said is finished."""
        if not self.active:
            return
        said = private if (private is not None and self.private) else text
        if not said.strip():
            return
        if after and self.speaker is not None:
            self.speaker.say_after(said, current_language())
            return
        self._notes.append(said)
        self._plan()

    def typed(self, widget: Input | TextArea, value: str) -> None:
        """A character typed: echoed only with private listening (it is the citizen's data)."""
        if getattr(widget, "password", False):  # a PIN is never said, not even in a headset
            return
        if self.active and self.private and widget is self.app.focused and value:
            if self.speaker is not None:  # not kept for « Répéter »: that says the field
                self.speaker.say(value[-1] if value[-1] != " " else _("espace"),
                                 current_language())

    # --- saying it ------------------------------------------------------------------------

    def _plan(self) -> None:
        if not self._flush_planned:
            self._flush_planned = True
            self.app.call_after_refresh(self._flush)

    def _flush(self) -> None:
        self._flush_planned = False
        if not self.active:
            return
        parts = list(self._notes)
        screen = self._screen
        if screen is not None:
            if not screen.is_attached or screen is not self.app.screen:
                self._screen = None
            else:
                intro = screen_intro(screen)
                if intro is None:  # still loading: said with its title once ready
                    if parts:
                        self._notes.clear()
                        self._say(" ".join(parts))
                    return
                parts.append(intro)
                self._screen = None
        self._notes.clear()
        focused = self.app.focused
        described = describe(focused, private=self.private) if focused is not None else ""
        moved = focused is not self._focused
        if focused is not None and described and (
            moved or described != self._described or parts
        ):
            # The same control, only its state changed (a box ticked): its state, not its hint.
            short = not moved and not parts
            parts.append(describe(focused, private=self.private, short=True) if short
                         else described)
        self._focused = focused
        self._described = described
        if parts:
            self._say(" ".join(parts))

    def _say(self, text: str) -> None:
        if self.speaker is None:
            return
        self.last = text
        self.speaker.say(text, current_language())


def screen_intro(screen: Screen[Any]) -> str | None:
    """A screen's `spoken()` if it has one, else its heading (`#…-heading` or `#…-title`)."""
    if isinstance(screen, Spoken):
        return screen.spoken()
    said = [
        plain(widget) for widget in screen.query("Static")
        if widget.display and (
            (widget.id or "").endswith(("-heading", "-title", "-text"))
            or widget.has_class("centered") or widget.has_class("outage-line")
        )
    ]
    return " ".join(sentence(text) for text in said if text.strip())


def field_label(widget: Widget) -> str:
    """The Label just before a field (« Votre nom et prénom * »), else its placeholder."""
    parent = widget.parent
    if parent is not None:
        siblings = list(parent.children)
        index = siblings.index(widget)
        if index > 0 and isinstance(siblings[index - 1], Label):
            return plain(siblings[index - 1]).replace("*", _("obligatoire"))
    return str(getattr(widget, "placeholder", "") or "")


def field_error(widget: Widget) -> str:
    """The message beside the field (`#error-<id>`) while it is shown."""
    if not widget.id:
        return ""
    found = widget.screen.query(f"#error-{widget.id}")
    if not found:
        return ""
    box = found.first()
    if not box.display or not isinstance(box, Static):
        return ""
    message = plain(box).strip().lstrip("⚠").strip()
    return _("Erreur : {message}").format(message=message) if message else ""


def describe(widget: Widget, *, private: bool, short: bool = False) -> str:
    """What the focused control is and how it stands, in one sentence (`short`: without the
    hint that goes with it, for a change of its state)."""
    # Here, not at the top: the first screen has none of these and must not wait for them.
    from textual.containers import ScrollableContainer
    from textual.widgets import Button, Checkbox, Input, TextArea

    if isinstance(widget, Spoken):
        return widget.spoken() or ""
    hint = str(getattr(widget, "speech_hint", "") or "")
    if isinstance(widget, Checkbox):
        state = _("cochée") if widget.value else _("non cochée")
        label = widget.label.plain.replace("*", _("obligatoire"))
        said = sentence(_("Case à cocher"), label, state, field_error(widget))
        return f"{said} {hint}" if hint and not short else said
    if isinstance(widget, Button):
        label = str(widget.tooltip) if widget.tooltip else label_text(widget.label)
        parts = [label, _("bouton")]
        if widget.disabled:
            parts.append(_("indisponible"))
        number = widget.parent  # the − and + of a number (PartySize) say its label and value
        spoken_state = getattr(number, "spoken_state", None)
        if isinstance(number, Widget) and callable(spoken_state):
            parts += [field_label(number), str(spoken_state())]
        return sentence(*parts)
    if isinstance(widget, (Input, TextArea)):
        value = widget.value if isinstance(widget, Input) else widget.text
        kind = _("Champ de texte") if isinstance(widget, Input) else _("Zone de texte")
        if not value.strip():
            state = _("vide")
        elif private and not (isinstance(widget, Input) and widget.password):
            state = _("contenu : {value}").format(value=value)
        else:
            state = _("rempli")
        return sentence(kind, field_label(widget), state, field_error(widget))
    if isinstance(widget, ScrollableContainer):  # a page longer than the screen
        return _("Texte : flèches haut et bas pour le faire défiler.")
    return ""


@cache
def reference_code() -> re.Pattern[str]:
    """A registration's (6) or a concern's (7) reference code, as the screens write it.

    Made on first use: the registrations module is not needed before a sign-up, and the first
    screen must not wait for it."""
    from cafepol_tui.services.registrations import (
        CONCERN_REFERENCE_LENGTH,
        REFERENCE_ALPHABET,
        REFERENCE_LENGTH,
    )

    return re.compile(
        rf"\b[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH},{CONCERN_REFERENCE_LENGTH}}}\b"
    )


def speak_found(narrator: Narrator, error: str, found: Text | str) -> None:
    """« Écouter »: what a typed code brought up (cancel, follow-up). A reference code in it is
    spelled with private listening, else left out, like every reference code."""
    if error:
        narrator.note(error)
        return
    text = found.plain if isinstance(found, Text) else found
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return
    said = " ".join(sentence(line) for line in lines)
    code = reference_code()
    narrator.note(
        " ".join(code.sub("", said).split()),
        private=code.sub(lambda found: spelled(found.group()), said),
    )
