"""The class dashboard's view of a class, as a protocol.

The dashboard is a Textual app, so it lives in the player's package, and the
player never imports the classroom (front ends do not import each other):
``game.launch`` hands it a ``game.classroom.desk.ClassDesk``, which reads the
class folder and writes the teacher's controls. These protocols name only
what the dashboard reads; the classroom's frozen dataclasses fit them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from game.engine.classmode import Pacing as PlayerPacing
from game.story.model import Story


class Count(Protocol):
    """A labelled count out of n (an option, an ending, a listing)."""

    @property
    def label(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def n(self) -> int: ...


class Decision(Protocol):
    """A decision as the class took it so far."""

    @property
    def scene(self) -> str: ...
    @property
    def chapter(self) -> str | None: ...
    @property
    def prompt(self) -> str: ...
    @property
    def options(self) -> Sequence[Count]: ...
    @property
    def n(self) -> int: ...


class City(Protocol):
    """The class's choices scaled to the story's population."""

    @property
    def headline(self) -> str: ...
    @property
    def notes(self) -> Sequence[str]: ...


class VariantColumn(Protocol):
    """The finished paths replayed under one variant (or the story as written)."""

    @property
    def label(self) -> str: ...
    @property
    def n(self) -> int: ...
    @property
    def listed(self) -> int: ...
    @property
    def refused(self) -> int: ...
    @property
    def broke(self) -> int: ...


class Report(Protocol):
    """The class report's numbers the dashboard shows."""

    @property
    def sessions(self) -> int: ...
    @property
    def decisions(self) -> Sequence[Decision]: ...
    @property
    def endings(self) -> Sequence[Count]: ...
    @property
    def listed(self) -> Sequence[Count]: ...
    @property
    def city(self) -> City | None:
        """Scaled to the city (None without a population or enough players)."""

    @property
    def variants(self) -> Sequence[VariantColumn]: ...

    def hidden(self, count: int) -> bool:
        """Whether a count is too small to show (under 3, unless the teacher shows them)."""


class ChapterCount(Protocol):
    """How many players are in one chapter right now."""

    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def players(self) -> int: ...


class LiveNumbers(Protocol):
    """The report's numbers and who is where now."""

    @property
    def report(self) -> Report: ...
    @property
    def chapters(self) -> Sequence[ChapterCount]: ...
    @property
    def finished(self) -> int: ...
    @property
    def playing(self) -> int: ...


class Pacing(PlayerPacing, Protocol):
    """The teacher's controls: what players read, and what only the dashboard changes
    (a frozen dataclass: the dashboard changes them with ``dataclasses.replace`` and
    ``held``)."""

    @property
    def show_small(self) -> bool: ...

    def held(self, limit: int | None) -> Pacing:
        """The same controls, held after chapter ``limit`` (None: released)."""


class ClassDesk(Protocol):
    """A class as the dashboard reads and paces it."""

    folder: Path
    """The class folder (its name heads the dashboard)."""
    story: Story
    """The story the class plays."""

    def blank(self) -> Pacing:
        """The controls before the first read (no hold, no reveal)."""

    def look(self) -> tuple[LiveNumbers, Pacing]:
        """The class now and the controls now (reads files: call off the UI thread)."""

    def control(self, pacing: Pacing) -> None:
        """Write the controls for the class; raises OSError when it cannot."""
