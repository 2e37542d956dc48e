"""``points`` in play: each rule's change is added, within min..max."""

from __future__ import annotations

from game.engine.models.base import Behaviour
from game.engine.state import State, clamp
from game.story import model as m


class Points(Behaviour):
    """Accumulates."""

    name = "points"

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float:
        return clamp(st.score + rule.change, rating.min, rating.max)


BEHAVIOUR = Points()
