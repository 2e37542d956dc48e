"""The debrief at every ending: what the system recorded, who reported it, and why.

It reveals the whole ledger (every hidden reason, every source), counts by
source and by rule, the reflect questions of the choices taken and the story's
own questions; then "Play again" or "Go back to a decision".
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from game.engine.debrief import (
    NEVER_SHOWN, Debrief, describe, model_lines, signed, untold_note)
from game.engine import format as fmt
from game.engine.lines import WHATIF_HEADING
from game.engine.classmode import ClassSplit
from game.engine.history import Decision
from game.ui.screens.decisions import DecisionPicker
from game.ui.text import joined, literal, story_text
from game.ui.widgets.chart import ScoreChart
from game.ui.widgets.keyline import KeyLine

AGAIN = "again"
"""Dismissed with this to play again from the start; with an int to rewind to that step."""

class DebriefScreen(Screen[int | str | None]):
    """The ending, the score chart, the revealed ledger, the counts and the questions."""

    BINDINGS = [
        Binding("a", "again", "Again"),
        Binding("b", "back", "Go back"),
        Binding("escape", "close", "Story"),
    ]

    def __init__(self, debrief: Debrief, picks: list[Decision], title: str,
                 show: str | None, *,
                 reveal: Callable[[], dict[str, ClassSplit] | None] | None = None,
                 mine: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.reveal = reveal
        """Class mode: reads how the class chose (None outside a served class)."""
        self.mine = mine or []
        """The player's own (scene, choice) pairs, for the reveal."""
        self.debrief = debrief
        self.picks = picks
        """The decisions the player took, for "Go back to a decision"."""
        self.story_title = title
        self.show = show
        """The story's rating ``show`` (None: the story has no rating)."""

    def compose(self) -> ComposeResult:
        d = self.debrief
        with VerticalScroll(id="debrief-body"):
            yield Static(joined(("Debrief  ·  ", "$text-muted"), literal(self.story_title)),
                         classes="crumb")
            ending = story_text(d.ending_title or "The end", "bold")
            # The ending's kind (good, mixed, bad) is for the teacher and the class
            # report: a player is not told how to judge their own ending.
            yield Static(joined(ending), id="ending", classes="h1")
            if self.show is not None and d.score is not None:
                tier = f", tier {d.tier_label}" if d.tier_label else ""
                yield Static(literal(f"Final {d.score_name}: "
                                     f"{fmt.score(d.score, d.rating)}{tier}"), classes="line")
                yield Static("Your score over the story", classes="h2")
                yield ScoreChart(d.history, d.score_name, rating=d.rating, id="chart")
            if d.lists:
                yield Static(literal("You ended on: " + ", ".join(d.lists)), classes="alert")
            if d.moves or d.hidden_rules or d.listed:
                yield Static("What mattered most", classes="h2")
                yield Static(self._mattered(), id="mattered")
            if d.model is not None:
                yield Static(f"How your {d.score_name} was worked out", classes="h2")
                yield Static(self._model(), id="model")
            if d.whatif:
                yield Static(WHATIF_HEADING, classes="h2")
                yield Static(self._whatif(), id="whatif")
            yield Static("What the system recorded — every reason and source revealed",
                         classes="h2")
            yield Static(self._ledger(), id="ledger")
            if d.by_source:
                yield Static("Who reported you", classes="h2")
                yield Static(self._counts(d.by_source), id="by-source")
            if d.by_rule:
                yield Static("By rule", classes="h2")
                yield Static(self._counts(d.by_rule), id="by-rule")
            if d.reflections:
                yield Static("Think back on your choices", classes="h2")
                yield Static(self._reflections(), id="reflections")
            if self.reveal is not None:
                from game.ui.widgets.reveal import RevealPanel

                yield Static("How your class chose", classes="h2")
                yield RevealPanel(self.reveal, self.mine, id="reveal")
            if d.questions:
                yield Static("Questions to discuss", classes="h2")
                numbered = "\n".join(f"{i}. {q}" for i, q in enumerate(d.questions, 1))
                yield Static(literal(numbered), id="questions")
        with Horizontal(id="debrief-actions"):
            yield Button("Play again", id="again", variant="primary", compact=True)
            yield Button("Go back to a decision", id="back", disabled=not self.picks,
                         compact=True)
            yield Button("Back to the story", id="close", compact=True)
        yield KeyLine()

    def _mattered(self):
        """The three biggest moves, the rules never shown, the lists: before the ledger."""
        d = self.debrief
        parts: list = []
        if d.moves:
            parts.append((f"The biggest moves of your {d.score_name}", "bold"))
            for entry in d.moves:
                parts.extend(["\n", (f"  Day {entry.day}  ", "$text-muted"),
                              literal(describe(entry, True, d.rating))])
        if d.hidden_rules:
            if parts:
                parts.append("\n")
            parts.extend([("Rules you were never shown: ", "bold"),
                          literal(", ".join(d.hidden_rules))])
        if d.listed:
            if parts:
                parts.append("\n")
            parts.append(("Lists you were put on: ", "bold"))
            for index, (label, knew) in enumerate(d.listed):
                parts.append(literal((", " if index else "") + label))
                if not knew:
                    parts.append((f" ({untold_note(d, label)})", "$text-error italic"))
        return joined(*parts)

    def _whatif(self):
        """The player's own path under each of the story's variants, one line each."""
        parts: list = []
        for index, line in enumerate(self.debrief.whatif):
            if index:
                parts.append("\n")
            parts.extend([(line.label + ": ", "bold"),
                          (line.says, "$text-warning") if line.broke else literal(line.says)])
        return joined(*parts)

    def _model(self):
        """A computed model laid open: the formula, each feature, what would have changed."""
        d = self.debrief
        parts: list = []
        for index, line in enumerate(model_lines(d.model, d.rating)):
            if index:
                parts.append("\n")
            if line.endswith(NEVER_SHOWN):
                parts.extend([literal(line[: -len(NEVER_SHOWN)]),
                              (NEVER_SHOWN, "$text-error italic")])
            else:
                parts.append(literal(line))
        return joined(*parts)

    def _ledger(self):
        d = self.debrief
        if not d.lines:
            return literal("Nothing. The system recorded nothing about you this time.")
        parts: list = []
        days = d.days
        for day, lines in days:
            if len(days) > 1:
                if parts:
                    parts.append("\n")
                parts.append((f"Day {day}", "bold"))
            for line in lines:
                if parts:
                    parts.append("\n")
                parts.append(literal(("  " if len(days) > 1 else "") + line.text))
                if not line.told:
                    parts.append(("  — you were not told", "$text-error italic"))
        return joined(*parts)

    def _counts(self, rows: tuple[tuple[str, int, float], ...]):
        parts: list = []
        for label, count, total in rows:
            if parts:
                parts.append("\n")
            times = "once" if count == 1 else f"{count} times"
            parts.append(literal(f"{label}: {times} ({signed(total, self.debrief.rating)})"))
        return joined(*parts)

    def _reflections(self):
        parts: list = []
        for text, question in self.debrief.reflections:
            if parts:
                parts.append("\n")
            # A choice that ends its own sentence gets no second full stop (as in plain).
            stop = "" if text.rstrip().endswith((".", "!", "?", "…")) else "."
            parts.extend([("You chose “", "$text-muted"), story_text(text, "italic"),
                          (f"”{stop} ", "$text-muted"), literal(question)])
        return joined(*parts)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # the story's toasts are old news here
        self.query_one("#debrief-body").focus()  # arrows and PgUp/PgDn scroll it

    @on(Button.Pressed, "#again")
    def action_again(self) -> None:
        """Start the story again from the beginning."""
        self.dismiss(AGAIN)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Pick an earlier decision and play on from just before it."""
        if self.picks:
            self.app.push_screen(DecisionPicker(self.picks), self._picked)

    def _picked(self, step: int | None) -> None:
        if step is not None:
            self.dismiss(step)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Back to the ending's text."""
        self.dismiss(None)
