"""A ``#`` after plain text is a YAML comment: ``check`` says where the text stops."""

from __future__ import annotations

from pathlib import Path

from game.errors import StoryError
from game.story.loader import load_story
from game.story.yamlread import CUT_BY_COMMENT

STORY = """\
title: Hash  # a note on the title
summary: The best # story
rating:
  start: 10   # a number: fine
  rules:
    late:
      change: -5
      label: Late # again
    early: {change: 5, label: Early}   # a note after a flow mapping: fine
scenes:
  start:   # a note on a scene id: fine
    text: It is # best
    choices:
      - text: "Quoted # stays"
        id: walk   # a note on an id: fine
        requires: score > 3   # a note on a condition: fine
        do:
          - add: {money: 5}   # fine
          - notify: Paid # ten yuan
        goto: end   # fine
      - text: Stay
        goto: end
  end:
    ending: {title: End, kind: mixed}   # fine
    text: |
      A block keeps # its hash.
vars:
  money: 0   # yuan: fine
"""


def _warnings(tmp_path: Path) -> tuple[object, list[StoryError]]:
    path = tmp_path / "hash.yaml"
    path.write_text(STORY, encoding="utf-8")
    found: list[StoryError] = []
    story = load_story(path, warnings=found)
    return story, [w for w in found if w.message == CUT_BY_COMMENT]


def test_text_cut_by_a_comment_is_warned_at_the_hash(tmp_path: Path) -> None:
    story, cut = _warnings(tmp_path)
    where = [(w.location.line, w.location.column) for w in cut]
    lines = STORY.splitlines()
    expected = []
    for number, needle in ((1, "Hash  #"), (2, "best #"), (8, "Late #"), (12, "is #"),
                           (19, "Paid #")):
        line = lines[number - 1]
        expected.append((number, line.index(needle) + len(needle)))
    assert sorted(where) == expected
    assert story.scenes["start"].text[0].text.source == "It is"  # what YAML read


def test_the_check_command_prints_file_line_col(tmp_path: Path, capsys) -> None:
    from game import cli

    _warnings(tmp_path)
    code = cli.main(["check", str(tmp_path / "hash.yaml")])
    out = capsys.readouterr().out
    assert f"hash.yaml:12:17: warning: {CUT_BY_COMMENT}" in out
    assert code == 0


def test_check_json_names_the_warning(tmp_path: Path, capsys) -> None:
    import json

    from game import cli

    _warnings(tmp_path)
    cli.main(["check", str(tmp_path / "hash.yaml"), "--format", "json"])
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    codes = {d["code"] for d in found if d["message"] == CUT_BY_COMMENT}
    assert codes == {"comment-cut"}
