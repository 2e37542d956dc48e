"""The closure compiler: a tree of nodes -> nested closures over a ``Context``.

No checking here: the tree comes from the parser or from its own JSON. The
closures are specialised for the common shapes (``money >= 50`` is one closure:
a ``ctx.vars`` lookup, a type check and a comparison) and hand anything else to
the slow functions of ``runtime``, which compute strings or raise the right
error: the hot path is one closure call per node.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeAlias

from game.story.expressions.functions import VALUE_FUNCTION_SPECS
from game.story.expressions.language import MAX_NUMBER, Context
from game.story.expressions.nodes import (
    And, Binary, Call, Compare, Const, Day, IdCall, Neg, Node, Not, Or, Pos, Score, Seq,
    Tier, TierLabel, TierLiteral, TierRank, Var)
from game.story.expressions.runtime import (
    BINARY, COMPARATORS, NUM, RANK_OPS, Fail, kind_of, whole)

Fn: TypeAlias = Callable[[Context], Any]
"""A compiled closure: the value of a node in a state."""

ORDERING = frozenset({"<", "<=", ">", ">="})
"""The comparisons that order (the others test equality or membership)."""


def build(node: Node, names: set[str]) -> Fn:
    """Turn a node into a closure; record the var names it reads in ``names``."""
    return _BUILDERS[type(node)](node, names)


def _b_const(node: Const, names: set[str]) -> Fn:
    value = node.value
    return lambda ctx: value


def _b_var(node: Var, names: set[str]) -> Fn:
    name = node.name
    names.add(name)

    def var(ctx: Context) -> Any:
        try:
            return ctx.vars[name]
        except KeyError:
            raise Fail(f"var '{name}' has no value") from None

    return var


def _b_seq(node: Seq, names: set[str]) -> Fn:
    items = node.items
    if all(type(item) is Const and type(item.value) is str for item in items):
        strings = frozenset(item.value for item in items)  # type: ignore[attr-defined]
        return lambda ctx: strings
    fns = tuple(build(item, names) for item in items)
    return lambda ctx: tuple(f(ctx) for f in fns)


def _b_neg(node: Neg, names: set[str]) -> Fn:
    f = build(node.operand, names)

    def neg(ctx: Context) -> Any:
        value = f(ctx)
        if type(value) in NUM:
            return -value
        raise Fail(f"'-' needs a number, got {kind_of(value)}")

    return neg


def _b_pos(node: Pos, names: set[str]) -> Fn:
    f = build(node.operand, names)

    def pos(ctx: Context) -> Any:
        value = f(ctx)
        if type(value) in NUM:
            return value
        raise Fail(f"'+' needs a number, got {kind_of(value)}")

    return pos


def _b_not(node: Not, names: set[str]) -> Fn:
    inner = node.operand
    if type(inner) is IdCall and inner.function == "listed":  # not listed('x'): one call
        ident = inner.ident
        return lambda ctx: not ctx.is_listed(ident)
    f = build(inner, names)
    return lambda ctx: not f(ctx)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul,
    "/": operator.truediv, "//": operator.floordiv, "%": operator.mod,
}


def _b_bin(node: Binary, names: set[str]) -> Fn:
    symbol = node.op
    op, slow = _ARITHMETIC[symbol], BINARY[symbol]
    divides = symbol in ("/", "//", "%")
    num, low, high = NUM, -MAX_NUMBER, MAX_NUMBER
    left = build(node.left, names)
    right_node = node.right
    if type(right_node) is Const and type(right_node.value) in NUM and (
            right_node.value or not divides):
        k = right_node.value
        if type(node.left) is Var:
            name = node.left.name

            def var_arithmetic_k(ctx: Context) -> Any:
                try:
                    a = ctx.vars[name]
                except KeyError:
                    raise Fail(f"var '{name}' has no value") from None
                if type(a) in num:
                    result = op(a, k)
                    if low <= result <= high:
                        return result
                return slow(a, k)

            return var_arithmetic_k

        def arithmetic_k(ctx: Context) -> Any:
            a = left(ctx)
            if type(a) in num:
                result = op(a, k)
                if low <= result <= high:
                    return result
            return slow(a, k)

        return arithmetic_k
    right = build(right_node, names)
    if divides:

        def division(ctx: Context) -> Any:
            a = left(ctx)
            b = right(ctx)
            if type(a) in num and type(b) in num and b:
                result = op(a, b)
                if low <= result <= high:
                    return result
            return slow(a, b)

        return division

    def arithmetic(ctx: Context) -> Any:
        a = left(ctx)
        b = right(ctx)
        if type(a) in num and type(b) in num:
            result = op(a, b)
            if low <= result <= high:
                return result
        return slow(a, b)

    return arithmetic


def _truth(node: Node, names: set[str]) -> Fn:
    """A closure returning a real bool for ``node`` (and/or return booleans)."""
    f = build(node, names)
    kind = type(node)
    if kind in (Compare, Not, And, Or) or (kind is IdCall and node.function == "visited"):  # type: ignore[attr-defined]
        return f
    return lambda ctx: not not f(ctx)


def _b_and(node: And, names: set[str]) -> Fn:
    fns = tuple(_truth(v, names) for v in node.values)
    if len(fns) == 2:
        a, b = fns
        return lambda ctx: a(ctx) and b(ctx)

    def all_of(ctx: Context) -> bool:
        for f in fns:
            if not f(ctx):
                return False
        return True

    return all_of


def _b_or(node: Or, names: set[str]) -> Fn:
    fns = tuple(_truth(v, names) for v in node.values)
    if len(fns) == 2:
        a, b = fns
        return lambda ctx: a(ctx) or b(ctx)

    def any_of(ctx: Context) -> bool:
        for f in fns:
            if f(ctx):
                return True
        return False

    return any_of


def _b_cmp(node: Compare, names: set[str]) -> Fn:
    operands, ops = node.operands, node.ops
    if len(ops) == 1:
        return _compare_two(operands[0], ops[0], operands[1], names)
    fns = tuple(build(o, names) for o in operands)
    steps = tuple(zip((COMPARATORS[o] for o in ops), fns[1:]))
    first = fns[0]

    def chain(ctx: Context) -> bool:
        left = first(ctx)
        for compare, f in steps:
            right = f(ctx)
            if not compare(left, right):
                return False
            left = right
        return True

    return chain


def _compare_two(left_node: Node, symbol: str, right_node: Node, names: set[str]) -> Fn:
    """One comparison, specialised for tier ranks, constants and vars."""
    if symbol in RANK_OPS and type(left_node) is TierRank and type(right_node) is TierLiteral:
        rank_op, rank = RANK_OPS[symbol], right_node.rank
        return lambda ctx: rank_op(ctx.tier_rank, rank)
    if symbol in RANK_OPS and type(left_node) is TierLiteral and type(right_node) is TierRank:
        rank_op, rank = RANK_OPS[symbol], left_node.rank
        return lambda ctx: rank_op(rank, ctx.tier_rank)
    slow = COMPARATORS[symbol]
    left = build(left_node, names)
    constant = type(right_node) is Const
    k = right_node.value if constant else None  # type: ignore[attr-defined]
    num = NUM
    if symbol in ORDERING:
        op = RANK_OPS[symbol]
        if constant and type(k) in NUM:
            if type(left_node) is Var:
                name = left_node.name

                def var_vs_number(ctx: Context) -> bool:
                    try:
                        a = ctx.vars[name]
                    except KeyError:
                        raise Fail(f"var '{name}' has no value") from None
                    if type(a) in num:
                        return op(a, k)  # type: ignore[no-any-return]
                    return slow(a, k)

                return var_vs_number

            def vs_number(ctx: Context) -> bool:
                a = left(ctx)
                if type(a) in num:
                    return op(a, k)  # type: ignore[no-any-return]
                return slow(a, k)

            return vs_number
        right = build(right_node, names)

        def ordered(ctx: Context) -> bool:
            a = left(ctx)
            b = right(ctx)
            ta, tb = type(a), type(b)
            if (ta in num and tb in num) or (ta is str and tb is str):
                return op(a, b)  # type: ignore[no-any-return]
            return slow(a, b)

        return ordered
    if symbol in ("==", "!=") and constant and type(k) is not bool:
        # Only a bool could compare equal across kinds (true == 1): exclude it.
        if symbol == "==":
            return lambda ctx: type(a := left(ctx)) is not bool and a == k
        return lambda ctx: type(a := left(ctx)) is bool or a != k
    right = build(right_node, names)
    return lambda ctx: slow(left(ctx), right(ctx))


def _b_fn(node: IdCall, names: set[str]) -> Fn:
    name, ident = node.function, node.ident
    if name == "listed":
        return lambda ctx: ctx.is_listed(ident)
    if name == "visited":
        return lambda ctx: ctx.visits(ident) > 0
    if name == "visits":
        return lambda ctx: ctx.visits(ident)
    if name == "rating":
        return lambda ctx: ctx.rating_of(ident)
    if name == "can":
        return lambda ctx: ctx.can(ident)
    if name == "recorded":
        return lambda ctx: ctx.recorded(ident)
    raise ValueError(f"unknown id function {name!r} in a compiled expression")


def _b_call(node: Call, names: set[str]) -> Fn:
    name = node.function
    args = tuple(build(a, names) for a in node.args)
    if name == "random":
        low, high = args

        def rand(ctx: Context) -> int:
            a = whole(low(ctx), "random()")
            b = whole(high(ctx), "random()")
            if a > b:
                raise Fail(f"random({a}, {b}) needs the first number to be at most the second")
            return ctx.random(a, b)

        return rand
    spec = VALUE_FUNCTION_SPECS.get(name)
    run = spec.run if spec is not None else None
    if run is None:
        raise ValueError(f"unknown function {name!r} in a compiled expression")
    if len(args) == 1:
        (f,) = args
        return lambda ctx: run(f(ctx))
    if len(args) == 2:
        f, g = args
        return lambda ctx: run(f(ctx), g(ctx))
    return lambda ctx: run(*[f(ctx) for f in args])


def _getter(attribute: str) -> Callable[[Node, set[str]], Fn]:
    get = operator.attrgetter(attribute)
    return lambda node, names: get


def _b_trank(node: TierLiteral, names: set[str]) -> Fn:
    rank = node.rank
    return lambda ctx: rank


_BUILDERS: dict[type[Node], Callable[[Any, set[str]], Fn]] = {
    Const: _b_const, Var: _b_var, Seq: _b_seq,
    Score: _getter("score"), Tier: _getter("tier_id"),
    TierLabel: _getter("tier_label"), TierRank: _getter("tier_rank"),
    Day: _getter("day"), TierLiteral: _b_trank,
    Neg: _b_neg, Pos: _b_pos, Not: _b_not, Binary: _b_bin,
    And: _b_and, Or: _b_or, Compare: _b_cmp, IdCall: _b_fn, Call: _b_call,
}
"""One builder per node class (tests check that every class has one)."""
