"""Chapters and the teacher's holds: the one rule every front end applies in class mode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from game.engine.engine import Engine


class Holds(Protocol):
    """The teacher's controls, as far as this rule needs them."""

    def holds(self, chapter_index: int) -> bool:
        """Whether a player entering that chapter (from 1) waits for the class."""


def waits(engine: Engine, pacing: Holds | None) -> int | None:
    """The chapter the player must wait before, if they stand at its first scene and the
    teacher holds it (None: play on). Players already inside a chapter are never stopped."""
    if pacing is None or engine.ended:
        return None
    scene = engine.story.scenes.get(engine.state.scene)
    if scene is None or not scene.chapter:
        return None
    chapters = engine.story.chapters
    index = chapters.index(scene.chapter) + 1 if scene.chapter in chapters else 0
    return index if index and pacing.holds(index) else None
