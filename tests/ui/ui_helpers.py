"""Helpers for the terminal player's tests: build the app on the fixture story."""

from __future__ import annotations

from pathlib import Path

from game.engine.engine import Engine
from game.engine.saves import SaveStore, default_folder
from game.story.loader import load_story
from game.story.model import Story
from game.ui.app import StandingApp
from game.ui.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
STORY = FIXTURES / "ui_story.yaml"
SEED = 7


def load(path: Path = STORY) -> Story:
    """The fixture story (or another file)."""
    return load_story(path)


def make_app(path: Path = STORY, seed: int = SEED, settings: Settings | None = None,
             **kwargs) -> StandingApp:
    """The app playing ``path`` directly, saves in the test's data folder."""
    story = load(path)
    return StandingApp(Engine(story, seed=seed), SaveStore(default_folder(), story),
                              settings=settings or Settings(), **kwargs)


def title_app(folder: Path = FIXTURES, **kwargs) -> StandingApp:
    """The app on its title screen, listing the stories in ``folder``."""
    return StandingApp(folders=[folder], seed=SEED, settings=Settings(), **kwargs)


def written_story(tmp_path: Path, replace: dict[str, str], name: str = "variant") -> Path:
    """A copy of the fixture story with some text replaced (show modes, errors...)."""
    text = STORY.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    text = text.replace("id: ui_story", f"id: {name}")
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path
