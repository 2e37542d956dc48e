"""The value functions are declared once (game/story/expressions/functions.py): the parser's
argument check, the closure compiler and the analyses all read the declaration."""

from __future__ import annotations

import pytest

from game.errors import Location, StoryError
from game.story.expressions import BUILTIN_NAMES, FUNCTIONS, Scope, compile_expr
from game.story.expressions import functions
from game.story.expressions.functions import VALUE_FUNCTION_SPECS, ValueFunction
from game.story.expressions.runtime import Fail


def locate(offset: int) -> Location:
    return Location("functions.yaml", 1, 1 + offset)


SCOPE = Scope(vars=frozenset({"money"}))


class Ctx:
    vars = {"money": 7}

    def random(self, a: int, b: int) -> int:
        return a


def test_every_declared_function_is_a_builtin_name() -> None:
    assert set(VALUE_FUNCTION_SPECS) <= set(FUNCTIONS) <= BUILTIN_NAMES
    assert functions.VALUE_FUNCTIONS == tuple(VALUE_FUNCTION_SPECS)


@pytest.mark.parametrize("spec", VALUE_FUNCTION_SPECS.values(), ids=lambda s: s.name)
def test_a_wrong_number_of_arguments_gets_the_declared_words(spec: ValueFunction) -> None:
    counts = [spec.least - 1, (spec.most or 0) + 1] if spec.most else [spec.least - 1]
    for count in counts:
        source = f"{spec.name}({', '.join(['1'] * count)})"
        with pytest.raises(StoryError) as caught:
            compile_expr(source, SCOPE, locate)
        assert caught.value.message == spec.wrong_count
        assert caught.value.location == locate(0)


@pytest.mark.parametrize("spec", VALUE_FUNCTION_SPECS.values(), ids=lambda s: s.name)
def test_every_declared_function_compiles_and_runs_at_each_count(spec: ValueFunction) -> None:
    for count in range(spec.least, (spec.most or spec.least + 2) + 1):
        expr = compile_expr(f"{spec.name}({', '.join(['money'] * count)})", SCOPE, locate)
        assert expr.draws == spec.draws
        assert isinstance(expr.evaluate(Ctx()), (int, float))  # type: ignore[arg-type]


def test_a_new_declaration_is_all_the_compiler_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worked example of docs/contributing.md: ``clamp(x, low, high)``."""
    def clamp(value: object, low: object, high: object) -> object:
        if not all(type(v) in (int, float) for v in (value, low, high)):
            raise Fail("clamp() needs three numbers")
        return min(max(value, low), high)  # type: ignore[type-var]

    declared = ValueFunction("clamp", 3, 3, "clamp() takes three numbers: clamp(x, low, high)",
                             clamp)
    monkeypatch.setitem(VALUE_FUNCTION_SPECS, "clamp", declared)
    monkeypatch.setattr("game.story.expressions.parser.FUNCTIONS", (*FUNCTIONS, "clamp"))
    assert compile_expr("clamp(money, 0, 5)", SCOPE, locate).evaluate(Ctx()) == 5  # type: ignore[arg-type]
    with pytest.raises(StoryError, match="clamp\\(\\) takes three numbers"):
        compile_expr("clamp(money)", SCOPE, locate)
