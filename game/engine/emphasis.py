"""Markdown emphasis in story text, split into styled spans (never markup).

Only ``**bold**``, ``*italic*`` and ``_italic_`` are recognised, across line
breaks and nested (``*a **b** c*``); everything else is literal text. Front
ends style the spans themselves, so nothing in a story can reach Rich's or
Textual's markup parser.

The parser is one left-to-right pass with a stack of open delimiter runs (as
CommonMark reads emphasis, without its finer rules): time and memory grow in
proportion to the text, and no input can make it recurse, so 10,000 ``*`` in
a row are simply text.

- A run of ``*`` can open when a non-space follows it, and close when a
  non-space precedes it; ``_`` likewise, but only outside a word (``x_y_z``
  stays as written).
- A closing run matches the nearest open run of its character: two marks on
  both sides make bold, one makes italic, until one side runs out. Runs
  opened in between and never closed stay literal text, as does any run left
  open at the end.
"""

from __future__ import annotations

_BOLD, _ITALIC = 1, 2
_STYLES = {0: "", _BOLD: "bold", _ITALIC: "italic", _BOLD | _ITALIC: "bold italic"}
_FLAGS = {"": 0, "bold": _BOLD, "italic": _ITALIC, "bold italic": _BOLD | _ITALIC}


class _Run:
    """An open delimiter run: its character, where it ends, how many marks are unused."""

    __slots__ = ("char", "end", "count")

    def __init__(self, char: str, end: int, count: int) -> None:
        self.char = char
        self.end = end
        self.count = count


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _pairs(text: str) -> list[tuple[int, int, int, int, int]]:
    """Matched emphasis as (open start, content start, content end, close end, kind)."""
    found: list[tuple[int, int, int, int, int]] = []
    stack: list[_Run] = []
    open_counts = {"*": 0, "_": 0}
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch != "*" and ch != "_":
            i += 1
            continue
        start = i
        while i < n and text[i] == ch:
            i += 1
        count = i - start
        before = text[start - 1] if start else " "
        after = text[i] if i < n else " "
        can_open = not after.isspace()
        can_close = not before.isspace()
        if ch == "_":
            can_open = can_open and not _is_word(before)
            can_close = can_close and not _is_word(after)
        at = start  # the first unused mark of this run
        while can_close and count and open_counts[ch]:
            top = stack[-1]
            if top.char != ch:  # opened in between and never closed: literal
                stack.pop()
                open_counts[top.char] -= 1
                continue
            used = 2 if ch == "*" and top.count >= 2 and count >= 2 else 1
            kind = _BOLD if used == 2 else _ITALIC
            found.append((top.end - used, top.end, at, at + used, kind))
            top.end -= used
            top.count -= used
            at += used
            count -= used
            if top.count == 0:
                stack.pop()
                open_counts[ch] -= 1
        if count and can_open:
            stack.append(_Run(ch, i, count))
            open_counts[ch] += 1
    return found


def spans(text: str, style: str = "") -> list[tuple[str, str]]:
    """Split text into (style, piece); style is '', 'bold', 'italic' or 'bold italic'."""
    if "*" not in text and "_" not in text:
        return [(style, text)] if text else []
    base = _FLAGS.get(style, 0)
    # Where styles start and stop, and which marks are removed, at each offset.
    bold = [0] * (len(text) + 1)
    italic = [0] * (len(text) + 1)
    removed: list[tuple[int, int]] = []
    cuts = set()
    for open_start, content_start, content_end, close_end, kind in _pairs(text):
        counter = bold if kind == _BOLD else italic
        counter[content_start] += 1
        counter[content_end] -= 1
        removed.append((open_start, content_start))
        removed.append((content_end, close_end))
        cuts.update((open_start, content_start, content_end, close_end))
    if not removed:
        return [(style, text)]
    gone = bytearray(len(text) + 1)
    for first, last in removed:
        gone[first:last] = b"\x01" * (last - first)
    out: list[tuple[str, str]] = []
    depth_bold = depth_italic = 0
    points = sorted(cuts | {0, len(text)})
    for here, there in zip(points, points[1:]):
        depth_bold += bold[here]
        depth_italic += italic[here]
        if gone[here]:
            continue  # a whole piece of marks (cuts fall on every mark range's ends)
        flags = base | (_BOLD if depth_bold else 0) | (_ITALIC if depth_italic else 0)
        piece = text[here:there]
        name = _STYLES[flags]
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + piece)
        else:
            out.append((name, piece))
    return out


def plain(text: str) -> str:
    """The text with emphasis marks removed (for screen readers and pipes)."""
    return "".join(piece for _style, piece in spans(text))
