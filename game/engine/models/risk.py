"""``risk`` in play: the score is worked out from the features at the end of every step."""

from __future__ import annotations

from game.engine.models.base import Behaviour, FeatureLine, ModelReport, WhatIf
from game.engine.state import State, tidy
from game.errors import StoryRuntimeError
from game.story import model as m
from game.story.models.risk import link_score, number, z_for


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

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float | None:
        return None  # counted for recorded(); the score moves at the end of the step

    def recompute(self, st: State, rating: m.Rating) -> tuple[float, tuple] | None:
        values = feature_values(st, rating)
        old = st.features or values
        st.features = values
        new = score_of(rating, values)
        moved = tuple(
            (f.id, f.label, tidy(a), tidy(b), tidy(f.weight * b), f.explain)
            for f, a, b in zip(rating.features, old, values) if a != b)
        return new, moved

    def report(self, st: State, rating: m.Rating) -> ModelReport | None:
        values = st.features or feature_values(st, rating)
        z = z_of(rating, values)
        lines = tuple(FeatureLine(f.id, f.label, f.weight, tidy(v), tidy(f.weight * v),
                                  f.explain) for f, v in zip(rating.features, values))
        return ModelReport(rating.link, rating.bias, tidy(z), lines,
                           what_if(rating, values, z, st.score))


def what_if(rating: m.Rating, values: tuple[float, ...], z: float,
            score: float) -> WhatIf | None:
    """The smallest change of one feature's value that would have crossed the nearest
    tier boundary (up or down), or None when no single feature can."""
    tiers = rating.tiers
    if not tiers or not rating.features:
        return None
    inf = float("inf")
    low = rating.min if rating.min is not None else -inf
    high = rating.max if rating.max is not None else inf
    index = next((i for i, t in enumerate(tiers) if score >= t.min), len(tiers) - 1)
    targets = []
    if index > 0:  # up: reach the next tier's min
        targets.append((tiers[index - 1].min, tiers[index - 1].label, True))
    if index < len(tiers) - 1:  # down: fall to this tier's min (and just below)
        targets.append((tiers[index].min, tiers[index + 1].label, False))
    best: WhatIf | None = None
    for target, label, up in targets:
        zt = z_for(rating.link, target, low, high)
        if zt is None:
            continue
        for feature, value in zip(rating.features, values):
            if feature.weight == 0:
                continue
            new = value + (zt - z) / feature.weight
            if best is None or abs(new - value) < abs(best.new - best.old):
                best = WhatIf(feature.label, tidy(value), tidy(new), label, up)
    return best


BEHAVIOUR = Risk()
