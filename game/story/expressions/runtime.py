"""The language's operations on values, outside the hot path: they compute the rare
cases (text, rounding) and raise ``Fail`` with the player-facing reason. The closure
compiler inlines the common case and calls these for the rest."""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable
from typing import Any

from game.story.expressions.language import MAX_NUMBER, MAX_TEXT, format_value


class Fail(Exception):
    """A runtime failure inside a closure; Expr adds location and source."""


SAFETY_NET = (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError)
CAUGHT = (Fail, *SAFETY_NET)
"""What evaluating may raise, to be turned into a StoryRuntimeError."""

NUM = (int, float)


def kind_of(value: object) -> str:
    """A value's kind in the player's words: "a number", "text", "true/false"."""
    kind = type(value)
    if kind is bool:
        return "true/false"
    if kind is int or kind is float:
        return "a number"
    if kind is str:
        return "text"
    return type(value).__name__


def _num(value: Any) -> Any:
    if -MAX_NUMBER <= value <= MAX_NUMBER:
        return value
    raise Fail(f"number out of range (the limit is ±{MAX_NUMBER})")


def whole(value: Any, what: str) -> int:
    """``value`` as an int when it is a whole number; else Fail naming ``what`` needs one."""
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is float and value.is_integer():
        return int(value)
    raise Fail(f"{what} needs a whole number, got {format_value(value)!r} ({kind_of(value)})")


def _add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta in NUM and tb in NUM:
        return _num(a + b)
    if ta is str and tb is str:
        if len(a) + len(b) > MAX_TEXT:
            raise Fail(f"text too long (the limit is {MAX_TEXT} characters)")
        return a + b
    raise Fail(f"'+' needs two numbers or two texts, got {kind_of(a)} and {kind_of(b)}")


def _sub(a: Any, b: Any) -> Any:
    if type(a) in NUM and type(b) in NUM:
        return _num(a - b)
    raise Fail(f"'-' needs two numbers, got {kind_of(a)} and {kind_of(b)}")


def _repeat(text: str, times: Any) -> str:
    count = whole(times, "repeating text")
    if count > 0 and len(text) * count > MAX_TEXT:
        raise Fail(f"text too long (the limit is {MAX_TEXT} characters)")
    return text * count


def _mul(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta in NUM:
        if tb in NUM:
            return _num(a * b)
        if tb is str:
            return _repeat(b, a)
    elif ta is str and tb in NUM:
        return _repeat(a, b)
    raise Fail(f"'*' needs two numbers, or text and a whole number, got {kind_of(a)} and {kind_of(b)}")


def _numbers(symbol: str, a: Any, b: Any) -> None:
    if type(a) not in NUM or type(b) not in NUM:
        raise Fail(f"'{symbol}' needs two numbers, got {kind_of(a)} and {kind_of(b)}")
    if b == 0:
        raise Fail("division by zero")


def _div(a: Any, b: Any) -> Any:
    _numbers("/", a, b)
    return _num(a / b)


def _floordiv(a: Any, b: Any) -> Any:
    _numbers("//", a, b)
    return _num(a // b)


def _mod(a: Any, b: Any) -> Any:
    _numbers("%", a, b)
    return _num(a % b)


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": _add, "-": _sub, "*": _mul, "/": _div, "//": _floordiv, "%": _mod,
}


def _eq(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:  # true is not 1 here
        return ta is tb and a == b
    return bool(a == b)


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _ordered(symbol: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def ordered(a: Any, b: Any) -> bool:
        ta, tb = type(a), type(b)
        if (ta in NUM and tb in NUM) or (ta is str and tb is str):
            return compare(a, b)
        raise Fail(f"'{symbol}' compares two numbers or two texts, got {kind_of(a)} and {kind_of(b)}")

    return ordered


def _in(a: Any, b: Any) -> bool:
    tb = type(b)
    if tb is frozenset:
        return type(a) is str and a in b
    if tb is tuple:
        return any(_eq(a, item) for item in b)
    if tb is str:
        if type(a) is str:
            return a in b
        raise Fail(f"'in' on text needs text on the left, got {kind_of(a)}")
    raise Fail(f"'in' needs text or a list like ('A', 'B') on the right, got {kind_of(b)}")


def _not_in(a: Any, b: Any) -> bool:
    return not _in(a, b)


COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _eq, "!=": _ne,
    "<": _ordered("<", operator.lt), "<=": _ordered("<=", operator.le),
    ">": _ordered(">", operator.gt), ">=": _ordered(">=", operator.ge),
    "in": _in, "not in": _not_in,
}
RANK_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}

_DECIMAL = decimal.Context(prec=60)


def round_value(value: Any, digits: Any = None) -> Any:
    """Round half away from zero, as people do (2.5 -> 3), not banker's rounding."""
    if type(value) not in NUM:
        raise Fail(f"round() needs a number, got {kind_of(value)}")
    if digits is None:
        if type(value) is int:
            return value
        exact = decimal.Decimal(repr(value))
        return int(exact.quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP, _DECIMAL))
    places = whole(digits, "round()'s digit count")
    if not -15 <= places <= 15:
        raise Fail("round() keeps between -15 and 15 digits")
    exact = decimal.Decimal(repr(value))
    step = decimal.Decimal(1).scaleb(-places)
    rounded = exact.quantize(step, decimal.ROUND_HALF_UP, _DECIMAL)
    return _num(int(rounded) if type(value) is int else float(rounded))


def abs_value(value: Any) -> Any:
    """``abs()``."""
    if type(value) in NUM:
        return abs(value)
    raise Fail(f"abs() needs a number, got {kind_of(value)}")


def extreme(name: str, pick: Callable[..., Any]) -> Callable[..., Any]:
    """``min`` or ``max`` over all numbers or all texts."""
    def chosen(*values: Any) -> Any:
        if all(type(v) in NUM for v in values) or all(type(v) is str for v in values):
            return pick(values)
        kinds = ", ".join(sorted({kind_of(v) for v in values}))
        raise Fail(f"{name}() needs all numbers or all texts, got {kinds}")

    return chosen

