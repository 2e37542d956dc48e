"""A question with a few answers, as buttons."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from game.ui.text import literal


class AskDialog(ModalScreen[int | None]):
    """Dismisses with the index of the answer chosen, or None on Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, question: str, answers: list[str], detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.answers = answers
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question), classes="dialog-title")
            if self.detail:
                yield Static(literal(self.detail), classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                for index, answer in enumerate(self.answers):
                    yield Button(literal(answer), id=f"answer-{index}", compact=True,
                                 variant="primary" if index == 0 else "default")

    def on_mount(self) -> None:
        self.query_one("#answer-0", Button).focus()

    @on(Button.Pressed)
    def _answered(self, event: Button.Pressed) -> None:
        self.dismiss(int((event.button.id or "answer-0")[7:]))

    def action_cancel(self) -> None:
        """No answer."""
        self.dismiss(None)
