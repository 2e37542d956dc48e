"""The reveal: how the class chose, beside the player's own choice (aggregates only)."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.widgets import Static

from game.engine.classmode import ClassSplit
from game.ui.text import joined, literal

BAR = 20
"""Columns of the longest bar (a share of 100 %)."""
REFRESH = 3.0
"""Seconds between looks at the class folder while the debrief is open."""


class RevealPanel(Static):
    """Fills itself when the teacher reveals the class's choices, and keeps up to date."""

    DEFAULT_CSS = """
    RevealPanel {
        height: auto;
        max-width: 120;
    }
    """

    def __init__(self, load: Callable[[], dict[str, ClassSplit] | None],
                 mine: list[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.load = load
        """Reads how the class chose (None until revealed); run in a thread worker."""
        self.mine = mine
        """The player's own (scene, choice) pairs, in the order taken."""
        self.revealed = False

    def on_mount(self) -> None:
        self._before_reveal()
        self._look()
        self.set_interval(REFRESH, self._look)

    @work(thread=True, exclusive=True, group="reveal")
    def _look(self) -> None:
        data = self.load()
        self.app.call_from_thread(self.show_choices, data)

    def show_choices(self, data: dict[str, ClassSplit] | None) -> None:
        """Draw the class's splits for the scenes where the player chose."""
        if data is None:
            if self.revealed:  # the teacher hid it again
                self.revealed = False
                self._before_reveal()
            return
        self.revealed = True
        own: dict[str, str] = {}
        for scene, choice in self.mine:
            own.pop(scene, None)
            own[scene] = choice  # the last visit wins, and keeps its place in order
        parts: list = []
        for scene, choice in own.items():
            if scene not in data:
                continue
            first_words, n, options = data[scene]
            if parts:
                parts.append("\n\n")
            parts.append(literal(first_words or scene, "bold"))
            parts.append((f"  (n = {n})", "$text-muted"))
            for key, label, count in options:
                you = key == choice
                parts.append("\n")
                parts.append(("▶ " if you else "  ", "$text-accent bold"))
                parts.append(literal(label, "$text-accent bold" if you else ""))
                parts.append("  ")
                if count is None:
                    parts.append(("fewer than 3", "$text-muted"))
                else:
                    share = count / n if n else 0.0
                    parts.append(("█" * max(1 if count else 0, round(share * BAR)), "$primary"))
                    parts.append(f" {round(100 * share)} % ({count})")
                if you:
                    parts.append(("  ← you", "$text-accent"))
        if not parts:
            parts.append(literal("The class has not made the choices you made yet.",
                                 "$text-muted"))
        self.update(joined(*parts))

    def _before_reveal(self) -> None:
        self.update(literal("Your teacher will show here how the class chose, next to your own "
                            "choices.", "$text-muted"))
