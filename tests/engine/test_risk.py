"""The ``risk`` model in play: a score computed from features at the end of every step
(docs/story-format.md, "The risk model"); its cache round trip and its schema."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from game.authoring.schema import build_schema
from game.engine.engine import Engine
from game.errors import StoryRuntimeError
from game.story.cache import load_story_cached
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "risk.yaml"


def logistic(z: float) -> float:
    return 100 / (1 + math.exp(-z))


def story_of(tmp_path: Path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_story(path)


def test_the_score_is_computed_at_the_start_without_a_ledger_entry() -> None:
    engine = Engine(load_story(FIXTURE))
    # z = -3 + 2 (second nationality) + 1 (income under 25000) + 0.8 × 0 = 0
    assert engine.state.score == 50 and engine.state.tier_id == "medium"
    assert engine.ledger == [] and engine.state.history == [50]


def test_a_record_counts_moves_nothing_and_the_step_end_recomputes() -> None:
    engine = Engine(load_story(FIXTURE))
    engine.choose(1)  # record: late_form
    rule, model = engine.ledger
    assert (rule.kind, rule.subject, rule.applied, rule.score) == ("rule", "late_form", 0, 50)
    assert engine.state.recorded("late_form") == 1
    expected = round(logistic(0.8), 1)  # decimals: 1
    assert engine.state.score == expected
    assert model.kind == "model" and model.applied == pytest.approx(expected - 50)
    assert model.moved == (("missing_forms", "Forms late", 0, 1, 0.8, False),)
    assert model.to_json()["features"] == [{"id": "missing_forms", "label": "Forms late",
                                            "old": 0, "new": 1, "contribution": 0.8,
                                            "explained": False}]


def test_a_feature_the_player_is_told_about_explains_its_entry() -> None:
    engine = Engine(load_story(FIXTURE))
    engine.choose(2)  # add income 5000: low income 1 -> 0
    (model,) = engine.ledger
    assert model.moved == (("low_income", "Low income", 1, 0, 0, True),)
    assert model.explained
    assert engine.state.score == round(logistic(-1.0), 1)


def test_a_step_that_changes_nothing_writes_nothing() -> None:
    engine = Engine(load_story(FIXTURE))
    engine.choose(2)
    before = len(engine.ledger)
    engine.choose(3)  # Go home: no feature moves
    assert len(engine.ledger) == before


RECOMPUTE_AFTER_DO = """\
title: T
rating:
  model: risk
  link: linear
  min: 0
  max: 100
  bias: 10
  features:
    debt: {value: "debt", weight: 2, label: Debt}
  tiers:
    - {id: high, label: High, min: 40}
    - {id: low, label: Low, min: 0}
vars: {debt: 0, seen: 0}
scenes:
  a:
    text: "Score {score}"
    choices:
      - text: Borrow
        do:
          - add: {debt: 5}
        goto: b
  b:
    do:
      - set: {seen: "score"}
      - add: {debt: 10}
    text: "Seen {seen}, now {score}"
    choices:
      - text: Stay
        goto: b
"""


def test_the_score_is_recomputed_after_the_next_scenes_do(tmp_path: Path) -> None:
    engine = Engine(story_of(tmp_path, RECOMPUTE_AFTER_DO))
    assert engine.state.score == 10
    engine.choose(1)
    # b's do read the score before the step's recompute, then added more debt
    assert engine.state.vars["seen"] == 10
    assert engine.state.score == 10 + 2 * 15  # linear: z itself
    (model,) = engine.ledger
    assert model.moved == (("debt", "Debt", 0, 15, 30, False),)
    assert model.step == 1


def test_linear_link_clamps_and_tiers_hold_at_exact_boundaries(tmp_path: Path) -> None:
    engine = Engine(story_of(tmp_path, RECOMPUTE_AFTER_DO))
    engine.choose(1)
    assert engine.state.score == 40 and engine.state.tier_id == "high"  # exactly the min
    engine.choose(1)  # debt 25: z = 60
    engine.choose(1)  # debt 35: z = 80
    engine.choose(1)  # debt 45: z = 100
    engine.choose(1)  # debt 55: z = 120, clamped
    assert engine.state.score == 100


def test_just_below_a_boundary_is_the_tier_below(tmp_path: Path) -> None:
    text = RECOMPUTE_AFTER_DO.replace("bias: 10", "bias: 9.99").replace("decimals", "x")
    engine = Engine(story_of(tmp_path, text))
    engine.choose(1)
    assert engine.state.score == pytest.approx(39.99) and engine.state.tier_id == "low"


def test_logistic_tier_boundary_at_z_zero(tmp_path: Path) -> None:
    text = (RECOMPUTE_AFTER_DO.replace("link: linear", "link: logistic")
            .replace("bias: 10", "bias: 0").replace("min: 40", "min: 50"))
    engine = Engine(story_of(tmp_path, text))
    assert engine.state.score == 50 and engine.state.tier_id == "high"


def test_a_feature_that_is_not_a_number_is_a_runtime_error(tmp_path: Path) -> None:
    text = RECOMPUTE_AFTER_DO.replace('value: "debt"', "value: \"'lots'\"")
    with pytest.raises(StoryRuntimeError, match="feature 'debt' should be a number"):
        Engine(story_of(tmp_path, text))


def test_undo_and_replay_give_the_same_score_and_ledger() -> None:
    engine = Engine(load_story(FIXTURE))
    engine.choose(1)
    engine.choose(2)
    score, ledger = engine.state.score, list(engine.ledger)
    engine.undo()
    engine.choose(2)
    assert engine.state.score == score and engine.ledger == ledger
    twin = engine.fork()
    assert twin.state.features == engine.state.features


def test_a_service_reads_the_tier() -> None:
    engine = Engine(load_story(FIXTURE))
    engine.choose(2)  # income up: score 26.9, low risk
    claim = engine.view().choices[0]
    assert claim.locked is None
    other = Engine(load_story(FIXTURE))
    other.choose(1)
    assert other.view().choices[0].locked == "Your claim is under review."


def test_run_json_lists_the_features_that_moved() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "game", "run", str(FIXTURE), "--choices", "1", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    ledger = json.loads(done.stdout)["ledger"]
    assert [e["kind"] for e in ledger] == ["rule", "model"]
    assert ledger[1]["features"][0]["label"] == "Forms late"


def test_rate_in_a_risk_story_exits_2_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace(
        "title: The Letter", "title: The Letter\npeople:\n  mei: {name: Mei}").replace(
        "          - add: {income: 5000}", "          - rated: {by: mei, stars: 2}"),
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "game", "run", str(path), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert f"{path}:" in done.stderr and "rated: has no place in a risk rating" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_cache_keeps_every_risk_field(tmp_path: Path, monkeypatch) -> None:
    from tests.story.test_cache import same

    fresh = load_story(FIXTURE)
    load_story_cached(FIXTURE, tmp_path)

    def no_yaml(_path):
        raise AssertionError("a cache hit was expected")

    monkeypatch.setattr("game.story.cache.load_story", no_yaml)
    cached = load_story_cached(FIXTURE, tmp_path)
    same(fresh, cached)
    assert cached.rating.features and cached.rating.link == "logistic"
    assert Engine(cached).state.score == Engine(fresh).state.score


def test_the_schema_takes_a_risk_rating_and_refuses_a_change_on_its_rules() -> None:
    import yaml

    validator = jsonschema.Draft7Validator(build_schema())
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []
    data["rating"]["rules"]["late_form"]["change"] = 3
    assert list(validator.iter_errors(data))
    points = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    points["rating"]["model"] = "points"
    assert list(validator.iter_errors(points))  # features on points, no start
    del points["rating"]["features"], points["rating"]["bias"], points["rating"]["link"]
    assert list(validator.iter_errors(points))  # a points rating needs start
    points["rating"]["start"] = 0
    points["rating"]["rules"]["late_form"]["change"] = -1
    assert list(validator.iter_errors(points)) == []


# -- the debrief lays the model open ---------------------------------------------


def test_the_debrief_shows_each_feature_and_what_would_have_changed() -> None:
    from game.engine.debrief import build_debrief
    from game.engine.lines import debrief_text

    engine = Engine(load_story(FIXTURE))
    engine.choose(1)
    engine.choose(2)  # two late forms: z = -3 + 2 + 1 + 1.6 = 1.6, high risk
    report = build_debrief(engine).model
    assert report is not None and report.z == 1.6 and report.link == "logistic"
    assert [(f.label, f.weight, f.value, f.contribution, f.shown) for f in report.features] == [
        ("Second nationality", 2, 1, 2, False), ("Low income", 1, 1, 1, True),
        ("Forms late", 0.8, 2, 1.6, False)]
    what = report.what_if
    # Down to medium (below 70): a true/false feature flips, a count moves by whole
    # steps; flipping Second nationality (z 1.6 -> -0.4) is the first change of one.
    assert (what.feature, what.old, what.new, what.up, what.tier, what.kind) == (
        "Second nationality", 1, 0, False, "Medium risk", "truth")
    text = debrief_text(build_debrief(engine))
    assert "How your Risk score was worked out:" in text
    assert "Second nationality: weight 2 × your value 1 = +2  [never shown to you]" in text
    assert "Low income: weight 1 × your value 1 = +1\n" in text
    assert ("What would have changed your result: Second nationality false instead of true "
            "would have moved you down to Medium risk.") in text


def test_what_would_have_changed_looks_up_as_well() -> None:
    from game.engine.debrief import build_debrief

    engine = Engine(load_story(FIXTURE))
    engine.choose(2)  # income up: z = -1, low risk (26.9)
    what = build_debrief(engine).model.what_if
    # Up to medium (40): Second nationality is already true (flipping it goes down); Low
    # income flipping back to true (z -1 -> 0, score 50) is the first change of one.
    assert (what.feature, what.old, what.new, what.up, what.tier) == (
        "Low income", 0, 1, True, "Medium risk")


WHAT_IF = """\
title: T
rating:
  model: risk
  link: {link}
  bias: 0
  features:
    debt: {{value: "debt", weight: 0.5, label: Debt}}
    fines: {{value: "fines", weight: 4, label: Fines}}
  tiers:
    - {{id: high, label: High, min: 70}}
    - {{id: low, label: Low, min: 0}}
vars: {{debt: 1.5, fines: 0}}
scenes:
  a: {{ending: {{title: E, kind: good}}}}
"""


def test_a_number_feature_moves_exactly_to_the_boundary(tmp_path: Path) -> None:
    from game.engine.debrief import build_debrief

    engine = Engine(story_of(tmp_path, WHAT_IF.format(link="logistic")))
    what = build_debrief(engine).model.what_if
    # z = 0.75 (score 67.9, low); high needs z = -ln(100/70 - 1): debt moves the least
    z_edge = -math.log(100 / 70 - 1)
    assert what.feature == "Debt" and what.up and what.tier == "High"
    assert abs(what.new - (1.5 + (z_edge - 0.75) / 0.5)) <= 1e-6  # kept at 6 decimals


def test_a_whole_feature_moves_by_whole_steps_past_the_boundary(tmp_path: Path) -> None:
    from game.engine.debrief import build_debrief

    text = WHAT_IF.format(link="linear").replace("debt: 1.5", "debt: 60").replace(
        "weight: 0.5", "weight: 1").replace("weight: 4", "weight: 5")
    engine = Engine(story_of(tmp_path, text))
    assert engine.state.score == 60
    what = build_debrief(engine).model.what_if
    # linear, high from 70: two fines make z 70 exactly (the boundary belongs to high),
    # a smaller change than ten more debt
    assert (what.feature, what.old, what.new, what.kind, what.up) == ("Fines", 0, 2, "whole",
                                                                      True)
    at_edge = Engine(story_of(tmp_path, text.replace("debt: 60", "debt: 70")))
    assert at_edge.state.tier_id == "high"
    what = build_debrief(at_edge).model.what_if
    # down: below 70 strictly, so debt 69, not 70
    assert (what.feature, what.old, what.new, what.up) == ("Debt", 70, 69, False)


def test_what_would_have_changed_never_offers_a_count_below_zero(tmp_path: Path) -> None:
    from game.engine.debrief import build_debrief

    # linear, high from 70, z = 75: two fines fewer (0 -> -2) would be the smallest
    # change, but nobody can have -2 fines; six debt fewer (75 -> 69) is what is said.
    text = WHAT_IF.format(link="linear").replace("debt: 1.5", "debt: 75").replace(
        "weight: 0.5", "weight: 1").replace("weight: 4", "weight: 5")
    engine = Engine(story_of(tmp_path, text))
    assert engine.state.tier_id == "high"
    what = build_debrief(engine).model.what_if
    assert (what.feature, what.old, what.new, what.up) == ("Debt", 75, 69, False)
    # and when no single feature can cross without going negative, nothing is said
    only_fines = text.replace("debt: 75", "debt: 0").replace("bias: 0", "bias: 75")
    assert build_debrief(Engine(story_of(tmp_path, only_fines))).model.what_if is None


def test_points_and_peer_debriefs_have_no_model_section() -> None:
    from game.engine.debrief import build_debrief

    story = load_story(ROOT / "stories" / "tutorial.yaml")
    assert build_debrief(Engine(story)).model is None


def test_a_record_in_a_risk_model_tells_no_score_change_of_its_own() -> None:
    from game.engine import events as ev
    from game.engine.notices import notices

    engine = Engine(load_story(FIXTURE))
    events = engine.choose(1)
    changes = [e for e in events if isinstance(e, ev.ScoreChanged)]
    assert [c.entry.kind for c in changes] == ["model"]
    assert [n.text for n in notices(engine.story, events)] == ["Risk score +19"]
