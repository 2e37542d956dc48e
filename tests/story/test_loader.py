"""The loader: valid stories load into the model; every bad input is one located error."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.errors import StoryErrors
from game.story.loader import load_story, slug
from game.story.model import Story

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"

GOOD = """\
title: T
rating:
  start: 10
  min: 0
  max: 20
  tiers:
    - {id: high, label: High, min: 15}
    - {id: low, label: Low, min: 0}
  sources: {cam: Camera}
  rules:
    walk: {change: -1, source: cam}
  lists:
    bad: {label: Bad list}
  services:
    bus: {label: Bus, requires: "tier >= 'low'", refusal: No.}
vars: {money: 3}
people:
  mei: {name: Mei, rating: 4}
scenes:
  a:
    text: Hello {score}
    choices:
      - text: Go
        goto: b
  b:
    ending: {title: End, kind: good}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(StoryErrors) as info:
        load_story(path)
    return [str(e) for e in info.value.errors]


def one_error(path: Path, fragment: str, line: int | None = None) -> str:
    found = errors_of(path)
    assert any(fragment in e for e in found), found
    hit = next(e for e in found if fragment in e)
    assert hit.startswith(f"{path}:"), hit
    if line is not None:
        assert hit.split(":")[1] == str(line), hit
    return hit


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_contract_example_loads_into_the_model() -> None:
    story = load_story(CONTRACT)
    assert isinstance(story, Story)
    assert story.id == "contract_example"
    assert story.start == "alarm"
    assert [t.id for t in story.rating.tiers] == ["AAA", "A", "B", "C", "D"]
    office = story.scenes["office"]
    assert [c.id for c in office.choices] == [
        "buy_a_train_ticket_home_for_the_weekend",
        "spend_the_weekend_at_the_community_centre",
        "ask_how_the_score_is_calculated",
    ]
    assert office.choices[1].reflect.startswith("Did you volunteer")
    assert story.rating.rules["volunteering"].explain is True
    assert story.rating.rules["jaywalking"].explain is False
    assert story.vars["money"] == 300


def test_model_is_immutable() -> None:
    story = load_story(CONTRACT)
    with pytest.raises(Exception):
        story.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        story.scenes["new"] = story.scenes["alarm"]  # type: ignore[index]


def test_good_story_loads(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, GOOD))
    assert story.people["mei"].rating == 4
    assert story.rating.services["bus"].label == "Bus"


@pytest.mark.parametrize(
    ("old", "new", "fragment", "line"),
    [
        ("  a:\n    text: Hello", "  a:\n    txt: Hello", "unknown key 'txt' in scene 'a'; did you mean 'text'?", 21),
        ("  b:\n    ending", "  a:\n    ending", "duplicate key 'a' in scenes (first at line 20)", 25),
        ("        goto: b", "        goto: nowhere", "goto names no scene: 'nowhere'", 24),
        ("title: T", "title: T\nstart: nope", "start names no scene", 2),
        ("source: cam}", "source: cma}", "unknown source 'cma'; did you mean 'cam'?", None),
        ("    text: Hello {score}", "    text: [[1]]", "should be text", None),
        ("    text: Hello {score}", "    text: Hello {scroe}", "did you mean 'score'", None),
        ("    text: Hello {score}", "    text: Hello {score", "", None),
        ("tier >= 'low'", "tier >= 'lo'", "tier", None),
        ("        goto: b", "        goto: b\n        service: buss", "unknown service 'buss'", None),
        ("    ending: {title: End, kind: good}", "    ending: {title: End, kind: great}", "ending kind 'great' is unknown", None),
        ("    ending: {title: End, kind: good}", "    ending: {title: End, kind: good}\n    goto: a", "exactly one of choices, goto or ending", None),
        ("    ending: {title: End, kind: good}", "    text: nothing", "exactly one of choices, goto or ending (it has none)", None),
        ("    - {id: low, label: Low, min: 0}", "    - {id: low, label: Low, min: 20}", "tiers must be listed highest first", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n      - text: Go!\n        goto: b", "two choices in scene 'a' have the id 'go'", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        do:\n          - record: wlak", "unknown rule 'wlak'; did you mean 'walk'?", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        do:\n          - list: bda", "unknown list 'bda'", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        do:\n          - rate: {meii: 3}", "unknown person 'meii'", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        do:\n          - recrod: walk", "unknown effect 'recrod'; did you mean 'record'?", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        do:\n          - add: {mony: 1}", "unknown var 'mony'", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        if: __import__('os')", "", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        if: money.__class__", "", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        if: open('x')", "", None),
        ("      - text: Go\n        goto: b", "      - text: Go\n        goto: b\n        if: money +", "", None),
        ("vars: {money: 3}", "vars: {money: 3, score: 1}", "built-in name", None),
        ("title: T", "title: T\ncolour: red", "unknown key 'colour' in the story", 2),
        ("  start: 10", "  start: 10\n  model: pints", "rating model 'pints' is unknown", None),
        ("  start: 10", "  start: 10\n  show: stras", "did you mean 'stars'", None),
        ("  start: 10", "  start: 10\n  start_ratings: 5", "start_ratings is for a peer rating", 4),
        ("  start: 10\n  min: 0\n  max: 20", "  start: 3\n  model: peer\n  min: 1\n  max: 5\n  start_ratings: 0",
         "start_ratings should be a whole number of ratings, 1 or more", 7),
        ("  start: 10\n  min: 0\n  max: 20", "  start: 3\n  model: peer\n  min: 1\n  max: 5\n  start_ratings: 2.5",
         "start_ratings should be a whole number of ratings, 1 or more", 7),
        ("  mei: {name: Mei, rating: 4}", "  mei: {name: Mei, rating: 4, ratings: 0}",
         "ratings should be a whole number of ratings, 1 or more", 18),
        ("  mei: {name: Mei, rating: 4}", "  mei: {name: Mei, ratings: 3}",
         "person 'mei' has ratings: but no rating:", 18),
    ],
)
def test_bad_input_is_one_located_error(tmp_path: Path, old, new, fragment, line) -> None:
    path = write(tmp_path, replace(GOOD, old, new))
    hit = one_error(path, fragment, line)
    parts = hit.split(":")
    assert parts[1].isdigit() and parts[2].isdigit(), hit


def test_all_errors_reported_at_once_sorted(tmp_path: Path) -> None:
    text = replace(GOOD, "        goto: b", "        goto: x1")
    text = replace(text, "    text: Hello {score}", "    txt: Hello")
    text = replace(text, "title: T", "title: T\nbogus: 1")
    found = errors_of(write(tmp_path, text))
    assert len(found) == 3
    lines = [int(e.split(":")[1]) for e in found]
    assert lines == sorted(lines)


def test_duplicate_key_in_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, replace(GOOD, "title: T", "title: T\ntitle: U"))
    one_error(path, "duplicate key 'title' in the story (first at line 1)", 2)


def test_malformed_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nscenes: [a\n")
    one_error(path, "malformed YAML")


def test_tab_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nscenes:\n\ta:\n\t\tending: {title: E, kind: good}\n")
    hit = one_error(path, "tab is used for indentation", 3)
    assert hit.endswith("YAML needs spaces")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo hi']", "!!python/name:os.system", "!custom x", "!!binary aGk="])
def test_yaml_tags_refused(tmp_path: Path, tag: str) -> None:
    path = write(tmp_path, replace(GOOD, "title: T", f"title: {tag}"))
    one_error(path, "is not allowed in a story", 1)


def test_billion_laughs_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    lines.append("title: T\nscenes: {s: {ending: {title: E, kind: good}}}")
    path = write(tmp_path, "\n".join(lines) + "\n")
    one_error(path, "alias repeats a mapping or list")


def test_scalar_aliases_are_fine(tmp_path: Path) -> None:
    text = replace(GOOD, "title: T", "title: &t T\nsummary: *t")
    assert load_story(write(tmp_path, text)).summary == "T"


def test_deep_nesting_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nx: " + "[" * 500 + "]" * 500 + "\n")
    one_error(path, "nested too deeply")


def test_file_too_big(tmp_path: Path, monkeypatch) -> None:
    import game.story.yamlread as yamlread

    monkeypatch.setattr(yamlread, "MAX_BYTES", 100)
    path = write(tmp_path, GOOD)
    one_error(path, "MB; files may be at most", 1)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"title: T\nsummary: caf\xe9\n")
    one_error(path, "not UTF-8", 2)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    one_error(write(tmp_path, text), "the file is empty", 1)


def test_not_a_mapping(tmp_path: Path) -> None:
    one_error(write(tmp_path, "- a\n- b\n"), "must be a mapping")


def test_no_scenes(tmp_path: Path) -> None:
    one_error(write(tmp_path, "title: T\nscenes: {}\n"), "the story has no scenes")


def test_missing_file(tmp_path: Path) -> None:
    one_error(tmp_path / "nope.yaml", "no such file", 1)


def folder_story(tmp_path: Path, include: str) -> Path:
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(
        f"title: T\ninclude: [{include}]\nscenes:\n  a:\n    goto: b\n", encoding="utf-8")
    (root / "more.yaml").write_text(
        "scenes:\n  b:\n    ending: {title: E, kind: good}\n", encoding="utf-8")
    return root


def test_include_merges_scenes(tmp_path: Path) -> None:
    story = load_story(folder_story(tmp_path, "more.yaml"))
    assert list(story.scenes) == ["a", "b"]
    assert len(story.files) == 2


def test_include_outside_folder_refused(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text("scenes: {b: {ending: {title: E, kind: good}}}\n")
    root = folder_story(tmp_path, "../evil.yaml")
    one_error(root / "story.yaml", "outside the story's folder", 2)


def test_include_missing_file(tmp_path: Path) -> None:
    root = folder_story(tmp_path, "mroe.yaml")
    one_error(root / "story.yaml", "include 'mroe.yaml': no such file; did you mean 'more.yaml'?")


def test_included_file_errors_name_that_file(tmp_path: Path) -> None:
    root = folder_story(tmp_path, "more.yaml")
    (root / "more.yaml").write_text("scenes:\n  b:\n    ending: {title: E, kind: goood}\n")
    with pytest.raises(StoryErrors) as info:
        load_story(root)
    assert str(info.value.errors[0]).startswith(str(root / "more.yaml") + ":3:")


def test_expression_error_column_points_inside_the_expression(tmp_path: Path) -> None:
    path = write(tmp_path, replace(GOOD, "        goto: b", "        goto: b\n        if: money > mony"))
    hit = one_error(path, "mony")
    _, line, column, _ = hit.split(":", 3)
    assert line == "25" and column == str(len("        if: money > ") + 1)


def test_renamed_must_point_at_a_scene(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, GOOD + "renamed: {old: a}\n"))
    assert story.resolve("old") == "a"
    one_error(write(tmp_path, GOOD + "renamed: {old: zz}\n", "t.yaml"), "renamed: 'zz' names no scene")


def test_slug() -> None:
    assert slug("Run across the road!") == "run_across_the_road"
    assert slug("42 ways") == "c_42_ways"
    assert slug("???") == "choice"


def test_check_does_not_import_textual() -> None:
    code = (
        "import sys; from game.authoring.check import run_check; import io, pathlib;"
        f"run_check([pathlib.Path({str(CONTRACT)!r})], io.StringIO());"
        "import game.engine, game.plain, game.headless;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_check_cli_exit_codes(tmp_path: Path) -> None:
    bad = write(tmp_path, replace(GOOD, "        goto: b", "        goto: nowhere"))
    out = subprocess.run([sys.executable, "-m", "game", "check", str(bad)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr + out.stdout
    first = out.stdout.splitlines()[0]
    assert first.startswith(f"{bad}:24:15: goto names no scene")
    good = subprocess.run([sys.executable, "-m", "game", "check", str(CONTRACT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert good.returncode == 0 and "0 errors" in good.stdout


def test_unquoted_yes_no_as_an_id_is_refused(tmp_path: Path) -> None:
    text = replace(GOOD, "      - text: Go\n        goto: b", "      - text: Go\n        id: off\n        goto: b")
    one_error(write(tmp_path, text), "'off' as a choice id is read as true/false by YAML", 24)
    quoted = replace(GOOD, "      - text: Go\n        goto: b", '      - text: Go\n        id: "off"\n        goto: b')
    assert load_story(write(tmp_path, quoted, "q.yaml")).scenes["a"].choices[0].id == "off"


def test_bundled_stories_are_listed_in_the_unit_order() -> None:
    from game.story.catalog import bundled_folder, catalog

    ids = [entry.story.id for entry in catalog([bundled_folder()])]
    assert ids[:5] == ["tutorial", "green_channel", "half_a_star", "good_citizen", "the_operator"]
    assert ids[-1] == "demo"


def test_a_file_just_over_the_cap_never_reads_as_equal_to_it(tmp_path: Path) -> None:
    import game.story.yamlread as yamlread

    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(yamlread.MAX_BYTES + 1)
    one_error(path, "the file is 20.1 MB; files may be at most 20 MB", 1)


def test_every_name_of_the_expression_language_is_reserved_for_vars() -> None:
    """One list of the language's names: a function added to it cannot be shadowed by a var."""
    from game.story import expressions, loader

    assert expressions.BUILTIN_NAMES <= loader.RESERVED_NAMES
    assert loader.RESERVED_NAMES - expressions.BUILTIN_NAMES == loader.KEYWORDS
