"""The score over the story as block bars: the debrief's chart and the HUD's sparkline.

Both are scaled to the rating's range (its ``min``..``max``), not to the data's,
so a change of +0.01 draws as the small step it is, never as a full-height spike.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from game.engine import format as fmt
from game.story.model import Rating

BLOCKS = " ▁▂▃▄▅▆▇█"


def scale(values: list[float], rating: Rating | None) -> tuple[float, float]:
    """The range to draw ``values`` in: the rating's min..max, widened to the data
    where the rating has no bound (or the data leaves it)."""
    low = min(values) if values else 0
    high = max(values) if values else 0
    if rating is not None:
        if rating.min is not None:
            low = min(low, rating.min)
        if rating.max is not None:
            high = max(high, rating.max)
        if rating.min is None or rating.max is None:
            # An open range: the tiers' lines give the scale a sense of size.
            marks = [t.min for t in rating.tiers]
            if marks:
                low, high = min(low, *marks), max(high, *marks)
    return low, high


def bars(values: list[float], width: int, height: int,
         low: float | None = None, high: float | None = None) -> list[str]:
    """Rows of block glyphs (top row first) plotting ``values`` left to right.

    ``low``..``high`` is the range drawn (the data's own range when not given); a
    value at ``low`` fills one eighth of the bottom row, so every step has a bar.
    """
    if not values or width < 1 or height < 1:
        return []
    if len(values) > width:  # keep the last value of each bucket: where each stretch ended
        values = [values[min(len(values) - 1, (i + 1) * len(values) // width - 1)]
                  for i in range(width)]
    step = max(1, min(4, width // len(values)))
    low = min(values) if low is None else low
    high = max(values) if high is None else high
    span = (high - low) or 1
    top = height * 8
    eighths = [max(1, min(top, round((v - low) / span * top))) for v in values]
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        line = []
        for level in eighths:
            cell = BLOCKS[max(0, min(8, level - floor))]
            line.append(cell * max(1, step - 1) + (" " if step > 1 else ""))
        rows.append("".join(line).rstrip())
    return rows


class ScoreChart(Widget):
    """The score after each step, as bars on the rating's range, with the range labelled."""

    DEFAULT_CSS = """
    ScoreChart {
        height: 7;
        width: 1fr;
        color: $primary;
    }
    """

    def __init__(self, history: tuple[float, ...] | list[float], name: str, *,
                 rating: Rating | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = list(history)
        self.score_name = name
        self.rating = rating

    def render(self) -> Content:
        """Draw the chart to fit the widget."""
        if not self.history:
            return Content("")
        low, high = scale(self.history, self.rating)
        labels = [fmt.score(high, self.rating), fmt.score(low, self.rating)]
        margin = max(len(label) for label in labels) + 1
        height = max(1, self.size.height - 1)
        rows = bars(self.history, max(1, self.size.width - margin), height, low, high)
        parts: list = []
        for index, row in enumerate(rows):
            label = labels[0] if index == 0 else labels[1] if index == len(rows) - 1 else ""
            parts.append((label.rjust(margin - 1) + " ", "$text-muted"))
            parts.append((row, "$text-primary"))
            parts.append("\n")
        first, last = (fmt.score(v, self.rating) for v in (self.history[0], self.history[-1]))
        # Short enough for one line at 80 columns (the heading above names the score):
        # "Performance Index after each of 40 steps: …" lost its end there.
        steps = len(self.history) - 1
        parts.append((" " * margin + f"{first} at the start, {last} at the end "
                      f"({steps} step{'s' * (steps != 1)})", "$text-muted italic"))
        return Content.assemble(*parts)


class Spark(Widget):
    """The HUD's sparkline: the latest scores, newest at the right, on the rating's range."""

    DEFAULT_CSS = """
    Spark {
        height: 2;
        width: 1fr;
        color: $primary;
    }
    """

    def __init__(self, data: list[float], rating: Rating | None, *,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data = list(data)
        self.rating = rating

    def show(self, data: list[float]) -> None:
        """Draw ``data`` (refreshing only when it changed)."""
        if data != self.data:
            self.data = list(data)
            self.refresh()

    def render(self) -> Content:
        """One column per value, newest at the right."""
        width = self.size.width or len(self.data)
        values = self.data[-width:] if width else self.data
        low, high = scale(values, self.rating)
        rows = bars(values, max(1, width), max(1, self.size.height), low, high)
        return Content("\n".join(rows))
