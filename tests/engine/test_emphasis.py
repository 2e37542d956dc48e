"""Markdown emphasis becomes styled spans, never markup."""

from __future__ import annotations

import pytest

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
