"""Markdown emphasis in story text, split into styled spans (never markup).

Only ``**bold**``, ``*italic*`` / ``_italic_`` are recognised; everything else
is literal text. Front ends style the spans themselves, so nothing in a story
can reach Rich's or Textual's markup parser.
"""

from __future__ import annotations

import re

_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=\S)(.+?)(?<=\S)\*|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")


def spans(text: str) -> list[tuple[str, str]]:
    """Split text into (style, piece) with style '', 'bold' or 'italic'."""
    out: list[tuple[str, str]] = []
    last = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > last:
            out.append(("", text[last:match.start()]))
        if match.group(1) is not None:
            out.append(("bold", match.group(1)))
        else:
            out.append(("italic", match.group(2) or match.group(3)))
        last = match.end()
    if last < len(text):
        out.append(("", text[last:]))
    return out


def plain(text: str) -> str:
    """The text with emphasis marks removed (for screen readers and pipes)."""
    return "".join(piece for _style, piece in spans(text))
