"""Lint's static bounds of a risk score: worked out from what its features can be."""

from __future__ import annotations

import math
from pathlib import Path

from game.authoring.facts import Facts, reachable
from game.authoring.lint import lint_story
from game.story.loader import load_story

FIXTURE = Path(__file__).parents[1] / "engine" / "fixtures" / "risk.yaml"


def test_the_bounds_follow_the_features_values() -> None:
    story = load_story(FIXTURE)
    facts = Facts(story, reachable(story), frozenset())
    low, high = facts.score.numbers()
    # lowest: income can leave the low-income band, no late form: z = -3 + 2 = -1
    assert abs(low - 100 / (1 + math.exp(1))) <= 1e-9
    assert high == 100  # late forms can be recorded again and again
    assert [t.id for t in facts.tiers] == ["high", "medium", "low"]
    assert not [d for d in lint_story(story) if "never be open" in d.message]


def test_a_tier_the_features_cannot_reach_is_found(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "          - add: {income: 5000}", "          - set: {income: income}")
    path = tmp_path / "fixed_income.yaml"
    path.write_text(text, encoding="utf-8")
    story = load_story(path)
    facts = Facts(story, reachable(story), frozenset())
    assert facts.score.numbers()[0] == 50  # z = -3 + 2 + 1 at least
    found = [d.message for d in lint_story(story)]
    assert any("needs service 'benefit', which can never be open" in m for m in found), found


def test_check_strict_test_and_graph_take_a_risk_story(capsys) -> None:
    from game.cli import main

    assert main(["check", "--strict", str(FIXTURE)]) == 0
    assert main(["test", str(FIXTURE)]) == 0
    report = capsys.readouterr().out
    assert "tiers: high" in report and "low" in report  # the balance report's tiers
    assert main(["graph", str(FIXTURE)]) == 0
