"""Class mode: what a player front end needs from a served class, as protocols.

The terminal player (``game.ui``) and the web reader (``game.web``) never
import the classroom (front ends do not import each other): ``game.launch``
hands them ``game.classroom.seat.ClassSeat``, and tests hand them fakes. Both
take the same seat, so its shape is declared once, here, on the floor both
may import. Everything crossing it is the engine's types or plain tuples.
"""

from __future__ import annotations

from typing import Protocol

from game.engine.engine import Engine
from game.engine.saves import SaveStore

__all__ = ["ClassOption", "ClassSplit", "Pacing", "Seat"]

ClassOption = tuple[str, str, "int | None"]
"""(choice id, label, how many of the class took it; None when hidden as under 3)."""
ClassSplit = tuple[str, int, tuple[ClassOption, ...]]
"""A decision as the class took it: (the scene's first words, n, the options)."""


class Pacing(Protocol):
    """The teacher's controls, as a player reads them (``game.engine.chapters.waits``
    applies them)."""

    @property
    def limit(self) -> int | None:
        """The last chapter open to the class (None: no hold)."""

    @property
    def reveal(self) -> bool:
        """Debriefs show how the class chose."""

    def holds(self, chapter_index: int) -> bool:
        """Whether a player entering that chapter waits for the class."""


class Seat(Protocol):
    """A player's seat in a served class: join, record, pace, reveal."""

    class_code: str
    codename: str | None
    resume_code: str | None

    def notice(self, resume_code: str) -> str:
        """What is recorded and where, and what the resume code is for."""

    def offer(self) -> tuple[str, str]:
        """A free random codename and a new resume code (reads files: call off the UI thread)."""

    def prepare(self, offered_code: str) -> tuple[bytes, bytes]:
        """The offered resume code salted and hashed, ahead of the join (slow: scrypt)."""

    def join(self, codename: str, resume_code: str, offered_code: str,
             hashed: tuple[bytes, bytes] | None = None, later: bool = False,
             ) -> tuple[Engine, SaveStore, str | None]:
        """Take the seat (new when ``resume_code`` is empty); raises StandingError to correct.

        A new player's code is kept with ``hashed`` (``prepare``'s), or hashed now;
        with ``later`` it is kept only by ``keep_code``, which the caller must call
        before it shows the code."""

    def keep_code(self, offered_code: str, hashed: tuple[bytes, bytes] | None = None) -> None:
        """Keep a new player's resume code after ``join(..., later=True)``."""

    def follow(self, engine: Engine) -> None:
        """Record this game from now on (a save slot was loaded)."""

    def pacing(self) -> Pacing:
        """The controls now (reads a file)."""

    def class_choices(self) -> dict[str, ClassSplit] | None:
        """By scene, how the class chose; None until the teacher reveals it (reads files)."""

    def leave(self) -> None:
        """Close the record and free the seat."""
