"""``set:`` and ``add:`` in play: vars change, nothing is written to the ledger."""

from __future__ import annotations

from game.engine.effects.base import Runtime, is_number
from game.engine.events import Event
from game.engine.state import tidy
from game.errors import StoryRuntimeError
from game.story.effects.assign import AddVars, SetVars


def set_vars(engine: Runtime, effect: SetVars, events: list[Event]) -> None:
    """Assign each expression's value to its var."""
    st = engine.state
    for var, expr in effect.values:
        st.vars[var] = expr.evaluate(st)


def add_vars(engine: Runtime, effect: AddVars, events: list[Event]) -> None:
    """Add each expression's value to its var (numbers only)."""
    st = engine.state
    for var, expr in effect.values:
        amount = expr.constant
        if amount is None:
            amount = expr.evaluate(st)
        current = st.vars.get(var, 0)
        if type(amount) is int and type(current) is int:  # the usual case, kept short
            st.vars[var] = current + amount
            continue
        if not is_number(amount) or not is_number(current):
            raise StoryRuntimeError(
                f"add: {var} needs numbers (it is {current!r}, adding {amount!r})",
                effect.location, expression=expr.source)
        st.vars[var] = tidy(current + amount) if isinstance(
            current + amount, float) else current + amount


APPLY = {SetVars: set_vars, AddVars: add_vars}
