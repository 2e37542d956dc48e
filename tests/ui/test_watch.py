"""Live reload (``play STORY --watch``): an edit replays the path on the new story;
a broken edit shows its errors and keeps the last good version running."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._toast import Toast

from game.engine.engine import Engine
from game.engine.saves import SaveStore, default_folder
from game.story.loader import load_story
from game.ui.app import StandingApp
from game.ui.screens.play import PlayScreen
from game.ui.settings import Settings
from game.ui.watch import Broken, Reloaded, StoryWatcher

STORY = """\
title: Watched
scenes:
  hall:
    text: A long hall.
    choices:
      - text: Walk on
        goto: room
      - text: Turn back
        goto: out
  room:
    text: A small room.
    choices:
      - text: Sit down
        goto: out
  out:
    ending: {title: Out, kind: mixed}
    text: You leave.
"""


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    # Make sure the change is seen even on file systems with coarse timestamps.
    stat = path.stat()
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_watcher_replays_the_path_on_the_new_version(tmp_path: Path) -> None:
    path = tmp_path / "watched.yaml"
    write(path, STORY)
    engine = Engine(load_story(path), seed=3)
    engine.take("walk_on")
    watcher = StoryWatcher(path, engine.story)
    assert not watcher.changed()
    write(path, STORY.replace("A small room.", "A small, warm room."))
    assert watcher.changed() and not watcher.changed()
    result = watcher.reload(engine)
    assert isinstance(result, Reloaded) and result.report.complete
    assert result.engine.view().paragraphs == ("A small, warm room.",)
    assert result.engine.path == engine.path


def test_watcher_reports_a_broken_edit(tmp_path: Path) -> None:
    path = tmp_path / "watched.yaml"
    write(path, STORY)
    engine = Engine(load_story(path), seed=3)
    watcher = StoryWatcher(path, engine.story)
    write(path, STORY.replace("goto: room", "goto: rom"))
    result = watcher.reload(engine)
    assert isinstance(result, Broken)
    assert f"{path}:7:15: goto names no scene: 'rom'; did you mean 'room'?" in result.message


async def test_app_reloads_and_survives_a_broken_edit(tmp_path: Path) -> None:
    path = tmp_path / "watched.yaml"
    write(path, STORY)
    story = load_story(path)
    app = StandingApp(Engine(story, seed=3), SaveStore(default_folder(), story),
                      settings=Settings(), watch=path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        screen = app.screen
        assert isinstance(screen, PlayScreen) and screen.engine.state.scene == "room"
        write(path, STORY.replace("Sit down", "Sit down on the bench"))
        app.check_story()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.engine.view().choices[0].text == "Sit down on the bench"
        assert screen.engine.state.scene == "room"
        good = screen.engine
        write(path, STORY.replace("scenes:", "scenes: [oops"))
        app.check_story()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.engine is good  # the last good version keeps running
        shown = " ".join(str(t.render()) for t in app.screen.query(Toast))
        assert "malformed YAML" in shown and "Still playing the last version" in shown


def test_watch_in_plain_mode_says_it_needs_the_terminal_player(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "watched.yaml"
    write(path, STORY)
    env = {**os.environ, "STANDING_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-m", "game", "play", str(path), "--watch", "--new"],
                         input="q\n", capture_output=True, text=True, env=env, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert "--watch needs the terminal player" in out.stdout


async def test_a_broken_edit_keeps_a_one_line_bar_until_the_story_loads_again(
        tmp_path: Path) -> None:
    from game.ui.widgets.broken import BrokenBar

    path = tmp_path / "watched.yaml"
    write(path, STORY)
    story = load_story(path)
    app = StandingApp(Engine(story, seed=3), SaveStore(default_folder(), story),
                      settings=Settings(), watch=path)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        screen = app.screen
        long_name = "a_scene_name_long_enough_to_need_more_than_the_width_" * 2
        write(path, STORY.replace("goto: room", f"goto: {long_name}"))
        app.check_story()
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = screen.query_one(BrokenBar)
        assert bar.line.startswith("Story on disk is broken: watched.yaml:7:15: goto names")
        assert bar.region.height == 1 and bar.region.width == 100
        assert str(path) in str(bar.tooltip)  # the whole of it, with the full path
        app.clear_notifications()  # the toast goes; the bar stays
        await pilot.pause()
        assert screen.query_one(BrokenBar).region.height == 1
        write(path, STORY.replace("scenes:", "scenes: [oops"))  # broken another way
        app.check_story()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.query(BrokenBar)) == 1
        assert "malformed YAML" in screen.query_one(BrokenBar).line
        write(path, STORY)  # fixed
        app.check_story()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.query(BrokenBar)
