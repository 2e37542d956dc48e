"""``risk``: the score is a function of features of the player's current state.

z = bias + Σ weight × value (``true`` counts 1, ``false`` 0); the ``logistic`` link
maps z onto min..max along an S-curve, the ``linear`` link clamps z itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from game.story import model as m
from game.story.models.base import IDENT, Builder, Keys, ModelSpec, Reach, Schema

if TYPE_CHECKING:  # only annotations: the catalog imports the models, never YAML
    from game.story.yamlread import Reader

LINKS = ("logistic", "linear")
FEATURE_KEYS = ("value", "weight", "label", "explain")


def link_score(link: str, z: float, low: float, high: float) -> float:
    """The score for ``z``: logistic ``low + (high − low) / (1 + e^−z)``, or linear ``z``
    clamped to low..high."""
    if link == "linear":
        return min(max(z, low), high)
    if z >= 0:
        return low + (high - low) / (1 + math.exp(-z))
    e = math.exp(z)  # the same value, without overflow for a very negative z
    return low + (high - low) * e / (1 + e)


def z_for(link: str, score: float, low: float, high: float) -> float | None:
    """The z at which the score is ``score`` (None: the link never reaches it)."""
    if link == "linear":
        return score if low <= score <= high else None
    if not low < score < high:
        return None
    return -math.log((high - low) / (score - low) - 1)


def number(value: object) -> float:
    """A feature's value as a number: true 1, false 0 (anything else is an error)."""
    if value is True:
        return 1
    if value is False:
        return 0
    if isinstance(value, (int, float)):
        return value
    raise TypeError(value)


class RiskSpec(ModelSpec):
    """Predicts: a weighted sum of features through a link function."""

    name = "risk"
    summary = "risk: computed from features of the player's state"
    keys = ("features", "bias", "link")
    needs_start = False
    default_range = (0, 100)
    rule_change = False
    ratings = False
    by_hand = "formula"

    def foreign_key(self, key: str, model: str) -> str:
        return (f"{key} is for a risk rating (a score computed from features); "
                f"a {model} rating does not read it")

    def refuse_change(self, rule: str) -> str:
        return (f"a rule of a risk rating has no change: the score is computed from its "
                f"features (a feature can read recorded('{rule}'))")

    def refuse_ratings(self, kind: str) -> str:
        return (f"{kind}: has no place in a risk rating: its score is computed from "
                "features, not from stars")

    def parse(self, r: Reader, keys: Keys, build: Builder, explain: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "start" in keys:
            r.error("a risk rating has no start: its score is computed from its features "
                    "when the story starts", keys["start"][0])
        if "bias" in keys:
            bias = r.number(keys["bias"][1], "rating bias")
            out["bias"] = bias if bias is not None else 0
        if "link" in keys:
            link = r.text(keys["link"][1], "rating link")
            if link not in LINKS:
                r.error(f"link '{link}' is unknown; use logistic or linear", keys["link"][1])
            else:
                out["link"] = link
        if "features" not in keys:
            r.error("a risk rating needs features: (what its score is computed from)",
                    keys["model"][0])
            return out
        features = []
        found = r.mapping(keys["features"][1], "features")
        for fid, (knode, vnode) in (found or {}).items():
            feature = self._feature(r, fid, knode, vnode, build, explain)
            if feature is not None:
                features.append(feature)
        if found == {}:
            r.error("a risk rating needs at least one feature", keys["features"][0])
        out["features"] = tuple(features)
        return out

    def _feature(self, r: Reader, fid: str, knode, vnode, build: Builder,
                 explain: bool) -> m.Feature | None:
        if not IDENT.fullmatch(fid):
            r.error(f"'{fid}' is not a valid feature id", knode)
        sub = r.mapping(vnode, f"feature '{fid}'", FEATURE_KEYS, required=("value", "weight"))
        if not sub or "value" not in sub or "weight" not in sub:
            return None
        value = build._expr(r, sub["value"][1], f"feature '{fid}' value")
        weight = r.number(sub["weight"][1], "weight")
        label = r.text(sub["label"][1], "label") if "label" in sub else None
        own = r.boolean(sub["explain"][1], "explain") if "explain" in sub else None
        if value is None or weight is None:
            return None
        return m.Feature(fid, label or fid.replace("_", " ").capitalize(), value, weight,
                         explain if own is None else bool(own), r.at(knode))

    def check(self, r: Reader, keys: Keys, rating: m.Rating) -> None:
        if rating.link == "logistic" and (rating.min is None or rating.max is None):
            r.error("a logistic risk score needs both min and max (it runs between them)",
                    (keys.get("min") or keys.get("max") or keys["model"])[0])

    def default_decimals(self, numbers: tuple) -> int:
        return 2

    def expressions(self, rating: m.Rating) -> tuple:
        return tuple(feature.value for feature in rating.features)

    def score_bounds(self, rating: m.Rating, reach: Reach) -> tuple[float, float] | None:
        inf = float("inf")
        low = rating.min if rating.min is not None else -inf
        high = rating.max if rating.max is not None else inf
        z_lo = z_hi = rating.bias
        for feature in rating.features:
            span = reach.value_span(feature.value)
            if span is None:
                return low, high
            a, b = feature.weight * span[0], feature.weight * span[1]
            z_lo += min(a, b)
            z_hi += max(a, b)
        if rating.link == "logistic" and (math.isinf(low) or math.isinf(high)):
            return low, high
        return link_score(rating.link, z_lo, low, high), link_score(rating.link, z_hi, low, high)

    def schema(self) -> dict[str, Schema]:
        feature = {
            "type": "object", "additionalProperties": False, "required": ["value", "weight"],
            "description": "Something the score reads from the player's state.",
            "properties": {
                "value": {"type": ["string", "number", "boolean"],
                          "description": "An expression; true counts 1, false 0."},
                "weight": {"type": "number", "description": "Multiplies the value in z."},
                "label": {"type": "string", "description": "What the ledger calls it."},
                "explain": {"type": "boolean",
                            "description": "Whether the player is told about it."},
            },
        }
        return {
            "features": {"type": "object", "minProperties": 1,
                         "additionalProperties": feature,
                         "description": "Risk model: what the score is computed from."},
            "bias": {"type": "number", "description": "Risk model: the constant term of z."},
            "link": {"enum": list(LINKS),
                     "description": "Risk model: logistic (default) or linear."},
        }


SPEC = RiskSpec()
