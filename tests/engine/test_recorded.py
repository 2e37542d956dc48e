"""``recorded('rule')``: how many times a rule was recorded, in every model, kept by saves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.engine.engine import Engine
from game.engine.saves import parse_save, restore, save_document
from game.errors import StoryErrors
from game.story.loader import load_story

POINTS = """\
title: Counting
rating:
  model: {model}
  start: {start}
  min: 0
  max: {top}
  rules:
    late: {{change: -1, label: Late}}
    kind: {{change: +1, label: Kind}}
scenes:
  home:
    text: "Late {{recorded('late')}} times, kind {{recorded('kind')}} times."
    choices:
      - text: Be late
        id: late
        goto: home
        do:
          - record: late
      - text: Be kind
        id: kind
        goto: home
        do: [{{record: kind}}, {{record: kind}}]
      - text: Go
        id: go
        if: "recorded('late') >= 2"
        goto: out
  out:
    ending: {{title: Out, kind: mixed}}
"""


def write(tmp_path: Path, model: str = "points") -> Path:
    path = tmp_path / "count.yaml"
    start, top = (100, 1000) if model == "points" else (3, 5)
    path.write_text(POINTS.format(model=model, start=start, top=top), encoding="utf-8")
    return path


@pytest.mark.parametrize("model", ["points", "peer"])
def test_recorded_counts_each_record_in_every_model(tmp_path, model):
    eng = Engine(load_story(write(tmp_path, model)))
    assert eng.view().paragraphs == ("Late 0 times, kind 0 times.",)
    assert [c.id for c in eng.view().choices] == ["late", "kind"]
    eng.take("late")
    eng.take("kind")
    assert eng.view().paragraphs == ("Late 1 times, kind 2 times.",)
    eng.take("late")
    assert eng.state.recorded("late") == 2
    assert [c.id for c in eng.view().choices] == ["late", "kind", "go"]


def test_undo_takes_the_count_back(tmp_path):
    eng = Engine(load_story(write(tmp_path)))
    eng.take("late")
    eng.take("late")
    eng.undo()
    assert eng.state.recorded("late") == 1
    assert eng.view().paragraphs == ("Late 1 times, kind 0 times.",)


def test_a_save_keeps_the_counts(tmp_path):
    story = load_story(write(tmp_path))
    eng = Engine(story)
    for cid in ("late", "kind", "late"):
        eng.take(cid)
    text = json.dumps(save_document(eng))
    again, report = restore(story, parse_save(text, "save.json"), "save.json")
    assert report.complete
    assert again.state.records == {"late": 2, "kind": 2}
    assert again.state.recorded("late") == 2


def test_a_fork_counts_apart(tmp_path):
    eng = Engine(load_story(write(tmp_path)))
    eng.take("late")
    twin = eng.fork()
    twin.take("late")
    assert (eng.state.recorded("late"), twin.state.recorded("late")) == (1, 2)


def test_run_json_shows_the_counts(tmp_path):
    eng = Engine(load_story(write(tmp_path)))
    eng.take("kind")
    assert eng.result()["recorded"] == {"kind": 2}


def test_an_unknown_rule_is_a_load_error_at_its_place(tmp_path):
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8").replace("recorded('late') >= 2", "recorded('lte') >= 2")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    error = info.value.errors[0]
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "recorded('lte')" in row)
    column = text.splitlines()[line - 1].index("'lte'") + 1
    assert (error.location.line, error.location.column) == (line, column)
    assert "unknown rule 'lte'" in error.message and "late" in error.message


def test_recorded_is_not_a_var_name(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("title: V\nvars: {recorded: 1}\nscenes:\n  a: {ending: {title: E, kind: good}}\n",
                    encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    assert "built-in name" in info.value.errors[0].message


def test_exhaustive_exploration_tells_counts_apart(tmp_path):
    """Two states that differ only in a count some expression reads are two states."""
    from game.authoring.playtest import Report, explore

    story = load_story(write(tmp_path))
    report = Report(story, "count.yaml", 0)
    summary = explore(story, report, 0, max_states=1000)
    assert "out" in summary["endings"]
    assert not report.never_reached()["endings"]
