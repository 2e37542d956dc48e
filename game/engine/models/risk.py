"""``risk`` in play: the score is worked out from the features at the end of every step."""

from __future__ import annotations

import math

from game.engine.models.base import Behaviour, FeatureLine, ModelReport, WhatIf
from game.engine.state import State, kept, tidy
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
        # What kind of value each feature is (true/false, whole, any number), read on a
        # copy: a feature may draw a random number, and the debrief changes nothing.
        probe = st.copy()
        kinds = tuple(_kind(f.value.evaluate(probe)) for f in rating.features)
        return ModelReport(rating.link, rating.bias, tidy(z), lines,
                           what_if(rating, values, kinds, st.score))


def _kind(value: object) -> str:
    if type(value) is bool:
        return "truth"
    if type(value) is int or (isinstance(value, float) and value.is_integer()):
        return "whole"
    return "number"


def what_if(rating: m.Rating, values: tuple[float, ...], kinds: tuple[str, ...],
            score: float) -> WhatIf | None:
    """The smallest change of one feature's value that would have crossed the nearest
    tier boundary (up or down), or None when no single feature can. A true/false
    feature can only flip, a whole number moves by whole steps, any other number by
    as little as it takes (to the boundary itself). A value of 0 or more is never
    offered below 0: counts such as ``recorded()`` and amounts such as an income
    cannot be negative, and "at -3 instead of 1" explains nothing."""
    tiers = rating.tiers
    if not tiers or not rating.features:
        return None
    inf = float("inf")
    low = rating.min if rating.min is not None else -inf
    high = rating.max if rating.max is not None else inf
    index = next((i for i, t in enumerate(tiers) if score >= t.min), len(tiers) - 1)
    targets = []
    if index > 0:  # up: reach the next tier's min
        targets.append((tiers[index - 1].min, index - 1, True))
    if index < len(tiers) - 1:  # down: fall below this tier's min
        targets.append((tiers[index].min, index + 1, False))

    def tier_after(changed: tuple[float, ...]) -> int:
        after = kept(score_of(rating, changed), rating.decimals)
        return next((i for i, t in enumerate(tiers) if after >= t.min), len(tiers) - 1)

    z = z_of(rating, values)
    best: WhatIf | None = None
    for target, reach, up in targets:

        def crossed(changed: tuple[float, ...]) -> bool:
            after = tier_after(changed)
            return after < index if up else after > index

        zt = z_for(rating.link, target, low, high)
        if zt is None:
            continue
        for at, (feature, value, kind) in enumerate(zip(rating.features, values, kinds)):
            if feature.weight == 0:
                continue
            exact = value + (zt - z) / feature.weight
            if kind == "truth":
                new = 1 - value
            elif kind == "whole":
                new = math.ceil(exact) if exact > value else math.floor(exact)
            else:
                new = exact
            if kind != "number":
                changed = values[:at] + (new,) + values[at + 1:]
                if kind == "whole" and not crossed(changed):
                    new += 1 if new > value else -1  # the boundary itself stays in the tier
                    changed = values[:at] + (new,) + values[at + 1:]
                if not crossed(changed):
                    continue
            if value >= 0 > new:
                continue
            if best is None or abs(new - value) < abs(best.new - best.old):
                best = WhatIf(feature.label, tidy(value), tidy(new), tiers[reach].label, up,
                              kind)
    return best


BEHAVIOUR = Risk()
