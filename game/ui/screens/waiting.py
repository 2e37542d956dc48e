"""Waiting for the class: the teacher holds everyone at a chapter boundary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from game.ui.text import literal
from game.ui.widgets.keyline import KeyLine


class WaitingScreen(Screen[None]):
    """Covers the next chapter until the teacher releases the class (the app dismisses it)."""

    BINDINGS = [Binding("escape", "noop", show=False)]

    def __init__(self, chapter_index: int, chapter: str | None) -> None:
        super().__init__()
        self.chapter_index = chapter_index
        """The held chapter's number: the app releases this screen when it opens."""
        self.chapter = chapter

    def compose(self) -> ComposeResult:
        with Center(id="waiting-body"):
            with Vertical(id="waiting-box"):
                yield Static("Waiting for the class", id="waiting-title")
                next_part = f"“{self.chapter}”" if self.chapter else "the next chapter"
                yield Static(literal(
                    f"Your teacher is keeping the class together. {next_part} starts as "
                    "soon as they let everyone go on: this screen goes away by itself."),
                    id="waiting-text")
                yield Static("Your game is saved. Meanwhile, think about your last choice: "
                             "would you make it again?", classes="dialog-help")
        yield KeyLine()

    def action_noop(self) -> None:
        """Escape does not skip the wait."""
