"""The JSON Schema stays in step with the loader: same keys, same verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from game.authoring.schema import build_schema, schema_text
from game.cli import main
from game.errors import StoryErrors
from game.story import loader
from game.story.catalog import bundled_folder, find_stories
from game.story.effects.listing import LIST_KEYS
from game.story.effects.record import RECORD_KEYS
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"


class _JsonLikeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.1 parsed as the engine parses it (libyaml), but dates stay text: JSON has none."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def document(path: Path):
    """A YAML file as the data an editor's schema check sees (keys as text)."""
    def keys_as_text(value):
        if isinstance(value, dict):
            return {str(k): keys_as_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [keys_as_text(v) for v in value]
        return value

    return keys_as_text(yaml.load(path.read_text(encoding="utf-8"), Loader=_JsonLikeLoader))


STORY = jsonschema.Draft7Validator(build_schema())
INCLUDED = jsonschema.Draft7Validator(build_schema("included"))


def problems(validator: jsonschema.Draft7Validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


# -- the schema itself ----------------------------------------------------------------


@pytest.mark.parametrize("part", ["story", "included"])
def test_the_schema_is_a_valid_draft_7_schema(part: str) -> None:
    jsonschema.Draft7Validator.check_schema(build_schema(part))


def test_schema_keys_are_the_loaders_keys() -> None:
    schema = build_schema()
    defs = schema["definitions"]
    assert tuple(schema["properties"]) == loader.TOP_KEYS
    assert tuple(defs["rating"]["properties"]) == loader.RATING_KEYS
    assert tuple(defs["scene"]["properties"]) == loader.SCENE_KEYS
    assert tuple(defs["choice"]["properties"]) == loader.CHOICE_KEYS
    assert tuple(defs["effect"]["properties"]) == loader.EFFECTS
    record = defs["effect"]["properties"]["record"]["anyOf"][1]
    assert tuple(record["properties"]) == RECORD_KEYS
    listing = defs["effect"]["properties"]["list"]["anyOf"][1]
    assert tuple(listing["properties"]) == LIST_KEYS
    assert tuple(defs["scene"]["properties"]["poll"]["properties"]) == loader.POLL_KEYS
    assert set(defs["included_file"]["properties"]) == set(loader.INCLUDED_KEYS)
    assert set(schema["required"]) == {"title", "scenes"}


def test_schema_enums_are_the_loaders_enums() -> None:
    defs = build_schema()["definitions"]
    rating = defs["rating"]["properties"]
    assert rating["model"]["enum"] == list(loader.MODELS)
    assert rating["show"]["enum"] == list(loader.SHOWS)
    assert rating["weight"]["enum"] == list(loader.WEIGHTS)
    assert defs["scene"]["properties"]["ending"]["properties"]["kind"]["enum"] == list(
        loader.ENDING_KINDS)
    assert defs["id"]["pattern"] == f"^{loader.ID.pattern}$"


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == build_schema()
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_schema_command_writes_a_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "story.schema.json"
    assert main(["schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()
    assert main(["schema", "--included", "-o", str(tmp_path / "inc.json")]) == 0
    assert json.loads((tmp_path / "inc.json").read_text())["title"].endswith("included file")


def test_schema_command_reports_an_unwritable_file(tmp_path: Path, capsys) -> None:
    assert main(["schema", "-o", str(tmp_path / "no" / "such" / "dir.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write") and err.count("\n") == 1


# -- every valid story is accepted ------------------------------------------------------


def bundled() -> list[Path]:
    folder = bundled_folder()
    return find_stories(folder) if folder.is_dir() else []


def story_documents(path: Path) -> list[tuple[Path, jsonschema.Draft7Validator]]:
    """The files of a story, each with the schema it should meet."""
    if path.is_dir():
        main_file = path / "story.yaml"
        includes = document(main_file).get("include") or []
        includes = [includes] if isinstance(includes, str) else includes
        return [(main_file, STORY)] + [(path / name, INCLUDED) for name in includes]
    return [(path, STORY)]


@pytest.mark.parametrize("path", [CONTRACT, *bundled()], ids=lambda p: p.name)
def test_every_valid_story_meets_the_schema(path: Path) -> None:
    load_story(path)  # every bundled story must load; a failure here is a real failure
    for file, validator in story_documents(path):
        assert problems(validator, document(file)) == [], file


def test_the_bundled_stories_are_checked() -> None:
    assert bundled(), "no bundled stories found"


VALID_CORNERS = {
    "null sections and a null service": """
title: Corners
vars:
people:
rating:
  start: 1
  sources:
  rules:
  lists: {debtors: Dishonest judgment debtors, other: {}}
  services: {rail: }
scenes:
  a:
    text: [One, {if: "can('rail')", text: Two}]
    do:
      - set:
      - notify: 42
    ending: {title: 1984, kind: good}
""",
    "yaml 1.1 spellings": """
title: 1984
version: 2.1
language: pt-BR
minutes: 20
content_notes: one note
debrief: one question
rating: {start: +5, explain: yes, model: peer, weight: rater, memory: 3, min: 1, max: 5}
people: {mei: {name: Mei, rating: 4.5}}
vars: {brave: no, money: 1e3, name: Li}
scenes:
  a:
    do:
      - rate: {mei: 5}
      - rated: {by: mei, stars: 4}
      - advance: {days: 1}
    choices:
      - {text: Go, goto: b, if: true, requires: brave or money > 1, locked: No, once: on}
  b:
    poll: {question: Fair?, options: [yes, no]}
    goto: c
  c:
    ending: {title: End, kind: mixed}
""",
    "effects written in full": """
title: Full
rating:
  start: 10
  sources: {camera: Cameras}
  rules: {late: {change: -1, source: camera}}
  lists: {watch: Watch list}
scenes:
  a:
    do:
      - record: {rule: late, note: "Seen at {score}", mistake: true}
      - list: {list: watch, source: camera, note: Flagged, mistake: false}
      - unlist: {list: watch}
      - list: watch
    poll: {id: fair, question: Fair?, options: ["Yes", "No"]}
    goto: b
  b:
    poll: {id: fair, question: Still fair?, options: ["Yes", "No"]}
    ending: {title: End, kind: mixed}
""",
    "rating null": """
title: Plain
rating:
scenes:
  a: {ending: {title: End, kind: bad}}
""",
}


@pytest.mark.parametrize("name", VALID_CORNERS)
def test_corner_cases_the_loader_accepts_meet_the_schema(tmp_path: Path, name: str) -> None:
    path = tmp_path / "story.yaml"
    path.write_text(VALID_CORNERS[name], encoding="utf-8")
    load_story(path)
    assert problems(STORY, document(path)) == []


def test_a_folder_story_may_keep_all_its_scenes_in_included_files(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("title: T\ninclude: [more.yaml]\nscenes:\n",
                                         encoding="utf-8")
    (tmp_path / "more.yaml").write_text(
        "scenes:\n  a: {ending: {title: E, kind: good}}\nvars: {x: 1}\n", encoding="utf-8")
    load_story(tmp_path)
    assert problems(STORY, document(tmp_path / "story.yaml")) == []
    assert problems(INCLUDED, document(tmp_path / "more.yaml")) == []
    assert problems(INCLUDED, {"title": "not here"}) != []


# -- shapes the loader refuses, the schema refuses too ---------------------------------------

BASE = {
    "title": "Base",
    "rating": {"start": 100, "tiers": [{"id": "A", "min": 50}, {"id": "B", "min": 0}],
               "rules": {"late": {"change": -5}}, "lists": {"watch": "Watch list"},
               "services": {"bus": {"requires": "tier >= 'A'"}}},
    "vars": {"money": 1},
    "scenes": {
        "a": {"text": "Hello", "choices": [{"text": "Go", "goto": "b"}]},
        "b": {"ending": {"title": "End", "kind": "good"}},
    },
}


def variant(path: tuple, value, delete: bool = False) -> dict:
    data = json.loads(json.dumps(BASE))
    *parents, last = path
    node = data
    for key in parents:
        node = node[key]
    if delete:
        del node[last]
    else:
        node[last] = value
    return data


def scene(**keys) -> dict:
    return variant(("scenes", "a"), keys)


def choice(**keys) -> dict:
    return variant(("scenes", "a", "choices"), [{"text": "Go", "goto": "b", **keys}])


def effect(value) -> dict:
    return scene(text="x", do=[value], goto="b")


INVALID = {
    "unknown top-level key": variant(("titel",), "Typo"),
    "no title": variant(("title",), None, delete=True),
    "no scenes": variant(("scenes",), None, delete=True),
    "empty scenes": variant(("scenes",), {}),
    "scene id with capitals": variant(("scenes", "Bad-Id"), {"goto": "b"}),
    "story id with a dash": variant(("id",), "my-story"),
    "scene with choices and goto": scene(choices=[{"text": "Go", "goto": "b"}], goto="b"),
    "scene with no way on": scene(text="Stuck"),
    "scene that is a list": variant(("scenes", "a"), ["text"]),
    "unknown scene key": scene(txt="Hi", goto="b"),
    "empty choices": scene(choices=[]),
    "choice without goto": variant(("scenes", "a", "choices"), [{"text": "Go"}]),
    "unknown choice key": choice(txt="typo"),
    "once not true/false": choice(once="often"),
    "tag with capitals": choice(tags=["Comply"]),
    "choice id not an id": choice(id="Go Now"),
    "effect with two keys": effect({"record": "late", "add": {"money": 1}}),
    "unknown effect": effect({"punish": "late"}),
    "effect that is text": effect("record late"),
    "rated without stars": effect({"rated": {"by": "mei"}}),
    "advance without days": effect({"advance": {"hours": 2}}),
    "list change without list": effect({"list": {"note": "x"}}),
    "record with an unknown key": effect({"record": {"rule": "late", "points": 3}}),
    "poll id not an id": scene(poll={"id": "Fair?", "question": "Q", "options": ["a", "b"]},
                               goto="b"),
    "unknown rating model": variant(("rating", "model"), "stars"),
    "unknown show": variant(("rating", "show"), "bars"),
    "unknown weight": variant(("rating", "weight"), "random"),
    "memory below one": variant(("rating", "memory"), 0),
    "rating without start": variant(("rating", "start"), None, delete=True),
    "start not a number": variant(("rating", "start"), "high"),
    "explain not true/false": variant(("rating", "explain"), "sometimes"),
    "tier without min": variant(("rating", "tiers"), [{"id": "A"}]),
    "tier id starting with a digit": variant(("rating", "tiers"), [{"id": "1A", "min": 0}]),
    "rule without change": variant(("rating", "rules", "late"), {"label": "Late"}),
    "unknown rule key": variant(("rating", "rules", "late"), {"change": 1, "points": 2}),
    "ending kind happy": variant(("scenes", "b", "ending", "kind"), "happy"),
    "ending without title": variant(("scenes", "b", "ending"), {"kind": "good"}),
    "text that is empty": scene(text=None, goto="b"),
    "text block without if": scene(text=[{"text": "x"}], goto="b"),
    "var named score": variant(("vars", "score"), 1),
    "var with no value": variant(("vars", "money"), None),
    "poll with one option": scene(poll={"question": "Q", "options": ["only"]}, goto="b"),
    "language not a tag": variant(("language",), "english_UK"),
    "minutes in words": variant(("minutes",), "twenty"),
    "person without a name": variant(("people",), {"mei": {"rating": 4}}),
}


@pytest.mark.parametrize("name", INVALID)
def test_invalid_documents_fail_the_schema_and_the_loader(tmp_path: Path, name: str) -> None:
    data = INVALID[name]
    path = tmp_path / "story.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(StoryErrors):
        load_story(path)
    assert problems(STORY, document(path)), f"the schema accepts: {name}"


def test_the_invalid_sample_is_large_enough_and_the_base_is_valid(tmp_path: Path) -> None:
    assert len(INVALID) >= 15
    path = tmp_path / "story.yaml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    load_story(path)
    assert problems(STORY, document(path)) == []
