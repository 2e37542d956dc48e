"""Errors a beginner meets, each with the fix named at the line where the mistake starts.

One row per mistake: the broken story, the line and column the error must point
at, and words the message must hold (the fix). The stories are the GOOD one below
with one slip each.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from game.errors import StoryErrors
from game.story.loader import load_story

GOOD = """\
title: T
rating:
  start: 3
  tiers:
    - {id: Exemplary, min: 5}
    - {id: Low, min: 0}
vars:
  mood: calm
  stood_by_dev: false
scenes:
  start:
    text: Hello
    choices:
      - text: Go
        goto: end
      - text: Stay
        goto: start
  end:
    text: "Bye"
    ending:
      title: The end
      kind: good
"""

# (name, (old, new) replacements, line, column, words the message must hold)
CASES = [
    ("missing double quote",
     [("    text: Hello\n", '    text: "Hello\n')],
     12, 11, ['double quote (") opened here is never closed', 'add a "']),
    ("missing single quote",
     [("    text: Hello\n", "    text: 'It''s late\n")],
     12, 11, ["single quote (') opened here is never closed"]),
    ("missing quote at the end of the file",
     [('    text: "Bye"\n', "    text: 'Bye\n")],
     19, 11, ["never closed"]),
    ("dedented scene id",
     [("  end:\n", " end:\n")],
     18, 2, ["indented 1 space", "2 spaces (like 'start:' on line 11)"]),
    ("scene id not indented at all",
     [("  end:\n    text: \"Bye\"\n    ending:\n      title: The end\n      kind: good\n",
       "end:\n    text: \"Bye\"\n    ending:\n      title: The end\n      kind: good\n")],
     18, 1, ["'end:' looks like a scene, but it is not indented"]),
    ("scene keys dedented to scene ids",
     [("    ending:\n      title: The end\n      kind: good\n",
       "  ending:\n    title: The end\n    kind: good\n")],
     20, 3, ["'ending:' is indented like a scene id", "to put it in scene 'end'"]),
    ("unquoted ': ' in text",
     [("    text: Hello\n", "    text: Note: the office is closed\n")],
     12, 11, ["put the whole text in quotes", '"Note: the office is closed"']),
    ("text starting with {score} (our own {EXPR})",
     [("    text: Hello\n", "    text: {score} points\n")],
     12, 11, ["read by YAML as a mapping", 'quotes: "{score} points"']),
    ("text that is only {score}",
     [("    text: Hello\n", "    text: {score}\n")],
     12, 11, ["read by YAML as a mapping", 'quotes: "{score}"']),
    ("text starting with *emphasis*",
     [("    text: Hello\n", "    text: *Hello* there\n")],
     12, 11, ["read by YAML as an alias", 'quotes: "*Hello* there"']),
    ("text starting with @",
     [("      - text: Go\n", "      - text: @home\n")],
     14, 15, ["starting with @ is not allowed by YAML", 'quotes: "@home"']),
    ("text starting with !",
     [("    text: Hello\n", "    text: !important notice\n")],
     12, 11, ["the YAML tag !important is not allowed in a story; if it is text, put the whole "
              "text in quotes"]),
    ("choice text starting with [",
     [("      - text: Go\n", "      - text: [Draft] Go\n")],
     14, 15, ["read by YAML as a list", '"[Draft] Go"']),
    ("set of unquoted text",
     [("        goto: end\n", "        goto: end\n        do:\n          - set: {mood: proud}\n")],
     17, 25, ["unknown name 'proud'", "\"'proud'\"", "quotes inside quotes"]),
    ("comparison with unquoted text",
     [("        goto: end\n", "        goto: end\n        if: mood == proud\n")],
     16, 21, ["unknown name 'proud'", "write 'proud' in quotes"]),
    ("tier id without quotes",
     [("        goto: end\n", "        goto: end\n        if: tier >= Exemplary\n")],
     16, 21, ["tier id", "tier >= 'Exemplary'"]),
    ("Twine's $ on a var",
     [("        goto: end\n", "        goto: end\n        if: $stood_by_dev\n")],
     16, 13, ["'$' marks a variable in Twine", "stood_by_dev"]),
]


@pytest.mark.parametrize(("name", "edits", "line", "column", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_error_names_the_fix_where_the_mistake_starts(
        tmp_path: Path, name: str, edits: list[tuple[str, str]], line: int, column: int,
        words: list[str]) -> None:
    text = GOOD
    for old, new in edits:
        assert old in text, name
        text = text.replace(old, new, 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    first = min(info.value.errors, key=lambda e: 0 if all(w in e.message for w in words) else 1)
    assert all(w in first.message for w in words), [str(e) for e in info.value.errors]
    assert first.location is not None
    assert (first.location.line, first.location.column) == (line, column), str(first)


def test_the_good_story_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_story(path).title == "T"


def test_a_multi_line_quoted_text_is_not_blamed(tmp_path: Path) -> None:
    """A quote legitimately closed lines later is not the mistake; the real one is found."""
    text = GOOD.replace("    text: Hello\n", '    text: "Hello\n      there"\n').replace(
        "      - text: Stay\n", "      - text: Stay: here\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    (error,) = info.value.errors
    assert "put the whole text in quotes" in error.message and error.location.line == 17


def test_a_big_broken_file_still_gets_a_plain_error(tmp_path: Path) -> None:
    """Past the size where guesses are confirmed by parsing again, the parser's words stay."""
    filler = "".join(f"  s{i}:\n    goto: start\n" for i in range(60_000))
    text = GOOD.replace("scenes:\n", "scenes:\n" + filler) + '  bad:\n    text: "open\n'
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    assert "malformed YAML" in str(info.value)


def test_a_scene_may_be_called_like_a_scene_key(tmp_path: Path) -> None:
    """A scene named 'ending' (or 'text') is a scene when it holds a scene's keys."""
    text = GOOD.replace("goto: end\n", "goto: ending\n").replace("  end:\n", "  ending:\n")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert "ending" in load_story(path).scenes


DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


@pytest.mark.parametrize(("name", "edits", "line", "column", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_error_is_shown_in_the_docs_as_check_prints_it(
        tmp_path: Path, name: str, edits: list[tuple[str, str]], line: int, column: int,
        words: list[str]) -> None:
    """docs/authoring.md's "Errors you will meet" quotes the messages word for word."""
    text = GOOD
    for old, new in edits:
        text = text.replace(old, new, 1)
    path = tmp_path / "story.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    (error,) = [e for e in info.value.errors if all(w in e.message for w in words)]
    doc = DOC.read_text(encoding="utf-8")
    section = doc[doc.index("## Errors you will meet"):doc.index("## When text needs quotes")]
    assert f"story.yaml:{line}:{column}: {error.message}" in section
