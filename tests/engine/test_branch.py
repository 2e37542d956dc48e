"""Conditional effects: ``- if: EXPR`` with ``do:`` and an optional ``else:``."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.authoring.check import check_path
from game.engine.engine import Engine
from game.errors import StoryErrors
from game.story.cache import load_story_cached
from game.story.loader import load_story

STORY = """\
title: Branches
rating:
  start: 100
  rules:
    caught: {change: -20}
  lists:
    court: {label: Court list}
vars: {glitch: 0, note: "''"}
scenes:
  start:
    choices:
      - text: Roll the dice
        do:
          - set: {glitch: "random(1, 2)"}
          - if: glitch == 1
            do:
              - record: caught
              - list: court
              - if: score < 90
                do: [set: {note: "'low'"}]
            else:
              - set: {note: "'lucky'"}
        goto: end
  end:
    ending: {title: "{note}", kind: mixed}
"""


@pytest.fixture()
def path(tmp_path: Path) -> Path:
    target = tmp_path / "branches.yaml"
    target.write_text(STORY, encoding="utf-8")
    return target


def outcome(story, seed: int) -> tuple:
    engine = Engine(story, seed=seed)
    engine.take("roll_the_dice")
    st = engine.state
    return st.vars["glitch"], st.score, tuple(st.lists), st.vars["note"], len(st.ledger)


def test_each_side_of_the_branch(path: Path) -> None:
    story = load_story(path)
    seen = {outcome(story, seed) for seed in range(20)}
    assert (1, 80, ("court",), "low", 2) in seen
    assert (2, 100, (), "lucky", 0) in seen
    assert len(seen) == 2


def test_branch_survives_the_cache(path: Path, tmp_path: Path) -> None:
    story = load_story(path)
    load_story_cached(path, tmp_path / "cache")
    cached = load_story_cached(path, tmp_path / "cache")
    assert [outcome(cached, s) for s in range(10)] == [outcome(story, s) for s in range(10)]


def test_branch_counts_for_lint(path: Path) -> None:
    _count, diagnostics = check_path(path)
    assert [d.code for d in diagnostics] == []  # caught and court are used inside the branch


@pytest.mark.parametrize(("old", "new", "message"), [
    ("          - if: glitch == 1\n", "          - if: glitch === 1\n", "invalid expression"),
    ("            else:\n", "            otherwise:\n", "unknown key 'otherwise'"),
    ("              - record: caught\n", "              - record: cuaght\n", "unknown rule 'cuaght'"),
])
def test_branch_errors_are_located(path: Path, old: str, new: str, message: str) -> None:
    path.write_text(STORY.replace(old, new), encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:")


def test_branch_meets_the_schema() -> None:
    import jsonschema
    import yaml

    from game.authoring.schema import build_schema

    jsonschema.validate(yaml.safe_load(STORY), build_schema())
    bad = yaml.safe_load(STORY.replace("            else:", "            otherwise:"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, build_schema())
