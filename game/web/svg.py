"""Inline SVG drawn from numbers only: the sparkline beside the scene, the debrief's chart.

Every value written into the SVG is a number this module formats or a label
escaped by ``html.tag``; nothing from a story is drawn as markup.
"""

from __future__ import annotations

from game.engine import format as fmt
from game.story.model import Rating
from game.web.html import Markup, tag

SPARK_POINTS = 26
"""The sparkline's last steps (as the terminal HUD's width)."""


def _bounds(history: tuple[float, ...] | list[float],
            rating: Rating | None) -> tuple[float, float]:
    """The values' own range (a flat line sits in the middle)."""
    low, high = min(history), max(history)
    if high == low:
        return low - 1, high + 1
    return low, high


def _points(values: list[float], low: float, high: float, left: float, top: float,
            width: float, height: float) -> str:
    count = max(1, len(values) - 1)
    out = []
    for index, value in enumerate(values):
        x = left + width * index / count
        y = top + height * (1 - (value - low) / (high - low))
        out.append(f"{x:.1f},{y:.1f}")
    return " ".join(out)


def sparkline(history: list[float], rating: Rating | None, name: str) -> Markup:
    """The score's last steps as a small line, now at the right edge (with a text
    alternative saying where it went)."""
    if not history:
        return Markup("")
    values = list(history[-SPARK_POINTS:])
    if len(values) == 1:
        values = values * 2
    low, high = _bounds(values, rating)
    first, last = fmt.score(values[0], rating), fmt.score(values[-1], rating)
    steps = len(values) - 1
    label = f"{name} over the last {steps} step{'s' * (steps != 1)}: from {first} to {last}"
    line = tag("polyline", points=_points(values, low, high, 2, 2, 116, 26), fill="none",
               stroke="currentColor", stroke_width="2", stroke_linejoin="round")
    return tag("svg", tag("title", label), line, class_="spark", viewBox="0 0 120 30",
               width="120", height="30", role="img", aria_label=label)


def chart(history: tuple[float, ...], rating: Rating | None, name: str) -> Markup:
    """The debrief's chart: the score at every step, with its axis values."""
    if not history:
        return Markup("")
    values = list(history) if len(history) > 1 else list(history) * 2
    low, high = _bounds(values, rating)
    left, top, width, height = 44.0, 10.0, 540.0, 160.0
    steps = len(history) - 1
    axis = [
        tag("line", x1=left, y1=top, x2=left, y2=top + height, class_="axis"),
        tag("line", x1=left, y1=top + height, x2=left + width, y2=top + height, class_="axis"),
        tag("text", fmt.score(high, rating), x=left - 6, y=top + 5, text_anchor="end"),
        tag("text", fmt.score(low, rating), x=left - 6, y=top + height, text_anchor="end"),
        tag("text", "start", x=left, y=top + height + 18),
        tag("text", f"step {steps}", x=left + width, y=top + height + 18, text_anchor="end"),
    ]
    line = tag("polyline", points=_points(values, low, high, left, top, width, height),
               fill="none", stroke="currentColor", stroke_width="3", stroke_linejoin="round")
    first, last = fmt.score(history[0], rating), fmt.score(history[-1], rating)
    label = (f"{name} over the story: from {first} to {last} in {steps} "
             f"step{'s' * (steps != 1)}, lowest {fmt.score(min(history), rating)}, highest "
             f"{fmt.score(max(history), rating)}")
    return tag("svg", tag("title", label), axis, line, class_="chart", viewBox="0 0 600 200",
               role="img", aria_label=label, preserveAspectRatio="xMinYMin meet")
