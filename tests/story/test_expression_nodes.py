"""The typed expression tree: frozen node classes, their equality, and the one JSON codec
at the cache boundary (round trips over generated trees, generated sources and every
expression of every bundled story)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from game.authoring.facts import expressions
from game.errors import Location, StoryError
from game.story.catalog import bundled_folder, catalog
from game.story.expressions import Expr, Scope, compile_expr
from game.story.expressions import analysis, closures, nodes
from game.story.expressions.nodes import (
    NODE_TYPES, And, Binary, Call, Compare, Const, Day, IdCall, Neg, Node, Not, Or, Pos,
    Score, Seq, Tier, TierLabel, TierLiteral, TierRank, Var, from_json, transform, walk)

HERE = Location("nodes.yaml", 1, 1)


def locate(offset: int) -> Location:
    return Location("nodes.yaml", 1, 1 + offset)


SCOPE = Scope(
    vars=frozenset({"money", "trust", "name", "brave"}),
    scenes=frozenset({"office", "alarm"}),
    lists=frozenset({"debtors"}),
    people=frozenset({"mei"}),
    services=frozenset({"rail"}),
    rules=frozenset({"late"}),
    tiers=("AAA", "B", "D"),
    has_rating=True,
)

ONE_OF_EACH: list[Node] = [
    Const(5), Const(2.5), Const("late"), Const(True), Var("money"), Score(), Tier(),
    TierLabel(), TierRank(), Day(), TierLiteral("B", 2), IdCall("listed", "debtors"),
    Neg(Var("money")), Pos(Var("money")), Not(IdCall("listed", "debtors")),
    Binary("+", Var("money"), Const(1)),
    And((Var("brave"), Const(True)), ((0, 5), (10, 14))),
    Or((Var("brave"), Const(False)), ((0, 5), (9, 14))),
    Compare((TierRank(), TierLiteral("B", 2)), (">=",)),
    Seq((Const("a"), Const("b"))),
    Call("max", (Var("money"), Const(3))),
]


# -- the classes ---------------------------------------------------------------------


def test_the_examples_cover_every_node_class() -> None:
    assert {type(n) for n in ONE_OF_EACH} == set(NODE_TYPES)


@pytest.mark.parametrize("node", ONE_OF_EACH, ids=lambda n: type(n).__name__)
def test_nodes_are_frozen_and_slotted(node: Node) -> None:
    assert not hasattr(node, "__dict__")
    for field in dataclasses.fields(node):  # type: ignore[arg-type]
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(node, field.name, None)
    # A name that is not a field is refused too (slots; how depends on the Python version).
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError, TypeError)):
        node.anything = 1  # type: ignore[attr-defined]
    assert not hasattr(node, "anything")


def test_every_node_class_has_a_unique_tag_a_builder_and_a_reader() -> None:
    tags = [cls.TAG for cls in NODE_TYPES]
    assert len(set(tags)) == len(tags) and all(tags)
    assert set(closures._BUILDERS) == set(NODE_TYPES)
    for node in ONE_OF_EACH:
        assert from_json(node.to_json()) == node


def test_equality_is_structural_and_nodes_are_hashable() -> None:
    assert Binary("+", Var("money"), Const(1)) == Binary("+", Var("money"), Const(1))
    assert Binary("+", Var("money"), Const(1)) != Binary("-", Var("money"), Const(1))
    assert Score() == Score() and Score() != Day()
    assert len({Var("a"), Var("a"), Var("b")}) == 2
    assert {IdCall("listed", "x"): 1}[IdCall("listed", "x")] == 1


def test_literals_of_different_kinds_differ_though_python_calls_them_equal() -> None:
    # 1 == 1.0 == True in Python; in a story they are three literals.
    literals = [Const(1), Const(1.0), Const(True)]
    assert len(set(literals)) == 3
    assert Const(1) != Const(True) and Const(1) != Const(1.0) and Const(0) != Const(False)
    assert Compare((Var("x"), Const(1)), ("==",)) != Compare((Var("x"), Const(True)), ("==",))
    assert compile_expr("brave == 1", SCOPE, locate) != compile_expr("brave == true", SCOPE,
                                                                      locate).moved(locate(0))


def test_json_keeps_the_kind_of_a_literal() -> None:
    for literal in (Const(1), Const(1.0), Const(True), Const("1")):
        back = from_json(json.loads(json.dumps(literal.to_json())))
        assert back == literal and type(back.value) is type(literal.value)  # type: ignore[attr-defined]


def test_the_json_form_is_the_tagged_lists_the_cache_has_always_stored() -> None:
    expr = compile_expr("money >= 50 and not listed('debtors')", SCOPE, locate)
    assert expr.to_json() == [
        "and",
        [["cmp", [["v", "money"], ["c", 50]], [">="]], ["not", ["fn", "listed", "debtors"]]],
        [[0, 11], [16, 37]],
    ]
    assert compile_expr("tier >= 'B'", SCOPE, locate).tree == Compare(
        (TierRank(), TierLiteral("B", 2)), (">=",))
    assert compile_expr("random(1, 6)", SCOPE, locate).to_json() == [
        "call", "random", ["c", 1], ["c", 6]]


@pytest.mark.parametrize("bad", [["nope"], [], 5, None, ["c"], "c"])
def test_from_json_refuses_what_is_not_a_node(bad: Any) -> None:
    with pytest.raises((ValueError, IndexError)):
        from_json(bad)


def test_walk_visits_parents_before_children_left_to_right() -> None:
    tree = compile_expr("money + 1 > trust and day < 3", SCOPE, locate).tree
    kinds = [type(n).__name__ for n in walk(tree)]
    assert kinds == ["And", "Compare", "Binary", "Var", "Const", "Var", "Compare", "Day", "Const"]


def test_transform_replaces_nodes_and_leaves_the_original_alone() -> None:
    tree = compile_expr("money > trust and listed('debtors')", SCOPE, locate).tree
    swapped = transform(tree, lambda n: Const(7) if isinstance(n, Var) else None)
    assert [n for n in walk(swapped) if isinstance(n, Var)] == []
    assert Expr("", HERE, swapped).evaluate(None) is False or True  # evaluates without vars
    assert sum(isinstance(n, Var) for n in walk(tree)) == 2


def test_analyses_are_visitors_of_the_tree() -> None:
    def tree(source: str) -> Node:
        return compile_expr(source, SCOPE, locate).tree

    assert analysis.var_names(tree("money + trust > 3 or name == 'x'")) == {
        "money", "trust", "name"}
    assert analysis.draws(tree("can('rail')")) and analysis.draws(tree("random(1, 2) > 1"))
    assert not analysis.draws(tree("visits('office') > 1"))
    assert analysis.calls_random(tree("random(1, 2) > 1"))
    assert not analysis.calls_random(tree("can('rail')"))
    assert analysis.safe(tree("visits('office') >= 5 and tier in ('B', 'D')"))
    assert not analysis.safe(tree("money >= 5"))  # money might be text: '>=' would fail
    assert not analysis.safe(tree("money + 1 >= 5"))
    assert not analysis.safe(tree("rating('mei') > 2"))


# -- round trips -------------------------------------------------------------------------

NAMES = st.sampled_from(["money", "trust", "name", "brave"])
LEAVES: st.SearchStrategy[Node] = st.one_of(
    st.integers(-(2**53), 2**53).map(Const),
    st.floats(-1e9, 1e9, allow_nan=False).map(Const),
    st.text(max_size=8).map(Const),
    st.booleans().map(Const),
    NAMES.map(Var),
    st.sampled_from([Score(), Tier(), TierLabel(), TierRank(), Day()]),
    st.sampled_from([("AAA", 3), ("B", 2), ("D", 1)]).map(lambda t: TierLiteral(*t)),
    st.tuples(st.sampled_from(["listed", "visited", "visits", "rating", "can", "recorded"]),
              st.text(min_size=1, max_size=6)).map(lambda t: IdCall(*t)),
)
SPANS = st.tuples(st.integers(0, 99), st.integers(0, 99))


def _grow(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    many = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        children.map(Neg), children.map(Pos), children.map(Not),
        st.tuples(st.sampled_from(nodes.BINARY_OPS), children, children).map(
            lambda t: Binary(*t)),
        many.flatmap(lambda vs: st.lists(SPANS, min_size=len(vs), max_size=len(vs)).map(
            lambda spans: And(vs, tuple(spans)))),
        many.flatmap(lambda vs: st.lists(SPANS, min_size=len(vs), max_size=len(vs)).map(
            lambda spans: Or(vs, tuple(spans)))),
        many.flatmap(lambda vs: st.lists(st.sampled_from(nodes.COMPARE_OPS),
                                         min_size=len(vs) - 1, max_size=len(vs) - 1).map(
            lambda ops: Compare(vs, tuple(ops)))),
        st.lists(children, max_size=3).map(lambda items: Seq(tuple(items))),
        st.tuples(children, children).map(lambda ab: Call("random", ab)),
        many.map(lambda args: Call("max", args)),
        children.map(lambda a: Call("round", (a,))),
    )


TREES = st.recursive(LEAVES, _grow, max_leaves=25)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
# A random draw found this once: a tier rank tested with `in` took the fast path for
# ordering a tier and failed with KeyError('in'); only ordering operators take it now.
@example(Compare((TierRank(), TierLiteral("a", 1)), ("in",)))
@example(Compare((TierLiteral("a", 1), TierRank()), ("in",)))
def test_any_tree_survives_the_json_edge(tree: Node) -> None:
    data = json.loads(json.dumps(tree.to_json()))
    back = from_json(data)
    assert back == tree and hash(back) == hash(tree)
    assert back.to_json() == data
    rebuilt = Expr.from_json(data, "src", HERE)
    assert rebuilt.tree == tree and rebuilt == Expr("src", HERE, tree)
    assert rebuilt.names == analysis.var_names(tree)


SOURCES = st.recursive(
    st.sampled_from(["money", "trust", "name", "brave", "score", "tier_label", "day", "1",
                     "2.5", "'x'", "true", "visits('office')", "listed('debtors')",
                     "rating('mei')", "can('rail')", "recorded('late')", "random(1, 6)"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "==", "!=", "<",
                                          ">=", "and", "or", "in"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda s: f"not {s}"), inner.map(lambda s: f"-{s}"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
        inner.map(lambda s: f"tier >= 'B' and {s}"),
        inner.map(lambda s: f"{s} in ('AAA', 'B')"),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SOURCES)
def test_every_compiled_source_survives_the_json_edge(source: str) -> None:
    try:
        expr = compile_expr(source, SCOPE, locate)
    except StoryError:
        return
    rebuilt = Expr.from_json(json.loads(json.dumps(expr.to_json())), source, expr.location)
    assert rebuilt == expr and rebuilt.tree == expr.tree
    assert (rebuilt.names, rebuilt.draws, rebuilt.safe, rebuilt.constant) == (
        expr.names, expr.draws, expr.safe, expr.constant)


def _bundled_stories() -> list[Any]:
    return [entry.story for entry in catalog([bundled_folder()]) if entry.story]


def test_every_expression_of_every_bundled_story_survives_the_json_edge() -> None:
    stories = _bundled_stories()
    assert len(stories) >= 5
    seen = 0
    for story in stories:
        for expr in expressions(story):
            data = json.loads(json.dumps(expr.to_json()))
            assert from_json(data) == expr.tree, (story.id, expr.source)
            rebuilt = Expr.from_json(data, expr.source, expr.location)
            assert rebuilt == expr and rebuilt.names == expr.names
            assert (rebuilt.draws, rebuilt.safe) == (expr.draws, expr.safe)
            seen += 1
    assert seen > 200


def test_no_walker_outside_the_package_reads_the_json_form() -> None:
    """JSON only at the cache boundary: everything else visits ``expr.tree``."""
    import re
    from pathlib import Path

    import game

    package = Path(game.__file__).parent
    inside = package / "story" / "expressions"
    reading = re.compile(r"tree_of\(|Expr\.from_json\(|(?:node|tree)\[0\]|\"trank\"|== \"cmp\"")
    offenders = []
    for path in package.rglob("*.py"):
        if inside in path.parents or path == package / "story" / "cache.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if reading.search(line):
                offenders.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert offenders == []
