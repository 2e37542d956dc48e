"""Error types shared by every layer.

Two kinds of exception are kept apart: a ``StandingError`` is the user's
mistake (a bad story, a bad save, a locked choice) and is printed as one line;
anything else is our bug and gets a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.safetext import clean


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a story file: 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{clean(self.file)}:{self.line}:{self.column}"


class StandingError(Exception):
    """A user-facing error: printed as one line, exit code 2, never a traceback.

    Its text is always clean (:func:`game.safetext.clean`): messages quote
    story text, file names and records, and are printed to terminals.
    """

    exit_code = 2

    def __str__(self) -> str:
        return clean(super().__str__())


class StoryError(StandingError):
    """One problem in a story file, at a location."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = clean(message)
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class StoryErrors(StandingError):
    """Every problem found in one load, sorted by position."""

    def __init__(self, errors: list[StoryError]) -> None:
        self.errors = sorted(
            errors, key=lambda e: (e.location or Location("", 0, 0), e.message)
        )
        super().__init__("\n".join(str(e) for e in self.errors))


class StoryRuntimeError(StandingError):
    """An expression failed while playing (division by zero, type mismatch...)."""

    def __init__(
        self, message: str, location: Location | None = None, expression: str = ""
    ) -> None:
        super().__init__(message)
        self.message = clean(message)
        self.location = location
        self.expression = clean(expression)
        self.scene: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        scene = f" in scene '{clean(self.scene)}'" if self.scene else ""
        expr = f" (in `{self.expression}`)" if self.expression else ""
        return f"{where}{self.message}{scene}{expr}"


class ChoiceError(StandingError):
    """A choice that cannot be taken: locked, hidden or out of range."""


class SaveError(StandingError):
    """A save file that cannot be used: empty, corrupt, newer, another story's."""
