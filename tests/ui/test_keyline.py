"""Pilot tests of the key line: the current screen's keys, kept up to date, clickable."""

from __future__ import annotations

from textual.widgets import OptionList

from game.ui.screens.play import PlayScreen
from game.ui.screens.record import RecordScreen
from game.ui.screens.title import TitleScreen
from game.ui.widgets.keyline import HOVER_STYLE, KeyLine
from ui_helpers import make_app, title_app

PLAY_KEYS = ["Undo", "Record", "Saves", "Help", "Settings", "Quit"]


def described(line: KeyLine) -> list[str]:
    """What the keys shown do, in order."""
    return [description for _key, _display, description, _enabled in line.keys]


async def ready(pilot) -> None:
    """Let workers (the title's shelf, autosaves) finish and the screen settle."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_play_screen_shows_its_keys_and_the_apps_in_one_line() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyLine)
        assert described(line) == PLAY_KEYS  # the choices' own keys are not shown
        assert str(line.render()) == " u Undo  r Record  s Saves  ? Help  t Settings  q Quit "
        assert not line.children  # one widget, not one per key


async def test_key_line_follows_the_screen_and_its_bindings() -> None:
    app = title_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, TitleScreen)
        title_line = app.screen.query_one(KeyLine)
        # Enter is the story list's own key here (the tagline says so); no Continue yet.
        assert described(title_line) == ["Help", "Settings", "Quit"]
        picker = app.screen.query_one(OptionList)
        picker.highlighted = [str(o.prompt) for o in picker.options].index("The Crossing")
        await pilot.press("enter")
        await ready(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert described(app.screen.query_one(KeyLine)) == PLAY_KEYS
        await pilot.press("1", "escape")  # a game in progress, back to the title
        await ready(pilot)
        assert app.screen.query_one(KeyLine) is title_line
        assert described(title_line) == ["Continue", "Help", "Settings", "Quit"]
        assert "Continue" in str(title_line.render())


async def test_clicking_a_key_presses_it() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyLine)
        column = str(line.render()).index("Record")
        assert line.key_at(column)[0] == "r"
        assert line.key_at(200) is None
        await pilot.hover(KeyLine, offset=(column, 0))
        lit = [span for span in line.render().spans if span.style == HOVER_STYLE]
        assert [(span.start, span.end) for span in lit] == [(8, 18)]  # " r Record "
        await pilot.click(KeyLine, offset=(column, 0))
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)


async def test_a_disabled_key_is_dimmed_and_not_clickable() -> None:
    content, spans = KeyLine.line((("u", "u", "Undo", True), ("c", "c", "Continue", False)))
    assert str(content) == " u Undo  c Continue "
    assert spans == [(0, 8), (8, 20)]
    dimmed = [span for span in content.spans if span.style == "dim"]
    assert [(span.start, span.end) for span in dimmed] == [(8, 20)]


async def test_a_narrow_terminal_shows_every_key_without_its_meaning() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyLine)
        assert "Quit" in str(line.render())
        await pilot.resize_terminal(40, 24)
        await pilot.pause()
        assert str(line.render()) == " u  r  s  ?  t  q "
        assert line.key_at(str(line.render()).index("q"))[0] == "q"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert str(line.render()) == " u Undo  r Record  s Saves  ? Help  t Settings  q Quit "
