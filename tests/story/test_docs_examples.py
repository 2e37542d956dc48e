"""Every YAML example in docs/story-format.md is a complete story that loads and plays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.engine.engine import Engine
from game.story.loader import load_story

DOC = Path(__file__).resolve().parents[2] / "docs" / "story-format.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_doc_has_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("number", range(len(EXAMPLES)))
def test_example_loads_and_plays_to_an_ending(tmp_path: Path, number: int) -> None:
    path = tmp_path / f"example{number}.yaml"
    path.write_text(EXAMPLES[number], encoding="utf-8")
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
