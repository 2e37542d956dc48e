"""What every rating model does in play: the other half of ``game.story.models``."""

from __future__ import annotations

from typing import ClassVar

from game.engine.state import State
from game.story import model as m


class Behaviour:
    """A rating model's arithmetic. One instance serves every game (it keeps no state:
    everything that changes lives in ``State``)."""

    name: ClassVar[str]
    recomputes: ClassVar[bool] = False
    """The score is worked out again at the end of every step (see ``recompute``)."""

    def start(self, st: State, rating: m.Rating) -> None:
        """Set up the player's state when a game starts (after the score is ``start``)."""

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float:
        """The score after ``rule`` is recorded (the engine sets it and writes the ledger)."""
        raise NotImplementedError

    def rated(self, st: State, rating: m.Rating, stars: float, weight: float) -> float | None:
        """The score after someone rates the player (None: the score does not move)."""
        return None

    def recompute(self, st: State, rating: m.Rating) -> tuple[float, tuple] | None:
        """For ``recomputes`` models: (new score, what moved), or None when nothing did."""
        return None
