"""My record: what the system lets the player see of what it recorded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.engine.view import View
from game.engine.notices import standing
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

    def on_mount(self) -> None:
        # The step's toasts would sit over the record's lines (at 80x24 they do); the
        # transcript keeps every one of them, so they go.
        self.app.clear_notifications()

    def _status(self) -> str:
        if self.view_now is None:
            return ""
        return " · ".join(standing(self.story, self.view_now))

    def action_close(self) -> None:
        """Back to the story."""
        self.dismiss(None)
