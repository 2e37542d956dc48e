"""Sizes a story author chooses are bounded: each refused with FILE:LINE:COL, or, for
what only play can tell, a one-line runtime error naming the scene (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game import cli
from game.engine.engine import Engine
from game.errors import StoryErrors, StoryRuntimeError
from game.story import expressions, loader
from game.story.loader import load_story

# The documented limits (docs/story-format.md, "Limits"), written out so that a
# change to them is a change to this test too.
MAX_SCALAR = 100_000
MAX_ALIASED = 1_000_000
MAX_INCLUDES = 100
MAX_RENDERED = 100_000

END = "  end:\n    ending: {title: E, kind: good}\n"


def write(tmp_path: Path, text: str, name: str = "story.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only_error(path: Path) -> str:
    with pytest.raises(StoryErrors) as caught:
        load_story(path)
    assert len(caught.value.errors) == 1
    return str(caught.value.errors[0])


def test_a_value_longer_than_the_cap_is_refused_where_it_starts(tmp_path) -> None:
    path = write(tmp_path, "title: Long\nscenes:\n  start:\n    text: "
                 + "x" * (MAX_SCALAR + 1) + "\n    goto: end\n" + END)
    assert only_error(path) == (
        f"{path}:4:11: this value is 100,001 characters long; a value may be at most "
        "100,000 (split the text into scenes or paragraphs)")


def test_a_value_at_the_cap_loads(tmp_path) -> None:
    path = write(tmp_path, "title: Long\nscenes:\n  start:\n    text: "
                 + "x" * MAX_SCALAR + "\n    goto: end\n" + END)
    assert len(load_story(path).scenes["start"].text[0].text.source) == MAX_SCALAR


def aliases(tmp_path: Path, count: int, size: int) -> Path:
    """Issue 12's bomb, scaled: ``count`` aliases of one ``size``-character value."""
    return write(tmp_path, 'title: Alias\nvars:\n  big: &big "' + "x" * size + '"\n'
                 "scenes:\n  start:\n    text: [" + ", ".join(["*big"] * count) + "]\n"
                 "    goto: end\n" + END)


def test_aliases_of_one_value_are_capped_in_characters(tmp_path) -> None:
    # 3,000 aliases of a 1 MB value ran past 120 s at 3 GB; 3,000 of 1,000 characters
    # (3 MB) is over the cap already and refused before any of it is repeated.
    path = aliases(tmp_path, 3000, 1000)
    assert only_error(path) == (
        f"{path}:3:8: aliases (*) repeat more than 1,000,000 characters in all; this "
        "anchored value is one of them: write it out where it is needed, or shorten it")


def test_aliases_under_the_cap_load(tmp_path) -> None:
    count = MAX_ALIASED // 1000  # exactly the cap, counting repeats after the anchor
    path = write(tmp_path, 'title: Alias\nvars:\n  big: &big "' + "x" * 1000 + '"\n'
                 "debrief: [" + ", ".join(["*big"] * count) + "]\n"
                 "scenes:\n  start:\n    text: x\n    goto: end\n" + END)
    assert len(load_story(path).debrief) == count


def test_too_many_includes_are_refused(tmp_path) -> None:
    names = []
    for n in range(MAX_INCLUDES + 1):
        write(tmp_path, f"scenes:\n  s{n}:\n    text: x\n    goto: end\n", f"part{n}.yaml")
        names.append(f"part{n}.yaml")
    path = write(tmp_path, "title: Parts\ninclude: [" + ", ".join(names) + "]\n"
                 "scenes:\n  start:\n    text: x\n    goto: end\n" + END)
    assert only_error(path) == (
        f"{path}:2:10: 101 files are included; a story may include at most 100")


def test_the_story_files_together_are_capped(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(loader, "MAX_STORY_BYTES", 300)
    write(tmp_path, "scenes:\n  a:\n    text: " + "x" * 200 + "\n    goto: end\n", "a.yaml")
    path = write(tmp_path, "title: Parts\ninclude: [a.yaml]\n"
                 "scenes:\n  start:\n    text: x\n    goto: end\n" + END)
    assert only_error(path) == (
        f"{path}:2:11: include 'a.yaml': the story's files hold more than 0 MB together")


def interpolation_bomb(tmp_path: Path, count: int, size: int) -> Path:
    """Issue 12's, scaled: ``count`` copies of ``{x}`` with x ``size`` characters long."""
    return write(tmp_path, f'title: Bomb\nvars:\n  x: "{"x" * size}"\nscenes:\n'
                 f'  start:\n    text: "{"{x}" * count}"\n    goto: end\n' + END)


def test_a_rendered_text_stops_at_the_cap_naming_the_scene(tmp_path, monkeypatch) -> None:
    # 30,000 {x} of 10,000 characters would be a 300 MB paragraph: rendering stops at
    # the eleventh value, past 100,000 characters, without building the rest.
    path = interpolation_bomb(tmp_path, 30_000, 10_000)
    calls = []
    real = expressions.format_value
    # Text.render (in the package's expr module) formats each value it fills in.
    monkeypatch.setattr(expressions.expr, "format_value", lambda v: calls.append(1) or real(v))
    engine = Engine(load_story(path))
    with pytest.raises(StoryRuntimeError) as caught:
        engine.view()
    assert len(calls) == MAX_RENDERED // 10_000 + 1
    assert str(caught.value) == (
        f"{path}:6:12: this text is longer than 100,000 characters once its {{...}} are "
        "filled in; shorten it or what it shows in scene 'start'")


def test_run_reports_the_runaway_text_in_one_line(tmp_path, capsys) -> None:
    path = interpolation_bomb(tmp_path, 30_000, 10_000)
    assert cli.main(["run", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "in scene 'start'" in err and out == ""


def test_a_text_at_the_cap_renders(tmp_path) -> None:
    path = interpolation_bomb(tmp_path, 10, 10_000)
    assert len(Engine(load_story(path)).view().paragraphs[0]) == MAX_RENDERED


@pytest.mark.parametrize("anchor", [
    'vars: {big: &big "X"}\n',               # in a flow mapping
    'vars:\n  big: [&big "X"]\n',            # first in a flow list
    'vars:\n  big: [a,&big "X"]\n',          # after a comma
    'vars:\n  big:\n    - &big "X"\n',       # a block list item
    'vars:\n  big: &big\n    "X"\n',         # before a value on the next line
])
def test_the_alias_cap_holds_wherever_the_anchor_is(tmp_path, anchor) -> None:
    path = write(tmp_path, "title: Alias\n" + anchor.replace("X", "x" * 1000)
                 + "scenes:\n  start:\n    text: [" + ", ".join(["*big"] * 1001) + "]\n"
                 "    goto: end\n" + END)
    assert "aliases (*) repeat more than 1,000,000 characters" in only_error(path)


def test_a_scene_offers_at_most_100_choices(tmp_path) -> None:
    choices = "".join(f"      - {{text: Go {n}, goto: end}}\n" for n in range(101))
    path = write(tmp_path, "title: Many\nscenes:\n  start:\n    text: x\n    choices:\n"
                 + choices + END)
    assert only_error(path) == (
        f"{path}:6:7: scene 'start' has 101 choices; a scene may offer at most 100")


def test_a_scene_text_is_capped_as_a_whole(tmp_path) -> None:
    # Eleven paragraphs of 10,000 characters, each under the cap: the scene is over it.
    paragraphs = "".join(f"      - {'x' * 10_000}\n" for _ in range(11))
    path = write(tmp_path, "title: Long\nscenes:\n  start:\n    text:\n" + paragraphs
                 + "    goto: end\n" + END)
    assert only_error(path) == (
        f"{path}:5:7: scene 'start' has more than 100,000 characters of text; "
        "split it into scenes")


def test_a_scene_text_is_capped_as_a_whole_once_filled_in(tmp_path) -> None:
    # Eleven paragraphs of one {x}, x 10,000 characters: each is under the cap.
    paragraphs = "".join("      - '{x}'\n" for _ in range(11))
    path = write(tmp_path, f"title: Long\nvars:\n  x: {'x' * 10_000}\nscenes:\n  start:\n"
                 "    text:\n" + paragraphs + "    goto: end\n" + END)
    with pytest.raises(StoryRuntimeError) as caught:
        Engine(load_story(path)).view()
    assert str(caught.value) == (
        f"{path}:17:10: this scene's text is longer than 100,000 characters once its "
        "{...} are filled in; split it into scenes in scene 'start'")
