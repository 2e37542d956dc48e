"""``points``: the score starts at ``start``; each recorded rule adds its change."""

from __future__ import annotations

from game.story import model as m
from game.story.models.base import ModelSpec, Reach, bounds


class PointsSpec(ModelSpec):
    """Accumulates: start + the rules' changes, kept within min..max."""

    name = "points"
    summary = "points: the rules' changes add up"

    def score_bounds(self, rating: m.Rating, reach: Reach) -> tuple[float, float] | None:
        if not reach.recorded:
            return None
        low_bound, high_bound = bounds(rating)
        start = rating.start
        lo_sum, hi_sum = reach.rule_span()
        hi = min(high_bound, max(start, low_bound) + hi_sum)
        lo = max(low_bound, min(start, high_bound) + lo_sum)
        return min(lo, start), max(hi, start)


SPEC = PointsSpec()
