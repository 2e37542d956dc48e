"""Reading flow: a scene longer than the pane holds its choices until its end has been
shown (Enter and Space page through it), the story scrolls from anywhere, undo goes back
one decision."""

from __future__ import annotations

from pathlib import Path

from textual import events

from game.ui.screens.play import PlayScreen
from game.ui.widgets.choices import ChoiceList
from game.ui.widgets.hud import Hud
from game.ui.widgets.transcript import Transcript
from ui_helpers import make_app

PARAGRAPHS = "\n\n".join(f"      Paragraph {n} of the long scene, which goes on." for n in range(1, 31))
LONG = f"""\
title: Long Reads
id: long_reads
scenes:
  start:
    text: |
{PARAGRAPHS}
      The last line of the first scene.
    choices:
      - text: Go on
        goto: second
      - text: Stop here
        goto: out
  second:
    text: |
{PARAGRAPHS}
      The last line of the second scene.
    goto: third
  third:
    text: A short scene.
    choices:
      - text: Leave
        goto: out
  out:
    ending: {{title: Out, kind: mixed}}
    text: You leave.
"""


def long_story(tmp_path: Path) -> Path:
    path = tmp_path / "long_reads.yaml"
    path.write_text(LONG, encoding="utf-8")
    return path


def parts(app) -> tuple[PlayScreen, Transcript, ChoiceList]:
    screen = app.screen
    assert isinstance(screen, PlayScreen)
    return screen, screen.query_one(Transcript), screen.query_one(ChoiceList)


def last_line_shown(transcript: Transcript) -> bool:
    """Whether the end of the current block is inside the view."""
    region = transcript.current.virtual_region
    return region.bottom <= round(transcript.scroll_y) + transcript.scrollable_content_region.height


async def test_a_long_scene_holds_its_choices_and_enter_pages_to_its_end(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        assert transcript.more and choices.held
        assert "▼ more" in str(choices.border_title)
        assert not last_line_shown(transcript)
        pages = 0
        while transcript.more:
            before = transcript.scroll_y
            await pilot.press("enter")
            await pilot.pause()
            assert transcript.scroll_y > before  # a page, not a choice
            assert screen.engine.step == 0
            pages += 1
            assert pages < 10
        assert pages >= 2 and last_line_shown(transcript)
        assert not choices.held and not choices.border_title
        await pilot.press("enter")  # now Enter takes the highlighted choice
        await pilot.pause()
        assert screen.engine.state.scene == "second"


async def test_space_pages_too_and_the_next_scene_starts_at_the_top(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        while transcript.more:
            await pilot.press("space")
            await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert screen.engine.state.scene == "second"
        # The new scene is read from its top, and its Continue waits for its end.
        # (the blank line above a block, its top margin, may show first)
        assert 0 <= transcript.current.virtual_region.y - round(transcript.scroll_y) <= 1
        assert transcript.more and choices.held


async def test_number_keys_choose_at_once_even_while_the_scene_has_more(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, _ = parts(app)
        assert transcript.more
        await pilot.press("2")
        assert screen.engine.state.scene == "out"


async def test_paging_keys_scroll_the_story_from_the_choices(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        assert choices.has_focus
        top = transcript.current.virtual_region.y
        await pilot.press("pagedown")
        await pilot.pause()
        assert transcript.scroll_y > top and choices.highlighted == 0
        await pilot.press("end")
        await pilot.pause()
        assert last_line_shown(transcript) and not transcript.more
        # End stops at the end of the scene: the blank space below it is never shown.
        assert transcript.current.virtual_region.bottom == (
            round(transcript.scroll_y) + transcript.scrollable_content_region.height)
        await pilot.press("pagedown")
        await pilot.pause()
        assert transcript.current.virtual_region.bottom == (
            round(transcript.scroll_y) + transcript.scrollable_content_region.height)
        await pilot.press("pageup")
        await pilot.pause()
        assert not last_line_shown(transcript)
        assert not transcript.more  # once seen, the choices stay active
        await pilot.press("home")
        await pilot.pause()
        assert 0 <= top - round(transcript.scroll_y) <= 1
        await pilot.press("home")  # again: the start of the story
        await pilot.pause()
        assert transcript.scroll_y == 0
        assert screen.engine.step == 0


async def test_the_mouse_wheel_over_the_choices_or_the_hud_scrolls_the_story(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        for target in (choices, screen.query_one(Hud)):
            x, y = target.region.x + 2, target.region.y + 1
            before = transcript.scroll_y
            # As the terminal sends it: at a place on the screen, found by the app.
            app.post_message(events.MouseScrollDown(None, x, y, 0, 1, 0, False, False, False,
                                                    screen_x=x, screen_y=y))
            await pilot.pause()
            assert transcript.scroll_y > before, target


async def test_a_click_on_a_waiting_choice_reads_on(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        before = transcript.scroll_y
        await pilot.click(ChoiceList, offset=(4, 1))
        await pilot.pause()
        assert screen.engine.step == 0 and transcript.scroll_y > before


async def test_tab_to_the_story_and_enter_still_continues(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, _ = parts(app)
        await pilot.press("shift+tab")
        assert transcript.has_focus
        while transcript.more:
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.engine.state.scene == "second"


async def test_a_scene_that_fits_does_not_hold_its_choices(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        await pilot.press("1", "1")  # to the short third scene
        await pilot.pause()
        assert screen.engine.state.scene == "third"
        assert not transcript.more and not choices.held
        await pilot.press("enter")
        assert screen.engine.state.scene == "out"


async def test_undo_goes_back_one_decision_past_continue_pages(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, _, _ = parts(app)
        await pilot.press("1", "1")  # Go on, then Continue
        assert screen.engine.state.scene == "third"
        await pilot.press("u")
        await pilot.pause()
        assert screen.engine.step == 0 and screen.engine.state.scene == "start"


async def test_a_story_error_under_a_long_scene_can_be_scrolled_to(tmp_path) -> None:
    path = tmp_path / "long_error.yaml"
    path.write_text(LONG.replace("      - text: Stop here\n",
                                 "      - text: Stop here\n        do: [{set: {n: 1 // (n - n)}}]\n")
                    .replace("scenes:\n", "vars:\n  n: 0\nscenes:\n", 1), encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, _ = parts(app)
        await pilot.press("2")  # divides by zero: the step is refused, the error shown
        await pilot.pause()
        await pilot.pause()
        line = transcript.query_one(".error")
        assert screen.engine.step == 0
        view_bottom = round(transcript.scroll_y) + transcript.scrollable_content_region.height
        assert line.virtual_region.bottom <= view_bottom  # in view, not beyond the scroll


async def test_enter_right_after_a_choice_waits_for_the_new_scene(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, _ = parts(app)
        # Two keys in the same instant, as a double press or key repeat sends them: the
        # Enter must not take the new scene's Continue before its size is even known.
        app.post_message(events.Key("1", "1"))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert screen.engine.state.scene == "second"
        assert transcript.more  # the Enter paged (or waited), and the end is still ahead


async def test_enter_while_a_new_scene_is_being_laid_out_waits(tmp_path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, _ = parts(app)
        await pilot.press("end")  # the first scene read to its end: Enter would choose
        await pilot.pause()
        assert not transcript.more
        transcript._unread()  # as in the frame a new scene's block is filled
        await pilot.press("enter")
        await pilot.pause()
        assert screen.engine.step == 0  # not taken blind
        transcript._settled()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.engine.state.scene == "second"


async def test_after_undo_a_long_scene_holds_its_choices_again(tmp_path) -> None:
    """Undo redraws the transcript: the restored long scene is read again from its
    top, with "▼ more", and Enter pages instead of taking a choice."""
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen, transcript, choices = parts(app)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        await pilot.pause()
        screen, transcript, choices = parts(app)
        assert screen.engine.step == 0
        assert transcript.more and choices.held
        assert not last_line_shown(transcript)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.engine.step == 0  # a page, not the highlighted choice
