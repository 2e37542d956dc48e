"""The compiled cache's generic codec: every story comes back equal, and no field is dropped."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Union, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.errors import Location
from game.story import cache, codec
from game.story import model as m
from game.story.cache import load_story_cached
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_story import generate  # noqa: E402

BUNDLED = sorted(p for p in (ROOT / "stories").iterdir() if p.suffix == ".yaml" or p.is_dir())
STORIES = BUNDLED + [ROOT / "tests" / "fixtures" / "contract_example.yaml"]


def round_trip(story: m.Story) -> m.Story:
    """Encode, write as JSON text, read back and decode, as the cache does."""
    doc = json.loads(json.dumps(cache._Dumper(story).dump()))
    return cache._Restorer(doc, story.path).story()


def assert_equal(back: m.Story, story: m.Story) -> None:
    """Equal as dataclasses, field by field (every scene built)."""
    for f in dataclasses.fields(m.Story):
        if f.name != "scenes":
            assert getattr(back, f.name) == getattr(story, f.name), f.name
    assert list(back.scenes) == list(story.scenes)
    for sid, scene in story.scenes.items():
        assert back.scenes[sid] == scene, sid
    assert back == story


def effect_kinds(story: m.Story) -> set[type]:
    found: set[type] = set()

    def visit(effects: tuple[m.Effect, ...]) -> None:
        for effect in effects:
            found.add(type(effect))
            if isinstance(effect, m.Branch):
                visit(effect.then)
                visit(effect.otherwise)

    for scene in story.scenes.values():
        visit(scene.effects)
        for choice in scene.choices:
            visit(choice.effects)
    return found


def test_the_bundled_stories_are_every_story_there_is() -> None:
    assert {p.name for p in BUNDLED} >= {"demo", "green_channel", "the_operator",
                                         "tutorial.yaml"}


@pytest.mark.parametrize("path", STORIES, ids=lambda p: p.name)
def test_every_bundled_story_comes_back_equal(path: Path) -> None:
    story = load_story(path)
    assert_equal(round_trip(story), story)


def test_the_round_trip_meets_every_kind_of_effect() -> None:
    seen: set[type] = set()
    for path in STORIES:
        seen |= effect_kinds(load_story(path))
    assert seen == set(get_args(m.Effect))


@pytest.mark.parametrize("path", STORIES, ids=lambda p: p.name)
def test_a_cache_hit_is_the_story_itself(tmp_path: Path, path: Path) -> None:
    fresh = load_story(path)
    load_story_cached(path, tmp_path)
    assert_equal(load_story_cached(path, tmp_path), fresh)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(scenes=st.integers(min_value=2, max_value=60), seed=st.integers(0, 10_000))
def test_generated_stories_come_back_equal(tmp_path_factory, scenes: int, seed: int) -> None:
    path = tmp_path_factory.mktemp("gen") / "story.yaml"
    path.write_text(generate(scenes, seed), encoding="utf-8")
    story = load_story(path)
    assert_equal(round_trip(story), story)


# --- nothing is dropped ---------------------------------------------------------------


def model_classes() -> list[type]:
    return [c for c in vars(m).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == m.__name__]


def test_the_codec_reaches_every_model_class_and_every_field() -> None:
    shapes = codec.shapes()
    for cls in model_classes():
        assert cls.__name__ in shapes, f"{cls.__name__} is not stored by the cache"
        assert [s.split(":")[0] for s in shapes[cls.__name__]] == [
            f.name for f in dataclasses.fields(cls)]


@dataclasses.dataclass(frozen=True, slots=True)
class Wait:
    days: int
    location: Location


@dataclasses.dataclass(frozen=True, slots=True)
class Say:
    words: str
    loud: bool
    location: Location
    then: tuple["Step", ...] = ()


Step = Union[Wait, Say]


class Places:
    """A context that stores locations as they are (no tables)."""

    def loc(self, *a):  # noqa: ANN001, ANN201 - both directions
        if len(a) == 1:
            return [a[0].file, a[0].line, a[0].column]
        return Location(*a)


def test_a_new_kind_in_a_union_comes_back_without_a_line_of_codec() -> None:
    plan = codec._Plan()
    steps = tuple[Step, ...]
    here = Location("s.yaml", 3, 4)
    value = (Wait(2, here), Say("hi", True, here, (Wait(1, here),)))
    data = json.loads(json.dumps(plan.encoder(steps)(Places(), value)))
    assert data[0][0] == "Wait" and data[1][0] == "Say"
    assert plan.decoder(steps)(Places(), data) == value
    assert set(plan.shapes) == {"Wait", "Say"}


def test_a_field_the_codec_cannot_store_fails_loudly() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Odd:
        tags: set[str]

    with pytest.raises(codec.CodecError, match="no rule for the type"):
        codec._Plan().encoder(Odd)
    with pytest.raises(codec.CodecError):
        codec._Plan().decoder(Odd)


@pytest.mark.parametrize("bad", [
    ["Wait", 2],  # a field missing
    ["Wait", 2, ["s.yaml", 3, 4], "extra"],  # a field unknown
    ["Sleep", 2, ["s.yaml", 3, 4]],  # a kind unknown
    ["Wait", True, ["s.yaml", 3, 4]],  # a value of the wrong type
    ["Wait", 2.5, ["s.yaml", 3, 4]],
])
def test_what_the_codec_did_not_write_is_damaged(bad: list) -> None:
    with pytest.raises(codec.Damaged):
        codec._Plan().decoder(tuple[Step, ...])(Places(), [bad])


def test_an_entry_written_for_other_shapes_is_a_miss(tmp_path: Path, monkeypatch) -> None:
    path = ROOT / "stories" / "demo"
    load_story_cached(path, tmp_path)
    entry = next(tmp_path.glob("*.json"))
    doc = json.loads(b"{" + entry.read_bytes()[cache._MAC_LENGTH:])
    doc["shapes"]["Advance"] = doc["shapes"]["Advance"][:1]  # as if a field came since
    body = json.dumps(doc, separators=(",", ":")).encode()
    entry.write_bytes(cache._MAC_HEAD + cache._mac(cache._key(tmp_path), body) + b'",'
                      + body[1:])
    misses = []
    real = cache.load_story
    monkeypatch.setattr(cache, "load_story", lambda p: misses.append(p) or real(p))
    assert_equal(load_story_cached(path, tmp_path), load_story(path))
    assert misses == [path]


def test_an_unknown_field_of_the_story_is_a_miss() -> None:
    story = load_story(ROOT / "stories" / "demo")
    doc = json.loads(json.dumps(cache._Dumper(story).dump()))
    doc["story"]["secret"] = 1
    with pytest.raises(codec.Damaged):
        cache._Restorer(doc, story.path).story()
    del doc["story"]["secret"]
    del doc["story"]["audience"]
    with pytest.raises(codec.Damaged):
        cache._Restorer(doc, story.path).story()


# --- stories of every effect, drawn by hypothesis ---------------------------------------

HEAD = """\
title: Drawn
rating:
  model: peer
  start: 3
  min: 1
  max: 5
  tiers: [{id: high, label: High, min: 4}, {id: low, label: Low, min: 0}]
  sources: {cam: Camera}
  rules: {late: {change: -0.5, label: Late, source: cam}}
  lists: {watch: {label: Watch, announce: false}}
  services: {bus: {label: Bus, requires: "score > 2", refusal: "No bus at {score}."}}
vars: {money: 5, name: "'Li'", seen: false}
people: {ana: {name: Ana, rating: 4.2, ratings: 3}}
scenes:
"""


@st.composite
def effect_yaml(draw, depth: int = 0) -> str:
    """One effect of ``do:`` as flow YAML, with its optional keys drawn."""
    note = draw(st.sampled_from(["", ", note: 'for {money}'"]))
    mistake = draw(st.sampled_from(["", ", mistake: true"]))
    options = [
        f"{{set: {{money: {draw(st.integers(-5, 50))}, name: \"'x'\"}}}}",
        f"{{add: {{money: {draw(st.integers(-9, 9))}}}}}",
        "{record: late}", f"{{record: {{rule: late{note}{mistake}}}}}",
        "{list: watch}", f"{{unlist: {{list: watch, source: cam{note}{mistake}}}}}",
        f"{{rated: {{by: ana, stars: {draw(st.integers(1, 5))}}}}}", "{rate: {ana: 2}}",
        "{notify: 'Day {day}: {money}'}", f"{{advance: {{days: {draw(st.integers(0, 3))}}}}}",
    ]
    if depth < 2:
        inner = draw(st.lists(effect_yaml(depth + 1), min_size=1, max_size=2))
        other = draw(st.lists(effect_yaml(depth + 1), max_size=2))
        branch = f"{{if: money > 3, do: [{', '.join(inner)}]"
        options.append(branch + (f", else: [{', '.join(other)}]}}" if other else "}"))
    return draw(st.sampled_from(options))


@st.composite
def drawn_story(draw) -> str:
    count = draw(st.integers(2, 5))
    lines = [HEAD]
    for i in range(count):
        lines.append(f"  s{i}:\n    text: 'Scene {i}, {{score}}.'\n")
        if i == count - 1:
            lines.append("    ending: {title: 'The end', kind: mixed}\n")
            continue
        lines.append(f"    chapter: Part {i}\n" if draw(st.booleans()) else "")
        entry = draw(st.lists(effect_yaml(), max_size=3))
        if entry:
            lines.append(f"    do: [{', '.join(entry)}]\n")
        lines.append("    choices:\n")
        for c in range(draw(st.integers(1, 2))):
            fx = draw(st.lists(effect_yaml(), max_size=3))
            lines.append(f"      - text: 'Go {c}'\n        goto: s{i + 1}\n")
            if fx:
                lines.append(f"        do: [{', '.join(fx)}]\n")
            if draw(st.booleans()):
                lines.append("        service: bus\n")
    return "".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=drawn_story())
def test_drawn_stories_of_every_effect_come_back_equal(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("drawn") / "story.yaml"
    path.write_text(text, encoding="utf-8")
    story = load_story(path)
    assert_equal(round_trip(story), story)
