"""``check``: load stories and report every problem, one line each."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from game.authoring.diagnostic import Diagnostic
from game.authoring.lint import lint_story
from game.authoring.types import check_types
from game.errors import Location, StoryError, StoryErrors
from game.story.catalog import find_stories
from game.story.loader import load_story
from game.story.yamlread import CUT_BY_COMMENT


def check_path(path: Path) -> tuple[int, list[Diagnostic]]:
    """Check every story under a path: (stories checked, diagnostics)."""
    stories = find_stories(path)
    found: list[Diagnostic] = []
    for story_path in stories:
        cleaned: list[StoryError] = []
        try:
            story = load_story(story_path, warnings=cleaned)
        except StoryErrors as exc:
            found.extend(_cleaned(cleaned))
            for error in exc.errors:
                loc = error.location
                found.append(Diagnostic(loc.file if loc else str(story_path), loc.line if loc else 1,
                                        loc.column if loc else 1, "error", "story-error",
                                        error.message))
            continue
        found.extend(_cleaned(cleaned))
        found.extend(check_types(story))
        found.extend(lint_story(story))
    return len(stories), found


def _cleaned(warnings: list[StoryError]) -> list[Diagnostic]:
    """The loader's notes (values that held control characters, texts a comment cut
    short), as warnings."""
    return [Diagnostic(w.location.file, w.location.line, w.location.column, "warning",
                       "comment-cut" if w.message == CUT_BY_COMMENT else "control-characters",
                       w.message)
            for w in sorted(warnings, key=lambda w: w.location or Location("", 0, 0))
            if w.location is not None]


def run_check(paths: list[Path], out: TextIO, fmt: str = "text", strict: bool = False) -> int:
    """Print diagnostics and a summary; 0 clean, 1 warnings under --strict, 2 errors."""
    total = 0
    found: list[Diagnostic] = []
    for path in paths:
        count, diagnostics = check_path(path)
        total += count
        found.extend(diagnostics)
    errors = sum(1 for d in found if d.severity == "error")
    warnings = len(found) - errors
    if fmt == "json":
        out.write(json.dumps({"stories": total, "errors": errors, "warnings": warnings,
                              "diagnostics": [asdict(d) for d in found]}, indent=1) + "\n")
    else:
        for diagnostic in found:
            out.write(f"{diagnostic}\n")
        noun = "story" if total == 1 else "stories"
        out.write(f"checked {total} {noun}: {errors} error{'s' * (errors != 1)}, "
                  f"{warnings} warning{'s' * (warnings != 1)}\n")
    if errors:
        return 2
    if strict and warnings:
        return 1
    return 0
