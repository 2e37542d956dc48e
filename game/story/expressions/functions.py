"""The value functions (``random``, ``min``, ``max``, ``abs``, ``round``), each declared
once: its name, how many arguments it takes (and what to say when the count is wrong),
and the operation the closure compiler calls. Adding one is a declaration here, its
operation in ``runtime``, its line in docs/story-format.md and a test (see
docs/contributing.md, "Adding an expression function")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from game.story.expressions.runtime import abs_value, extreme, round_value


@dataclass(frozen=True, slots=True)
class ValueFunction:
    """One function of values that an expression may call."""

    name: str
    least: int
    """Fewest arguments."""
    most: int | None
    """Most arguments (None: any number)."""
    wrong_count: str
    """What the author is told when the number of arguments is wrong."""
    run: Callable[..., Any] | None
    """The operation on the evaluated arguments; it raises ``runtime.Fail`` with the
    player-facing reason. None for ``random``, which draws from the engine's state."""
    draws: bool = False
    """Whether calling it draws random numbers (``Expr.draws``)."""

    def takes(self, count: int) -> bool:
        """Whether ``count`` arguments are right."""
        return self.least <= count and (self.most is None or count <= self.most)


VALUE_FUNCTION_SPECS: dict[str, ValueFunction] = {f.name: f for f in (
    ValueFunction("random", 2, 2, "random() takes two numbers, as in random(1, 6)", None,
                  draws=True),
    ValueFunction("min", 2, None, "min() takes two or more values, as in min(a, b)",
                  extreme("min", min)),
    ValueFunction("max", 2, None, "max() takes two or more values, as in max(a, b)",
                  extreme("max", max)),
    ValueFunction("abs", 1, 1, "abs() takes one number", abs_value),
    ValueFunction("round", 1, 2, "round() takes a number and optionally a digit count",
                  round_value),
)}
"""The value functions by name, in the order the docs list them."""

ID_FUNCTIONS = ("listed", "visited", "visits", "rating", "can", "recorded")
"""Functions taking one declared id in quotes, checked at load time."""
COUNTING_FUNCTIONS = frozenset({"visits", "rating", "recorded"})
"""The id functions that give a number; the others give true/false."""
VALUE_FUNCTIONS = tuple(VALUE_FUNCTION_SPECS)
"""Functions taking expressions."""
FUNCTIONS = ID_FUNCTIONS + VALUE_FUNCTIONS
"""Every function an expression may call."""
BUILTIN_NAMES = frozenset(
    {"score", "tier", "tier_label", "day", "true", "false", "True", "False", *FUNCTIONS}
)
"""Names the language defines; a story var cannot use them."""
