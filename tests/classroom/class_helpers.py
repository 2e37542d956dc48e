"""Helpers for the classroom tests: the lesson story and simulated sessions."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from game.classroom.records import RecordWriter
from game.engine.engine import Engine
from game.story.loader import load_story
from game.story.model import Story

FIXTURES = Path(__file__).parent / "fixtures"
LESSON = FIXTURES / "lesson.yaml"


@lru_cache(maxsize=None)
def lesson() -> Story:
    """The lesson story: two polls (one asked twice), two decisions, a mistaken listing."""
    return load_story(LESSON)


def play_session(folder: Path, codename: str, bill: str | None = "late",
                 street: str | None = "cross", before: int | None = 0,
                 after: int | None = 2, predict: int | None = None) -> Engine:
    """Record one player's session in ``folder``; None stops the game before that step."""
    engine = Engine(lesson(), seed=1)
    writer = RecordWriter.create(folder, codename, folder.name)
    writer.attach(engine)
    try:
        if before is not None:
            engine.answer_poll(before)
        engine.proceed()
        if predict is not None:
            engine.answer_poll(predict)
        if bill is None:
            return engine
        engine.take(bill)
        if street is None:
            return engine
        engine.take(street)
        if after is not None:
            engine.answer_poll(after)
        return engine
    finally:
        writer.close()


def record_paths(folder: Path, story: Story, paths: dict[str, tuple[str, ...]],
                 seed: int = 1, proceed: bool = False) -> Path:
    """Record one session per codename in ``folder``, each taking its choice ids in order
    (``proceed``: Continue wherever a page goes on by itself after a choice)."""
    for name, path in paths.items():
        engine = Engine(story, seed=seed)
        writer = RecordWriter.create(folder, name, folder.name)
        writer.attach(engine)
        try:
            for choice in path:
                engine.take(choice)
                if proceed and engine.view().continues:
                    engine.proceed()
        finally:
            writer.close()
    return folder
