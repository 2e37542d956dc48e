"""The engine: state, effects, rating models, ledger, events and saves. Pure Python."""

from game.engine.engine import Engine
from game.engine.events import Event, LedgerEntry
from game.engine.view import ChoiceView, View

__all__ = ["Engine", "Event", "LedgerEntry", "View", "ChoiceView"]
