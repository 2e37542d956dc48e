"""``check`` knows each var's type from ``vars:`` and rejects type mistakes before play."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.authoring.check import check_path, run_check
from game.authoring.types import check_types
from game.story.loader import load_story

STORY = """\
title: Types
rating:
  start: 3
  tiers:
    - {id: A, min: 5}
    - {id: B, min: 0}
vars:
  flag: false
  name: "Ana"
  money: 3
scenes:
  a:
    text: "Hi {name}, you have {money}. {flag}"
    do:
      - add: {money: 1}
      - set: {name: "'Li'", flag: true}
    choices:
      - text: Go
        if: money > 2 and not flag and name != 'Bo' and tier >= 'B'
        goto: b
  b:
    ending: {title: E, kind: good}
"""

# (what is changed, line, column, severity, words of the message)
CASES = [
    ("      - add: {money: 1}\n", "      - add: {flag: 1}\n",
     15, 21, "error", "add: works on number vars, and 'flag' is true/false"),
    ("      - add: {money: 1}\n", "      - add: {name: 1}\n",
     15, 21, "error", "add: works on number vars, and 'name' is text"),
    ("      - add: {money: 1}\n", "      - add: {money: \"'1'\"}\n",
     15, 23, "error", "add: to 'money' needs a number, not text"),
    ('"Hi {name}, you have {money}. {flag}"', '"Hi {name + money}"',
     13, 16, "error", "'+' adds two numbers or joins two texts, not text and a number"),
    ("if: money > 2 and", "if: name == 3 and",
     19, 13, "error", "comparing text with a number with '==' is always false"),
    ("if: money > 2 and", "if: name > money and",
     19, 13, "error", "'>' compares two numbers or two texts, not text with a number"),
    ("if: money > 2 and", "if: flag < 2 and",
     19, 13, "error", "true/false"),
    ("set: {name: \"'Li'\", flag: true}", "set: {name: \"'Li'\", flag: 1}",
     16, 35, "error", "set: 'flag' is true/false (its value under vars:), but `1` is a number"),
    ("set: {name: \"'Li'\", flag: true}", "set: {name: 5, flag: true}",
     16, 21, "error", "set: 'name' is text (its value under vars:), but `5` is a number; "
                      "text is written in quotes inside quotes"),
    ("if: money > 2 and not flag and name != 'Bo' and tier >= 'B'", "if: money",
     19, 13, "warning", "if: `money` is a number, not true/false"),
    ("if: money > 2 and not flag and name != 'Bo' and tier >= 'B'", "if: name",
     19, 13, "warning", "if: `name` is text, not true/false"),
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_typed_story_has_no_type_findings(tmp_path: Path) -> None:
    assert check_types(load_story(write(tmp_path, STORY))) == []


@pytest.mark.parametrize(("old", "new", "line", "column", "severity", "words"), CASES,
                         ids=[c[5][:40] for c in CASES])
def test_type_mistakes_are_found_before_play(tmp_path: Path, old: str, new: str, line: int,
                                             column: int, severity: str, words: str) -> None:
    assert old in STORY
    path = write(tmp_path, STORY.replace(old, new, 1))
    found = [d for d in check_types(load_story(path)) if words in d.message]
    assert len(found) == 1, [str(d) for d in check_types(load_story(path))]
    (finding,) = found
    assert (finding.line, finding.column, finding.severity) == (line, column, severity), \
        str(finding)


def test_check_exits_2_on_a_type_error(tmp_path: Path) -> None:
    import io

    path = write(tmp_path, STORY.replace("add: {money: 1}", "add: {flag: 1}"))
    out = io.StringIO()
    assert run_check([path], out) == 2
    assert "s.yaml:15:21: add: works on number vars" in out.getvalue()
    _count, found = check_path(path)
    assert [d.code for d in found if d.severity == "error"] == ["type-error"]


def test_types_inside_branches_services_and_stars(tmp_path: Path) -> None:
    story = STORY.replace("      - add: {money: 1}\n", (
        "      - add: {money: 1}\n"
        "      - if: money\n"
        "        do:\n"
        "          - set: {money: \"'x'\"}\n"))
    found = check_types(load_story(write(tmp_path, story)))
    assert [(d.line, d.severity) for d in found] == [(16, "warning"), (18, "error")]


def test_every_counting_function_is_a_number(tmp_path):
    """visits(), rating() and recorded() give numbers: comparing them with numbers is fine."""
    story = tmp_path / "counts.yaml"
    story.write_text(
        "title: Counts\nstart: a\n"
        "rating: {name: Merit, start: 10, rules: {late: {change: -1, label: Late}}}\n"
        "scenes:\n"
        "  a:\n"
        "    text: Hello.\n"
        "    choices:\n"
        "      - {text: One, goto: b, if: \"recorded('late') == 0 and visits('a') > 0\"}\n"
        "  b: {text: Bye., ending: {title: Done, kind: good}}\n")
    from game.authoring.check import check_path
    assert [str(f) for f in check_path(story)[1] if f.severity == "error"] == []
