"""Rating models' declarations (``game.story.models``): the registry, the risk model's
keys and refusals at FILE:LINE:COL, and its link functions."""

from __future__ import annotations

import math
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from game.errors import StoryErrors
from game.story.loader import MODELS, RATING_KEYS, load_story
from game.story.models import MODELS as SPECS
from game.story.models import spec_of
from game.story.models.risk import link_score, z_for

ROOT = Path(__file__).resolve().parents[2]

RISK = """\
title: Risky
rating:
  model: risk
  link: logistic
  bias: -1.5
  features:
    poor: {value: "income < 100", weight: 2, label: Low income}
    late: {value: "recorded('late')", weight: 0.5}
  rules:
    late: {label: Late form}
  tiers:
    - {id: high, label: High, min: 50}
    - {id: low, label: Low, min: 0}
vars: {income: 50}
people:
  mei: {name: Mei, rating: 4}
scenes:
  a:
    text: Hi
    choices:
      - text: Go
        do:
          - record: late
        goto: b
  b:
    ending: {title: End, kind: good}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_at(tmp_path: Path, text: str, fragment: str) -> tuple[int, int]:
    """The (line, column) of the one error holding ``fragment``."""
    path = write(tmp_path, text)
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    found = [str(e) for e in info.value.errors]
    hits = [e for e in found if fragment in e]
    assert hits, found
    match = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): ", hits[0])
    assert match, hits[0]
    return int(match[1]), int(match[2])


def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# -- the registry ------------------------------------------------------------------


def test_the_loader_knows_every_model_from_the_registry() -> None:
    assert MODELS == ("points", "peer", "risk") == tuple(SPECS)
    for spec in SPECS.values():
        assert set(spec.keys) <= set(RATING_KEYS)


def test_no_module_outside_the_models_compares_a_model_name() -> None:
    found = subprocess.run(
        ["grep", "-rnE", r"\"(peer|points|risk)\"|model (==|!=)", "game/"],
        capture_output=True, text=True, cwd=ROOT).stdout.splitlines()
    outside = [line for line in found if not line.startswith(
        ("game/story/models/", "game/engine/models/"))]
    assert outside == []


def test_each_model_says_how_it_treats_rules_and_ratings() -> None:
    points, peer, risk = SPECS["points"], SPECS["peer"], SPECS["risk"]
    assert (points.rule_change, peer.rule_change, risk.rule_change) == (True, True, False)
    assert (points.ratings, peer.ratings, risk.ratings) == (True, True, False)
    assert (points.rated_moves_score, peer.rated_moves_score) == (False, True)
    assert spec_of(None) is points


# -- risk: loading -----------------------------------------------------------------


def test_a_risk_rating_loads_every_key(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, RISK))
    rating = story.rating
    assert rating.model == "risk" and rating.link == "logistic" and rating.bias == -1.5
    assert (rating.min, rating.max) == (0, 100)  # the default range
    assert [f.id for f in rating.features] == ["poor", "late"]
    poor, late = rating.features
    assert (poor.label, poor.weight, poor.value.source) == ("Low income", 2, "income < 100")
    assert late.label == "Late" and late.weight == 0.5
    assert rating.rules["late"].change == 0


def test_a_feature_explains_as_the_rating_unless_it_says(tmp_path: Path) -> None:
    text = swap(RISK, "  link: logistic\n", "  link: logistic\n  explain: true\n")
    text = swap(text, "label: Low income}", "label: Low income, explain: false}")
    poor, late = load_story(write(tmp_path, text)).rating.features
    assert (poor.explain, late.explain) == (False, True)


def test_a_change_on_a_risk_rule_is_refused_at_its_key(tmp_path: Path) -> None:
    text = swap(RISK, "late: {label: Late form}", "late: {label: Late form, change: 5}")
    assert error_at(tmp_path, text, "has no change") == (10, 30)


@pytest.mark.parametrize("effect, column", [
    ("rate: {mei: 3}", 13), ("rated: {by: mei, stars: 3}", 13)])
def test_rate_and_rated_are_refused_in_a_risk_rating(tmp_path: Path, effect: str,
                                                     column: int) -> None:
    text = swap(RISK, "- record: late", f"- {effect}")
    kind = effect.split(":")[0]
    assert error_at(tmp_path, text, f"{kind}: has no place in a risk rating") == (23, column)


def test_a_risk_rating_has_no_start(tmp_path: Path) -> None:
    text = swap(RISK, "  link: logistic\n", "  link: logistic\n  start: 10\n")
    assert error_at(tmp_path, text, "a risk rating has no start") == (5, 3)


def test_an_unknown_link_is_refused(tmp_path: Path) -> None:
    text = swap(RISK, "link: logistic", "link: probit")
    assert error_at(tmp_path, text, "link 'probit' is unknown") == (4, 9)


def test_a_risk_rating_needs_features(tmp_path: Path) -> None:
    text = swap(RISK, """  features:
    poor: {value: "income < 100", weight: 2, label: Low income}
    late: {value: "recorded('late')", weight: 0.5}
""", "")
    assert error_at(tmp_path, text, "needs features") == (3, 3)


def test_a_feature_needs_a_weight(tmp_path: Path) -> None:
    text = swap(RISK, ', weight: 0.5}', '}')
    assert error_at(tmp_path, text, "weight") == (8, 11)


def test_a_feature_reading_an_unknown_name_is_refused_at_its_line(tmp_path: Path) -> None:
    text = swap(RISK, '"income < 100"', '"incme < 100"')
    line, _column = error_at(tmp_path, text, "incme")
    assert line == 7


def test_risk_keys_in_another_model_are_refused(tmp_path: Path) -> None:
    text = """\
    title: T
    rating:
      start: 1
      bias: 2
    scenes:
      a: {ending: {title: E, kind: good}}
    """
    assert error_at(tmp_path, text, "bias is for a risk rating") == (4, 3)


def test_an_unknown_model_names_every_model(tmp_path: Path) -> None:
    text = swap(RISK, "model: risk", "model: rsik")
    path = write(tmp_path, text)
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    message = str(info.value.errors[0])
    assert "use points, peer or risk" in message and "risk" in message.split("?")[0]


# -- risk: the links ---------------------------------------------------------------


@pytest.mark.parametrize("z", [-30.0, -3.0, -0.25, 0.0, 0.8, 2.5, 40.0])
def test_the_logistic_link_to_1e_9(z: float) -> None:
    expected = 10 + (90 - 10) / (1 + math.exp(-z))
    assert abs(link_score("logistic", z, 10, 90) - expected) <= 1e-9
    assert link_score("logistic", -1000.0, 0, 100) == 0  # no overflow


@pytest.mark.parametrize("z, expected", [(-5.0, 0), (0.0, 0), (37.25, 37.25), (100.0, 100),
                                         (140.5, 100)])
def test_the_linear_link_clamps_z_to_1e_9(z: float, expected: float) -> None:
    assert abs(link_score("linear", z, 0, 100) - expected) <= 1e-9


@pytest.mark.parametrize("link, score", [("logistic", 70.0), ("logistic", 12.5),
                                         ("linear", 40.0)])
def test_z_for_inverts_the_link(link: str, score: float) -> None:
    z = z_for(link, score, 0, 100)
    assert z is not None and abs(link_score(link, z, 0, 100) - score) <= 1e-9
    assert z_for("logistic", 100, 0, 100) is None  # never reached
