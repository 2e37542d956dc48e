"""Save and load: named slots on top of the autosave."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from game.engine import format as fmt
from game.engine.saves import AUTOSAVE, SlotInfo
from game.story.model import Rating
from game.ui.text import joined, literal


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """What the player asked the Save/Load dialog for."""

    action: Literal["save", "load"]
    slot: str


def describe_slot(info: SlotInfo, rating: Rating | None = None) -> str:
    """One line about a slot: where, how far, when; the score only as the story shows it.

    A story whose score is hidden (or shown only as a tier) never has its number
    shown here either; the number is formatted as the HUD formats it.
    """
    if info.problem:
        return f"{info.slot}: cannot be used ({info.problem})"
    show = rating.show if rating is not None else "number"
    score = ""
    if info.score is not None and show in ("number", "stars"):
        name = rating.name if rating is not None else "score"
        score = f", {name} {fmt.score(info.score, rating)}"
    saved = f", saved {info.saved.replace('T', ' ')[:16]}" if info.saved else ""
    steps = f"{info.steps} step{'s' * (info.steps != 1)}"  # no scene id: that is the author's
    return f"{info.slot}: {steps}{score}{saved}"


class SavesScreen(ModalScreen[SaveRequest | None]):
    """Lists the slots; dismisses with a SaveRequest, or None to cancel."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, slots: list[SlotInfo], rating: Rating | None = None) -> None:
        super().__init__()
        self.slots = slots
        self.rating = rating
        """The story's rating: how (and whether) a slot's score is shown."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Save or load", classes="dialog-title")
            yield Static("The autosave is written after every step. Name a slot to keep "
                         "this moment.", classes="dialog-help")
            yield OptionList(
                *[Option(joined(("● " if s.slot == AUTOSAVE else "  ", "$text-accent"),
                                literal(describe_slot(s, self.rating))), id=f"slot-{s.slot}",
                         disabled=s.problem is not None) for s in self.slots],
                markup=False, id="slots")
            yield Input(placeholder="new slot name (letters, digits, _)", id="slot-name",
                        max_length=32, restrict=r"[A-Za-z0-9_]*")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Load", id="load", disabled=not self._loadable(), compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _loadable(self) -> bool:
        return any(s.problem is None for s in self.slots)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _highlighted(self) -> str | None:
        slots = self.query_one(OptionList)
        if slots.highlighted is None or not self.slots:
            return None
        return (slots.get_option_at_index(slots.highlighted).id or "slot-")[5:] or None

    @on(OptionList.OptionHighlighted)
    def _name_from_slot(self, event: OptionList.OptionHighlighted) -> None:
        name = (event.option.id or "slot-")[5:]
        if name != AUTOSAVE:
            self.query_one(Input).value = name

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one(Input).value.strip().lower()
        if not name:
            self.notify("Type a name for the slot first.", severity="warning", markup=False)
            return
        if name == AUTOSAVE:
            self.notify("Choose another name: the autosave is kept for you.",
                        severity="warning", markup=False)
            return
        self.dismiss(SaveRequest("save", name))

    @on(OptionList.OptionSelected)
    @on(Button.Pressed, "#load")
    def _load(self) -> None:
        slot = self._highlighted()
        if slot is None:
            self.notify("Pick a slot to load first.", severity="warning", markup=False)
            return
        self.dismiss(SaveRequest("load", slot))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without saving or loading."""
        self.dismiss(None)
