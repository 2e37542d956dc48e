"""``set:`` and ``add:``: assign expressions to vars, or add them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.errors import Location
from game.story.effects.base import Build, EffectSpec, Schema, Use, map_of, ref, suggest
from game.story.expressions import Expr

if TYPE_CHECKING:
    from game.story.yamlread import Node


@dataclass(frozen=True, slots=True)
class SetVars:
    """``set:`` assign expressions to vars."""

    values: tuple[tuple[str, Expr], ...]
    location: Location


@dataclass(frozen=True, slots=True)
class AddVars:
    """``add:`` add expressions to vars."""

    values: tuple[tuple[str, Expr], ...]
    location: Location


class AssignSpec(EffectSpec):
    """``set: {var: EXPR}`` and ``add: {var: EXPR}``."""

    keys = ("set", "add")
    types = (SetVars, AddVars)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> SetVars | AddVars:
        r = build.reader
        values = []
        for var, (vk, vv) in (r.mapping(vnode, key) or {}).items():
            if var not in build.vars:
                r.error(f"unknown var '{var}' (declare it under vars:){suggest(var, build.vars)}",
                        vk)
                continue
            expr = build.expr(vv, f"{key} {var}")
            if expr is not None:
                values.append((var, expr))
        return (SetVars if key == "set" else AddVars)(tuple(values), r.at(knode))

    def schema(self, key: str) -> Schema:
        if key == "set":
            return map_of(ref("expression"),
                          "Assign vars: {var: EXPR}. Text is written \"'Li'\".", ref("id"))
        return map_of(ref("expression"), "Add to vars (negative to subtract): {var: EXPR}.")

    def uses(self, effect: SetVars | AddVars) -> Iterator[Use]:
        want = "value" if type(effect) is SetVars else "number"
        for var, expr in effect.values:
            yield Use(expr, want, f"{self.keys[type(effect) is AddVars]} {var}", var)


SPEC = AssignSpec()
