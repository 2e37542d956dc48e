"""``risk`` in play: the score is worked out from the features at the end of every step."""

from __future__ import annotations

from game.engine.models.base import Behaviour
from game.engine.state import State, tidy
from game.errors import StoryRuntimeError
from game.story import model as m
from game.story.models.risk import link_score, number


def feature_values(st: State, rating: m.Rating) -> tuple[float, ...]:
    """Each feature's value now (true 1, false 0), in the story's order."""
    out = []
    for feature in rating.features:
        value = feature.value.evaluate(st)
        try:
            out.append(number(value))
        except TypeError:
            raise StoryRuntimeError(
                f"feature '{feature.id}' should be a number or true/false, not {value!r}",
                feature.location, expression=feature.value.source) from None
    return tuple(out)


def z_of(rating: m.Rating, values: tuple[float, ...]) -> float:
    """bias + Σ weight × value."""
    z = rating.bias
    for feature, value in zip(rating.features, values):
        z += feature.weight * value
    return z


def score_of(rating: m.Rating, values: tuple[float, ...]) -> float:
    """The score the link gives for these feature values (before ``decimals``)."""
    inf = float("inf")
    low = rating.min if rating.min is not None else -inf
    high = rating.max if rating.max is not None else inf
    return link_score(rating.link, z_of(rating, values), low, high)


class Risk(Behaviour):
    """Predicts: recomputed from the state, never moved by a rule."""

    name = "risk"
    recomputes = True

    def start(self, st: State, rating: m.Rating) -> None:
        st.features = ()  # worked out by the first recompute, after the start scene's do

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float:
        return st.score  # counted for recorded(); the score moves at the end of the step

    def recompute(self, st: State, rating: m.Rating) -> tuple[float, tuple] | None:
        values = feature_values(st, rating)
        old = st.features or values
        st.features = values
        new = score_of(rating, values)
        moved = tuple(
            (f.id, f.label, tidy(a), tidy(b), tidy(f.weight * b), f.explain)
            for f, a, b in zip(rating.features, old, values) if a != b)
        return new, moved


BEHAVIOUR = Risk()
