"""Helpers for the engine tests: fixture stories and state snapshots.

A module of its own (not conftest) so that imports never pick up another
folder's conftest.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from game.engine.engine import Engine
from game.errors import Location
from game.story.loader import load_story
from game.story.model import Story

FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT = Path(__file__).parent.parent / "fixtures" / "contract_example.yaml"


@lru_cache(maxsize=None)
def story(name: str) -> Story:
    """A fixture story by file stem (``contract`` is the contract's example)."""
    path = CONTRACT if name == "contract" else FIXTURES / f"{name}.yaml"
    return load_story(path)


def engine(name: str, seed: int = 0, *choices: str) -> Engine:
    """A new engine on a fixture story, with the given choice ids taken."""
    eng = Engine(story(name), seed=seed)
    for choice in choices:
        eng.take(choice)
    return eng


def locate(name: str, needle: str) -> Location:
    """Where ``needle`` first appears in a fixture file (1-based line and column)."""
    path = FIXTURES / f"{name}.yaml"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        column = line.find(needle)
        if column >= 0:
            return Location(str(path), number, column + 1)
    raise AssertionError(f"{needle!r} not in {path}")


def frozen(eng: Engine) -> dict:
    """A deep copy of every field of the engine's state (for before/after comparisons);
    not the story, nor ``tiers`` (a memo every game of the story shares)."""
    st = eng.state
    return {
        name: copy.deepcopy(getattr(st, name))
        for name in st.__slots__
        if name not in ("story", "tiers")
    }
