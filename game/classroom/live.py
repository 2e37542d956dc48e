"""A class folder read while the class plays: the dashboard's numbers and the reveal.

``ClassWatch`` reads a class folder again and again, parsing again only the
record files that changed since the last look (by size and modification
time), with the same reader as the report (``sessions.read_session``).
``live_numbers`` adds to the report's numbers what only a live class has:
how many players are at each chapter right now.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from game.classroom.city import DASHBOARD_LIVES
from game.classroom.report import build_report
from game.classroom.sessions import ClassRecords, Session, read_session
from game.classroom.sections import decisions, prompt
from game.classroom.records import SUFFIX
from game.classroom.summary import SMALL, ClassReport
from game.story.model import Story


class ClassWatch:
    """A class folder's sessions, re-reading only the files that changed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, tuple[tuple[int, int], Session | None, int, str | None]] = {}

    def read(self) -> ClassRecords:
        """Every session in the folder now (unchanged files come from the last read)."""
        sessions: list[Session] = []
        unreadable: list[str] = []
        skipped = files = 0
        seen: dict[str, tuple] = {}
        try:
            entries = sorted((e for e in os.scandir(self.folder)
                              if e.name.endswith(SUFFIX) and e.is_file()),
                             key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            try:
                stat = entry.stat()
            except OSError:
                continue
            files += 1
            key = (stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(entry.name)
            if cached is None or cached[0] != key:
                session, bad, why = read_session(Path(entry.path))
                cached = (key, session, bad, why)
            seen[entry.name] = cached
            _, session, bad, why = cached
            skipped += bad
            if session is None:
                unreadable.append(f"{entry.name}: {why}")
            else:
                sessions.append(session)
        self._cache = seen
        return ClassRecords(self.folder, tuple(sessions), files, skipped, tuple(unreadable))


@dataclass(frozen=True, slots=True)
class ChapterCount:
    """How many players are in one chapter right now."""

    number: int
    """1-based, in the story's order (the number pacing holds by)."""
    title: str
    players: int


@dataclass(frozen=True, slots=True)
class LiveNumbers:
    """What the dashboard shows: the report's numbers and who is where now."""

    report: ClassReport
    chapters: tuple[ChapterCount, ...]
    """Every chapter of the story, with the players whose latest chapter it is
    and who have not reached an ending."""
    finished: int
    playing: int


def chapter_numbers(story: Story | None) -> dict[str, int]:
    """Each chapter title and its number, as the engine numbers them (first in file order)."""
    if story is None:
        return {}
    numbers: dict[str, int] = {}
    for index, title in enumerate(story.chapters, 1):
        numbers.setdefault(title, index)
    return numbers


def live_numbers(records: ClassRecords, story: Story | None, story_id: str,
                 show_small: bool = False) -> LiveNumbers:
    """The dashboard's numbers for the sessions of ``story_id``."""
    report = build_report(records, story, story_id, show_small=show_small,
                          city_lives=DASHBOARD_LIVES)
    sessions = [s for s in records.sessions if s.story == story_id]
    where = Counter(s.chapter for s in sessions if not s.finished and s.chapter)
    numbers = chapter_numbers(story)
    titles = list(numbers) + sorted(t for t in where if t not in numbers)
    chapters = tuple(ChapterCount(numbers.get(t, 0), t, where.get(t, 0)) for t in titles)
    finished = sum(1 for s in sessions if s.finished)
    return LiveNumbers(report, chapters, finished, len(sessions) - finished)


Option = tuple[str, str, "int | None"]
"""(choice id, label, count or None when hidden as too small)."""


def class_choices(records: ClassRecords, story: Story, show_small: bool = False,
                  ) -> dict[str, tuple[str, int, tuple[Option, ...]]]:
    """Per scene where the class chose: (its first words, n, the options with counts).

    Counts under 3 come back as None unless ``show_small``: the reveal shows
    aggregates only, and never a count that could point at one student.
    """
    sessions = [s for s in records.sessions if s.story == story.id]
    out = {}
    resolve = lambda sid: story.resolve(sid) or sid  # noqa: E731 -- as in build_report
    for d in decisions(sessions, story, resolve):
        options = tuple(
            (o.key, o.label, o.count if show_small or not 0 < o.count < SMALL else None)
            for o in d.options)
        out[d.scene] = (d.prompt or prompt(story, d.scene), d.n, options)
    return out
