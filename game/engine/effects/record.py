"""``record:`` in play: the rule is counted, the model may move the score, the ledger
gets a ``rule`` entry (and the events a ScoreChanged, TierChanged when it moved)."""

from __future__ import annotations

from game.engine.effects.base import Runtime
from game.engine.events import Event
from game.story.effects.record import Record


def record(engine: Runtime, effect: Record, events: list[Event]) -> None:
    """Register the behaviour under its rule."""
    st = engine.state
    rating = engine.story.rating
    rule = engine._plan.rules[effect.rule]
    st.records[effect.rule] = st.records.get(effect.rule, 0) + 1
    note = effect.note.render(st) if effect.note else None
    new = engine._model.record(st, rating, rule)
    if engine.quiet:  # no ledger to write (``Engine(quiet=True)``): only the score moves
        if new is not None:
            st.move_to(new)
        return
    if new is None:  # counted and written down; the model moves the score itself
        engine._entry("rule", rule.id, rule.label, rule.asked, 0, rule.source,
                      rule.explain, note, effect.mistake, rule.source_label)
        return
    engine._move_score(new, events, "rule", rule.id, rule.label, rule.asked, rule.source,
                       rule.source_label, rule.explain, note, effect.mistake)


APPLY = {Record: record}
