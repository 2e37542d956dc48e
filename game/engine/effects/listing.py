"""``list:``/``unlist:`` in play: a ``list``/``unlist`` ledger entry and a ListChanged
event, only when the player's place on the list changes."""

from __future__ import annotations

from game.engine import events as ev
from game.engine.effects.base import Runtime
from game.engine.events import Event
from game.story.effects.listing import ListChange


def change_list(engine: Runtime, effect: ListChange, events: list[Event]) -> None:
    """Put the player on the list, or take them off."""
    st = engine.state
    rating = engine.story.rating
    if effect.on == (effect.list in st.lists):
        return
    if effect.on:
        st.lists[effect.list] = None
    else:
        del st.lists[effect.list]
    found = rating.lists[effect.list]
    note = effect.note.render(st) if effect.note else None
    entry = engine._entry("list" if effect.on else "unlist", effect.list, found.label, 0, 0,
                          effect.source, rating.explain and found.announce, note,
                          effect.mistake)
    events.append(ev.ListChanged(effect.list, found.label, effect.on, entry, found.announce))


APPLY = {ListChange: change_list}
