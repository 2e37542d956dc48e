"""Analyses of a tree, as node visitors: what it reads, whether it draws random
numbers, whether it is safe to evaluate later or not at all."""

from __future__ import annotations

from game.story.expressions.functions import VALUE_FUNCTION_SPECS
from game.story.expressions.nodes import (
    NUMERIC, And, Call, Compare, Const, IdCall, Node, Not, Or, Seq, Tier, TierLabel, Var, walk)
from game.story.expressions.runtime import NUM

SAFE_LEAVES: tuple[type[Node], ...] = (Const, Var, Tier, TierLabel, *NUMERIC)
"""Leaves that never fail (a var always has a value in the engine's states)."""
SAFE_FUNCTIONS = frozenset({"listed", "visited", "visits", "recorded"})
"""Id functions that neither fail nor draw (``rating`` may fail, ``can`` may draw)."""


def var_names(node: Node) -> frozenset[str]:
    """The story vars a tree reads."""
    return frozenset(n.name for n in walk(node) if type(n) is Var)


def draws(node: Node) -> bool:
    """Whether a tree calls ``random()`` (a function that draws) or ``can()`` anywhere (a
    service's condition may draw)."""
    return calls_random(node) or any(
        isinstance(n, IdCall) and n.function == "can" for n in walk(node))


def calls_random(node: Node) -> bool:
    """Whether a tree itself calls a function that draws (``random()``; not ``can()``)."""
    for n in walk(node):
        if isinstance(n, Call):
            spec = VALUE_FUNCTION_SPECS.get(n.function)
            if spec is None or spec.draws:  # an unknown function: assume the worst
                return True
    return False


def is_number(node: Node) -> bool:
    """Whether a node's value is always a number, whatever the state."""
    kind = type(node)
    return (kind in NUMERIC or (kind is Const and type(node.value) in NUM)  # type: ignore[attr-defined]
            or (kind is IdCall and node.function in ("visits", "recorded")))  # type: ignore[attr-defined]


def safe(node: Node) -> bool:
    """Whether a tree can neither fail nor draw random numbers (see ``Expr.safe``)."""
    kind = type(node)
    if kind in SAFE_LEAVES:
        return True
    if kind is IdCall:
        return node.function in SAFE_FUNCTIONS  # type: ignore[attr-defined]
    if kind in (Not, And, Or, Seq):
        return all(safe(child) for child in node.children())
    if kind is Compare:
        operands, ops = node.operands, node.ops  # type: ignore[attr-defined]
        if not all(safe(o) for o in operands):
            return False
        for index, op in enumerate(ops):
            left, right = operands[index], operands[index + 1]
            if op in ("==", "!="):
                continue  # equality compares anything with anything
            if op in ("in", "not in"):
                if type(right) is not Seq:  # 'in' on text needs text on the left
                    return False
            elif not (is_number(left) and is_number(right)):
                return False
        return True
    return False  # arithmetic (overflow, types, division), calls, can()
