"""A poll: a question for the class, asked without effect on the rating."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.engine.view import PollView
from game.ui.text import joined, literal


class PollDialog(ModalScreen[int | None]):
    """Dismisses with the option chosen (from 0), or None when skipped."""

    BINDINGS = [
        Binding("escape", "skip", "Skip"),
        *[Binding(str(n), f"answer({n})", show=False) for n in range(1, 10)],
    ]

    def __init__(self, poll: PollView) -> None:
        super().__init__()
        self.poll = poll

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("A question", classes="dialog-title")
            yield Static(literal(self.poll.question), id="poll-question")
            yield Static("Your answer has no effect on your score. Escape skips it.",
                         classes="dialog-help")
            yield OptionList(
                *[Option(joined((f"{n}. ", "$text-accent bold"), literal(text)), id=f"opt-{n}")
                  for n, text in enumerate(self.poll.options, 1)],
                markup=False, id="poll-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int((event.option.id or "opt-1")[4:]) - 1)

    def action_answer(self, number: int) -> None:
        """Answer by number."""
        if 1 <= number <= len(self.poll.options):
            self.dismiss(number - 1)

    def action_skip(self) -> None:
        """No answer."""
        self.dismiss(None)
