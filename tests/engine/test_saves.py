"""Saves: round trips, story edits, damaged files, unwritable folders, crashes mid-write."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import FIXTURES, engine, frozen, story
from game.engine import saves
from game.engine.engine import Engine
from game.engine.saves import (
    AUTOSAVE,
    SAVE_VERSION,
    SaveStore,
    parse_save,
    restore,
    save_document,
    write_atomic,
)
from game.errors import SaveError
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]
WALK = ["left", "continue", "down", "stay"]


def walked(seed: int = 3, path=WALK) -> Engine:
    return engine("walk", seed, *path)


def edited(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of walk.yaml (same story id) with text replacements applied."""
    text = (FIXTURES / "walk.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    folder = tmp_path / "edited"
    folder.mkdir(exist_ok=True)
    path = folder / "walk.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def round_trip(eng: Engine) -> dict:
    return parse_save(json.dumps(save_document(eng)), "test")


# -- the document --------------------------------------------------------------------


def test_save_document_names_the_story_and_the_path():
    eng = walked()
    doc = save_document(eng)
    assert doc["format"] == "standing-save" and doc["format_version"] == SAVE_VERSION
    assert doc["story"] == "walk" and doc["seed"] == 3
    assert doc["content_hash"] == story("walk").content_hash
    assert doc["path"] == [["one", "left"], ["two", "continue"], ["three", "down"],
                           ["four", "stay"]]


def test_round_trip_rebuilds_the_identical_state():
    eng = walked()
    again, report = restore(story("walk"), round_trip(eng))
    assert report.complete and (report.applied, report.total) == (4, 4)
    assert frozen(again) == frozen(eng)
    assert again.view() == eng.view()
    assert again.result() == eng.result()


def test_round_trip_through_a_store(tmp_path):
    store = SaveStore(tmp_path / "saves", story("walk"))
    eng = walked()
    assert store.save(eng) and store.save(eng, "manual")
    loaded, report = SaveStore(tmp_path / "saves", story("walk")).load("manual")
    assert report.complete and frozen(loaded) == frozen(eng)
    assert [s.slot for s in store.slots()] == [AUTOSAVE, "manual"]
    assert store.slots()[0].steps == 4 and store.slots()[0].scene == "four"
    assert store.warnings == []
    assert not list((tmp_path / "saves").glob("*.tmp"))


def test_a_finished_game_round_trips():
    eng = walked(path=["right", "continue", "up", "finish"])
    again, report = restore(story("walk"), round_trip(eng))
    assert report.complete and again.ended and frozen(again) == frozen(eng)


# -- saves surviving story edits -------------------------------------------------------


def test_a_save_survives_an_inserted_choice(tmp_path):
    doc = round_trip(walked())
    path = edited(tmp_path, ("      - text: Down\n",
                             "      - text: Sideways\n        goto: four\n      - text: Down\n"))
    new = load_story(path)
    assert new.content_hash != story("walk").content_hash
    eng, report = restore(new, doc)
    assert report.complete
    assert eng.state.scene == "four" and eng.state.vars["steps"] == 1102
    fresh = Engine(new)
    fresh.take("left")
    fresh.proceed()
    assert [c.id for c in fresh.view().choices] == ["up", "sideways", "down"]  # 'down' is 3 now


def test_a_save_survives_reordered_choices(tmp_path):
    doc = round_trip(walked())
    up = "      - text: Up\n        do: [{add: {steps: 10}}]\n        goto: four\n"
    down = "      - text: Down\n        do: [{add: {steps: 100}}]\n        goto: four\n"
    path = edited(tmp_path, (up + down, down + up))
    new = load_story(path)
    eng, report = restore(new, doc)
    assert report.complete
    assert frozen(eng)["vars"] == frozen(walked())["vars"]
    assert eng.ledger == walked().ledger
    assert [c.id for c in eng.view().choices] == ["finish", "stay"]


def test_a_save_whose_choice_was_deleted_stops_at_the_last_valid_point(tmp_path):
    doc = round_trip(walked())
    path = edited(tmp_path, ("      - text: Down\n        do: [{add: {steps: 100}}]\n"
                             "        goto: four\n", ""))
    eng, report = restore(load_story(path), doc)
    assert not report.complete
    assert (report.applied, report.total) == (2, 4)
    assert "step 3" in report.problem and "'down'" in report.problem
    assert "scene 'three'" in report.problem
    # It stopped at the decision; it never took 'up' in its place.
    assert eng.state.scene == "three" and eng.path == [("one", "left"), ("two", "continue")]
    assert eng.state.vars["steps"] == 2
    assert [c.id for c in eng.view().choices] == ["up"]


def test_a_save_followed_through_a_renamed_scene(tmp_path):
    doc = round_trip(walked())
    path = edited(tmp_path, ("renamed:\n  hall: three\n", "renamed:\n  three: fork\n"),
                  ("  three:\n", "  fork:\n"), ("goto: three", "goto: fork"))
    eng, report = restore(load_story(path), doc)
    assert report.complete
    assert eng.path[2] == ("fork", "down")
    assert eng.state.vars["steps"] == 1102


def test_a_renamed_scene_without_renamed_stops_and_says_so(tmp_path):
    doc = round_trip(walked())
    path = edited(tmp_path, ("renamed:\n  hall: three\n", ""),
                  ("  three:\n", "  fork:\n"), ("goto: three", "goto: fork"))
    eng, report = restore(load_story(path), doc)
    assert (report.applied, report.complete) == (2, False)
    assert "'three'" in report.problem and "'fork'" in report.problem
    assert eng.state.scene == "fork"


def test_a_story_that_now_ends_earlier(tmp_path):
    doc = round_trip(walked())
    path = edited(tmp_path, ("    do: [{add: {steps: 1}}]\n    goto: three\n",
                             "    ending: {title: Short, kind: mixed}\n"))
    eng, report = restore(load_story(path), doc)
    assert (report.applied, report.complete) == (1, False)
    assert "ends earlier" in report.problem and eng.ended


def test_another_storys_save_is_refused():
    doc = round_trip(engine("city"))
    with pytest.raises(SaveError, match="for the story 'city', not 'walk'"):
        restore(story("walk"), doc)


# -- damaged files ----------------------------------------------------------------------


def good_text() -> str:
    return json.dumps(save_document(walked()), indent=1)


BAD_FILES = {
    "empty": ("", "is empty"),
    "blank": ("  \n", "is empty"),
    "truncated": (None, "damaged (not valid JSON"),
    "not_json": ("this is not a save\n", "damaged (not valid JSON"),
    "a_list": ("[1, 2, 3]", "not a Standing save"),
    "no_version": (json.dumps({"format": "standing-save"}), "no format version"),
    "newer": (None, "newer Standing (save format 99"),
    "bad_path": (None, "path is damaged"),
    "no_seed": (None, "missing its seed"),
    "seed_of_5000_digits": (None, "a number is too long"),
    "nested_200000_deep": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    "deep_inside_the_path": (None, "nested too deeply"),
    "seed_past_64_bits": (None, "seed is damaged"),
    "seed_true": (None, "missing its seed"),
    "version_0": (None, "format version (0) is damaged"),
    "version_true": (None, "no format version"),
    "polls_damaged": (None, "poll answers are damaged"),
    "score_nan": (None, "score is damaged"),
    "score_text": (None, "score is damaged"),
    "scene_a_list": (None, "scene is damaged"),
    "title_a_mapping": (None, "story title is damaged"),
    "title_of_a_megabyte": (None, "story title is damaged"),
    "story_id_with_an_escape": (None, "story id is damaged"),
    "scene_id_with_an_escape": (None, "path is damaged"),
}


def bad_text(kind: str) -> str:
    text, _ = BAD_FILES[kind]
    if text is not None:
        return text
    doc = json.loads(good_text())
    if kind == "truncated":
        return good_text()[: len(good_text()) // 2]
    if kind == "newer":
        doc["format_version"] = 99
    elif kind == "bad_path":
        doc["path"] = [["one"], ["two", 3]]
    elif kind == "no_seed":
        del doc["seed"]
    elif kind == "seed_of_5000_digits":
        doc["seed"] = 12345
        return json.dumps(doc).replace("12345", "9" * 5000)
    elif kind == "deep_inside_the_path":
        doc["path"] = 7
        return json.dumps(doc).replace('"path": 7', '"path": ' + "[" * 100_000 + "]" * 100_000)
    elif kind == "seed_past_64_bits":
        doc["seed"] = 2**64
    elif kind == "seed_true":
        doc["seed"] = True
    elif kind == "version_0":
        doc["format_version"] = 0
    elif kind == "version_true":
        doc["format_version"] = True
    elif kind == "polls_damaged":
        doc["polls"] = [[0, "poll", "scene"]]
    elif kind == "score_nan":
        doc["score"] = float("nan")
    elif kind == "score_text":
        doc["score"] = "12"
    elif kind == "scene_a_list":
        doc["scene"] = ["start"]
    elif kind == "title_a_mapping":
        doc["story_title"] = {"x": 1}
    elif kind == "title_of_a_megabyte":
        doc["story_title"] = "x" * 1_000_000
    elif kind == "scene_id_with_an_escape":
        doc["path"][0][0] = "\x1b[2Jone"
    elif kind == "story_id_with_an_escape":
        doc["story"] = "walk\x1b]0;owned\x07"
    return json.dumps(doc)


@pytest.mark.parametrize("kind", BAD_FILES)
def test_parse_save_refuses_damaged_documents_with_a_save_error(kind):
    with pytest.raises(SaveError, match=re.escape(BAD_FILES[kind][1])):
        parse_save(bad_text(kind), "slot.json")


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_damaged_save_is_moved_aside_with_a_warning(tmp_path, kind):
    store = SaveStore(tmp_path, story("walk"))
    target = store.file(AUTOSAVE)
    # Once: a save document carries the time it was written, so a second call a
    # second later differs (this test failed now and then on a busy machine).
    text = bad_text(kind)
    target.write_text(text, encoding="utf-8")
    assert store.load() is None
    (warning,) = store.warnings
    assert BAD_FILES[kind][1] in warning and "moved aside" in warning
    assert not target.exists()
    (aside,) = tmp_path.glob(f"{store.file(AUTOSAVE).name}.corrupt-*")
    assert aside.read_text(encoding="utf-8") == text
    assert aside.name in warning


def test_a_save_larger_than_the_cap_is_moved_aside_unparsed(tmp_path, monkeypatch):
    monkeypatch.setattr(saves, "MAX_SAVE_BYTES", 2000)
    parsed = []
    monkeypatch.setattr(saves.json, "loads", lambda text: parsed.append(text))
    store = SaveStore(tmp_path, story("walk"))
    store.file(AUTOSAVE).write_text(good_text() + " " * 5000, encoding="utf-8")
    assert store.load() is None
    assert "larger than" in store.warnings[0] and "moved aside" in store.warnings[0]
    assert parsed == []


def test_start_over_replaces_the_autosave_unread(tmp_path, monkeypatch):
    store = SaveStore(tmp_path, story("walk"))
    store.file(AUTOSAVE).write_text("[" * 200_000, encoding="utf-8")
    read = []
    monkeypatch.setattr(saves, "read_save", lambda path: read.append(path))
    store.start_over(AUTOSAVE)
    assert store.save(walked())
    assert read == [] and store.warnings == []
    monkeypatch.undo()
    assert SaveStore(tmp_path, story("walk")).load() is not None


def test_a_file_that_is_not_utf8_is_moved_aside(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    store.file(AUTOSAVE).write_bytes(b"\xff\xfe\x00garbage")
    assert store.load() is None
    assert "cannot read the save" in store.warnings[0]
    assert len(list(tmp_path.glob("*.corrupt-*"))) == 1


def test_another_storys_save_in_the_slot_is_kept_not_overwritten(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    other = json.dumps(save_document(engine("city", 0, "jaywalk")))
    store.file(AUTOSAVE).write_text(other, encoding="utf-8")
    assert store.load() is None
    assert "for the story 'city', not 'walk'" in store.warnings[0]
    assert store.save(walked())
    kept = [p for p in tmp_path.iterdir() if p.read_text(encoding="utf-8") == other]
    assert len(kept) == 1, "the other story's save was overwritten"


def test_a_corrupt_autosave_is_never_overwritten_unread(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    store.file(AUTOSAVE).write_text("{ half a sa", encoding="utf-8")
    assert store.save(walked())  # saving without loading first
    (aside,) = tmp_path.glob(f"{store.file(AUTOSAVE).name}.corrupt-*")
    assert aside.read_text(encoding="utf-8") == "{ half a sa"
    assert "moved aside" in store.warnings[0]
    assert parse_save(store.file(AUTOSAVE).read_text(encoding="utf-8"), "x")["path"]


def test_two_corrupt_saves_in_the_same_second_are_both_kept(tmp_path):
    for text in ("first damaged", "second damaged"):
        store = SaveStore(tmp_path, story("walk"))
        store.file(AUTOSAVE).write_text(text, encoding="utf-8")
        assert store.load() is None
    kept = sorted(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.corrupt-*"))
    assert kept == ["first damaged", "second damaged"]


def test_a_valid_save_is_overwritten_only_after_being_read(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    assert store.save(walked())
    assert SaveStore(tmp_path, story("walk")).save(engine("walk"))
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_slots_list_damaged_files_with_their_problem(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    store.save(walked(), "good")
    store.file("bad").write_text("nope", encoding="utf-8")
    (tmp_path / f".{store.file(AUTOSAVE).name}.abc.tmp").write_text("partial", encoding="utf-8")
    listed = {s.slot: s for s in store.slots()}
    assert set(listed) == {"good", "bad"}
    assert listed["bad"].problem and "not valid JSON" in listed["bad"].problem
    assert listed["good"].problem is None


def test_bad_slot_names_are_a_save_error(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    for name in ("../x", "A B", "", "x" * 40):
        with pytest.raises(SaveError, match="not a slot name"):
            store.file(name)


# -- an unwritable folder ------------------------------------------------------------------


def test_unwritable_save_folder_warns_once_and_play_goes_on(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    store = SaveStore(blocker / "saves", story("walk"))
    assert store.load() is None  # nothing there: no warning yet
    assert store.warnings == []
    eng = engine("walk")
    for cid in ("left", "continue", "up"):
        eng.take(cid)
        assert store.save(eng) is False
    (warning,) = store.warnings
    assert "cannot save to" in warning and "play goes on" in warning
    assert store.slots() == []


def test_a_failing_rename_warns_once(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saves.os, "replace", refuse)
    store = SaveStore(tmp_path, story("walk"))
    assert store.save(walked()) is False and store.save(walked()) is False
    assert len(store.warnings) == 1 and "Permission denied" in store.warnings[0]
    assert not list(tmp_path.iterdir())


# -- killed while saving -------------------------------------------------------------------


@pytest.mark.parametrize("fail", ["replace", "fsync"])
def test_failure_between_write_and_rename_keeps_the_previous_save(tmp_path, monkeypatch, fail):
    store = SaveStore(tmp_path, story("walk"))
    assert store.save(engine("walk", 3, "left"))
    before = store.file(AUTOSAVE).read_bytes()

    def crash(*args):
        raise KeyboardInterrupt  # like a kill that Python still sees

    monkeypatch.setattr(saves.os, fail, crash)
    with pytest.raises(KeyboardInterrupt):
        store.save(walked())
    monkeypatch.undo()
    assert store.file(AUTOSAVE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [store.file(AUTOSAVE).name]
    loaded, report = SaveStore(tmp_path, story("walk")).load()
    assert report.complete and loaded.path == [("one", "left")]


def test_write_atomic_replaces_the_whole_file(tmp_path):
    target = tmp_path / "deep" / "file.json"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text(encoding="utf-8") == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_a_process_killed_before_the_rename_leaves_the_previous_save_loadable(tmp_path):
    """A real kill (no cleanup runs): the old save is intact and loads; the temp file is ignored."""
    store = SaveStore(tmp_path, story("walk"))
    assert store.save(engine("walk", 3, "left"))
    before = store.file(AUTOSAVE).read_bytes()
    script = (
        "import os, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from game.engine import saves\n"
        "from game.engine.engine import Engine\n"
        "from game.story.loader import load_story\n"
        "story = load_story(sys.argv[2])\n"
        "eng = Engine(story, seed=3)\n"
        "for c in ('left', 'continue', 'up'): eng.take(c)\n"
        "saves.os.replace = lambda *a: os._exit(9)\n"
        "saves.SaveStore(Path(sys.argv[3]), story).save(eng)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(ROOT), str(FIXTURES / "walk.yaml"),
                           str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    assert store.file(AUTOSAVE).read_bytes() == before
    assert len(list(tmp_path.glob(f".{store.file(AUTOSAVE).name}.*.tmp"))) == 1  # what a kill leaves
    fresh = SaveStore(tmp_path, story("walk"))
    loaded, report = fresh.load()
    assert report.complete and loaded.path == [("one", "left")]
    assert [s.slot for s in fresh.slots()] == [AUTOSAVE]
    assert fresh.warnings == []


def test_default_folder_follows_standing_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path))
    assert saves.default_folder() == tmp_path / "saves"
    monkeypatch.delenv("STANDING_DATA_DIR")
    assert saves.default_folder().name == "saves"
    assert os.fspath(saves.default_folder()) != os.fspath(tmp_path / "saves")


def test_a_damaged_save_that_cannot_be_moved_aside_is_never_overwritten(tmp_path, monkeypatch):
    real = os.replace

    def no_aside(src, dst):
        if ".corrupt-" in os.fspath(dst):
            raise PermissionError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(saves.os, "replace", no_aside)
    store = SaveStore(tmp_path, story("walk"))
    store.file(AUTOSAVE).write_text("damaged", encoding="utf-8")
    assert store.save(walked()) is False
    assert store.save(walked()) is False
    assert store.file(AUTOSAVE).read_text(encoding="utf-8") == "damaged"
    (warning,) = store.warnings
    assert "could not be moved aside" in warning and "will not be overwritten" in warning
    assert store.save(walked(), "other")  # other slots still save


def test_a_save_whose_choice_is_now_locked_stops_there(tmp_path):
    doc = round_trip(walked())
    path = edited(tmp_path, ("      - text: Down\n",
                             "      - text: Down\n        requires: steps > 99\n"
                             "        locked: Not yet.\n"))
    eng, report = restore(load_story(path), doc)
    assert (report.applied, report.complete) == (2, False)
    assert "'down'" in report.problem and "cannot be taken" in report.problem
    assert eng.state.scene == "three"
    assert next(c for c in eng.view().choices if c.id == "down").locked == "Not yet."


def test_a_save_naming_a_scene_that_is_gone_stops_there():
    doc = round_trip(walked())
    doc["path"][1][0] = "vanished"
    eng, report = restore(story("walk"), doc)
    assert (report.applied, report.complete) == (1, False)
    assert "'vanished'" in report.problem and eng.state.scene == "two"


def test_stale_temporary_files_of_a_killed_save_are_swept(tmp_path):
    """A process killed between write and rename leaves a temp file; the next save removes it."""
    import os
    import time

    from game.engine.saves import SaveStore, sweep_temporaries
    from game.story.loader import load_story
    from game.engine.engine import Engine

    story = load_story(Path(__file__).parents[1] / "fixtures" / "contract_example.yaml")
    store = SaveStore(tmp_path, story)
    target = store.file("autosave")
    stale = tmp_path / f".{target.name}.abc123.tmp"
    fresh = tmp_path / f".{target.name}.def456.tmp"
    stale.write_text("half a save")
    fresh.write_text("a save in flight")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert store.save(Engine(story, seed=1))
    assert not stale.exists() and fresh.exists()
    assert sweep_temporaries(target) == 0


# -- any bytes at all ------------------------------------------------------------------------


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=20,
)
FIELDS = ["format", "format_version", "story", "story_title", "story_version", "content_hash",
          "seed", "path", "polls", "scene", "score", "saved", "extra"]


def a_damaged_document(base: dict) -> st.SearchStrategy[bytes]:
    """A valid save with fields replaced by any JSON, or cut, or any bytes at all."""
    changed = st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4).map(
        lambda edits: json.dumps({**base, **edits}).encode())
    cut = st.integers(0, 400).map(lambda n: json.dumps(base).encode()[:n])
    text = json.dumps(base)
    huge = st.sampled_from(FIELDS).flatmap(lambda name: st.sampled_from([
        text.replace("{", '{"%s": %s, ' % (name, "9" * 5000), 1),
        text.replace("{", '{"%s": %s, ' % (name, "[" * 100_000 + "]" * 100_000), 1),
    ])).map(str.encode)
    return changed | cut | huge | st.binary(max_size=200) | JSON_VALUES.map(
        lambda v: json.dumps(v).encode())


def load_from_bytes(folder: Path, data: bytes) -> tuple[SaveStore, object]:
    store = SaveStore(folder, story("walk"))
    store.file(AUTOSAVE).write_bytes(data)
    return store, store.load()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_bytes_in_a_save_file_load_cleanly_or_are_moved_aside(tmp_path_factory, data):
    base = save_document(walked())
    blob = data.draw(a_damaged_document(base))
    folder = tmp_path_factory.mktemp("saves")
    store, loaded = load_from_bytes(folder, blob)
    if loaded is None:
        assert len(store.warnings) == 1 and "\n" not in store.warnings[0]
        assert "moved aside" in store.warnings[0] or "not 'walk'" in store.warnings[0]
        assert not store.file(AUTOSAVE).exists()
        assert [p.read_bytes() for p in folder.glob("*.corrupt-*")] == [blob]
    else:
        eng, report = loaded
        assert eng.story.id == "walk" and report.applied <= report.total
        eng.view()  # the restored game can be shown
        assert store.save(eng)
    for info in SaveStore(folder, story("walk")).slots():  # the Save/Load screen's listing
        assert info.problem is None, info.problem
        assert info.scene is None or type(info.scene) is str
        assert info.saved is None or type(info.saved) is str
        assert info.score is None or (type(info.score) in (int, float)
                                      and abs(info.score) < float("inf"))


# -- two stories with one id never share saves ------------------------------------------------

BUNDLED_TUTORIAL = ROOT / "stories" / "tutorial.yaml"


def impostor(tmp_path: Path, name: str = "cool.yaml") -> Path:
    """A downloaded story that calls itself 'tutorial' (it is walk.yaml inside)."""
    text = (FIXTURES / "walk.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", "id: tutorial", text) if re.search(r"(?m)^id:", text) \
        else "id: tutorial\n" + text
    folder = tmp_path / "downloads"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_story_reusing_a_bundled_id_never_touches_the_bundled_storys_saves(tmp_path):
    bundled, other = load_story(BUNDLED_TUTORIAL), load_story(impostor(tmp_path))
    assert bundled.id == other.id == "tutorial"
    mine = SaveStore(tmp_path, bundled)
    game = Engine(bundled, seed=5)
    game.take(game.view().open_choices[0].id)
    assert mine.save(game)
    before = mine.file(AUTOSAVE).read_bytes()
    theirs = SaveStore(tmp_path, other)
    assert theirs.file(AUTOSAVE) != mine.file(AUTOSAVE)
    assert theirs.load() is None and theirs.warnings == []
    assert theirs.save(engine_of(other, "left"))
    assert mine.file(AUTOSAVE).read_bytes() == before
    loaded, report = SaveStore(tmp_path, bundled).load()
    assert report.complete and loaded.path == game.path
    assert [s.slot for s in SaveStore(tmp_path, bundled).slots()] == [AUTOSAVE]
    assert [s.steps for s in SaveStore(tmp_path, other).slots()] == [1]


def engine_of(story_, *choices: str) -> Engine:
    game = Engine(story_, seed=1)
    for choice in choices:
        game.take(choice)
    return game


def test_a_bundled_storys_save_keeps_its_old_name(tmp_path):
    store = SaveStore(tmp_path, load_story(BUNDLED_TUTORIAL))
    assert store.file(AUTOSAVE).name == "tutorial.autosave.json"


def test_two_copies_of_a_story_in_two_folders_keep_apart_saves(tmp_path):
    first = impostor(tmp_path)
    second = tmp_path / "elsewhere" / "cool.yaml"
    second.parent.mkdir()
    second.write_bytes(first.read_bytes())
    a, b = SaveStore(tmp_path, load_story(first)), SaveStore(tmp_path, load_story(second))
    assert a.file(AUTOSAVE) != b.file(AUTOSAVE)
    # the same story named another way (a relative path, a link) is the same story
    os.symlink(first.parent, tmp_path / "link")
    assert SaveStore(tmp_path, load_story(tmp_path / "link" / "cool.yaml")).file(AUTOSAVE) \
        == a.file(AUTOSAVE)


def test_an_old_save_named_by_id_is_adopted_by_a_story_no_bundled_story_claims(tmp_path):
    walk = story("walk")
    old = tmp_path / "walk.autosave.json"
    old.write_text(json.dumps(save_document(walked())), encoding="utf-8")
    (tmp_path / "walk.mine.json").write_text(json.dumps(save_document(walked())),
                                             encoding="utf-8")
    store = SaveStore(tmp_path, walk)
    assert {s.slot for s in store.slots()} == {AUTOSAVE, "mine"}
    loaded, report = store.load()
    assert report.complete and loaded.path == walked().path
    assert not old.exists() and store.file(AUTOSAVE).exists()


def test_an_old_save_named_by_a_bundled_id_stays_the_bundled_storys(tmp_path):
    bundled = load_story(BUNDLED_TUTORIAL)
    game = Engine(bundled, seed=5)
    game.take(game.view().open_choices[0].id)
    old = tmp_path / "tutorial.autosave.json"
    old.write_text(json.dumps(save_document(game)), encoding="utf-8")
    theirs = SaveStore(tmp_path, load_story(impostor(tmp_path)))
    assert theirs.load() is None and theirs.slots() == [] and old.exists()
    loaded, report = SaveStore(tmp_path, bundled).load()
    assert report.complete and loaded.path == game.path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_place_of_a_save_is_moved_aside_without_blocking(tmp_path):
    store = SaveStore(tmp_path, story("walk"))
    os.mkfifo(store.file(AUTOSAVE))
    assert store.load() is None  # a blocking open would wait here for a writer forever
    assert "not a regular file" in store.warnings[0] and "moved aside" in store.warnings[0]
    assert store.save(walked())
