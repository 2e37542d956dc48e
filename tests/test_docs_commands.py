"""Every command the README and the docs show in a code block is one the CLI takes.

A teacher copies these lines before a lesson: a flag that does not exist (or a
command renamed since) would fail in front of the class.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from game.cli import build_parser, resolve_story

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "docs" / "teachers").glob("*.md"))]
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
PLACEHOLDERS = {"DAYS": "7"}
"""Words the docs write for a value the reader chooses, where the CLI wants a number."""


def commands() -> list[tuple[str, str]]:
    """(where, command line) for each `python -m game ...` line in a fenced code block."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in FENCE.finditer(text):
            start = text.count("\n", 0, block.start(1)) + 1
            for offset, line in enumerate(block.group(1).splitlines()):
                line = line.split("  #", 1)[0].strip()
                if re.match(r"(\.venv/bin/)?python3? -m game\b|standing\b", line) and "[" not in line:
                    found.append((f"{path.relative_to(ROOT)}:{start + offset}", line))
    return found


def test_the_docs_show_commands() -> None:
    assert len(commands()) > 40


@pytest.mark.parametrize("where, line", commands(), ids=[w for w, _ in commands()])
def test_each_command_in_the_docs_parses(where: str, line: str) -> None:
    words = shlex.split(line)
    words = words[words.index("game") + 1:] if "game" in words else words[1:]
    words = [PLACEHOLDERS.get(w, w) for w in words]
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            args = build_parser().parse_args(words)
    except SystemExit as exc:
        if exc.code:
            pytest.fail(f"{where}: `{line}`: {err.getvalue().strip().splitlines()[-1]}")
        return  # --help, --version
    story = getattr(args, "story", None) or getattr(args, "target", None)
    if isinstance(story, str) and re.fullmatch(r"[a-z][a-z0-9_]*", story) and story != "unit":
        assert resolve_story(story, []).exists(), f"{where}: no bundled story '{story}'"
