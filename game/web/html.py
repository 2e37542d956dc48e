"""A tiny HTML builder that escapes every value by default.

Pages are built from values, never from strings of markup: ``tag`` escapes
its text children and attribute values, and only a ``Markup`` (made here,
from escaped parts) passes through unchanged. Story text goes through
``story``, which turns the engine's emphasis spans into ``<em>``/``<strong>``
and escapes the pieces, so nothing a story says is read as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from game.engine.emphasis import spans
from game.safetext import clean

_VOID = frozenset({"meta", "link", "input", "br", "img", "hr"})
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*\Z")


class Markup(str):
    """A string of HTML already escaped (made only by this module)."""

    __slots__ = ()


Child = "Markup | str | int | float | None | Iterable[Child]"


def esc(value: object) -> Markup:
    """A value as HTML text: Markup passes, anything else is cleaned and escaped."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(clean(str(value)), quote=True))


def join(children: Iterable[object]) -> Markup:
    """Children escaped and joined (None and False are left out, lists are flattened)."""
    out: list[str] = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, (list, tuple)) or (
                not isinstance(child, (str, int, float)) and hasattr(child, "__iter__")):
            out.append(join(child))
        else:
            out.append(esc(child))
    return Markup("".join(out))


def tag(name: str, /, *children: object, **attrs: object) -> Markup:
    """``<name attrs>children</name>``; ``class_`` is ``class``, ``aria_live`` is
    ``aria-live``; an attribute of True is written bare, one of None/False left out."""
    assert _NAME.match(name), name
    parts = [name]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        assert _NAME.match(key), key
        parts.append(key if value is True else f'{key}="{esc(value)}"')
    opening = "<" + " ".join(parts) + ">"
    if name in _VOID:
        return Markup(opening)
    return Markup(f"{opening}{join(children)}</{name}>")


def story(text: str, breaks: bool = False) -> Markup:
    """Story text with its emphasis as ``<strong>``/``<em>``, everything else escaped
    (line breaks as ``<br>`` when ``breaks``)."""
    out: list[str] = []
    for style, piece in spans(clean(text)):
        chunk: str = esc(piece)
        if breaks:
            chunk = chunk.replace("\n", "<br>")
        if "italic" in style:
            chunk = f"<em>{chunk}</em>"
        if "bold" in style:
            chunk = f"<strong>{chunk}</strong>"
        out.append(chunk)
    return Markup("".join(out))


def paragraphs(text: str) -> Markup:
    """A paragraph of story text as ``<p>``s (blank lines part them; a single line
    break is the author's wrapping, and flows like a space)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        if block.strip():
            out.append(tag("p", story(block.strip("\n"))))
    return join(out)
