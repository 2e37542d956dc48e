"""The stories in docs/authoring.md (Coming from Twine, Coming from ink) load, pass check and play."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.authoring.check import check_path
from game.engine.engine import Engine
from game.story.loader import load_story

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
TEXT = DOC.read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```yaml\n(.*?)```", TEXT, re.S)


def test_the_sections_exist() -> None:
    for title in ("## Coming from Twine", "## Coming from ink", "## Errors you will meet",
                  "## When text needs quotes"):
        assert title in TEXT
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_example_checks_clean_and_plays_to_an_ending(tmp_path: Path, number: int) -> None:
    path = tmp_path / f"example{number}.yaml"
    path.write_text(EXAMPLES[number], encoding="utf-8")
    _count, found = check_path(path)
    assert [str(d) for d in found] == []
    engine = Engine(load_story(path), seed=1)
    for _ in range(50):
        if engine.ended:
            break
        view = engine.view()
        if view.continues:
            engine.proceed()
        else:
            engine.take(view.open_choices[-1].id)
    assert engine.ended
