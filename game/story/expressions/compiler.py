"""From source to ``Expr`` and ``Text``: one expression, or a text's ``{EXPR}`` parts,
parsed and checked once per load (a ``Memo`` reuses identical sources)."""

from __future__ import annotations

import re

from game.errors import StoryError
from game.story.expressions.expr import Expr, Text
from game.story.expressions.language import Locate, Scope
from game.story.expressions.parser import parse


class Memo:
    """Compiled expressions of one load, by source: a repeated condition is checked once.

    Only successes are kept, so every mistake is still reported where it is.
    Valid for one scope only (one story load).
    """

    __slots__ = ("_compiled",)

    def __init__(self) -> None:
        self._compiled: dict[str, Expr] = {}

    def expr(self, source: str, scope: Scope, locate: Locate) -> Expr:
        """Like compile_expr, reusing the tree and closures of an earlier identical source."""
        done = self._compiled.get(source)
        if done is not None:
            return done.moved(locate(0))
        tree = parse(source, scope, locate)
        made = Expr(source, locate(0), tree)
        self._compiled[source] = made
        return made


def compile_expr(source: str, scope: Scope, locate: Locate, memo: Memo | None = None) -> Expr:
    """Parse and check one expression; raise one StoryError at the mistake."""
    if memo is not None:
        return memo.expr(source, scope, locate)
    tree = parse(source, scope, locate)
    return Expr(source, locate(0), tree)


_BRACE = re.compile(r"[{}]")


def compile_text(source: str, scope: Scope, locate: Locate, memo: Memo | None = None) -> Text:
    """Compile text with ``{EXPR}`` interpolation; ``{{`` and ``}}`` are literal braces."""
    base = locate(0)
    if "{" not in source and "}" not in source:
        return Text(source, base, (source,))
    parts: list[str | Expr] = []
    buf: list[str] = []
    pos = 0
    for match in _BRACE.finditer(source):
        i = match.start()
        if i < pos:
            continue  # inside an expression or an escape already consumed
        buf.append(source[pos:i])
        brace = source[i]
        if source.startswith(brace * 2, i):
            buf.append(brace)
            pos = i + 2
            continue
        if brace == "}":
            raise StoryError("unmatched '}': write '}}' for a literal brace", locate(i))
        end = _closing_brace(source, i + 1)
        if end < 0:
            raise StoryError(
                "unmatched '{': close it with '}', or write '{{' for a literal brace",
                locate(i),
            )
        inner = source[i + 1 : end]
        if not inner.strip():
            raise StoryError(
                "empty '{}': put an expression inside, or write '{{}}' for literal braces",
                locate(i),
            )
        start = i + 1
        inner_locate = lambda off, s=start: locate(s + off)  # noqa: E731
        if memo is not None:
            made = memo.expr(inner, scope, inner_locate)
        else:
            made = Expr(inner, locate(start), parse(inner, scope, inner_locate))
        literal = "".join(buf)
        buf.clear()
        if literal:
            parts.append(literal)
        parts.append(made)
        pos = end + 1
    buf.append(source[pos:])
    tail = "".join(buf)
    if tail or not parts:
        parts.append(tail)
    return Text(source, base, tuple(parts))


def _closing_brace(source: str, start: int) -> int:
    """Index of the '}' closing an interpolation that starts at ``start``, or -1."""
    quote = ""
    i = start
    n = len(source)
    while i < n:
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "}":
            return i
        elif ch == "{":
            return -1  # braces never nest: dicts and sets are not allowed
        i += 1
    return -1
