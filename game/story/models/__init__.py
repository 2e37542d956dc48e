"""The rating models' declarations, by name: the one place a model's name is read.

Each module here declares one model (``points``, ``peer``, ``risk``) as a
``ModelSpec``; its behaviour in play is the same-named module of
``game.engine.models``. Adding a model: see docs/contributing.md.
"""

from __future__ import annotations

from game.story import model as m
from game.story.models import peer, points, risk
from game.story.models.base import ModelSpec

MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (points.SPEC, peer.SPEC, risk.SPEC)}
"""Every model, by the name ``model:`` gives (the first is the default)."""
DEFAULT = "points"


def spec_of(rating: m.Rating | None) -> ModelSpec:
    """The declaration of a rating's model (points when there is no rating)."""
    return MODELS[rating.model if rating is not None else DEFAULT]


def model_keys() -> tuple[str, ...]:
    """Every key some model owns, in registry order."""
    return tuple(key for spec in MODELS.values() for key in spec.keys)


__all__ = ["DEFAULT", "MODELS", "ModelSpec", "model_keys", "spec_of"]
