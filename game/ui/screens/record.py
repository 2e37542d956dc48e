"""My record: what the system lets the player see of what it recorded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.engine.view import View
from game.story.expressions import format_value
from game.story.model import Story
from game.ui.text import literal


class RecordScreen(ModalScreen[None]):
    """The record as the system shows it: reasons only where the story explains them."""

    BINDINGS = [Binding("escape,r,q", "close", "Close")]

    def __init__(self, lines: list[str], story: Story, view: View | None) -> None:
        super().__init__()
        self.lines = lines
        self.story = story
        self.view_now = view

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("My record", classes="dialog-title")
            yield Static("What the system lets you see. Some reasons may be withheld.",
                         classes="dialog-help")
            status = self._status()
            if status:
                yield Static(literal(status), id="record-status")
            with VerticalScroll(id="record-lines"):
                text = "\n".join(self.lines) if self.lines else "Nothing recorded yet."
                yield Static(literal(text), markup=False)
            yield Static("Press Escape to close.", classes="dialog-help")

    def _status(self) -> str:
        rating, view = self.story.rating, self.view_now
        if rating is None or view is None:
            return ""
        parts = []
        if rating.show in ("number", "stars") and view.score is not None:
            parts.append(f"{rating.name}: {format_value(view.score)}")
        if rating.show != "hidden" and view.tier_label:
            parts.append(f"tier {view.tier_label}")
        if view.list_labels:
            parts.append("listed: " + ", ".join(view.list_labels))
        closed = [s.label for s in view.closed_services]
        if closed:
            parts.append("closed to you: " + ", ".join(closed))
        return " · ".join(parts)

    def action_close(self) -> None:
        """Back to the story."""
        self.dismiss(None)
