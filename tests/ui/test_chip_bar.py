"""The home screen's chip rows: where chips go, what a touch or a key presses, what is drawn."""

from __future__ import annotations

from textual.app import App, ComposeResult

from cafepol_tui.ui.widgets.chip_bar import Chip, ChipBar, place

CHIPS = [Chip("fr", "Français", selected=True), Chip("nl", "Nederlands"), Chip("de", "Deutsch")]


def test_chips_wrap_onto_a_new_row_when_the_next_does_not_fit() -> None:
    # « ✓ Français » is 10 cells, each chip has one column of padding a side and one between.
    assert [(p.row, p.x, p.width) for p in place(CHIPS, 40)] == [(0, 0, 12), (0, 13, 12), (0, 26, 9)]
    assert [(p.row, p.x) for p in place(CHIPS, 30)] == [(0, 0), (0, 13), (1, 0)]
    assert [p.row for p in place(CHIPS, 5)] == [0, 1, 2]  # too narrow: one a row, cut


class Bar(App[None]):
    def __init__(self, outlined: bool = False) -> None:
        super().__init__()
        self.outlined = outlined
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield ChipBar(CHIPS, outlined=self.outlined, id="bar")

    def on_chip_bar_pressed(self, event: ChipBar.Pressed) -> None:
        self.pressed.append(event.chip.name)


def lines(app: App[None]) -> list[str]:
    bar = app.query_one(ChipBar)
    return [bar.render_line(y).text for y in range(bar.size.height)]


async def test_a_touch_presses_the_chip_under_it_and_nothing_between() -> None:
    app = Bar()
    async with app.run_test(size=(30, 10)) as pilot:
        bar = app.query_one(ChipBar)
        assert bar.size.height == 6  # two rows of chips, three lines each
        await pilot.click("#bar", offset=bar.chip_offset("de"))
        await pilot.click("#bar", offset=(12, 1))  # the gap between two chips
        await pilot.click("#bar", offset=(13, 0))  # the top edge of « Nederlands »
        assert app.pressed == ["de", "nl"]


async def test_arrows_move_the_cursor_and_enter_or_space_press() -> None:
    app = Bar()
    async with app.run_test(size=(60, 10)) as pilot:
        app.query_one(ChipBar).focus()
        await pilot.press("right", "right", "right", "enter", "left", "space", "left", "left")
        await pilot.press("enter")
        assert app.pressed == ["de", "nl", "fr"]


async def test_the_chosen_chip_is_marked_in_words_and_moves_on_select() -> None:
    app = Bar()
    async with app.run_test(size=(60, 10)) as pilot:
        assert lines(app)[1].startswith(" ✓ Français   Nederlands ")
        app.query_one(ChipBar).select("nl")
        await pilot.pause()
        assert lines(app)[1].startswith(" Français   ✓ Nederlands ")
        assert set(lines(app)[0].rstrip()) <= {"▔", " "} and set(lines(app)[2].rstrip()) <= {"▁", " "}


async def test_outlined_chips_for_high_contrast() -> None:
    app = Bar(outlined=True)
    async with app.run_test(size=(60, 10)):
        top, middle, bottom = lines(app)
        assert top.startswith("┏━━━━━━━━━━┓ ╭──────────╮")  # the chosen one heavy
        assert middle.startswith("┃✓ Français┃ │Nederlands│")
        assert bottom.startswith("┗━━━━━━━━━━┛ ╰──────────╯")
