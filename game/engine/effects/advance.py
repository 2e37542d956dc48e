"""``advance:`` in play: the day moves on, a DayAdvanced event (no ledger entry)."""

from __future__ import annotations

from game.engine import events as ev
from game.engine.effects.base import Runtime, is_number
from game.engine.events import Event
from game.errors import StoryRuntimeError
from game.story.effects.advance import Advance


def advance(engine: Runtime, effect: Advance, events: list[Event]) -> None:
    """Time passes: a whole number of days, 0 or more."""
    st = engine.state
    days = effect.days.evaluate(st)
    if not is_number(days) or days != int(days) or days < 0:
        raise StoryRuntimeError(
            f"advance: days should be a whole number of days, 0 or more, not {days!r}",
            effect.location, expression=effect.days.source)
    st.day += int(days)
    events.append(ev.DayAdvanced(int(days), st.day))


APPLY = {Advance: advance}
