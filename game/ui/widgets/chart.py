"""A small bar chart of the score over the story, with its range labelled."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from game.story.expressions import format_value

BLOCKS = " ▁▂▃▄▅▆▇█"


def bars(values: list[float], width: int, height: int) -> list[str]:
    """Rows of block glyphs (top row first) plotting ``values`` left to right."""
    if not values or width < 1 or height < 1:
        return []
    if len(values) > width:  # keep the last value of each bucket: where each stretch ended
        values = [values[min(len(values) - 1, (i + 1) * len(values) // width - 1)]
                  for i in range(width)]
    step = max(1, min(4, width // len(values)))
    low, high = min(values), max(values)
    span = (high - low) or 1
    # The lowest value fills the bottom row, so the bottom label reads true.
    eighths = [8 + round((v - low) / span * (height - 1) * 8) for v in values]
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
    """The score after each step, as bars, with the highest and lowest value marked."""

    DEFAULT_CSS = """
    ScoreChart {
        height: 7;
        width: 1fr;
        color: $primary;
    }
    """

    def __init__(self, history: tuple[float, ...] | list[float], name: str, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = list(history)
        self.score_name = name

    def render(self) -> Content:
        """Draw the chart to fit the widget."""
        if not self.history:
            return Content("")
        high, low = max(self.history), min(self.history)
        labels = [format_value(high), format_value(low)]
        margin = max(len(label) for label in labels) + 1
        height = max(1, self.size.height - 1)
        rows = bars(self.history, max(1, self.size.width - margin), height)
        parts: list = []
        for index, row in enumerate(rows):
            label = labels[0] if index == 0 else labels[1] if index == len(rows) - 1 else ""
            parts.append((label.rjust(margin - 1) + " ", "$text-muted"))
            parts.append((row, "$text-primary"))
            parts.append("\n")
        parts.append((" " * margin + f"{self.score_name} after each of {len(self.history) - 1}"
                      " steps, start to end", "$text-muted italic"))
        return Content.assemble(*parts)
