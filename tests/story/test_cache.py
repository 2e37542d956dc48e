"""The compiled cache gives the same story as the YAML, and any bad cache is a miss."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
import random
from pathlib import Path

import pytest

from game.engine.engine import Engine
from game.story.cache import load_story_cached
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
STORIES = [ROOT / "tests" / "fixtures" / "contract_example.yaml", ROOT / "stories" / "demo"]


def playthrough(story, seed: int) -> list[dict]:
    rng = random.Random(seed)
    engine = Engine(story, seed=seed)
    results = [engine.result()]
    for _ in range(60):
        if engine.ended:
            break
        view = engine.view()
        if view.continues:
            engine.proceed()
        else:
            engine.take(rng.choice(view.open_choices).id)
        results.append(engine.result())
    return results


@pytest.mark.parametrize("path", STORIES, ids=lambda p: p.name)
def test_cached_story_plays_like_the_yaml(tmp_path: Path, path: Path) -> None:
    fresh = load_story(path)
    first = load_story_cached(path, tmp_path)  # a miss: loads YAML, writes the cache
    assert len(list(tmp_path.glob("*.json"))) == 1
    second = load_story_cached(path, tmp_path)  # a hit
    assert second.content_hash == fresh.content_hash
    assert list(second.scenes) == list(fresh.scenes)
    for scene_id in fresh.scenes:
        a, b = fresh.scenes[scene_id], second.scenes[scene_id]
        assert a.location == b.location
        assert [c.id for c in a.choices] == [c.id for c in b.choices]
        for ca, cb in zip(a.choices, b.choices):
            assert ca.text.source == cb.text.source
            assert (ca.requires and ca.requires.location) == (cb.requires and cb.requires.location)
    for seed in range(8):
        assert playthrough(second, seed) == playthrough(fresh, seed) == playthrough(first, seed)


@pytest.mark.parametrize("path", STORIES + [ROOT / "stories" / "green_channel"],
                         ids=lambda p: p.name)
def test_outline_from_the_cache_builds_no_scene(tmp_path: Path, path: Path) -> None:
    fresh = load_story(path)
    load_story_cached(path, tmp_path)
    cached = load_story_cached(path, tmp_path)
    assert cached.outline() == fresh.outline()
    assert cached.chapters == fresh.chapters and fresh.chapters
    assert cached.scenes._made == {}  # type: ignore[attr-defined]
    first = fresh.outline()[0]
    scene = fresh.scenes[first.id]
    assert first == (scene.id, scene.chapter, scene.ending is not None, scene.goto,
                     tuple(c.id for c in scene.choices))


def test_an_engine_builds_only_the_scenes_it_visits(tmp_path: Path) -> None:
    path = ROOT / "stories" / "green_channel"
    load_story_cached(path, tmp_path)
    story = load_story_cached(path, tmp_path)
    engine = Engine(story, seed=1)
    engine.view()
    assert set(story.scenes._made) == {story.start}  # type: ignore[attr-defined]
    engine.take(engine.view().open_choices[0].id)
    assert len(story.scenes._made) == 2  # type: ignore[attr-defined]


def test_the_cache_is_written_without_fsync(tmp_path: Path, monkeypatch) -> None:
    # A lost cache entry is only a miss: the 12 MB cache of a 10,000-scene story
    # took ~0.9 s to fsync here.
    import os

    calls = []
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(fd))
    load_story_cached(STORIES[0], tmp_path)
    assert calls == [] and len(list(tmp_path.glob("*.json"))) == 1
    assert load_story_cached(STORIES[0], tmp_path).title == load_story(STORIES[0]).title


def test_edit_of_the_file_is_a_miss(tmp_path: Path) -> None:
    story_path = tmp_path / "s.yaml"
    text = (ROOT / "tests" / "fixtures" / "contract_example.yaml").read_text()
    story_path.write_text(text)
    cache = tmp_path / "cache"
    load_story_cached(story_path, cache)
    story_path.write_text(text.replace("title: Green Channel", "title: Red Channel"))
    assert load_story_cached(story_path, cache).title == "Red Channel"


def test_edit_of_an_included_file_is_a_miss(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(ROOT / "stories" / "demo", folder)
    cache = tmp_path / "cache"
    load_story_cached(folder, cache)
    extra = folder / "upstairs.yaml"
    extra.write_text(extra.read_text().replace("The lift for everyone", "Lift for all"))
    story = load_story_cached(folder, cache)
    assert story.scenes["free_lift"].ending.title.source == "Lift for all"


@pytest.mark.parametrize("damage", ["", "{", "[]", '{"engine": "0/0"}', "not json at all"])
def test_damaged_cache_is_a_miss(tmp_path: Path, damage: str) -> None:
    path = STORIES[0]
    load_story_cached(path, tmp_path)
    entry = next(tmp_path.glob("*.json"))
    entry.write_text(damage)
    assert load_story_cached(path, tmp_path).title == "Green Channel"
    assert json.loads(entry.read_text())["engine"]  # rewritten


def test_tampered_tree_is_a_miss(tmp_path: Path) -> None:
    path = STORIES[0]
    load_story_cached(path, tmp_path)
    entry = next(tmp_path.glob("*.json"))
    doc = json.loads(entry.read_text())
    doc["exprs"][0][1] = ["no-such-node", "__import__"]
    entry.write_text(json.dumps(doc))
    story = load_story_cached(path, tmp_path)
    assert playthrough(story, 1) == playthrough(load_story(path), 1)


def test_play_goes_through_the_cache(tmp_path: Path, monkeypatch, private_story_cache: Path) -> None:
    import io

    from game.launch import play

    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    for _ in range(2):
        out = io.StringIO()
        assert play(STORIES[0], seed=1, plain=True, new=True, inp=io.StringIO("q\n"), out=out) == 0
        assert "Green Channel" in out.getvalue()
    assert len(list(private_story_cache.glob("*.json"))) == 1


def test_literal_braces_survive_the_cache(tmp_path: Path) -> None:
    path = STORIES[1]
    load_story_cached(path, tmp_path)
    cached = load_story_cached(path, tmp_path)
    lobby = [b.text for b in cached.scenes["lobby"].text]
    shown = [t.render(None) for t in lobby if t.is_static]
    assert "A notice reads: {Score your neighbours - it's fair!}" in shown


EXPECTING = """\
title: Expecting
rating:
  start: 10
  rules:
    bad: {change: -5, label: Bad}
expect:
  - that: "score >= 0 and recorded('bad') < 3"
    says: The score never goes below zero
scenes:
  a:
    expect:
      - {that: "visits('a') < 9", says: Not stuck in a}
    choices:
      - text: Bad
        do: [{record: bad}]
        goto: a
      - text: End
        goto: z
  z: {ending: {title: Z, kind: good}}
"""


def same(a: object, b: object, where: str = "story") -> None:
    """Assert two loaded models are equal field by field, naming the first difference."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, Mapping):
        assert isinstance(b, Mapping) and list(a) == list(b), where
        for key in a:
            same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{index}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.mark.parametrize("name", ["expecting", *sorted(p.name for p in (ROOT / "stories").iterdir()
                                                      if p.suffix == ".yaml" or p.is_dir())])
def test_a_cache_hit_keeps_every_field(tmp_path: Path, monkeypatch, name: str) -> None:
    """Every field of every model class survives the cache (a field the cache forgot
    to write or read would differ here, or turn the hit into a miss)."""
    if name == "expecting":
        path = tmp_path / "expecting.yaml"
        path.write_text(EXPECTING, encoding="utf-8")
    else:
        path = ROOT / "stories" / name
    folder = tmp_path / "cache"
    fresh = load_story(path)
    load_story_cached(path, folder)

    def no_yaml(_path):
        raise AssertionError("a cache hit was expected")

    monkeypatch.setattr("game.story.cache.load_story", no_yaml)
    cached = load_story_cached(path, folder)
    same(fresh, cached)
    if name == "expecting":
        assert cached.expect and cached.scenes["a"].expect
