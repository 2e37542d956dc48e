"""What an effect's behaviour may use of the engine playing it.

The engine hands itself to each behaviour as a ``Runtime``: the state and the
story, and the engine's own ways of writing the ledger and moving the score
(so every effect writes them the same way). These are the engine's internals,
named here for the behaviours only; front ends use the engine's public API.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from game.engine.events import Event, LedgerEntry
from game.engine.state import State
from game.story import model as m

Apply = Callable[["Runtime", Any, list[Event]], None]
"""(engine, effect, events): apply one effect, appending what happened to ``events``."""


class Runtime(Protocol):
    """The engine, as an effect's behaviour sees it."""

    state: State
    story: m.Story
    quiet: bool
    """No ledger, no events (``Engine(quiet=True)``): ``_entry`` and ``_move_score`` then
    only set what the game needs; a hot behaviour may skip calling them."""
    _plan: Any
    """The story's plan (``game.engine.plan.StoryPlan``): rules with their labels looked up."""
    _model: Any
    """The rating model's behaviour (``game.engine.models.Behaviour``)."""

    def _apply(self, effect: Any, events: list[Event]) -> None: ...
    def _entry(self, kind: str, subject: str, label: str, asked: float, applied: float,
               source: str | None = None, explained: bool = False, note: str | None = None,
               mistake: bool = False, source_label: str | None = None) -> LedgerEntry: ...
    def _move_score(self, new: float, events: list[Event], kind: str, subject: str,
                    label: str, asked: float, source: str | None = None,
                    source_label: str | None = None, explained: bool = False,
                    note: str | None = None, mistake: bool = False,
                    moved: tuple = ()) -> LedgerEntry: ...


def is_number(value: object) -> bool:
    """A number, not a truth value."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
