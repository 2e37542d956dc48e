"""``rate:`` and ``rated:``: the player rates people, a person rates the player."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.errors import Location
from game.story.effects.base import Build, EffectSpec, Schema, Use, closed, map_of, ref, suggest
from game.story.expressions import Expr

if TYPE_CHECKING:
    from game.story.yamlread import Node


@dataclass(frozen=True, slots=True)
class Rate:
    """``rate:`` the player rates people."""

    stars: tuple[tuple[str, Expr], ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Rated:
    """``rated:`` a person rates the player."""

    by: str
    stars: Expr
    location: Location


class RateSpec(EffectSpec):
    """``rate: {person: STARS}``."""

    keys = ("rate",)
    types = (Rate,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Rate | None:
        r = build.reader
        refused = build.refuse_ratings(key)
        if refused:
            r.error(refused, knode)
            return None
        stars = []
        for pid, (pk, pv) in (r.mapping(vnode, key) or {}).items():
            if pid not in build.people:
                r.error(f"unknown person '{pid}'{suggest(pid, build.people)}", pk)
                continue
            expr = build.expr(pv, "stars")
            if expr is not None:
                stars.append((pid, expr))
        return Rate(tuple(stars), r.at(knode))

    def schema(self, key: str) -> Schema:
        return map_of(ref("expression"), "The player rates people: {person: STARS}.")

    def uses(self, effect: Rate) -> Iterator[Use]:
        for _pid, expr in effect.stars:
            yield Use(expr, "number", "stars")


class RatedSpec(EffectSpec):
    """``rated: {by: PERSON, stars: STARS}``."""

    keys = ("rated",)
    types = (Rated,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Rated | None:
        r = build.reader
        refused = build.refuse_ratings(key)
        if refused:
            r.error(refused, knode)
            return None
        sub = r.mapping(vnode, key, ("by", "stars"), required=("by", "stars"))
        if not sub or "by" not in sub or "stars" not in sub:
            return None
        by = r.text(sub["by"][1], "by")
        if by is not None and by not in build.people:
            r.error(f"unknown person '{by}'{suggest(by, build.people)}", sub["by"][1])
            return None
        expr = build.expr(sub["stars"][1], "stars")
        if build.rating is None:
            r.error(f"{key}: needs a rating: in the story", knode)
            return None
        return Rated(by, expr, r.at(knode)) if by and expr else None

    def schema(self, key: str) -> Schema:
        return closed({"by": ref("id"), "stars": ref("expression")},
                      "A person rates the player.", ("by", "stars"))

    def uses(self, effect: Rated) -> Iterator[Use]:
        yield Use(effect.stars, "number", "stars")


RATE = RateSpec()
RATED = RatedSpec()
