"""The public objects: ``Expr`` (one compiled expression) and ``Text`` (text with
``{EXPR}`` interpolation), immutable and evaluated many times."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from game.errors import Location, StoryRuntimeError
from game.story.expressions import analysis
from game.story.expressions.closures import build
from game.story.expressions.language import MAX_RENDERED, Context, format_value, format_var
from game.story.expressions.nodes import And, Const, Node, Value, Var, from_json
from game.story.expressions.phrasing import no_phrase, phrase_for
from game.story.expressions.runtime import CAUGHT, Fail



class Expr:
    """One compiled expression: immutable, evaluated many times."""

    __slots__ = ("source", "location", "names", "draws", "safe", "constant", "tree", "_fn",
                 "_conjunct_box")

    source: str
    """The expression as the author wrote it."""
    location: Location
    """Where it starts in the story file."""
    names: frozenset[str]
    """Story vars it reads (not built-in names)."""
    draws: bool
    """Whether evaluating it may draw random numbers: it calls ``random()``, or
    ``can()`` (a service's condition may). Otherwise evaluating it twice in the
    same state gives the same value and leaves the state alone."""
    safe: bool
    """Whether evaluating it can neither draw random numbers nor fail, in any state
    where every declared var has a value (the engine's always do): then it may be
    evaluated later in the same state, or not at all, and nothing else changes.
    Decided from the tree's shape, conservatively (arithmetic is never safe)."""
    constant: Value | None
    """Its value when it is a constant (``5``, ``'late'``, ``-2``), else None."""
    tree: Node
    """The checked tree of nodes (what analyses visit; ``to_json`` is for the cache only)."""

    def __init__(self, source: str, location: Location, tree: Node) -> None:
        names: set[str] = set()
        fn = build(tree, names)
        setter = object.__setattr__
        setter(self, "source", source)
        setter(self, "location", location)
        setter(self, "names", frozenset(names))
        setter(self, "draws", analysis.draws(tree))
        setter(self, "safe", analysis.safe(tree))
        setter(self, "constant", tree.value if type(tree) is Const else None)
        setter(self, "tree", tree)
        setter(self, "_fn", fn)
        # A box shared with every ``moved`` copy: the same condition found in many
        # places is split into conjuncts for ``unmet`` once, not once per place.
        setter(self, "_conjunct_box", [None])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Expr is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Expr is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expr):
            return NotImplemented
        return (
            self.source == other.source
            and self.location == other.location
            and self.tree == other.tree
        )

    def __hash__(self) -> int:
        return hash((self.source, self.location))

    def __repr__(self) -> str:
        return f"Expr({self.source!r} at {self.location})"

    def evaluate(self, ctx: Context) -> Value:
        """The value of the expression in this state; raises only StoryRuntimeError."""
        try:
            return self._fn(ctx)  # type: ignore[no-any-return]
        except CAUGHT as exc:
            raise self.failure(exc) from None

    def test(self, ctx: Context) -> bool:
        """Evaluate as a condition (truthiness)."""
        # Not bool(self.evaluate(ctx)): conditions are tested several times a step,
        # and the extra call was ~10% of a simple condition's cost.
        try:
            return bool(self._fn(ctx))
        except CAUGHT as exc:
            raise self.failure(exc) from None

    @property
    def fn(self) -> Any:
        """The compiled closure itself, for a loop too hot for ``test``'s call: whoever
        calls it catches ``CAUGHT`` and raises ``failure(exc)`` (as ``test`` does)."""
        return self._fn

    def failure(self, exc: Exception) -> StoryRuntimeError:
        """The StoryRuntimeError for an exception raised while evaluating."""
        if isinstance(exc, Fail):
            return self._error(str(exc))
        if isinstance(exc, ZeroDivisionError):
            return self._error("division by zero")
        return self._error(f"cannot evaluate: {exc}")

    def _error(self, message: str) -> StoryRuntimeError:
        return StoryRuntimeError(message, self.location, expression=self.source)

    def unmet(self, ctx: Context) -> list[str]:
        """Player-facing reasons a condition is false, one per failed conjunct that can be
        put in words (never expression syntax); [] if true or if none can."""
        if self.test(ctx):
            return []
        return self._reasons(ctx, False)

    def explain_false(self, ctx: Context) -> list[str]:
        """``unmet`` for a condition just tested false in this same state.

        When the condition draws no random numbers, testing it again cannot give
        anything new, so it is not tested again (nor, when it is a single
        conjunct, evaluated again): the reasons are the same as ``unmet``'s.
        """
        if self.draws:
            return self.unmet(ctx)
        return self._reasons(ctx, True)

    def _reasons(self, ctx: Context, known_false: bool) -> list[str]:
        """The reasons ``unmet`` gives for a condition found false."""
        box = self._conjunct_box
        parts = box[0]
        if parts is None:  # built once: a locked choice is asked on every view
            parts = tuple(
                (Expr(self.source, self.location, tree), phrase_for(tree))
                for tree, _span in self._conjuncts(self.tree, (0, len(self.source))))
            box[0] = parts
        if known_false and len(parts) == 1:
            # The one conjunct is the whole condition, just found false.
            _part, phrase = parts[0]
            reason = phrase(ctx)
            return [reason] if reason else []
        reasons: list[str] = []
        for part, phrase in parts:
            if phrase is no_phrase:
                continue  # nothing to say about it: no need to evaluate it
            try:
                holds = part.evaluate(ctx)
            except StoryRuntimeError:
                # Only a conjunct after a false one can fail here (the whole was
                # evaluated without error): its guard is false, as in
                # ``x != 0 and 10 / x > 2``; the false guard is the reason.
                continue
            if not holds:
                reason = phrase(ctx)
                if reason:  # never expression syntax: the lock's own words then stand alone
                    reasons.append(reason)
        return reasons

    def _conjuncts(self, tree: Node, span: Sequence[int]) -> Iterable[tuple[Node, Sequence[int]]]:
        if type(tree) is And:
            for sub, sub_span in zip(tree.values, tree.spans):
                yield from self._conjuncts(sub, sub_span)
        else:
            yield tree, span

    def to_json(self) -> object:
        """The compiled form as nested lists of strings and numbers."""
        return self.tree.to_json()

    def moved(self, location: Location) -> Expr:
        """The same compiled expression, found at another place in the story."""
        if location == self.location:
            return self
        twin = object.__new__(Expr)
        setter = object.__setattr__
        for slot in Expr.__slots__:
            setter(twin, slot, getattr(self, slot))
        setter(twin, "location", location)
        return twin

    @classmethod
    def from_json(cls, data: Any, source: str, location: Location) -> Expr:
        """Rebuild from ``to_json`` output without parsing or checking (trusted cache)."""
        return cls(source, location, from_json(data))


class Text:
    """Immutable text with ``{EXPR}`` interpolation."""

    __slots__ = ("source", "location", "parts", "is_static", "names", "safe", "_static",
                 "_bare")

    source: str
    """The text as the author wrote it."""
    location: Location
    """Where it starts in the story file."""
    parts: tuple[str | Expr, ...]
    """Literal pieces (braces unescaped) and expressions, in order."""
    is_static: bool
    """True when there is nothing to interpolate."""
    names: frozenset[str]
    """Story vars its expressions read."""
    safe: bool
    """Whether rendering it can neither draw random numbers nor fail (see ``Expr.safe``)."""

    def __init__(self, source: str, location: Location, parts: tuple[str | Expr, ...]) -> None:
        setter = object.__setattr__
        setter(self, "source", source)
        setter(self, "location", location)
        setter(self, "parts", parts)
        static = all(type(p) is str for p in parts)
        setter(self, "is_static", static)
        setter(self, "_static", "".join(parts) if static else "")  # type: ignore[arg-type]
        names: frozenset[str] = frozenset()
        for part in parts:
            if type(part) is not str:
                names |= part.names  # type: ignore[union-attr]
        setter(self, "names", names)
        safe = all(type(p) is str or p.safe for p in parts)  # type: ignore[union-attr]
        setter(self, "safe", safe)
        # The var each part shows when it is just ``{var}`` (a var's ``format:`` applies).
        bare = tuple(p.tree.name if type(p) is not str and type(p.tree) is Var else None  # type: ignore[union-attr]
                     for p in parts)
        setter(self, "_bare", bare if any(bare) else None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Text is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Text is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (
            self.source == other.source
            and self.location == other.location
            and self.parts == other.parts
        )

    def __hash__(self) -> int:
        return hash((self.source, self.location))

    def __repr__(self) -> str:
        return f"Text({self.source!r} at {self.location})"

    def __str__(self) -> str:
        return self.source

    def render(self, ctx: Context) -> str:
        """The text with every expression's value formatted in place."""
        if self.is_static:
            return self._static  # type: ignore[no-any-return]
        out = []
        bare = self._bare
        formats = getattr(ctx, "var_formats", None) if bare is not None else None
        size = 0
        for index, part in enumerate(self.parts):
            if type(part) is str:
                piece = part
            else:
                # part.evaluate(ctx) inlined, and str() for whole numbers (scores, days:
                # most of what text shows; it is what format_value gives them): the two
                # calls saved were ~40% of rendering a paragraph with two numbers.
                try:
                    value = part._fn(ctx)  # type: ignore[union-attr]
                except CAUGHT as exc:
                    raise part.failure(exc) from None  # type: ignore[union-attr]
                if formats and bare[index] in formats:  # type: ignore[index]
                    piece = format_var(value, formats[bare[index]])  # type: ignore[index]
                else:
                    piece = str(value) if type(value) is int else format_value(value)
            size += len(piece)
            if size > MAX_RENDERED:  # stop now: never build the whole of a runaway text
                raise StoryRuntimeError(
                    f"this text is longer than {MAX_RENDERED:,} characters once its "
                    "{...} are filled in; shorten it or what it shows", self.location)
            out.append(piece)
        return "".join(out)

    def to_json(self) -> object:
        """Literal parts as strings; each expression as [source, line delta, column, tree]."""
        out: list[object] = []
        for part in self.parts:
            if type(part) is str:
                out.append(part)
            else:
                loc = part.location  # type: ignore[union-attr]
                lines = loc.line - self.location.line
                column = loc.column - self.location.column if lines == 0 else loc.column
                out.append([part.source, lines, column, part.to_json()])  # type: ignore[union-attr]
        return out

    @classmethod
    def from_json(cls, data: Any, source: str, location: Location) -> Text:
        """Rebuild from ``to_json`` output without parsing or checking (trusted cache)."""
        parts: list[str | Expr] = []
        for item in data:
            if type(item) is str:
                parts.append(item)
                continue
            expr_source, lines, column, tree = item
            if lines == 0:
                where = Location(location.file, location.line, location.column + column)
            else:
                where = Location(location.file, location.line + lines, column)
            parts.append(Expr(expr_source, where, from_json(tree)))
        return cls(source, location, tuple(parts))


