"""What every rating model does in play: the other half of ``game.story.models``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from game.engine.state import State
from game.story import model as m


@dataclass(frozen=True, slots=True)
class FeatureLine:
    """One feature of a model as the debrief shows it."""

    id: str
    label: str
    weight: float
    value: float
    """The player's value at the end (true 1, false 0)."""
    contribution: float
    """weight × value: what it added to z."""
    shown: bool
    """Whether the player was ever told about it (its ``explain``)."""


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The smallest change of one feature value that crosses the nearest tier boundary."""

    feature: str
    """The feature's label."""
    old: float
    new: float
    tier: str
    """The label of the tier it would have reached."""
    up: bool
    kind: str = "number"
    """``truth`` (a true/false feature: it flips), ``whole`` or ``number``."""


@dataclass(frozen=True, slots=True)
class ModelReport:
    """A computed model laid open for the debrief: how the score was made."""

    link: str
    bias: float
    z: float
    features: tuple[FeatureLine, ...]
    what_if: WhatIf | None


class Behaviour:
    """A rating model's arithmetic. One instance serves every game (it keeps no state:
    everything that changes lives in ``State``)."""

    name: ClassVar[str]
    recomputes: ClassVar[bool] = False
    """The score is worked out again at the end of every step (see ``recompute``)."""

    def start(self, st: State, rating: m.Rating) -> None:
        """Set up the player's state when a game starts (after the score is ``start``)."""

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float | None:
        """The score after ``rule`` is recorded (the engine sets it and writes the ledger;
        None: the rule moves no score, it is only written down and counted)."""
        raise NotImplementedError

    def rated(self, st: State, rating: m.Rating, stars: float, weight: float) -> float | None:
        """The score after someone rates the player (None: the score does not move)."""
        return None

    def recompute(self, st: State, rating: m.Rating) -> tuple[float, tuple] | None:
        """For ``recomputes`` models: (new score, what moved), or None when nothing did."""
        return None

    def report(self, st: State, rating: m.Rating) -> ModelReport | None:
        """The model laid open for the debrief (None: the ledger tells it all)."""
        return None
