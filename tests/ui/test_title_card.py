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
