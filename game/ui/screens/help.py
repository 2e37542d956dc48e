"""Help: every key of the terminal player, in a list that scrolls under a close hint that stays."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.ui.text import literal

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Playing", (
        ("1 … 9", "take that choice at once (a locked one tells you why not)"),
        ("Space  Enter", "read on: the next page of the scene; once its end has been "
                         "shown, take the highlighted choice (Continue too)"),
        ("▼ more", "over the choices: the scene goes on below; they wait until you "
                   "have read it"),
        ("↑ ↓", "move between the choices; the mouse works too"),
        ("PgUp PgDn", "scroll the story, whatever has the focus (the mouse wheel too)"),
        ("Home  End", "the start or the end of the scene (Home twice: the start of "
                      "the story)"),
        ("Tab", "move between the story and the choices"),
        ("u  ctrl+z", "undo your last decision (as many times as you like)"),
        ("r", "my record: what the system lets you see"),
        ("s", "save to a slot, or load one"),
        ("Escape", "back to the title screen (your game is saved)"),
    )),
    ("Debrief", (
        ("a", "play again from the beginning"),
        ("b", "go back to a decision and choose again: type its number, or ↑ ↓ "
              "and Enter"),
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

KEY_WIDTH = 13
"""Columns of the key column: a description wraps beside it, never under it."""
CHROME = 6
"""Rows of the dialog around the list: its border, title and close hint."""


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by screen; the list scrolls, the close hint stays in view."""

    BINDINGS = [Binding("escape,question_mark,f1,h,q", "close", "Close")]

    DEFAULT_CSS = f"""
    HelpScreen {{
        #help-keys {{ height: auto; }}
        .help-heading {{ text-style: bold; color: $text-primary; margin-top: 1; }}
        .help-row {{ height: auto; }}
        .help-key {{ width: {KEY_WIDTH}; text-style: bold; color: $text-accent;
                     text-align: right; padding-right: 2; }}
        .help-what {{ width: 1fr; }}
    }}
    """

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Help: keys", classes="dialog-title")
            with VerticalScroll(id="help-keys", can_focus=True):
                for number, (heading, keys) in enumerate(KEYS):
                    yield Static(literal(heading), classes="help-heading", markup=False)
                    for key, what in keys:
                        with Horizontal(classes="help-row"):
                            yield Static(literal(key), classes="help-key", markup=False)
                            yield Static(literal(what), classes="help-what", markup=False)
            yield Static("↑ ↓ PgUp PgDn scroll · Escape closes", id="help-close",
                         classes="dialog-help")

    def on_mount(self) -> None:
        self.app.clear_notifications()  # toasts would cover the keys (the transcript keeps them)
        self.query_one("#help-keys").focus()

    def on_resize(self, event: events.Resize) -> None:
        # The list takes what the terminal leaves around the title and the close hint,
        # so the hint is never pushed off the bottom (and the list scrolls instead).
        self.query_one("#help-keys").styles.max_height = max(3, event.size.height - CHROME)

    def action_close(self) -> None:
        """Back to where the player was."""
        self.dismiss(None)
