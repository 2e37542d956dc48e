"""``if:`` in play: one side's effects apply, in order."""

from __future__ import annotations

from game.engine.effects.base import Runtime
from game.engine.events import Event
from game.story.effects.branch import Branch


def branch(engine: Runtime, effect: Branch, events: list[Event]) -> None:
    """Apply ``then`` when the condition holds, ``otherwise`` when it does not."""
    for inner in effect.then if effect.condition.test(engine.state) else effect.otherwise:
        engine._apply(inner, events)


APPLY = {Branch: branch}
