"""Where an authoring command's text goes: standard output, or a file."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from game.errors import StandingError


def write_output(text: str, output: Path) -> None:
    """Write a command's text to a file (UTF-8); a one-line StandingError when it cannot."""
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StandingError(f"cannot write {output}: {exc.strerror or exc}") from None


def emit(text: str, out: TextIO, output: Path | None) -> int:
    """Print ``text``, or write it to ``output`` and say so; return the exit code."""
    if output is None:
        out.write(text)
        return 0
    write_output(text, output)
    out.write(f"wrote {output}\n")
    return 0
