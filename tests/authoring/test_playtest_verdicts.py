"""``test`` fails when it should: a story that never ends, a persona that names no tag."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest

from game.authoring.check import check_path
from game.authoring.playtest import run_test
from game.cli import main
from game.errors import ChoiceError

NO_WAY_OUT = """\
title: Loop
scenes:
  hall:
    text: A hall.
    choices:
      - text: Left
        goto: left
        tags: [comply]
      - text: Right
        goto: right
  left:
    text: Left room.
    choices:
      - text: Back
        goto: hall
  right:
    text: Right room.
    goto: hall
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_story_without_endings_fails_with_the_loop_it_found(tmp_path: Path) -> None:
    path = write(tmp_path, NO_WAY_OUT)
    out = StringIO()
    code = run_test(path, "s.yaml", out, runs=20, max_steps=200, jobs=1)
    text = out.getvalue()
    assert code == 1, text
    assert "result: FAIL (1 problem)" in text
    assert "never-ends" in text and "all 20 runs of persona random stopped at the step cap" in text
    assert "hall -> " in text


def test_no_run_ending_fails_even_when_the_story_has_an_unreachable_ending(tmp_path: Path) -> None:
    path = write(tmp_path, NO_WAY_OUT + "  out:\n    ending: {title: Out, kind: good}\n")
    out = StringIO()
    assert run_test(path, "s.yaml", out, runs=5, max_steps=100, as_json=True, jobs=1) == 1
    data = json.loads(out.getvalue())
    (problem,) = [p for p in data["problems"] if p["kind"] == "never-ends"]
    assert problem["location"].endswith("s.yaml:3:5") or "hall" in problem["message"]
    # the repro goes round the loop once: it is short, not the whole capped run
    assert len(problem["choices"]) <= 3


def test_the_repro_of_a_never_ending_story_replays(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, NO_WAY_OUT)
    out = StringIO()
    run_test(path, str(path), out, runs=3, max_steps=50, as_json=True, jobs=1)
    problem = json.loads(out.getvalue())["problems"][0]
    capsys.readouterr()
    assert main(["run", str(path), "--choices", ",".join(map(str, problem["choices"])),
                 "--seed", str(problem["seed"])]) == 0


def test_a_story_where_runs_end_still_passes(tmp_path: Path) -> None:
    text = NO_WAY_OUT.replace("      - text: Back\n        goto: hall\n",
                              "      - text: Back\n        goto: hall\n"
                              "      - text: Leave\n        goto: out\n")
    path = write(tmp_path, text + "  out:\n    ending: {title: Out, kind: good}\n")
    out = StringIO()
    assert run_test(path, "s.yaml", out, runs=50, jobs=1) == 0, out.getvalue()


def test_an_unknown_persona_tag_is_an_error_listing_the_story_tags(tmp_path: Path) -> None:
    path = write(tmp_path, NO_WAY_OUT)
    with pytest.raises(ChoiceError) as info:
        run_test(path, "s.yaml", StringIO(), runs=5, personas=["kindness"], jobs=1)
    assert "'kindness'" in str(info.value) and "its tags are: comply" in str(info.value)
    with pytest.raises(ChoiceError, match="did you mean 'comply'"):
        run_test(path, "s.yaml", StringIO(), runs=5, personas=["complyy=2"], jobs=1)


def test_a_persona_on_a_story_without_tags_is_an_error(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, NO_WAY_OUT.replace("        tags: [comply]\n", ""))
    assert main(["test", str(path), "--persona", "comply"]) == 2
    assert "no choice in this story has tags" in capsys.readouterr().err


def test_rated_in_a_points_rating_is_a_lint_warning(tmp_path: Path) -> None:
    story = """\
title: R
rating:
  start: 3
people:
  ana: {name: Ana}
scenes:
  a:
    text: Hi
    choices:
      - text: Go
        goto: b
        do:
          - rated: {by: ana, stars: 4}
  b:
    ending: {title: E, kind: good}
"""
    _count, found = check_path(write(tmp_path, story))
    rated = [d for d in found if d.code == "rated-in-points"]
    assert [(d.line, d.column) for d in rated] == [(13, 13)]
    peer = story.replace("  start: 3\n", "  model: peer\n  start: 3\n")
    _count, found = check_path(write(tmp_path, peer))
    assert not [d for d in found if d.code == "rated-in-points"]
