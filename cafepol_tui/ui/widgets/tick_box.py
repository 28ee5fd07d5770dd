"""A check box that looks different ticked and unticked: « ▐✔▌ » or an empty « ▐ ▌ »
(Textual's draws « ▐X▌ » either way, the X only a shade apart)."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox


class TickBox(Checkbox):
    # Said after the box's label and state in « Écouter » mode (the consent's privacy notice).
    speech_hint: str = ""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            ("✔" if self.value else " ", button_style),
            (self.BUTTON_RIGHT, side_style),
        )
