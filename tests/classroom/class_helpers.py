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


def record_one(folder: Path, story: Story, name: str, path: tuple[str, ...], seed: int = 1,
               proceed: bool = False) -> Engine:
    """One player's game recorded as a class records it: its choice ids taken in order
    (``proceed``: Continue through any pages that go on by themselves after each)."""
    engine = Engine(story, seed=seed)
    writer = RecordWriter.create(folder, name, folder.name)
    writer.attach(engine)
    try:
        for choice in path:
            engine.take(choice)
            while proceed and not engine.ended and engine.view().continues:
                engine.proceed()
    finally:
        writer.close()
    return engine


def record_paths(folder: Path, story: Story, paths: dict[str, tuple[str, ...]],
                 seed: int = 1, proceed: bool = False) -> Path:
    """Record one session per codename in ``folder`` (see ``record_one``)."""
    for name, path in paths.items():
        record_one(folder, story, name, path, seed, proceed)
    return folder
