"""A class record's path played again: the one place the report starts an engine on a session.

The report's "Under other systems" (``variants.py``) and its debrief questions'
"Asked of N of M" (``questions.py``) both need each finished path replayed,
choice for choice, with the seed the player's game had (records keep it, since
schema 1's optional ``seed``), so that a story that draws random numbers goes
where it went for the player. A record from before seeds were kept is
replayed with ``NO_SEED``, and ``unseeded_note`` says how many of those paths
drew random numbers (their replays may then not be what was played). The
live dashboard rebuilds the report every second and a finished path never
changes, so each path is replayed once per story version.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.classroom.sessions import NO_SEED, Session
from game.engine.state import State
from game.engine.whatif import Outcome, drew, replayed
from game.errors import StandingError
from game.story.model import AS_WRITTEN, Story


@dataclass(frozen=True, slots=True)
class Replay:
    """One finished session's path, replayed under the story as written and each variant."""

    outcomes: tuple[Outcome, ...]
    """As written, then each variant in the story's order (only as written when the story
    has no rating or no variants)."""
    asked: tuple[bool, ...] | None
    """For each debrief question, whether it was asked at the ending as written; None when
    the path could not be replayed to an ending on this version of the story."""
    drew: bool
    """A replay drew random numbers: with another seed the same choices could differ."""


_MEMO: dict[tuple, Replay] = {}
"""Replays already made, by story version, variants, seed and path."""
_MEMO_MAX = 20_000


def path_of(session: Session) -> tuple[str, ...]:
    """The choice ids a session took, in order (what a replay takes again)."""
    return tuple(c.choice for c in session.choices)


def replay_session(story: Story, session: Session) -> Replay:
    """The session's path replayed with its own seed (``NO_SEED`` if its record keeps
    none) under the story as written and each of its variants."""
    path = path_of(session)
    seed = session.replay_seed
    key = (story.content_hash, story.path, tuple(story.variants), seed, path)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        found = _MEMO[key] = _replay(story, path, seed)
    return found


def _replay(story: Story, path: tuple[str, ...], seed: int) -> Replay:
    written, engine = replayed(story, path, seed, AS_WRITTEN)
    outcomes, drawn = [written], drew(engine)
    if story.rating is not None:
        for variant in story.variants:
            outcome, other = replayed(story, path, seed, variant)
            outcomes.append(outcome)
            drawn = drawn or drew(other)
    asked = None
    if written.broke_at is None and engine.ended:
        conditions = story.debrief_if or (None,) * len(story.debrief)
        asked = tuple(True if c is None else _holds(c, engine.state) for c in conditions)
    return Replay(tuple(outcomes), asked, drawn)


def _holds(condition, state: State) -> bool:
    try:
        return bool(condition.evaluate(state))
    except StandingError:
        return False


def replays_paths(story: Story | None) -> bool:
    """Whether the report replays finished paths for this story (it has variants to
    compare, or debrief questions asked only of some players)."""
    return story is not None and (
        bool(story.variants) and story.rating is not None or any(story.debrief_if))


def unseeded_note(story: Story | None, finished: list[Session]) -> str | None:
    """One line on the finished paths replayed without their own seed that drew random
    numbers (None when there are none, or nothing is replayed)."""
    if not replays_paths(story):
        return None
    assert story is not None
    count = sum(1 for s in finished if s.seed is None and replay_session(story, s).drew)
    if not count:
        return None
    one = count == 1
    where = [what for what, shown in (
        (f"{'its' if one else 'their'} counts under other systems",
         bool(story.variants) and story.rating is not None),
        (f"which debrief questions {'it was' if one else 'they were'} asked",
         any(story.debrief_if))) if shown]
    return (f"{count} finished path{'' if one else 's'} {'was' if one else 'were'} recorded "
            "by an older Standing, without the game's seed, and drew random numbers: "
            f"replayed with seed {NO_SEED}, {' and '.join(where)} may not be what "
            f"{'that player' if one else 'those players'} had.")
