"""The kinds of effect, declared once each: the one place an effect's key is read.

Each module here declares one kind (or a pair: ``set``/``add``, ``list``/``unlist``)
as its model class and an ``EffectSpec``: YAML keys, loading and checks, JSON
Schema, the expressions and texts it holds. Its behaviour in play is the
same-named module of ``game.engine.effects``. The loader, the schema command,
the type checker, lint, facts and the compiled cache read this registry; none
of them names an effect. Adding an effect: see docs/contributing.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from game.story.effects import advance, assign, branch, listing, notify, record, stars
from game.story.effects.base import EffectSpec, Use
from game.story.expressions import Expr, Text

SPECS: tuple[EffectSpec, ...] = (
    assign.SPEC, record.SPEC, listing.SPEC, stars.RATE, stars.RATED, notify.SPEC,
    advance.SPEC,
)
"""The one-key effects of ``do:``, in the order the docs list them."""
BRANCH: EffectSpec = branch.SPEC
"""The conditional effect (``- if: ... do: ...``), a mapping of its own keys."""

EFFECTS: dict[str, EffectSpec] = {key: spec for spec in SPECS for key in spec.keys}
"""Every one-key effect by its key under ``do:``."""
KINDS: tuple[type, ...] = tuple(t for spec in (*SPECS, BRANCH) for t in spec.types)
"""Every effect's model class (the members of ``game.story.model.Effect``)."""
_BY_TYPE: dict[type, EffectSpec] = {t: spec for spec in (*SPECS, BRANCH) for t in spec.types}


def spec_for(effect: Any) -> EffectSpec:
    """The declaration of an effect."""
    return _BY_TYPE[type(effect)]


def walk(effects: Iterable[Any]) -> Iterator[Any]:
    """Every effect in a list, nested ones (both sides of a branch) after their holder."""
    for effect in effects:
        yield effect
        for inner in _BY_TYPE[type(effect)].nested(effect):
            yield from walk(inner)


def uses(effects: Iterable[Any]) -> Iterator[Use]:
    """Every expression in a list of effects (nested ones too), with what it must give."""
    for effect in walk(effects):
        yield from _BY_TYPE[type(effect)].uses(effect)


def expressions(effects: Iterable[Any]) -> Iterator[Expr]:
    """Every expression in a list of effects (nested ones too)."""
    return (use.expr for use in uses(effects))


def texts(effects: Iterable[Any]) -> Iterator[Text]:
    """Every text in a list of effects (nested ones too)."""
    for effect in walk(effects):
        yield from _BY_TYPE[type(effect)].texts(effect)


__all__ = ["BRANCH", "EFFECTS", "KINDS", "SPECS", "EffectSpec", "Use", "expressions",
           "spec_for", "texts", "uses", "walk"]
