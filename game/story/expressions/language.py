"""The language's words and limits: its values, built-in names, functions, the scope a
story declares and the state evaluation reads (``Context``), and how values are shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from game.errors import Location
from game.story.expressions.nodes import Value

Locate: TypeAlias = Callable[[int], Location]
"""Maps a 0-based character offset in a source to a place in the story file."""

MAX_SOURCE = 2000
"""Longest expression source, in characters."""
MAX_NUMBER = 2**53
"""Largest magnitude of a number literal or arithmetic result (exact in a float)."""
MAX_TEXT = 10_000
"""Longest string literal or string result, in characters."""
MAX_DEPTH = 50
"""Deepest nesting of expression nodes or brackets."""
MAX_RENDERED = 100_000
"""Longest text once its ``{...}`` are filled in, in characters: one paragraph,
choice or title the player is shown (the loader refuses longer plain text)."""

@dataclass(frozen=True, slots=True)
class Scope:
    """What names a story declares; used to check expressions at load time."""

    vars: frozenset[str] = frozenset()
    scenes: frozenset[str] = frozenset()
    lists: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    """Rule ids (``recorded('rule')``)."""
    tiers: tuple[str, ...] = ()
    """Tier ids, highest first."""
    has_rating: bool = False
    """Whether ``score`` is allowed."""


class Context(Protocol):
    """What the engine's state offers to evaluation."""

    vars: Mapping[str, Value]
    score: float
    tier_id: str
    tier_label: str
    tier_rank: int
    """Same ranking as ``Scope.tiers``: ``len(tiers) - index``, higher is better."""
    day: int
    score_name: str
    """The rating's name for players, e.g. "Civic Score" (used by ``Expr.unmet``)."""

    def is_listed(self, list_id: str) -> bool: ...
    def visits(self, scene_id: str) -> int: ...
    def rating_of(self, person_id: str) -> float: ...
    def can(self, service_id: str) -> bool: ...
    def recorded(self, rule_id: str) -> int: ...
    def random(self, a: int, b: int) -> int: ...
    def tier_label_of(self, tier_id: str) -> str: ...
    def list_label(self, list_id: str) -> str: ...


# ---------------------------------------------------------------------------
# formatting


def format_value(value: Value) -> str:
    """Format a value for players: 4.0 -> "4", 4.3333 -> "4.33", True -> "true"."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):  # type: ignore[comparison-overlap]
            return str(value)
        if value.is_integer():  # type: ignore[union-attr]
            return str(int(value))
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


VAR_FORMATS = ("plain", "thousands")
"""What a var's ``format:`` may say: ``thousands`` groups digits (5,400 yuan)."""


def format_var(value: Value, how: str | None) -> str:
    """A var's value as the player reads it, by its ``format:`` (``format_value`` if none)."""
    if how == "thousands" and type(value) in (int, float):
        text = format_value(value)
        head, dot, tail = text.partition(".")
        sign = "-" if head.startswith("-") else ""
        return f"{sign}{int(head.lstrip('-') or 0):,}{dot}{tail}"
    return format_value(value)

