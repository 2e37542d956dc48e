"""Pilot tests: a hostile story's escape codes never reach the terminal player's screen.

What Textual would write to the terminal is read from the screen's rendered
segments (title picker, play screen, toasts, the locked choice's refusal, the
ending, the debrief). Textual's Content drops only BEL, BS, VT, FF and CR, so
anything else a story holds would be written to the player's terminal (or every
browser under ``class serve``).
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import OptionList

from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.title import TitleScreen
from game.ui.text import joined, literal, story_text
from ui_helpers import make_app, title_app

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile.yaml"
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def rendered(app) -> str:
    """Every segment of text the screen would send to the terminal now."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def assert_safe(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} in {text[max(0, found.start() - 60):found.end() + 60]!r}"


async def test_play_screen_toasts_and_debrief_show_no_escape_codes() -> None:
    app = make_app(HOSTILE)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        first = rendered(app)
        assert_safe(first)
        assert "Hello Eve. Story text end" in first and "Comply now" in first
        await pilot.press("1")  # record, list, notify: toasts and HUD changes
        await pilot.pause()
        middle = rendered(app)
        assert_safe(middle)
        assert "Phone buzz" in middle and "Refused by rail" in middle
        await pilot.press("1")  # the locked choice: its refusal as a toast
        await pilot.pause()
        assert_safe(rendered(app))
        await pilot.press("2")
        await pilot.pause()
        ending = rendered(app)
        assert_safe(ending)
        assert "The end" in ending
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        debrief = rendered(app)
        assert_safe(debrief)
        assert "Who watched you?" in debrief and "Why comply?" in debrief


async def test_title_picker_shows_no_escape_codes(tmp_path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken\x1b]0;x\x07\u202e.yaml").write_text(
        'title: "Broken \\e[2J"\nscenes:\n  "Bad\\e]52;c;aGk=\\a\\u202e": {text: x}\n',
        encoding="utf-8")
    app = title_app(folder)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TitleScreen)
        picker = screen.query_one(OptionList)
        prompts = [str(o.prompt) for o in picker.options]
        for index, prompt in enumerate(prompts):
            picker.highlighted = index
            await pilot.pause()
            assert_safe(rendered(app))
        assert "Hostile Title" in prompts
        picker.highlighted = prompts.index("Hostile Title")
        await pilot.pause()
        assert "A summary link here" in rendered(app)


def test_the_text_helpers_clean_whatever_they_are_given() -> None:
    """File names, slots, codenames and records reach widgets through these."""
    hostile = "a\x1b[2Jb\x1b]52;c;aGk=\x07c\x9b1md\u202ee"
    for content in (literal(hostile), story_text(hostile), joined(hostile),
                    joined((hostile, "bold")), joined(literal(hostile), "x")):
        assert content.plain.startswith("abcde")
        assert_safe(content.plain)
