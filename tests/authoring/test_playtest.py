"""``test``: random and persona playthroughs, exhaustive exploration, the report."""

from __future__ import annotations

import json
import random
import shlex
import textwrap
from io import StringIO
from pathlib import Path

import pytest

from game.authoring.playtest import (
    RANDOM, KeyPlan, Persona, parse_persona, playtest, run_test, state_key)
from game.cli import main
from game.engine.engine import Engine
from game.errors import ChoiceError
from game.story.loader import load_story

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent.parent
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"
PROBLEMS = FIXTURES / "playtest_problems.yaml"


def report_json(path: Path, *args: str) -> tuple[int, dict]:
    out = StringIO()
    argv = ["test", str(path), "--json", *args]
    import contextlib

    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, json.loads(out.getvalue())


def test_a_clean_story_passes_with_full_coverage() -> None:
    code, data = report_json(CONTRACT, "--runs", "300", "--exhaustive")
    assert code == 0 and data["ok"]
    cov = data["coverage"]
    assert cov["scenes"]["reached"] == cov["scenes"]["total"] == 5
    assert cov["endings"] == {"reached": 2, "total": 2,
                              "counts": cov["endings"]["counts"]}
    assert sum(cov["endings"]["counts"].values()) == 300
    assert data["never_reached"] == {"scenes": [], "endings": [], "choices": []}
    assert data["exploration"]["complete"] and data["exploration"]["states"] > 5
    persona = data["personas"][0]
    assert persona["persona"] == "random" and persona["runs"] == 300
    assert sum(persona["endings"].values()) == 300
    assert sum(persona["tiers"].values()) == 300
    assert persona["lists"] == {}
    assert persona["score"]["min"] <= persona["score"]["median"] <= persona["score"]["max"]


def test_a_fixed_seed_gives_the_same_report() -> None:
    first = report_json(PROBLEMS, "--runs", "200", "--seed", "7")
    again = report_json(PROBLEMS, "--runs", "200", "--seed", "7")
    other = report_json(PROBLEMS, "--runs", "200", "--seed", "8")
    assert first == again
    assert first != other


def test_problems_are_found_and_fail_the_test() -> None:
    code, data = report_json(PROBLEMS, "--runs", "400")
    assert code == 1 and not data["ok"]
    kinds = {p["kind"]: p for p in data["problems"]}
    assert set(kinds) == {"error", "dead-end", "loop"}
    assert "division by zero" in kinds["error"]["message"]
    assert kinds["error"]["location"].endswith("playtest_problems.yaml:42:37")
    assert "'door'" in kinds["dead-end"]["message"]
    assert data["never_reached"]["endings"] == ["secret_end"]
    assert "door:open_it" not in data["never_reached"]["choices"]  # shown, locked
    assert "door:open_it" in data["coverage"]["choices"]["always_locked"]


def _replay(repro: str, capsys) -> tuple[int, str, str]:
    argv = shlex.split(repro)
    assert argv[:4] == ["python", "-m", "game", "run"]
    capsys.readouterr()
    code = main(argv[3:])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_repro_command_reproduces_its_problem(capsys) -> None:
    _code, data = report_json(PROBLEMS, "--runs", "400", "--seed", "3")
    for problem in data["problems"]:
        code, out, err = _replay(problem["repro"], capsys)
        if problem["kind"] == "error":
            assert code == 2 and "division by zero" in err
        elif problem["kind"] == "loop":
            assert code == 2 and "forever" in err
        else:
            result = json.loads(out)
            assert code == 0 and result["scene"] == problem["scene"]
            assert all(c["locked"] for c in result["choices"])


def test_errors_in_text_are_reported_with_the_shortest_repro(capsys) -> None:
    _code, data = report_json(PROBLEMS, "--runs", "0", "--exhaustive", "--max-states", "3000")
    error = next(p for p in data["problems"] if p["kind"] == "error")
    assert error["choices"] == [1, 1, 2] and error["seed"] == 0
    code, _out, err = _replay(error["repro"], capsys)
    assert code == 2 and "6 / coins" in err


def test_exploration_says_when_it_hit_the_cap() -> None:
    _code, data = report_json(PROBLEMS, "--runs", "0", "--exhaustive", "--max-states", "500")
    exploration = data["exploration"]
    assert exploration["states"] == 500 and not exploration["complete"]
    loop = next(p for p in data["problems"] if p["kind"] == "loop")
    assert loop["choices"] == [4]
    out = StringIO()
    run_test(PROBLEMS, "p.yaml", out, runs=0, exhaustive=True, max_states=500)
    assert "stopped at the cap of 500 states" in out.getvalue()


def test_the_text_report(capsys) -> None:
    out = StringIO()
    code = run_test(PROBLEMS, "my story.yaml", out, runs=300, seed=1,
                    personas=["random", "resist=0"])
    text = out.getvalue()
    assert code == 1
    assert text.startswith("Problems (playtest_problems): 300 runs per persona, seed 1\n")
    assert "coverage: scenes 8/9, choices 8/8 (1 only ever shown locked), endings 2/3" in text
    assert "shown but always locked (choices): door:open_it" in text
    assert "never reached (endings): secret_end" in text
    assert "persona random: 300 runs" in text and "persona resist=0: 300 runs" in text
    assert "ended on lists: flagged" in text
    assert "repro: python -m game run 'my story.yaml' --choices " in text
    assert text.rstrip().endswith("result: FAIL (3 problems, 1 ending never reached)")


PERSONAS = """\
title: Personas
scenes:
  start:
    choices:
      - {text: Obey, tags: [comply], goto: obeyed}
      - {text: Refuse, tags: [resist], goto: refused}
      - {text: Report a neighbour, tags: [comply, report], goto: reported}
  obeyed:
    ending: {title: Obeyed, kind: mixed}
  refused:
    ending: {title: Refused, kind: good}
  reported:
    ending: {title: Reported, kind: bad}
"""


def test_personas_prefer_choices_by_tag(tmp_path) -> None:
    path = tmp_path / "personas.yaml"
    path.write_text(PERSONAS, encoding="utf-8")
    story = load_story(path)
    personas = [parse_persona(p) for p in ("random", "comply", "resist", "comply=1,report=0")]
    report = playtest(story, str(path), runs=600, seed=0, personas=personas)
    by_name = {t.persona.name: t.endings for t in report.tallies}
    assert all(100 < n < 300 for n in by_name["random"].values())
    assert by_name["comply"]["refused"] < 60  # 1 in 21 expected
    assert by_name["resist"]["refused"] > 450
    assert by_name["comply=1,report=0"]["reported"] == 0


def test_parse_persona() -> None:
    assert parse_persona("random") is RANDOM
    assert parse_persona("comply") == Persona("comply", (("comply", 10.0),))
    assert parse_persona("comply=3, report=2").weights == (("comply", 3.0), ("report", 2.0))
    assert Persona("x", (("a", 3.0), ("b", 2.0))).weight(("a", "b", "c")) == 6.0
    for bad in ("comply=x", "=3", "comply=-1", "a b"):
        with pytest.raises(ValueError):
            parse_persona(bad)


def test_bad_arguments_are_one_line_errors(capsys) -> None:
    assert main(["test", str(CONTRACT), "--persona", "comply=lots"]) == 2
    assert "not a number" in capsys.readouterr().err
    with pytest.raises(ChoiceError):
        run_test(CONTRACT, "x", StringIO(), runs=-1)


def test_runs_that_never_end_are_counted_not_failed(tmp_path) -> None:
    path = tmp_path / "wander.yaml"
    path.write_text(textwrap.dedent("""\
        title: Wander
        scenes:
          a:
            choices:
              - {text: Left, goto: a}
              - {text: Right, goto: a}
              - {text: Out, if: "false", goto: b}
          b:
            ending: {title: End, kind: good}
        """), encoding="utf-8")
    out = StringIO()
    code = run_test(path, str(path), out, runs=5, max_steps=50)
    assert "unfinished: 5 (step cap)" in out.getvalue()
    assert code == 1  # the ending is never reached


# --- the engine's lean path ------------------------------------------------------------------


RANDOM_TEXT = """\
title: Dice
vars: {n: 0}
scenes:
  a:
    text: "You roll {random(1, 6)}."
    choices:
      - text: "Roll again ({random(1, 100)})"
        if: random(1, 2) == 1
        do: [add: {n: 1}]
        goto: a
      - text: Stop
        requires: random(1, 3) > 1
        locked: "No ({random(1, 9)})"
        goto: b
      - text: Wait
        goto: c
  c:
    text: "Waiting {random(1, 6)}"
    goto: a
  b:
    ending: {title: "Done after {n}", kind: good}
"""


def test_options_draw_the_same_random_numbers_as_the_view(tmp_path) -> None:
    path = tmp_path / "dice.yaml"
    path.write_text(RANDOM_TEXT, encoding="utf-8")
    story = load_story(path)
    for seed in range(20):
        picker = random.Random(seed)
        lean, full = Engine(story, seed), Engine(story, seed)
        for _ in range(40):
            if lean.ended:
                break
            options = lean.options()
            view = full.view()
            assert [(o.id, o.text, o.locked) for o in options] == [
                (c.id, c.text, c.locked) for c in view.choices]
            if view.continues:
                lean.proceed()
                full.proceed()
                continue
            open_ = [c.number for c in view.choices if c.locked is None]
            number = picker.choice(open_)
            lean.take(options[number - 1].id)
            full.choose(number)
        assert lean.state.rng == full.state.rng
        assert lean.result() == full.result()


def test_fork_is_independent_and_shares_the_moment(tmp_path) -> None:
    path = tmp_path / "dice.yaml"
    path.write_text(RANDOM_TEXT, encoding="utf-8")
    story = load_story(path)
    engine = Engine(story, 5)
    engine.options()
    twin = engine.fork()
    plan = KeyPlan.of(story)
    assert state_key(twin.state, plan) == state_key(engine.state, plan)
    twin.take("wait")
    assert engine.state.path == [] and twin.state.path == [("a", "wait")]
    assert engine.state.visit_counts == {"a": 1}
    engine.take("wait")
    assert engine.state.rng == twin.state.rng


def test_a_guarded_requires_explains_itself_without_crashing(tmp_path) -> None:
    # unmet() used to evaluate every conjunct, so the guard's division by zero
    # crashed the view of a choice that is simply locked.
    path = tmp_path / "guard.yaml"
    path.write_text(textwrap.dedent("""\
        title: Guard
        vars: {friends: 0}
        scenes:
          a:
            choices:
              - text: Share
                requires: friends != 0 and 10 / friends > 2
                goto: b
              - {text: Leave, goto: b}
          b:
            ending: {title: End, kind: good}
        """), encoding="utf-8")
    engine = Engine(load_story(path))
    share = engine.view().choices[0]
    assert share.locked and share.gaps == ("needs friends other than 0, you have 0",)
    out = StringIO()
    assert run_test(path, str(path), out, runs=20) == 0  # no error: the ending is reached
    # Always locked when shown: reached (the player meets the lock), listed apart.
    assert "choices 2/2 (1 only ever shown locked)" in out.getvalue()
    assert "shown but always locked (choices): a:share" in out.getvalue()
    assert "never reached (choices)" not in out.getvalue()


LOCKS = """\
title: Locks
vars: {coins: 0}
scenes:
  a:
    choices:
      - text: Buy
        requires: coins > 5
        goto: b
      - text: Dream
        if: coins > 100
        goto: b
      - text: Earn
        requires: coins < 1
        do: [{add: {coins: 10}}]
        goto: a
      - {text: Leave, goto: b}
  b:
    ending: {title: End, kind: good}
"""


@pytest.mark.parametrize("how", [{"runs": 200}, {"runs": 0, "exhaustive": True}])
def test_a_choice_shown_locked_counts_as_reached_and_is_listed_apart(tmp_path, how) -> None:
    path = tmp_path / "locks.yaml"
    path.write_text(LOCKS, encoding="utf-8")
    report = playtest(load_story(path), str(path), seed=1, **how)
    data = report.to_json()
    # Buy opens once the player has earned; Earn locks once they have: both taken.
    # Dream is hidden unless coins > 100: never shown, never reached.
    assert data["never_reached"]["choices"] == ["a:dream"]
    assert data["coverage"]["choices"]["always_locked"] == []
    assert data["coverage"]["choices"]["reached"] == 3


def test_a_choice_never_open_is_listed_as_always_locked(tmp_path) -> None:
    path = tmp_path / "locks.yaml"
    path.write_text(LOCKS.replace("do: [{add: {coins: 10}}]", "do: [{add: {coins: 1}}]")
                    .replace("coins < 1", "coins < 3"), encoding="utf-8")
    for how in ({"runs": 300}, {"runs": 0, "exhaustive": True}):
        data = playtest(load_story(path), str(path), seed=2, **how).to_json()
        assert data["coverage"]["choices"]["always_locked"] == ["a:buy"], how
        assert data["never_reached"]["choices"] == ["a:dream"], how
        assert data["coverage"]["choices"]["reached"] == 3, how


def test_any_number_of_jobs_gives_the_same_report() -> None:
    story = load_story(PROBLEMS)
    serial = playtest(story, "p", runs=2400, seed=5, jobs=1).to_json()
    forked = playtest(story, "p", runs=2400, seed=5, jobs=3).to_json()
    assert serial == forked
    assert sum(serial["personas"][0]["endings"].values()) < 2400  # problems stop runs


def test_test_reads_the_story_through_the_compiled_cache(tmp_path, monkeypatch,
                                                          private_story_cache) -> None:
    # An author runs `test` again and again: only the first run (or one after an
    # edit) parses the YAML; the report is the same either way.
    import game.story.loader as loader

    first = StringIO()
    assert run_test(CONTRACT, "c", first, runs=200, seed=3, as_json=True) == 0
    assert len(list(private_story_cache.glob("*.json"))) == 1

    def no_yaml(path):
        raise AssertionError("parsed the YAML although the cache holds the story")

    monkeypatch.setattr(loader, "load_story", no_yaml)
    again = StringIO()
    assert run_test(CONTRACT, "c", again, runs=200, seed=3, as_json=True) == 0
    assert json.loads(again.getvalue()) == json.loads(first.getvalue())


# --- bounds on what a command line may ask for -------------------------------------------------


@pytest.mark.parametrize("flag, value, says", [
    ("--runs", 10**12, "--runs must be at most 1,000,000"),
    ("--max-states", 10**10, "--max-states must be at most 500,000"),
    ("--max-steps", 10**7, "--max-steps must be at most 100,000"),
])
def test_sizes_past_their_limits_are_one_line_and_exit_2(capsys, flag: str, value: int,
                                                         says: str) -> None:
    assert main(["test", str(CONTRACT), flag, str(value)]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_jobs_beyond_the_cores_use_the_cores(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 10000 opened a pool of ten thousand forked processes."""
    import game.authoring.playtest as pt

    asked: list[int] = []
    real = pt.playtest

    def spy(*args, **kwargs):
        asked.append(kwargs["jobs"])
        return real(*args, **{**kwargs, "jobs": 1})

    monkeypatch.setattr(pt, "playtest", spy)
    monkeypatch.setattr(pt.os, "cpu_count", lambda: 3)
    assert main(["test", str(CONTRACT), "--runs", "20", "--jobs", "10000"]) in (0, 1)
    assert asked == [3]
