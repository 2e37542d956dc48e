"""``notify:`` in play: a Notified event with the rendered text (no ledger entry)."""

from __future__ import annotations

from game.engine import events as ev
from game.engine.effects.base import Runtime
from game.engine.events import Event
from game.story.effects.notify import Notify


def notify(engine: Runtime, effect: Notify, events: list[Event]) -> None:
    """A phone notification."""
    events.append(ev.Notified(effect.text.render(engine.state)))


APPLY = {Notify: notify}
