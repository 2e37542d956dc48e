"""The rating models' behaviour in play, by name (declarations: ``game.story.models``)."""

from __future__ import annotations

from game.engine.models import peer, points, risk
from game.engine.models.base import Behaviour
from game.story import model as m

BEHAVIOURS: dict[str, Behaviour] = {
    b.name: b for b in (points.BEHAVIOUR, peer.BEHAVIOUR, risk.BEHAVIOUR)}


def behaviour_of(rating: m.Rating | None) -> Behaviour:
    """How a rating's model plays (points when there is no rating)."""
    return BEHAVIOURS[rating.model if rating is not None else "points"]


__all__ = ["BEHAVIOURS", "Behaviour", "behaviour_of"]
