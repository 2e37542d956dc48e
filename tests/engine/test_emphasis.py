"""Markdown emphasis becomes styled spans, never markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.engine.emphasis import plain, spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", [("", "plain words")]),
        ("a **b** c", [("", "a "), ("bold", "b"), ("", " c")]),
        ("a *b\nc* d", [("", "a "), ("italic", "b\nc"), ("", " d")]),
        ("*a **b** c*", [("italic", "a "), ("bold italic", "b"), ("italic", " c")]),
        ("_it_ but x_y_z", [("italic", "it"), ("", " but x_y_z")]),
        ("2 * 3 * 4", [("", "2 * 3 * 4")]),
        ("[@click=app.quit]x[/]", [("", "[@click=app.quit]x[/]")]),
    ],
)
def test_spans(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_plain_removes_only_emphasis_marks() -> None:
    assert plain("**Civic Score: 1000** is *fine*, 2 * 3") == "Civic Score: 1000 is fine, 2 * 3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("***a***", [("bold italic", "a")]),
        ("__a__", [("italic", "a")]),
        ("a*b*c", [("", "a"), ("italic", "b"), ("", "c")]),
        ("*_a_*", [("italic", "a")]),
        ("**open only", [("", "**open only")]),
        ("close only**", [("", "close only**")]),
        ("_a *b_ c*", [("italic", "a *b"), ("", " c*")]),
    ],
)
def test_runs_nest_and_unmatched_marks_stay(text: str, expected: list) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize("text", [
    "*" * 10_000,                     # issue 12: RecursionError in the old recursive parser
    "**" + "*" * 10_000 + "**",
    "_" * 10_000,
    "*a " * 20_000 + "b*",            # 20,000 openers, one closer
    "**a*" * 20_000,
    "*" * 5_000 + "x" + "*" * 5_000,  # nested 2,500 deep
], ids=["stars", "bold-stars", "underscores", "openers", "bold-openers", "deep"])
def test_long_runs_of_marks_neither_recurse_nor_fail(text: str) -> None:
    pieces = spans(text)
    joined = "".join(piece for _style, piece in pieces)
    assert set(text) - set(joined) <= {"*", "_"}
    assert len(joined) <= len(text)


@given(st.text(alphabet="*_ ab\n", max_size=200))
def test_spans_only_ever_remove_marks(text: str) -> None:
    """The pieces are the text in order, less some * and _; styles are the four known."""
    pieces = spans(text)
    kept = iter(text)
    for style, piece in pieces:
        assert style in ("", "bold", "italic", "bold italic")
        assert piece
        for ch in piece:
            for other in kept:  # advance past removed marks to the kept character
                if other == ch:
                    break
                assert other in "*_"
            else:
                raise AssertionError("a piece holds text not in order")
    assert all(other in "*_" for other in kept)
