"""The title screen with two stories of one id: each says so, and their games stay apart."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from game.engine.engine import Engine
from game.engine.saves import SaveStore, default_folder
from game.story.loader import load_story
from game.ui.app import StandingApp
from game.ui.screens.play import PlayScreen
from game.ui.settings import Settings
from ui_helpers import STORY


def twin_shelf(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two folders, each with a copy of the fixture story (same id, different places)."""
    copies = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / STORY.name).write_text(STORY.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(folder)
    return copies[0], copies[1], copies[0] / STORY.name


def about(app) -> str:
    return str(app.screen.query_one("#about", Static).render())


async def test_each_story_of_a_shared_id_says_so_and_only_its_own_game_is_in_progress(
        tmp_path: Path) -> None:
    one, two, first = twin_shelf(tmp_path)
    story = load_story(first)
    engine = Engine(story, seed=1)
    engine.take(engine.view().open_choices[0].id)
    assert SaveStore(default_folder(), story).save(engine)  # a game of the first copy only
    app = StandingApp(folders=[one, two], seed=1, settings=Settings())
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        prompts = [str(o.prompt) for o in picker.options]
        assert prompts.count(story.title) == 2 and "Continue" in prompts[0]
        picker.highlighted = prompts.index(story.title)
        await pilot.pause()
        text = about(app)
        assert "Same id as another story" in text and str(two / STORY.name) in text
        assert "In progress: 1 steps" in text
        picker.highlighted = len(prompts) - 1
        await pilot.pause()
        text = about(app)
        assert "Same id as another story" in text and str(first) in text
        assert "In progress" not in text
        await pilot.press("enter")  # the second copy: no game in progress, so no question
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.engine.step == 0
