"""Quiet games (``Engine(quiet=True)``, what ``city`` plays): no ledger, no events, no
score history, and otherwise the very game a loud engine plays, step by step."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from game.engine.engine import Engine
from game.errors import StoryRuntimeError
from game.story.loader import load_story
from tests.engine.engine_helpers import FIXTURES, frozen, story

STORIES = Path(__file__).resolve().parents[2] / "stories"
BUNDLED = sorted(p.name for p in STORIES.iterdir() if p.suffix == ".yaml" or p.is_dir())
NOT_KEPT = ("ledger", "history", "scored")
"""What a quiet game does not keep (``scored`` is only a memo of the score's tier)."""


def game_of(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in NOT_KEPT}


def shown(engine: Engine) -> list[tuple[str, bool]]:
    return [(o.id, o.locked is None) for o in engine.options(explain=False)]


def walk_both(story_, seed: int, run: int, steps: int = 400) -> int:
    """Play one random path with a loud and a quiet engine side by side; compare after
    every step (and every error). Returns the steps taken."""
    picker = random.Random(run)
    loud = Engine(story_, seed=seed, lazy_gaps=True)
    quiet = Engine(story_, seed=seed, lazy_gaps=True, quiet=True)
    assert game_of(frozen(quiet)) == game_of(frozen(loud))
    taken = 0
    while not loud.ended and taken < steps:
        options = loud.options(explain=False)
        assert shown(quiet) == shown(loud)
        if loud.scene.goto is not None:
            pick = "continue"
        else:
            open_ = [o.id for o in options if o.locked is None]
            if not open_:
                break
            pick = picker.choice(open_)
        outcomes = []
        for engine in (loud, quiet):
            try:
                outcomes.append(("ok", engine.take(pick)))
            except StoryRuntimeError as exc:
                outcomes.append(("error", str(exc)))
        assert outcomes[0][0] == outcomes[1][0]
        if outcomes[0][0] == "error":
            assert outcomes[0][1] == outcomes[1][1]
            assert game_of(frozen(quiet)) == game_of(frozen(loud))
            break
        assert outcomes[1][1] == []  # a quiet step makes no events
        assert game_of(frozen(quiet)) == game_of(frozen(loud))
        taken += 1
    assert quiet.state.ledger == [] and quiet.state.history == []
    assert quiet.ended == loud.ended
    return taken


@pytest.mark.parametrize("name", BUNDLED)
def test_a_quiet_game_is_the_loud_game_without_its_ledger(name: str) -> None:
    """Every bundled story, random paths and seeds (four of them draw random numbers)."""
    story_ = load_story(STORIES / name)
    steps = sum(walk_both(story_, seed=run % 7, run=run) for run in range(25))
    assert steps >= 25 * 3  # real paths, not one step each


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.yaml")))
def test_quiet_games_of_every_engine_fixture(name: str) -> None:
    """The fixtures cover every effect and model, runtime errors (``faults``) included."""
    fixture = story(name)
    for run in range(15):
        walk_both(fixture, seed=run, run=run)


def test_a_quiet_fork_stays_quiet() -> None:
    engine = Engine(story("walk"), quiet=True)
    twin = engine.fork()
    assert twin.quiet
    first = [o for o in twin.options() if o.locked is None][0]
    assert twin.take(first.id) == [] and twin.state.ledger == []
