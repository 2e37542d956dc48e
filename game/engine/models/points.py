"""``points`` in play: each rule's change is added, within min..max."""

from __future__ import annotations

from game.engine.models.base import Behaviour
from game.engine.state import State
from game.story import model as m


class Points(Behaviour):
    """Accumulates."""

    name = "points"

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float:
        new = st.score + rule.change  # clamp(), inlined: the step's most frequent call
        low, high = rating.min, rating.max
        if low is not None and new < low:
            return low
        if high is not None and new > high:
            return high
        return new


BEHAVIOUR = Points()
