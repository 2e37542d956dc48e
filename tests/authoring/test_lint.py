"""Lint warnings in ``check``: each code, its location, and no false alarms."""

from __future__ import annotations

import json
import textwrap
from io import StringIO
from pathlib import Path

import pytest

from game.authoring.check import run_check
from game.authoring.facts import Facts, between, exact, reachable
from game.authoring.lint import lint_story
from game.story.loader import load_story

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent.parent
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"


def write(tmp_path: Path, text: str, name: str = "story.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def codes(path: Path) -> list[tuple[str, int, str]]:
    """(code, line, message) for every warning."""
    return [(d.code, d.line, d.message) for d in lint_story(load_story(path))]


@pytest.fixture(scope="module")
def warnings() -> list:
    return lint_story(load_story(FIXTURES / "lint_warnings.yaml"))


def find(found: list, code: str, needle: str):
    hits = [d for d in found if d.code == code and needle in d.message]
    assert hits, f"no {code} warning mentioning {needle!r} in {[str(d) for d in found]}"
    return hits[0]


def test_every_warning_is_a_warning_with_a_place(warnings) -> None:
    assert warnings
    for d in warnings:
        assert d.severity == "warning"
        assert d.file.endswith("lint_warnings.yaml")
        assert d.line > 1 and d.column >= 1


def test_unreachable_scenes(warnings) -> None:
    lost = find(warnings, "unreachable-scene", "'lost'")
    assert lost.line == 92 and "no goto or choice" in lost.message
    rich = find(warnings, "unreachable-scene", "'rich'")
    assert "choices that can never be taken" in rich.message


def test_scenes_from_which_no_ending_can_be_reached(warnings) -> None:
    assert find(warnings, "no-ending-reachable", "'loop_a'").line == 79
    assert find(warnings, "no-ending-reachable", "'loop_b'").line == 83
    assert not [d for d in warnings if d.code == "no-ending-reachable" and "'hall'" in d.message]


def test_never_true_conditions_explain_why(warnings) -> None:
    keys = find(warnings, "never-true", "keys < 0")
    assert (keys.line, keys.column) == (57, 13)
    assert "keys is between 0 and 1" in keys.message and "never shown" in keys.message
    fortune = find(warnings, "never-true", "money + 50 > 400")
    assert "money is between 100 and 150" in fortune.message and "always locked" in fortune.message
    door = find(warnings, "never-true", "service 'door'")
    assert "can never be open" in door.message
    assert "day is always 1" in find(warnings, "never-true", "day > 1").message
    assert "nobody is ever put on the list 'watch'" in find(
        warnings, "never-true", "listed('watch')").message


def test_unused_declarations(warnings) -> None:
    assert find(warnings, "unused-rule", "'praised'").line == 19
    assert find(warnings, "unused-source", "'gossip'").line == 16
    assert find(warnings, "unused-list", "'spare'").line == 22
    assert "always false" in find(warnings, "unused-list", "'watch'").message
    assert find(warnings, "unused-service", "'lift'").line == 27
    assert find(warnings, "unused-person", "'ana'").line == 37
    assert find(warnings, "unused-var", "'unused'").line == 34
    used = {"money", "keys", "mood"}
    assert not [d for d in warnings if d.code == "unused-var"
                and any(f"'{v}'" in d.message for v in used)]


def test_default_ids_that_collide(warnings) -> None:
    assert "'continue'" in find(warnings, "id-collision", "Continue").message
    assert "'choice'" in find(warnings, "id-collision", "等待").message


def test_an_explicit_id_silences_the_id_warning(tmp_path) -> None:
    path = write(tmp_path, """\
        title: T
        scenes:
          a:
            choices:
              - {text: 等待, id: wait, goto: b}
              - {text: Continue, id: go_on, goto: b}
          b:
            ending: {title: End, kind: good}
        """)
    assert codes(path) == []


def test_the_contract_example_gets_only_true_warnings() -> None:
    found = {(c, line) for c, line, _ in codes(CONTRACT)}
    assert found == {("unused-rule", 32), ("unused-list", 34), ("unused-var", 42)}


def test_a_hidden_rating_nobody_meets(tmp_path) -> None:
    story = """\
        title: T
        rating:
          name: Score
          start: 10
          show: hidden
          rules:
            r: {change: 1, label: R}
        scenes:
          a:
            text: {text}
            choices:
              - text: Go
                do: [record: r]
                goto: b
          b:
            ending: {title: End, kind: good}
        """
    hidden = write(tmp_path, story.replace("{text}", "Hello."), "hidden.yaml")
    found = codes(hidden)
    assert [c for c, *_ in found] == ["invisible-rating"]
    assert found[0][1] == 5  # the show: line
    seen = write(tmp_path, story.replace("{text}", "'Score {score}.'"), "seen.yaml")
    assert codes(seen) == []


def test_paths_add_up_and_loops_are_unbounded(tmp_path) -> None:
    path = write(tmp_path, """\
        title: T
        vars: {money: 10, luck: 0}
        scenes:
          a:
            do: [add: {money: 5}]
            choices:
              - {text: Save, do: [add: {money: 5}], goto: b}
              - {text: Gamble, do: [add: {luck: 1}], goto: a}
          b:
            choices:
              - {text: Buy, requires: money >= 20, goto: c}
              - {text: Dream, requires: money > 20, goto: c}
              - {text: Lucky, if: luck > 100, goto: c}
          c:
            ending: {title: End, kind: good}
        """)
    found = codes(path)
    # money: 10 + 5 on entering a (a loop: unbounded) ... so nothing is certain
    assert not [c for c in found if c[0] == "never-true"]
    story = load_story(path)
    facts = Facts(story, reachable(story), frozenset())
    assert facts.vars["luck"] == between(0, float("inf"))


def test_adds_outside_loops_are_bounded(tmp_path) -> None:
    path = write(tmp_path, """\
        title: T
        vars: {money: 10}
        scenes:
          a:
            do: [add: {money: 5}]
            choices:
              - {text: Save, do: [add: {money: 5}], goto: b}
              - {text: Spend, do: [add: {money: -3}], goto: b}
          b:
            choices:
              - {text: Buy, requires: money >= 20, goto: c}
              - {text: Dream, requires: money > 20, goto: c}
          c:
            ending: {title: End, kind: good}
        """)
    found = codes(path)
    assert [(c, m.split(":")[0]) for c, _, m in found] == [
        ("never-true", "choice 'dream' in scene 'b'")]
    assert "money is between 7 and 20" in found[0][2]


def test_exact_values_keep_correlations(tmp_path) -> None:
    path = write(tmp_path, """\
        title: T
        vars: {mood: "calm"}
        scenes:
          a:
            choices:
              - {text: Shout, do: [set: {mood: "'angry'"}], goto: b}
              - {text: Whisper, goto: b}
          b:
            choices:
              - {text: Both, if: "mood == 'calm' and mood == 'angry'", goto: c}
              - {text: Either, if: "mood in ('calm', 'angry')", goto: c}
              - {text: Neither, if: "mood == 'sad'", goto: c}
          c:
            ending: {title: End, kind: good}
        """)
    never = sorted(m.split("`")[1] for c, _, m in codes(path) if c == "never-true")
    assert never == ["if: mood == 'calm' and mood == 'angry'", "if: mood == 'sad'"]


def test_score_tiers_lists_and_services(tmp_path) -> None:
    path = write(tmp_path, """\
        title: T
        rating:
          name: Score
          min: 0
          max: 100
          start: 50
          tiers:
            - {id: top, label: Top, min: 90}
            - {id: mid, label: Mid, min: 40}
            - {id: low, label: Low, min: 0}
          rules:
            fine: {change: -5, label: Fine}
          lists:
            bad: {label: Bad}
          services:
            club: {label: Club, requires: "tier == 'top'"}
            bus: {label: Bus, requires: "not listed('bad')"}
        scenes:
          a:
            choices:
              - {text: Sin, do: [record: fine, list: bad], goto: a}
              - {text: Club, service: club, goto: b}
              - {text: Bus, service: bus, goto: b}
              - {text: Low, requires: "tier == 'low'", goto: b}
              - {text: Rich, requires: score > 50, goto: b}
          b:
            ending: {title: End, kind: good}
        """)
    never = [m for c, _, m in codes(path) if c == "never-true"]
    assert len(never) == 2
    assert "'club'" in never[0] and "tier is mid or low" in never[0]
    assert "score > 50" in never[1] and "score is between 0 and 50" in never[1]


def test_values_model() -> None:
    assert exact([1, True]).values() is not None and len(exact([1, True]).values()) == 2
    assert between(0, 5).truths() == {True, False}
    assert between(1, 5).truths() == {True}
    assert exact([0, ""]).truths() == {False}
    assert between(1, float("inf")).describe() == "is 1 or more"


def test_check_json_carries_lint_warnings() -> None:
    out = StringIO()
    code = run_check([FIXTURES / "lint_warnings.yaml"], out, fmt="json")
    data = json.loads(out.getvalue())
    assert code == 0 and data["errors"] == 0 and data["warnings"] == len(data["diagnostics"])
    first = data["diagnostics"][0]
    assert set(first) == {"file", "line", "column", "severity", "code", "message"}
    assert {d["code"] for d in data["diagnostics"]} >= {
        "unreachable-scene", "no-ending-reachable", "never-true", "unused-rule", "unused-list",
        "unused-service", "unused-source", "unused-person", "unused-var", "id-collision"}
    assert run_check([FIXTURES / "lint_warnings.yaml"], StringIO(), strict=True) == 1


def test_bundled_stories_lint_quickly() -> None:
    for path in sorted((ROOT / "stories").glob("*")):
        try:
            story = load_story(path)
        except Exception:  # a story being written elsewhere may not load yet
            continue
        lint_story(story)


def test_a_source_that_only_reports_listings_is_used(tmp_path: Path) -> None:
    """A court that lists people (``list: {source: court}``) reports something."""
    path = write(tmp_path, """\
        title: Court
        rating:
          start: 100
          sources: {court: Court records, idle: Nobody}
          lists: {debtors: {label: Debtors}}
        scenes:
          a:
            do:
              - list: {list: debtors, source: court}
            ending: {title: End, kind: mixed}
        """)
    unused = [m for code, _line, m in codes(path) if code == "unused-source"]
    assert len(unused) == 1 and "'idle'" in unused[0]
