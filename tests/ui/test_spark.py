"""The HUD's sparkline and the debrief's chart are drawn on the rating's range (issue 13,
item 9): a change of +0.01 is a small step, never a full-height spike."""

from __future__ import annotations

from pathlib import Path

from game.engine.engine import Engine
from game.engine.saves import SaveStore, default_folder
from game.story.loader import load_story
from game.ui.app import StandingApp
from game.ui.settings import Settings
from game.ui.widgets.chart import Spark, bars, scale

STORY = """\
title: Small steps
rating:
  name: Glow
  model: peer
  start: 3.9
  show: stars
  rules:
    nudge: {change: 0.01, label: A small kindness, explain: true}
scenes:
  a:
    text: Morning.
    choices:
      - {text: Be kind, do: [record: nudge], goto: a}
"""


def glyph_height(column: list[str]) -> int:
    """How many eighths a column of block glyphs fills (top row first)."""
    blocks = " ▁▂▃▄▅▆▇█"
    return sum(blocks.index(cell) if cell in blocks else 0 for cell in column)


async def test_a_small_change_is_a_small_step_in_the_hud(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(STORY, encoding="utf-8")
    story = load_story(path)
    app = StandingApp(Engine(story), SaveStore(default_folder(), story), settings=Settings())
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        spark = app.screen.query_one(Spark)
        assert spark.data[-2:] == [3.9, 3.91]
        rows = str(spark.render()).split("\n")
        width = min(len(row) for row in rows)
        columns = [[row[i] for row in rows] for i in range(width)]
        heights = [glyph_height(c) for c in columns]
        # 3.9 on 1..5 is ~72 % of the height; +0.01 moves it by at most one eighth
        assert heights[-1] - heights[0] <= 1
        assert 10 <= heights[0] <= 13


def test_chart_scale_is_the_ratings_range() -> None:
    story_rating = type("R", (), {"min": 1, "max": 5, "tiers": ()})()
    assert scale([3.9, 3.91], story_rating) == (1, 5)
    rows = bars([3.9, 3.91], 2, 2, 1, 5)
    assert rows[0][0] == rows[0][-1]  # the same height at this scale
    data_scaled = bars([3.9, 3.91], 2, 2)
    assert data_scaled[0][0] != data_scaled[0][-1]  # the data's own range makes it a spike


async def test_the_charts_caption_counts_steps_and_fits_one_line() -> None:
    """"after each of 1 steps" read wrong at a one-choice ending (the demo's lift), and
    "Performance Index after each of 40 steps: 60 at the start, 55 at the" lost its
    end in the debrief at 80 columns."""
    from textual.app import App

    from game.ui.widgets.chart import ScoreChart

    class Charts(App):
        def compose(self):
            yield ScoreChart([100, 100], "Resident Score", id="one")
            yield ScoreChart([60, *([61] * 39), 55], "Performance Index", id="long")

    app = Charts()
    async with app.run_test(size=(74, 20)) as pilot:
        await pilot.pause()
        one = str(app.query_one("#one").render())
        long = str(app.query_one("#long").render())
    assert one.splitlines()[-1].strip() == "100 at the start, 100 at the end (1 step)"
    caption = long.splitlines()[-1]
    assert caption.strip() == "60 at the start, 55 at the end (40 steps)"
    assert len(caption) <= 74
