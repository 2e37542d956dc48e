"""Where an authoring command's text goes: standard output, or a file."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from game.errors import StandingError


def emit(text: str, out: TextIO, output: Path | None) -> int:
    """Print ``text``, or write it to ``output`` and say so; return the exit code."""
    if output is None:
        out.write(text)
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StandingError(f"cannot write {output}: {exc.strerror or exc}") from None
    out.write(f"wrote {output}\n")
    return 0
