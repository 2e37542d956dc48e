"""What every rating model declares: its keys, their checks, and its static bounds.

A model is two halves on two floors. This half (the story floor) is what the
loader, the JSON Schema, lint, facts and the playtest read: which keys of
``rating:`` it owns, how they are checked, whether rules carry a ``change``,
whether ``rate:``/``rated:`` make sense, and which scores it can ever reach.
Its behaviour in play lives beside the engine (``game.engine.models``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Mapping, Protocol

from game.story import model as m
from game.story.expressions import Expr

if TYPE_CHECKING:  # only annotations: the catalog imports the models, never YAML
    from game.story.yamlread import Node, Reader

Schema = dict[str, Any]
IDENT = re.compile(r"[a-z][a-z0-9_]*")
"""An id (the loader's ``ID``): lowercase letters, digits and _, from a letter."""
Keys = Mapping[str, tuple["Node", "Node"]]
"""A mapping's keys -> (key node, value node), as ``Reader.mapping`` returns them."""


class Builder(Protocol):
    """What a model's ``parse`` may ask of the loader."""

    def _expr(self, r: Reader, node: Node, what: str) -> Expr | None: ...


class Reach(Protocol):
    """What the static analysis (``game.authoring.facts``) knows, for ``score_bounds``."""

    recorded: bool
    """Some path records a rule."""
    rated: bool
    """Some path has a ``rated:``."""

    def rule_span(self) -> tuple[float, float]:
        """The most the recorded rules' changes can take and add along one path."""
        ...

    def value_span(self, expr: Expr) -> tuple[float, float] | None:
        """The lowest and highest number an expression can be (None: not known)."""
        ...


class ModelSpec:
    """A rating model's declaration. Subclasses set the class attributes they change."""

    name: ClassVar[str]
    summary: ClassVar[str]
    """A few words for the schema and ``model:`` errors."""
    keys: ClassVar[tuple[str, ...]] = ()
    """Keys of ``rating:`` only this model reads (a key of another model is an error)."""
    needs_start: ClassVar[bool] = True
    """``start`` is required (False: the model computes its first score itself)."""
    default_range: ClassVar[tuple[float | None, float | None]] = (None, None)
    rule_change: ClassVar[bool] = True
    """Rules carry a ``change`` (False: a ``change`` is a load error)."""
    ratings: ClassVar[bool] = True
    """``rate:`` and ``rated:`` are allowed."""
    rated_moves_score: ClassVar[bool] = False
    """A ``rated:`` moves the player's score."""
    stars_on_scale: ClassVar[bool] = False
    """Stars (given, received, people's ratings) use the rating's min..max, not 1..5."""
    by_hand: ClassVar[Literal["adds", "averages", "formula"]] = "adds"
    """How a paper player works the score out (``game.teaching``)."""

    def foreign_key(self, key: str, model: str) -> str:
        """The error for this model's ``key`` in a rating of another ``model``."""
        return f"{key} is for a {self.name} rating; a {model} rating does not read it"

    def refuse_change(self, rule: str) -> str:
        """The error for a ``change`` on a rule, when ``rule_change`` is False."""
        return f"a rule of a {self.name} rating has no change"

    def refuse_ratings(self, kind: str) -> str:
        """The error for a ``rate:``/``rated:``, when ``ratings`` is False."""
        return f"{kind}: has no place in a {self.name} rating"

    def parse(self, r: Reader, keys: Keys, build: Builder, explain: bool) -> dict[str, Any]:
        """Read and check this model's own keys: fields for ``m.Rating``."""
        return {}

    def check(self, r: Reader, keys: Keys, rating: m.Rating) -> None:
        """Checks that need the whole rating (after tiers, rules... are read)."""

    def default_decimals(self, numbers: tuple) -> int:
        """The score's decimals when the story does not say: as many as the story's own
        numbers use (0 when all are whole), at most 2."""
        most = 0
        for number in numbers:
            if number is None or float(number).is_integer():
                continue
            most = max(most, 1 if round(number, 1) == number else 2)
        return most

    def person_decimals(self, rating: m.Rating) -> int:
        """The decimals people's ratings are kept at."""
        return 2

    def stars_range(self, rating: m.Rating | None) -> tuple[float | None, float | None]:
        """The range of stars a ``rate:``/``rated:`` gives."""
        if rating is not None and self.stars_on_scale:
            return rating.min, rating.max
        return 1, 5

    def rater_weighted(self, rating: m.Rating) -> bool:
        """Whether a rating the player gives weighs by the player's own score."""
        return False

    def score_bounds(self, rating: m.Rating, reach: Reach) -> tuple[float, float] | None:
        """The lowest and highest score any play can reach (None: it stays at start)."""
        raise NotImplementedError

    def expressions(self, rating: m.Rating) -> tuple[Expr, ...]:
        """The model's own expressions (for lint, facts and the playtest's reads)."""
        return ()

    def schema(self) -> dict[str, Schema]:
        """JSON Schema properties of this model's keys."""
        return {}


def bounds(rating: m.Rating) -> tuple[float, float]:
    """The rating's min..max, open ends as infinities."""
    inf = float("inf")
    return (rating.min if rating.min is not None else -inf,
            rating.max if rating.max is not None else inf)

