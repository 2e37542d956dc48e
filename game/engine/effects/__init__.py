"""The effects' behaviour in play, by model class (declarations: ``game.story.effects``).

Each module here is the same-named module's half of ``game.story.effects``: how
its effects apply, and what they write to the ledger and the event stream (the
notices the player reads are made from those events, by ``game.engine.notices``).
"""

from __future__ import annotations

from game.engine.effects import advance, assign, branch, listing, notify, record, stars
from game.engine.effects.base import Apply, Runtime
from game.story.effects import KINDS

APPLY: dict[type, Apply] = {
    **assign.APPLY, **record.APPLY, **listing.APPLY, **stars.APPLY, **notify.APPLY,
    **advance.APPLY, **branch.APPLY,
}
"""How to apply each kind of effect, by its model class."""

_missing = set(KINDS) ^ set(APPLY)
if _missing:  # a declaration without a behaviour (or the reverse) is a bug: fail at import
    raise ImportError(f"effects without a behaviour in play: {sorted(t.__name__ for t in _missing)}")

__all__ = ["APPLY", "Apply", "Runtime"]
