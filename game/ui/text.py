"""Story text as Textual ``Content``: emphasis styled, markup never parsed.

Everything a story author or a player wrote reaches the screen through these
helpers, so a line such as ``[@click=app.quit]Click[/]`` shows literally, and
every piece of text is cleaned (``game.safetext.clean``): Textual's Content
drops only a few control characters, and an escape code in a widget would
reach the player's terminal (or every browser under ``class serve``). The
loader has already cleaned story text; these also cover file names, save
slots, codenames and class records.
Styles are our own strings and may name theme variables (``$text-muted``),
which Textual resolves when it renders, so a theme change restyles them.
"""

from __future__ import annotations

import re

from textual.content import Content

from game.engine.emphasis import spans
from game.safetext import clean

_EMPHASIS = {"": "", "bold": "bold", "italic": "italic", "bold italic": "bold italic"}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_KEEP_BREAK = re.compile(r"^\s*([-*•]\s|\d+[.)]\s|>)")


def reflow(text: str) -> list[str]:
    """Paragraphs of story text, each on one line, as Markdown reads them.

    A YAML block keeps the author's line breaks; a single break is a space and
    a blank line starts a paragraph, except before list items, quotes, and
    after a line ending in two spaces (Markdown's hard break).
    """
    paragraphs = []
    for block in _BLANK_LINE.split(text.strip("\n")):
        lines = block.split("\n")
        out = lines[0].rstrip() if not lines[0].endswith("  ") else lines[0]
        for previous, line in zip(lines, lines[1:]):
            if previous.endswith("  ") or _KEEP_BREAK.match(line):
                out = out.rstrip() + "\n" + line.strip()
            else:
                out = out.rstrip() + " " + line.strip()
        if out.strip():
            paragraphs.append(out.strip())
    return paragraphs


def story_text(text: str, style: str = "") -> Content:
    """Story text with its Markdown emphasis applied and nothing else interpreted."""
    parts = []
    for kind, piece in spans(clean(text)):
        parts.append((piece, f"{style} {_EMPHASIS.get(kind, '')}".strip()))
    return Content.assemble(*parts)


def literal(text: str, style: str = "") -> Content:
    """Content holding ``text`` exactly as written (no emphasis, no markup)."""
    return Content.styled(clean(text), style)


def joined(*parts: Content | str | tuple[str, str], end: str = "") -> Content:
    """Pieces assembled into one Content (strings are taken literally, and cleaned)."""
    safe = [clean(p) if isinstance(p, str) else (clean(p[0]), p[1]) if isinstance(p, tuple)
            else p for p in parts]
    return Content.assemble(*safe, end=end)
