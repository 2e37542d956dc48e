"""``advance:``: time passes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.errors import Location
from game.story.effects.base import Build, EffectSpec, Schema, Use, closed, ref
from game.story.expressions import Expr

if TYPE_CHECKING:
    from game.story.yamlread import Node


@dataclass(frozen=True, slots=True)
class Advance:
    """``advance:`` time passes."""

    days: Expr
    location: Location


class AdvanceSpec(EffectSpec):
    """``advance: {days: EXPR}``."""

    keys = ("advance",)
    types = (Advance,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Advance | None:
        sub = build.reader.mapping(vnode, key, ("days",), required=("days",))
        if not sub or "days" not in sub:
            return None
        days = build.expr(sub["days"][1], "days")
        return Advance(days, build.reader.at(knode)) if days else None

    def schema(self, key: str) -> Schema:
        return closed({"days": ref("expression")}, "Time passes.", ("days",))

    def uses(self, effect: Advance) -> Iterator[Use]:
        yield Use(effect.days, "number", "days")


SPEC = AdvanceSpec()
