"""One voice: every front end tells the player the same notices for the same path
(issue 13: plain mode, ``run --json``, the terminal player's log, toasts and record)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from textual.widgets import Static

from game.engine.debrief import record_lines
from game.engine.engine import Engine
from game.engine.notices import notices
from game.engine.saves import SaveStore, default_folder
from game.headless import run as run_headless
from game.plain import PlainPlayer
from game.story.loader import load_story
from game.ui.app import StandingApp
from game.ui.settings import Settings
from game.ui.widgets.transcript import Transcript

STORY = """\
title: Voices
rating:
  name: Glow
  model: peer
  start: 3.9
  show: stars
  explain: false
  tiers:
    - {id: radiant, label: Radiant, min: 4.5}
    - {id: bright, label: Bright, min: 4}
    - {id: steady, label: Steady, min: 1}
  rules:
    kind: {change: 0.01, label: Helped a neighbour, explain: true}
    seen: {change: -0.3, label: Seen near a Dim user}
  lists:
    watch: {label: Watch list}
    quiet: {label: Quiet list, announce: false}
  services:
    lane: {label: Gold lane, requires: "score >= 4.2"}
people:
  felix: {name: Felix, rating: 4.9}
  mum: {name: Mum, rating: 4.4}
scenes:
  home:
    do:
      - rated: {by: felix, stars: 5}
      - rated: {by: mum, stars: 3}
    text: "Morning. You are {score}."
    choices:
      - text: Help the neighbour
        do: [record: kind, {rated: {by: felix, stars: 5}}]
        goto: street
  street:
    text: The street.
    choices:
      - text: Stand with Dee
        do:
          - record: seen
          - list: watch
          - list: quiet
          - notify: "Glow: someone noticed you."
          - advance: {days: 1}
        goto: lane
  lane:
    text: The lane.
    choices:
      - {text: Take the gold lane, service: lane, goto: end}
      - {text: Walk, goto: end}
  end:
    ending: {title: Home, kind: mixed}
    text: Home.
"""
PATH = [1, 1, 2]


def voices(tmp_path: Path) -> Path:
    path = tmp_path / "voices.yaml"
    path.write_text(STORY, encoding="utf-8")
    return path


def engine_notices(path: Path) -> list[str]:
    """What the engine decides the player is told, step by step (the opening tells nothing)."""
    eng = Engine(load_story(path))
    told = [n.line for n in notices(eng.story, eng.opening)]
    for number in PATH:
        told.extend(n.line for n in notices(eng.story, eng.choose(number)))
    return told


def test_the_path_exercises_every_kind_of_notice(tmp_path) -> None:
    told = engine_notices(voices(tmp_path))
    assert told == [
        "Glow +0.01 (Helped a neighbour)",
        "Felix rated you 5 stars. Glow +0.26.",
        "Your tier went up: Bright.",
        "Glow -0.3",
        "Your tier went down: Steady.",
        "You have been put on the list: Watch list.",
        "[Phone] Glow: someone noticed you.",
        "Day 2.",
    ]  # no opening flicker, the tier after the rating, the quiet list untold


def test_plain_run_and_the_terminal_player_tell_the_same(tmp_path) -> None:
    path = voices(tmp_path)
    told = engine_notices(path)

    # plain mode: the notices, in order, between the scenes
    out = io.StringIO()
    player = PlainPlayer(Engine(load_story(path)), None,
                         io.StringIO("".join(f"{n}\n" for n in PATH)), out)
    player.run(player.engine.opening)
    plain = out.getvalue()
    lines = plain.splitlines()
    start = lines.index("Type h for help. Choose by number.") + 1
    playing = lines[start:lines.index("=== Debrief ===")]
    assert [line for line in playing if line in told] == told
    assert "Quiet list" not in "\n".join(playing)

    # run --json: the same notices
    out = io.StringIO()
    run_headless(Engine(load_story(path)), PATH, out, as_json=True)
    assert [n["text"] for n in json.loads(out.getvalue())["notices"]] == told
    out = io.StringIO()
    run_headless(Engine(load_story(path)), PATH, out, as_json=False)
    assert [line for line in out.getvalue().splitlines() if line in told] == told


async def test_the_terminal_log_and_record_tell_the_same(tmp_path) -> None:
    path = voices(tmp_path)
    told = engine_notices(path)
    story = load_story(path)
    engine = Engine(story)
    app = StandingApp(engine, SaveStore(default_folder(), story), settings=Settings())
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.pause()
        for number in PATH[:2]:
            await pilot.press(str(number))
            await pilot.pause()
        log = "\n".join(str(w.render()) for w in app.screen.query_one(Transcript).query(Static))
        logged = [line for line in told if line in log]
        assert logged == told
        assert log.index(told[1]) < log.index(told[2])  # the tier after the rating
        assert "Your tier went" not in log[:log.index("Morning.")]  # no opening flicker
        await pilot.press("r")
        await pilot.pause()
        record = "\n".join(str(w.render()) for w in app.screen.query(Static))
        for line in record_lines(engine):
            assert line in record
        assert "Day 1: +0.26  rated 5 stars by Felix" in record  # named, as the log named him
        assert "Quiet list" not in record  # never announced: not in the record, nor the status
        assert "Glow: 3.94 stars · tier Steady · day 2 · listed: Watch list" in record
