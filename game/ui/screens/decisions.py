"""Pick an earlier decision to go back to (from the debrief)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.engine.history import Decision
from game.ui.text import joined, story_text


class DecisionPicker(ModalScreen[int | None]):
    """Lists the decisions taken; dismisses with the step to rewind to, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                *[Binding(str(d), f"digit({d})", show=False) for d in range(10)]]

    def __init__(self, picks: list[Decision]) -> None:
        super().__init__()
        self.picks = picks
        self.typed = ""
        """The digits typed so far: a number is taken once no longer one can follow."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Go back to a decision", classes="dialog-title")
            yield Static("You will stand just before it, free to choose again. "
                         "Type its number, or ↑ ↓ and Enter.", classes="dialog-help")
            yield OptionList(
                *[Option(joined((f"{number}. ", "$text-accent"),
                                story_text(p.text or "Continue")), id=f"step-{p.step}")
                  for number, p in enumerate(self.picks, 1)],
                markup=False, id="picks")

    def on_mount(self) -> None:
        picks = self.query_one(OptionList)
        picks.highlighted = len(self.picks) - 1 if self.picks else None
        picks.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        step = int((event.option.id or "step-1")[5:])
        self.dismiss(step - 1)

    def action_digit(self, digit: int) -> None:
        """Type a decision's number: taken at once unless a longer number could follow.

        With twelve decisions, 1 waits (10, 11 and 12 start with it) and 12 is taken;
        Enter takes the one highlighted. No timer: the next digit decides.
        """
        count = len(self.picks)
        typed = self.typed + str(digit)
        if not 1 <= int(typed) <= count:
            typed = str(digit)
            if not 1 <= digit <= count:
                self.typed = ""
                self.app.bell()
                return
        self.typed = typed
        number = int(typed)
        picks = self.query_one(OptionList)
        picks.highlighted = number - 1
        if number * 10 > count:
            self.typed = ""
            picks.action_select()

    def action_cancel(self) -> None:
        """Close without going back."""
        self.dismiss(None)
