"""``dump_compiled`` / ``load_compiled``: a story as JSON, loaded with no YAML (the export)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.errors import StoryRuntimeError
from game.story.cache import dump_compiled, load_compiled, load_story

ROOT = Path(__file__).resolve().parents[2]


def test_a_story_round_trips_through_its_compiled_json():
    story = load_story(ROOT / "stories" / "green_channel")
    again = load_compiled(dump_compiled(story), "story.json")
    assert again.content_hash == story.content_hash and again.title == story.title
    assert list(again.scenes) == list(story.scenes)
    for sid in story.scenes:
        assert [c.id for c in again.scenes[sid].choices] == [c.id for c in story.scenes[sid].choices]


def test_text_that_is_not_a_compiled_story_is_a_value_error():
    text = dump_compiled(load_story(ROOT / "stories" / "tutorial.yaml"))
    doc = json.loads(text)
    for bad in ("{", "[]", json.dumps({**doc, "engine": "0.0.0-other"}),
                json.dumps({**doc, "story": {"id": 3}})):
        with pytest.raises(ValueError, match="story.json"):
            load_compiled(bad, "story.json")


def test_a_damaged_scene_is_refused_at_load_and_never_sent_to_yaml():
    doc = json.loads(dump_compiled(load_story(ROOT / "stories" / "tutorial.yaml")))
    first = next(iter(doc["story"]["scenes"]))
    doc["story"]["scenes"][first] = ["damaged"]
    with pytest.raises(ValueError, match="the compiled story is damaged"):
        load_compiled(json.dumps(doc), "story.json")


def test_a_scene_that_fails_to_build_later_says_export_again(monkeypatch):
    from game.story import cache

    text = dump_compiled(load_story(ROOT / "stories" / "tutorial.yaml"))

    def broken(self, sid, raw):
        raise KeyError(sid)

    monkeypatch.setattr(cache._Restorer, "scene", broken)
    story = load_compiled(text, "story.json")
    first = next(iter(story.scenes))
    with pytest.raises(StoryRuntimeError, match="export the story again"):
        story.scenes[first]
