"""``new``: the template story passes check, plays to every ending, and never overwrites."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from game.authoring.check import check_path
from game.authoring.scaffold import new_story, render, title_of
from game.authoring.schema import build_schema
from game.cli import main
from game.engine.engine import Engine
from game.errors import StandingError
from game.story.loader import load_story


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settle(engine: Engine) -> None:
    while not engine.ended and engine.view().continues:
        engine.proceed()


def endings_reached(path: Path) -> set[str]:
    """Every ending of a story, by walking every path through its choices."""
    story = load_story(path)
    found: set[str] = set()
    stack: list[list[str]] = [[]]
    while stack:
        taken = stack.pop()
        engine = Engine(story, seed=1)
        settle(engine)
        for choice_id in taken:
            engine.take(choice_id)
            settle(engine)
        if engine.ended:
            found.add(engine.state.scene)
            continue
        assert len(taken) < 20, "the template should be short"
        stack.extend(taken + [c.id] for c in engine.view().open_choices)
    return found


def test_new_writes_a_story_that_passes_check(in_tmp: Path, capsys) -> None:
    assert main(["new", "my_first_story"]) == 0
    path = in_tmp / "my_first_story.yaml"
    assert "wrote my_first_story.yaml" in capsys.readouterr().out
    count, diagnostics = check_path(path)
    assert count == 1
    assert [d for d in diagnostics if d.severity == "error"] == []
    story = load_story(path)
    assert story.title == "My first story"
    assert story.id == "my_first_story"


def test_the_template_passes_check_without_warnings(in_tmp: Path) -> None:
    new_story("tidy", io.StringIO())
    _, diagnostics = check_path(in_tmp / "tidy.yaml")
    assert [str(d) for d in diagnostics] == []


def test_the_template_uses_the_main_features(in_tmp: Path) -> None:
    new_story("tour", io.StringIO())
    story = load_story(in_tmp / "tour.yaml")
    rating = story.rating
    assert rating is not None and rating.tiers and rating.sources and rating.rules
    assert rating.lists and any(s.refusal for s in rating.services.values())
    assert story.vars and story.debrief
    choices = [c for s in story.scenes.values() for c in s.choices]
    assert any(c.requires is not None and c.locked is not None for c in choices)
    assert any(c.service for c in choices)
    assert any(c.reflect for c in choices) and any(c.tags for c in choices)
    assert any(b.condition is not None for s in story.scenes.values() for b in s.text)
    kinds = {s.ending.kind for s in story.scenes.values() if s.ending}
    assert len(kinds) >= 2
    text = (in_tmp / "tour.yaml").read_text(encoding="utf-8")
    assert text.count("#") > 30, "the template teaches through its comments"


def test_run_reaches_an_ending(in_tmp: Path, capsys) -> None:
    new_story("walk", io.StringIO())
    capsys.readouterr()
    assert main(["run", "walk.yaml", "--choices", "1,1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ending"] is not None


def test_every_ending_of_the_template_can_be_reached(in_tmp: Path) -> None:
    new_story("all", io.StringIO())
    story = load_story(in_tmp / "all.yaml")
    endings = {sid for sid, s in story.scenes.items() if s.ending}
    assert endings_reached(in_tmp / "all.yaml") == endings


def test_a_folder_story(in_tmp: Path, capsys) -> None:
    assert main(["new", "club", "--folder"]) == 0
    folder = in_tmp / "club"
    assert sorted(p.name for p in folder.iterdir()) == ["scenes.yaml", "story.yaml"]
    _, diagnostics = check_path(folder)
    assert [str(d) for d in diagnostics] == []
    assert endings_reached(folder) == endings_reached_single(in_tmp)
    story_yaml = yaml.safe_load((folder / "story.yaml").read_text(encoding="utf-8"))
    assert story_yaml["include"] == ["scenes.yaml"]
    assert "#@" not in (folder / "story.yaml").read_text(encoding="utf-8")


def endings_reached_single(tmp: Path) -> set[str]:
    new_story("single_copy", io.StringIO(), cwd=tmp)
    return endings_reached(tmp / "single_copy.yaml")


def test_the_template_meets_the_schema(in_tmp: Path) -> None:
    new_story("schema_check", io.StringIO())
    new_story("folder_check", io.StringIO(), folder=True)
    story = jsonschema.Draft7Validator(build_schema())
    included = jsonschema.Draft7Validator(build_schema("included"))
    for path, validator in [(in_tmp / "schema_check.yaml", story),
                            (in_tmp / "folder_check" / "story.yaml", story),
                            (in_tmp / "folder_check" / "scenes.yaml", included)]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], path


def test_new_refuses_to_overwrite(in_tmp: Path, capsys) -> None:
    (in_tmp / "taken.yaml").write_text("mine", encoding="utf-8")
    assert main(["new", "taken"]) == 2
    err = capsys.readouterr().err
    assert err == "error: taken.yaml already exists; choose another name or move it away\n"
    assert (in_tmp / "taken.yaml").read_text(encoding="utf-8") == "mine"
    (in_tmp / "box").mkdir()
    assert main(["new", "box", "--folder"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_new_accepts_a_yaml_suffix_and_refuses_a_missing_folder(in_tmp: Path, capsys) -> None:
    assert main(["new", "given.yaml"]) == 0
    assert (in_tmp / "given.yaml").is_file()
    assert main(["new", "no/such/place"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and err.count("\n") == 1


def test_an_empty_name_is_refused(in_tmp: Path) -> None:
    with pytest.raises(StandingError):
        new_story("  ", io.StringIO())


@pytest.mark.parametrize("name, title", [
    ("my_story", "My story"), ("night-bus", "Night bus"), ("Green Channel", "Green Channel"),
])
def test_title_of(name: str, title: str) -> None:
    assert title_of(name) == title


def test_an_awkward_title_is_quoted_safely(tmp_path: Path) -> None:
    title = 'He said: "no" #1 {score}'
    files = render(title, "x.yaml", folder=False)
    path = tmp_path / "x.yaml"
    path.write_text(files[""], encoding="utf-8")
    assert yaml.safe_load(files[""])["title"] == title
    assert load_story(path).title == title
