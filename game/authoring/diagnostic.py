"""A finding of ``check`` (and lint, the type checker, ``import twee``): one line each."""

from __future__ import annotations

from dataclasses import dataclass

from game.safetext import clean


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, for people (one line) and for editors (JSON)."""

    file: str
    line: int
    column: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        level = "" if self.severity == "error" else f"{self.severity}: "
        return clean(f"{self.file}:{self.line}:{self.column}: {level}{self.message}")
