"""Words per path are counted once, in the engine (``game.engine.paths``): ``test
--words`` (authoring) and the lesson plans (teaching) read the same count."""

from __future__ import annotations

import json
from pathlib import Path

from game.engine.paths import path_length, play_words
from game.story.loader import load_story

ONE_PATH = """\
title: One path
scenes:
  start:
    text: Four words of text.
    do: [notify: Two more]
    goto: middle
  middle:
    text: Three words here.
    choices:
      - text: Go on now
        do: [notify: "Paid: five yuan, thanks."]
        goto: end
  end:
    ending: {title: The end, kind: good}
    text: Done.
"""
STORY_TEXT = 4 + 2 + 3 + 4 + 2 + 1  # paragraphs, notifications, the ending's title
ON_SCREEN = STORY_TEXT + 3  # and the choice


def _story(tmp_path: Path):
    path = tmp_path / "one.yaml"
    path.write_text(ONE_PATH, encoding="utf-8")
    return path, load_story(path)


def test_one_count_for_the_story_text_and_the_screen(tmp_path: Path) -> None:
    _, story = _story(tmp_path)
    assert play_words(story, 0, choices=False) == STORY_TEXT
    assert play_words(story, 0) == ON_SCREEN
    assert path_length(story, 5).median == ON_SCREEN


def test_test_words_reads_the_engine_count(tmp_path: Path, capsys) -> None:
    from game import cli

    path, story = _story(tmp_path)
    cli.main(["test", str(path), "--words", "--runs", "3", "--json"])
    report = json.loads(capsys.readouterr().out)
    [persona] = report["personas"]
    assert persona["words"]["median"] == play_words(story, 0, choices=False) == STORY_TEXT


def test_the_front_ends_share_the_engine_count() -> None:
    """Authoring and teaching are siblings: neither counts on its own."""
    import game.authoring.playtest as playtest
    import game.engine.paths as paths
    import game.teaching.words as words

    assert words.path_length is paths.path_length and words.play_words is paths.play_words
    assert playtest.story_words is paths.story_words
    assert playtest.notice_words is paths.notice_words


def test_path_length_is_the_same_for_a_seed() -> None:
    story = load_story(Path(__file__).resolve().parents[2] / "stories" / "tutorial.yaml")
    assert path_length(story, 10, seed=4) == path_length(story, 10, seed=4)
