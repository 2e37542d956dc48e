"""``peer`` (stars): the score is the weighted mean of the ratings received."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.story import model as m
from game.story.models.base import Builder, Keys, ModelSpec, Reach, Schema, bounds

if TYPE_CHECKING:  # only annotations: the catalog imports the models, never YAML
    from game.story.yamlread import Reader


class PeerSpec(ModelSpec):
    """Averages: the last ``memory`` ratings, weighted, plus the rules' changes."""

    name = "peer"
    summary = "peer: stars, the mean of the ratings received"
    keys = ("start_ratings",)
    default_range = (1, 5)
    rated_moves_score = True
    stars_on_scale = True
    by_hand = "averages"

    def foreign_key(self, key: str, model: str) -> str:
        return (f"{key} is for a peer rating (how many ratings the start stands for); "
                f"a {model} score has no ratings")

    def parse(self, r: Reader, keys: Keys, build: Builder, explain: bool) -> dict[str, Any]:
        if "start_ratings" not in keys:
            return {}
        count = r.number(keys["start_ratings"][1], "rating start_ratings")
        if count is not None and (count != int(count) or count < 1):
            r.error("start_ratings should be a whole number of ratings, 1 or more",
                    keys["start_ratings"][1])
            count = 1
        return {"start_ratings": int(count or 1)}

    def default_decimals(self, numbers: tuple) -> int:
        return 2

    def person_decimals(self, rating: m.Rating) -> int:
        return rating.decimals

    def rater_weighted(self, rating: m.Rating) -> bool:
        return rating.weight == "rater"

    def score_bounds(self, rating: m.Rating, reach: Reach) -> tuple[float, float] | None:
        if not (reach.rated or reach.recorded):
            return None
        low_bound, high_bound = bounds(rating)
        return min(rating.start, low_bound), max(rating.start, high_bound)

    def schema(self) -> dict[str, Schema]:
        return {"start_ratings": {"type": "integer", "minimum": 1,
                                  "description": "Peer model: how many ratings the start "
                                                 "stands for (default 1)."}}


SPEC = PeerSpec()
