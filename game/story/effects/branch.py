"""``if:``: effects that apply only when a condition holds (``else:`` otherwise).

A branch is written as a mapping of its own in ``do:`` (``- if: ... do: [...]``),
not as a one-key effect, so the loader reads it by ``BRANCH_KEYS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game.errors import Location
from game.story.effects.base import Build, EffectSpec, Schema, Use, ref
from game.story.expressions import Expr

if TYPE_CHECKING:
    from game.story.yamlread import Node

BRANCH_KEYS = ("if", "do", "else")
"""The keys of a conditional effect."""


@dataclass(frozen=True, slots=True)
class Branch:
    """``if:`` effects that apply only when a condition holds (``else:`` otherwise)."""

    condition: Expr
    then: tuple["Effect", ...]  # noqa: F821 - resolved in game.story.model (the union of kinds)
    otherwise: tuple["Effect", ...]  # noqa: F821
    location: Location


class BranchSpec(EffectSpec):
    """``- if: EXPR`` ``do: [...]`` ``else: [...]``."""

    keys = ("if",)
    types = (Branch,)

    def parse(self, build: Build, key: str, knode: Node, vnode: Node) -> Branch | None:
        """Read the whole mapping ``vnode`` (``knode`` is its ``if`` key)."""
        r = build.reader
        keys = r.mapping(vnode, "a conditional effect (if:)", BRANCH_KEYS,
                         required=("if", "do"))
        if not keys or "if" not in keys or "do" not in keys:
            return None
        condition = build.expr(keys["if"][1], "if")
        then = build.effects(keys["do"][1])
        otherwise = build.effects(keys["else"][1]) if "else" in keys else ()
        if condition is None:
            return None
        return Branch(condition, then, otherwise, r.at(keys["if"][0]))

    def schema(self, key: str) -> Schema:
        return {
            "type": "object",
            "description": "Effects applied only when a condition holds: if, do, and optionally else.",
            "properties": {"if": ref("expression"), "do": ref("effects"), "else": ref("effects")},
            "required": ["if", "do"],
            "additionalProperties": False,
        }

    def uses(self, effect: Branch) -> Iterator[Use]:
        yield Use(effect.condition, "truth", "if")

    def nested(self, effect: Branch) -> tuple[tuple[Any, ...], ...]:
        return (effect.then, effect.otherwise)


SPEC = BranchSpec()
