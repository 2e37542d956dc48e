"""Live reload for authors: notice when a story's files change on disk.

``play STORY --watch`` checks the story's files (the main file and every
included one) twice a second; when one changes, the app reloads the story and
replays the current path on the new version, as Inky does for ink. A broken
edit leaves the last good version running and shows its errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from game.engine.engine import Engine, ReplayReport
from game.errors import StoryErrors
from game.story.loader import load_story, story_file
from game.story.model import Story

Stamp = tuple[tuple[str, int, int], ...]


def stamp(files: list[Path]) -> Stamp:
    """What changes when a file is saved: (path, mtime ns, size) of each file."""
    out = []
    for path in files:
        try:
            info = os.stat(path)
            out.append((str(path), info.st_mtime_ns, info.st_size))
        except OSError:
            out.append((str(path), -1, -1))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Reloaded:
    """A new version of the story, with the game replayed on it."""

    engine: Engine
    report: ReplayReport

    @property
    def message(self) -> str:
        """What the author is told."""
        if self.report.complete:
            return f"Reloaded the story: {self.report.applied} steps replayed."
        return (f"Reloaded the story: {self.report.applied} of {self.report.total} steps "
                f"replayed ({self.report.problem}).")


@dataclass(frozen=True, slots=True)
class Broken:
    """An edit that does not load: its errors, one line each."""

    errors: tuple[str, ...]
    first: str = ""
    """The first error with its file's name only (``ch2.yaml:7:15: message``), for the bar."""

    @property
    def line(self) -> str:
        """One line for the bar that stays on screen until the story loads again."""
        more = len(self.errors) - 1
        extra = f" (and {more} more)" if more > 0 else ""
        return f"Story on disk is broken: {self.first or self.errors[0]}{extra}"

    @property
    def message(self) -> str:
        """The first errors, for a notification (the game keeps the last good version)."""
        shown = "\n".join(self.errors[:5])
        more = f"\n... and {len(self.errors) - 5} more" if len(self.errors) > 5 else ""
        return f"{shown}{more}\nStill playing the last version that loaded."


def short(errors: StoryErrors) -> str:
    """The first error, naming its file without the folders (the full path is in the tooltip)."""
    if not errors.errors:
        return "it does not load"
    first = errors.errors[0]
    if first.location is None:
        return first.message
    where = first.location
    return f"{Path(where.file).name}:{where.line}:{where.column}: {first.message}"


class StoryWatcher:
    """Watches one story's files and reloads it when they change."""

    def __init__(self, path: Path, story: Story) -> None:
        self.path = path
        self.story_id = story.id
        """The watched story: a reload applies only to a game of it."""
        self.files = self._files(story)
        self.last = stamp(self.files)

    def _files(self, story: Story) -> list[Path]:
        main = story_file(self.path)
        return [main, *(Path(f) for f in story.files[1:])]

    def changed(self) -> bool:
        """True once per change on disk (cheap: a stat per file)."""
        now = stamp(self.files)
        if now == self.last:
            return False
        self.last = now
        return True

    def reload(self, engine: Engine) -> Reloaded | Broken:
        """Load the story again and replay ``engine``'s path on it (reads files)."""
        try:
            story = load_story(self.path)
        except StoryErrors as exc:
            return Broken(tuple(str(e) for e in exc.errors), short(exc))
        self.files = self._files(story)  # an edit may include a new file
        self.last = stamp(self.files)
        fresh = Engine(story, seed=engine.seed)
        report = fresh.replay(list(engine.path))
        return Reloaded(fresh, report)
