"""Pacing: the class's control file, written by the teacher's dashboard, read by students.

``pacing.json`` in the class folder holds how far the class may play (the
last chapter open), whether students' debriefs reveal how the class chose,
and whether counts under 3 are shown. The dashboard writes it atomically
(``write_atomic``: a reader sees the old file or the new one, never half of
one); every student app polls it. ``class serve`` adds which story is being
served, so the dashboard can find the story before anyone has played.
A missing or damaged file means the defaults: no hold, no reveal.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from game.files import write_atomic

CONTROL = "pacing.json"
"""The control file's name in the class folder."""
FORMAT = "standing-pacing"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Pacing:
    """The teacher's controls for a class, as the control file holds them."""

    limit: int | None = None
    """The last chapter (numbered from 1 in the story's order) students may play;
    None: no hold. 0 holds everyone before the first chapter."""
    reveal: bool = False
    """Students' debriefs show how the class chose."""
    show_small: bool = False
    """Show counts under 3 (hidden by default, so nobody is singled out)."""
    story: str | None = None
    """The id of the story ``class serve`` is serving (for the dashboard)."""
    story_path: str | None = None
    """Where that story is on the teacher's computer."""

    def holds(self, chapter_index: int) -> bool:
        """Whether a student entering chapter ``chapter_index`` must wait for the class."""
        return self.limit is not None and chapter_index > self.limit

    def held(self, limit: int | None) -> Pacing:
        """The same controls with another hold (None releases the class)."""
        return replace(self, limit=limit)


def read_pacing(folder: Path) -> Pacing:
    """The class's controls (the defaults when the file is missing, damaged or newer)."""
    try:
        data = json.loads((folder / CONTROL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Pacing()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return Pacing()
    if type(data.get("version")) is not int or data["version"] > VERSION:
        return Pacing()
    limit = data.get("limit")
    if type(limit) is not int or limit < 0:
        limit = None

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if type(value) is str else None

    return Pacing(limit=limit, reveal=data.get("reveal") is True,
                  show_small=data.get("show_small") is True, story=text("story"),
                  story_path=text("story_path"))


def write_pacing(folder: Path, pacing: Pacing) -> None:
    """Replace the control file atomically (OSError when the folder cannot be written)."""
    data = {"format": FORMAT, "version": VERSION, **asdict(pacing)}
    write_atomic(folder / CONTROL, json.dumps(data, indent=1) + "\n")
