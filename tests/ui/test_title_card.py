"""``play STORY`` opens on the story's title card (the picker shows it beside the list)."""

from __future__ import annotations

from textual.widgets import Static

from game.ui.screens.play import PlayScreen
from game.ui.screens.titlecard import TitleCard
from ui_helpers import make_app


async def test_play_story_shows_the_title_card_first_and_enter_begins() -> None:
    app = make_app(title_card=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleCard)
        about = str(app.screen.query_one("#card-about", Static).render())
        assert "Two days under a points programme" in about
        assert "Content notes: surveillance" in about
        await pilot.press("1")  # a number does not slip through to the story
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.engine.step == 0


async def test_a_resumed_game_has_no_title_card() -> None:
    app = make_app(title_card=True, resumed="Resumed your saved game after 3 steps.")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_an_opening_poll_waits_for_the_title_card(tmp_path) -> None:
    """The Letter opens with a poll: it was drawn over the title card, covering its
    "Press Enter to begin", and Enter did nothing. The poll now comes after the card."""
    from game.ui.screens.poll import PollDialog
    from ui_helpers import written_story

    path = written_story(tmp_path, {
        "  alarm:\n    chapter: Monday\n":
            "  alarm:\n    chapter: Monday\n    poll:\n      id: fair\n"
            "      question: Is the score fair?\n      options: [Yes, No]\n",
    }, name="opening_poll")
    app = make_app(path, title_card=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleCard)
        assert not any(isinstance(s, PollDialog) for s in app.screen_stack)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PollDialog)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.engine.poll_answer() == 0
