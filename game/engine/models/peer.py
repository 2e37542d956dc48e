"""``peer`` in play: the weighted mean of the ratings received, plus the rules' changes."""

from __future__ import annotations

from game.engine.models.base import Behaviour
from game.engine.state import State, clamp, tidy, weighted_mean
from game.story import model as m


class Peer(Behaviour):
    """Averages."""

    name = "peer"

    def start(self, st: State, rating: m.Rating) -> None:
        weight = rating.start if rating.weight == "rater" else 1
        st.received.extend([(rating.start, weight)] * min(rating.start_ratings, rating.memory))

    def record(self, st: State, rating: m.Rating, rule: m.Rule) -> float:
        st.bonus += rule.change
        mean = weighted_mean(st.received, rating.memory)
        if mean + st.bonus != clamp(mean + st.bonus, rating.min, rating.max):
            # A change cut short at min/max is not banked for later: the
            # ledger shows what was applied, and that is all that happened.
            st.bonus = clamp(mean + st.bonus, rating.min, rating.max) - mean
        return tidy(clamp(mean + st.bonus, rating.min, rating.max))  # st.peer_score()

    def rated(self, st: State, rating: m.Rating, stars: float, weight: float) -> float | None:
        st.received.append((stars, weight))
        return st.peer_score()


BEHAVIOUR = Peer()
