"""The bar that says the story on disk does not load (``play --watch``), until it does."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from game.ui.text import literal


class BrokenBar(Static):
    """One line, cut with an ellipsis to the width; the whole text in its tooltip and on click."""

    DEFAULT_CSS = """
    BrokenBar {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $error-muted;
        color: $text-error;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:hover { pointer: pointer; }
    }
    """

    def __init__(self, line: str, full: str, *, id: str | None = None) -> None:
        super().__init__(literal(line), id=id, markup=False)
        self.line = line
        """What the bar shows."""
        self.full = full
        """Every error, one a line (tooltip and notification)."""
        self.tooltip = full

    def show(self, line: str, full: str) -> None:
        """Another broken version: its first error in place of the last."""
        self.line, self.full = line, full
        self.update(literal(line))
        self.tooltip = full

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.notify(self.full, title="The story on disk has errors", severity="error",
                    timeout=30, markup=False)
