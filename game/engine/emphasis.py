"""Markdown emphasis in story text, split into styled spans (never markup).

Only ``**bold**``, ``*italic*`` and ``_italic_`` are recognised, across line
breaks and nested (``*a **b** c*``); everything else is literal text. Front
ends style the spans themselves, so nothing in a story can reach Rich's or
Textual's markup parser.
"""

from __future__ import annotations

import re

_EMPHASIS = re.compile(
    r"\*\*(?=\S)(.+?)(?<=\S)\*\*(?!\*)"
    r"|\*(?=\S)((?:\*\*.+?\*\*|[^*])+?)(?<=\S)\*"
    r"|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)",
    re.S,
)


def spans(text: str, style: str = "") -> list[tuple[str, str]]:
    """Split text into (style, piece); style is '', 'bold', 'italic' or 'bold italic'."""
    out: list[tuple[str, str]] = []
    last = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > last:
            out.append((style, text[last:match.start()]))
        if match.group(1) is not None:
            inner, add = match.group(1), "bold"
        else:
            inner, add = match.group(2) or match.group(3), "italic"
        combined = " ".join(sorted({*style.split(), add}))
        out.extend(spans(inner, combined))
        last = match.end()
    if last < len(text):
        out.append((style, text[last:]))
    return out


def plain(text: str) -> str:
    """The text with emphasis marks removed (for screen readers and pipes)."""
    return "".join(piece for _style, piece in spans(text))
