"""Help: every key of the terminal player."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.ui.text import joined

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Playing", (
        ("1 … 9", "take that choice (a locked one tells you why not)"),
        ("↑ ↓  Enter", "move between choices and take one; the mouse works too"),
        ("Enter / 1", "Continue, or open the debrief at an ending"),
        ("u  ctrl+z", "undo the last step (as many times as you like)"),
        ("r", "my record: what the system lets you see"),
        ("s", "save to a slot, or load one"),
        ("PgUp PgDn", "scroll the story (Tab moves between the story and choices)"),
        ("Escape", "back to the title screen (your game is saved)"),
    )),
    ("Debrief", (
        ("a", "play again from the beginning"),
        ("b", "go back to a decision and choose again"),
        ("Escape", "back to the ending"),
    )),
    ("Title screen", (
        ("↑ ↓  Enter", "pick a story"),
        ("c", "continue your last game"),
    )),
    ("Everywhere", (
        ("?  h  F1", "this help"),
        ("t", "settings: theme (high contrast too), reduced motion"),
        ("q  ctrl+q", "quit; your game is saved after every step"),
    )),
)


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by screen."""

    BINDINGS = [Binding("escape,question_mark,f1,h,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Help: keys", classes="dialog-title")
            with VerticalScroll():
                parts: list = []
                for heading, keys in KEYS:
                    if parts:
                        parts.append("\n\n")
                    parts.append((heading, "bold $text-primary"))
                    for key, what in keys:
                        parts.extend(["\n", (f"{key:>12}", "bold $text-accent"), f"  {what}"])
                yield Static(joined(*parts))
            yield Static("Press Escape to close.", classes="dialog-help")

    def action_close(self) -> None:
        """Back to where the player was."""
        self.dismiss(None)
