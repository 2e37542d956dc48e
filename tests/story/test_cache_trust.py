"""The compiled cache is not trusted: an entry is used only when it proves it is this user's,
and even then only if its shape, sizes and files are right; any doubt is a miss."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from game.engine.engine import Engine
from game.story.cache import load_story_cached
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
STORIES = [ROOT / "tests" / "fixtures" / "contract_example.yaml", ROOT / "stories" / "demo"]


def playthrough(story, seed: int) -> list[dict]:
    """The results of a random playthrough (as in test_cache.py)."""
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


def entry_of(folder: Path) -> Path:
    (entry,) = folder.glob("*.json")
    return entry


def signed(folder: Path, doc: dict) -> bytes:
    """An entry as this user's Standing would sign it (to test the checks behind the MAC)."""
    from game.story import cache

    body = json.dumps(doc, separators=(",", ":")).encode()
    return cache._MAC_HEAD + cache._mac(cache._key(folder), body) + b'",' + body[1:]


def cached_doc(folder: Path, path: Path) -> dict:
    load_story_cached(path, folder)
    doc = json.loads(entry_of(folder).read_bytes())
    del doc["mac"]
    return doc


def plays_from_yaml(folder: Path, path: Path, monkeypatch) -> None:
    """The next cached load is a miss (YAML loaded, entry rewritten) and plays as the YAML."""
    from game.story import cache

    misses = []
    real = cache.load_story
    monkeypatch.setattr(cache, "load_story", lambda p: misses.append(p) or real(p))
    story = load_story_cached(path, folder)
    assert len(misses) == 1, "the tampered entry was used"
    for seed in range(3):
        assert playthrough(story, seed) == playthrough(load_story(path), seed)
    assert load_story_cached(path, folder).title == story.title and len(misses) == 1


def test_an_entry_changed_without_its_key_is_a_miss(tmp_path: Path, monkeypatch) -> None:
    path = STORIES[0]
    doc = cached_doc(tmp_path, path)
    doc["story"]["title"] = "\x1b]52;c;Y3VybCBldmlsLnNo\x07Hijacked"
    entry_of(tmp_path).write_text('{"mac":"' + "0" * 64 + '",' + json.dumps(doc)[1:])
    plays_from_yaml(tmp_path, path, monkeypatch)


def tamper(doc: dict, how: str, outside: Path) -> None:
    story = doc["story"]
    if how == "id_a_number":
        story["id"] = 7
    elif how == "scenes_a_list":
        story["scenes"] = []
    elif how == "start_missing":
        story["start"] = "nowhere"
    elif how == "vars_a_list":
        story["vars"] = {"x": [1, 2]}
    elif how == "minutes_nan":
        story["minutes"] = float("nan")
    elif how == "outline_goto_nowhere":
        first = next(iter(story["scenes"].values()))
        first[3] = "nowhere"
    elif how == "choices_not_a_list":
        first = next(iter(story["scenes"].values()))
        first[2] = {"a": 1}
    elif how == "engine_version":
        doc["engine"] = "0.0.0/3"
    elif how == "file_outside_the_folder":
        doc["files"].append(["x.yaml", str(outside), "0" * 64])
    elif how == "file_dev_zero":
        doc["files"].append(["x.yaml", "/dev/zero", "0" * 64])
    elif how == "file_dotdot":
        doc["files"].append(["x.yaml", str(Path(doc["files"][0][1]).parent / ".." / "x"),
                             "0" * 64])
    elif how == "main_file_another":
        doc["files"][0][1] = str(outside)
    elif how == "files_a_mapping":
        doc["files"] = {"a": 1}
    elif how == "expr_table_a_mapping":
        doc["exprs"] = {"a": 1}


TAMPERING = ["id_a_number", "scenes_a_list", "start_missing", "vars_a_list", "minutes_nan",
             "outline_goto_nowhere", "choices_not_a_list", "engine_version",
             "file_outside_the_folder", "file_dev_zero", "file_dotdot", "main_file_another",
             "files_a_mapping", "expr_table_a_mapping"]


@pytest.mark.parametrize("how", TAMPERING)
def test_a_signed_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path, monkeypatch,
                                                     how: str) -> None:
    path = ROOT / "stories" / "demo"  # a folder story: it has included files
    folder = tmp_path / "cache"
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n")
    doc = cached_doc(folder, path)
    tamper(doc, how, outside)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self) or real_open(
        self, "rb").read())
    entry_of(folder).write_bytes(signed(folder, doc))
    plays_from_yaml(folder, path, monkeypatch)
    assert outside not in opened and Path("/dev/zero") not in opened


def test_a_truncated_entry_is_a_miss(tmp_path: Path, monkeypatch) -> None:
    path = STORIES[0]
    load_story_cached(path, tmp_path)
    entry = entry_of(tmp_path)
    entry.write_bytes(entry.read_bytes()[:-100])
    plays_from_yaml(tmp_path, path, monkeypatch)


def test_an_entry_over_the_size_cap_is_not_read(tmp_path: Path, monkeypatch) -> None:
    from game.story import cache

    path = STORIES[0]
    load_story_cached(path, tmp_path)
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 1000)
    monkeypatch.setattr(cache.json, "loads", lambda *a: pytest.fail("an oversized entry was parsed"))
    assert load_story_cached(path, tmp_path).title == "Green Channel"


def test_a_deeply_nested_signed_entry_is_a_miss(tmp_path: Path, monkeypatch) -> None:
    path = STORIES[0]
    doc = cached_doc(tmp_path, path)
    body = signed(tmp_path, doc)
    deep = body[:-1] + b',"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    from game.story import cache

    head = len(cache._MAC_HEAD)
    resigned = deep[:head] + cache._mac(cache._key(tmp_path), b"{" + deep[cache._MAC_LENGTH:]) \
        + deep[head + 64:]
    entry_of(tmp_path).write_bytes(resigned)
    plays_from_yaml(tmp_path, path, monkeypatch)


def test_a_scene_that_cannot_be_built_comes_from_the_yaml(tmp_path: Path) -> None:
    path = ROOT / "stories" / "green_channel"
    doc = cached_doc(tmp_path, path)
    fresh = load_story(path)
    start = doc["story"]["start"]
    doc["story"]["scenes"][start][0] = [["not", "a", "text"]]  # the first block, damaged
    entry_of(tmp_path).write_bytes(signed(tmp_path, doc))
    story = load_story_cached(path, tmp_path)
    assert story.scenes._made == {}  # type: ignore[attr-defined]  (the entry was used)
    assert story.scenes[start] == fresh.scenes[start]
    for seed in range(3):
        assert playthrough(story, seed) == playthrough(fresh, seed)


def test_a_damaged_scene_of_a_story_changed_since_is_a_clear_error(tmp_path: Path) -> None:
    from game.errors import StoryRuntimeError

    path = tmp_path / "s.yaml"
    path.write_text(STORIES[0].read_text())
    cache = tmp_path / "cache"
    doc = cached_doc(cache, path)
    start = doc["story"]["start"]
    doc["story"]["scenes"][start][1] = "damaged"
    entry_of(cache).write_bytes(signed(cache, doc))
    story = load_story_cached(path, cache)
    path.write_text(STORIES[0].read_text().replace("title: Green Channel", "title: Red"))
    with pytest.raises(StoryRuntimeError, match="compiled cache is damaged and the story has "
                                                "changed"):
        story.scenes[start]


def test_a_key_others_can_read_is_not_trusted(tmp_path: Path, monkeypatch) -> None:
    from game.story import cache

    path = STORIES[0]
    load_story_cached(path, tmp_path)
    (tmp_path / cache.KEY_FILE).chmod(0o644)
    cache._keys.clear()
    plays_from_yaml_without_cache = load_story_cached(path, tmp_path)
    assert plays_from_yaml_without_cache.title == "Green Channel"
    assert cache._key(tmp_path) is None
    os.unlink(tmp_path / cache.KEY_FILE)
    os.symlink(tmp_path / "elsewhere", tmp_path / cache.KEY_FILE)
    cache._keys.clear()
    assert cache._key(tmp_path) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_under_an_entrys_name_is_a_miss(tmp_path: Path, monkeypatch) -> None:
    path = STORIES[0]
    load_story_cached(path, tmp_path)
    entry = entry_of(tmp_path)
    entry.unlink()
    os.mkfifo(entry)  # a blocking open would wait here for a writer forever
    assert load_story_cached(path, tmp_path).title == "Green Channel"
