"""``expect:``: checked by ``test`` (random, personas, exhaustive), by ``check`` at load,
never in play; and the words-per-path report."""

from __future__ import annotations

import contextlib
import json
import shlex
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
import yaml

from game.authoring.lint import lint_story
from game.authoring.playtest import playtest, unmet
from game.authoring.schema import build_schema
from game.cli import main
from game.engine.engine import Engine
from game.errors import StoryErrors
from game.story.loader import load_story

STORY = """\
title: Expecting
vars: {n: 0, zero: 0}
rating:
  start: 10
  min: -100
  rules:
    bad: {change: -5, label: Bad}
  services:
    shop: {label: Shop, requires: "random(1, 2) == 1"}
expect:
  - that: "score >= 0"
    says: The score never goes below zero
  - that: "can('shop') or true"
    says: Asking about the shop changes nothing
scenes:
  a:
    text: One two three.
    expect:
      - that: "n < 2"
        says: n stays small in a
    choices:
      - text: Bad
        tags: [bad]
        do: [{record: bad}, {add: {n: 1}}, {notify: Four five}]
        goto: a
      - text: End
        goto: z
      - text: Shop
        service: shop
        goto: shopped
  shopped:
    text: Six.
    ending: {title: The end, kind: good}
  z:
    text: Six.
    ending: {title: The end, kind: good}
"""


def write(tmp_path: Path, text: str = STORY, name: str = "expecting.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*argv: str) -> tuple[int, str]:
    out = StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def line_of(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


def test_a_failed_expectation_fails_test_with_says_place_step_and_repro(tmp_path):
    path = write(tmp_path)
    code, out = run_cli("test", str(path), "--runs", "300")
    assert code == 1
    line = line_of(STORY, '"score >= 0"')
    assert f"expectation failed: {path}:{line}:5: The score never goes below zero" in out
    assert "at step 3, scene 'a': `score >= 0` is false" in out
    small = line_of(STORY, '"n < 2"')
    assert f"{path}:{small}:9: n stays small in a" in out
    assert "Asking about the shop" not in out
    assert "result: FAIL (2 problems)" in out


def test_the_printed_command_reproduces_the_failure(tmp_path):
    path = write(tmp_path)
    code, out = run_cli("test", str(path), "--runs", "300", "--json")
    problems = [p for p in json.loads(out)["problems"] if p["kind"] == "expect"]
    assert {p["message"] for p in problems} == {"The score never goes below zero",
                                                "n stays small in a"}
    for problem in problems:
        argv = shlex.split(problem["repro"])
        assert argv[:3] == ["python", "-m", "game"]
        code, out = run_cli(*argv[3:])
        assert code == 0
        played = json.loads(out)
        assert played["step"] == problem["step"] and played["scene"] == problem["scene"]
        # The same game, replayed on the engine: the expectation fails in its last state.
        story = load_story(path)
        engine = Engine(story, seed=problem["seed"])
        for number in problem["choices"]:
            engine.choose(number)
        assert engine.state.score == played["score"]
        assert problem["message"] in [x.says for x, _ in unmet(story, engine.state)]


@pytest.mark.parametrize("how", ["random", "persona", "exhaustive"])
def test_every_way_of_playing_checks_expectations(tmp_path, how):
    story = load_story(write(tmp_path))
    if how == "exhaustive":
        report = playtest(story, "s", runs=0, exhaustive=True, max_states=200)
    else:
        from game.authoring.playtest import parse_persona

        personas = [parse_persona("bad=5")] if how == "persona" else None
        report = playtest(story, "s", runs=200, personas=personas)
    found = {p.message: p for p in report.problems.values() if p.kind == "expect"}
    assert set(found) == {"The score never goes below zero", "n stays small in a"}
    assert found["The score never goes below zero"].numbers == (1, 1, 1)
    assert report.failed


def test_checking_changes_nothing_in_the_game(tmp_path):
    """The same runs with and without expectations play the same games (a check that
    asks about a service drawing random numbers puts the generator back)."""
    without = load_story(write(tmp_path, STORY.split("expect:\n")[0] + "scenes:"
                               + STORY.split("\nscenes:", 1)[1], "without.yaml"))
    with_ = load_story(write(tmp_path))
    a = playtest(without, "s", runs=200).tallies[0].to_json()
    b = playtest(with_, "s", runs=200).tallies[0].to_json()
    assert a == b


def test_a_value_that_is_not_a_truth_and_an_error_are_failures(tmp_path):
    text = STORY.replace('"n < 2"', '"n"').replace('"score >= 0"', '"1 // zero == 0"')
    # `n` is a var: only play can tell it is not a truth value.
    report = playtest(load_story(write(tmp_path, text)), "s", runs=50)
    details = {p.message: p.detail for p in report.problems.values()}
    assert "could not be checked" in details["The score never goes below zero"]
    assert "gave 0, not true or false" in details["n stays small in a"]


def test_play_never_evaluates_expectations(tmp_path):
    """Expectations that would fail with an error if evaluated: play, run and plain
    mode go on as if they were not there."""
    text = STORY.replace('"score >= 0"', '"1 // zero == 0"').replace('"n < 2"', '"1 // zero == 0"')
    path = write(tmp_path, text)
    engine = Engine(load_story(path))
    for _ in range(5):
        engine.take("bad")
    engine.take("end")
    assert engine.ended and engine.state.score == -15
    code, out = run_cli("run", str(path), "--choices", "1,1,1,1,2", "--json")
    assert code == 0 and json.loads(out)["ending"] == "z"


def test_check_validates_expectations_at_their_place(tmp_path):
    for bad, message in [("unknown > 1", "unknown name 'unknown'"),
                         ("score >=", "invalid expression"),
                         ("recorded('nope') > 0", "unknown rule 'nope'"),
                         ("score", "not a truth value"),
                         ("n + 1", "not a truth value"),
                         ("random(1, 2) == 1", "random() cannot be used")]:
        path = write(tmp_path, STORY.replace('"n < 2"', json.dumps(bad)))
        with pytest.raises(StoryErrors) as info:
            load_story(path)
        error = info.value.errors[0]
        assert message in error.message, (bad, error.message)
        assert error.location.line == line_of(STORY, '"n < 2"')
    path = write(tmp_path, STORY.replace('        says: n stays small in a\n', ''))
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    assert "needs 'says:'" in info.value.errors[0].message


def test_the_schema_knows_expect(tmp_path):
    schema = build_schema()
    jsonschema.validate(yaml.safe_load(STORY), schema)
    broken = yaml.safe_load(STORY)
    broken["expect"][0]["sayz"] = broken["expect"][0].pop("says")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = yaml.safe_load(STORY)
    del broken["scenes"]["a"]["expect"][0]["that"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_lint_warns_of_an_expectation_that_can_never_hold(tmp_path):
    story = load_story(write(tmp_path, STORY.replace('"score >= 0"', '"score > 10"')))
    found = [d for d in lint_story(story) if d.code == "expect-never-true"]
    assert len(found) == 1 and "score is between -100 and 10" in found[0].message
    assert found[0].line == line_of(STORY, '"score >= 0"')
    assert not [d for d in lint_story(load_story(write(tmp_path))) if d.code == "expect-never-true"]


def test_words_per_path(tmp_path):
    """Each path's words: the scenes' paragraphs as shown, notifications and the title."""
    path = write(tmp_path)
    code, out = run_cli("test", str(path), "--runs", "200", "--words", "--json")
    words = json.loads(out)["personas"][0]["words"]
    # One two three. (3) per visit of a, Four five (2) per Bad, Six. + The end (3).
    assert words["min"] == 3 + 3
    longest = words["longest"]
    bads = len(longest["choices"]) - 1
    assert longest["words"] == words["max"] == 3 * (bads + 1) + 2 * bads + 3
    assert words["minutes"]["150"]["max"] == round(words["max"] / 150, 1)
    assert words["paths"] == 200
    code, text = run_cli("test", str(path), "--runs", "200", "--words")
    assert f"max {words['max']:,}" in text and "at 150 wpm" in text and "at 200 wpm" in text
    assert longest["repro"] in text
    code, out = run_cli("test", str(path), "--runs", "20", "--json")
    assert "words" not in json.loads(out)["personas"][0]


def test_a_failure_at_the_start_prints_a_command_that_runs(tmp_path):
    path = write(tmp_path, STORY.replace('"score >= 0"', '"score > 10"'))
    code, out = run_cli("test", str(path), "--runs", "5", "--json")
    problem = next(p for p in json.loads(out)["problems"] if p["step"] == 0)
    argv = shlex.split(problem["repro"])
    assert "--choices" not in argv
    code, out = run_cli(*argv[3:])
    assert code == 0 and json.loads(out)["step"] == 0


def test_max_words_fails_a_path_that_reads_too_long(tmp_path):
    path = write(tmp_path, STORY.replace('"score >= 0"', '"score >= -100"').replace(
        '"n < 2"', '"n < 99"'))
    code, out = run_cli("test", str(path), "--runs", "200", "--json")
    assert code == 0
    code, out = run_cli("test", str(path), "--runs", "200", "--max-words", "9", "--json")
    data = json.loads(out)
    words = data["personas"][0]["words"]
    assert code == 1 and not data["ok"]
    # A path with no Bad reads 6 words; each Bad adds 5.
    assert words["limit"] == 9 and 0 < words["over"] < 200 and words["min"] == 6
    code, text = run_cli("test", str(path), "--runs", "200", "--max-words", "9")
    assert f"; {words['over']} over 9" in text
    assert f"FAIL ({words['over']} paths over 9 words)" in text
    code, out = run_cli("test", str(path), "--runs", "200", "--max-words", "100000")
    assert code == 0
