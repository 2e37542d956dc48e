"""The class under other systems: every finished path replayed under each variant.

Class records hold each player's choices by id, so the class's week can be
played again, choice for choice, under another rating (``game.engine.whatif``):
the same decisions, and where they lead when the rules differ, each with the
seed the player's game had (``replays.replay_session``).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from game.classroom.replays import replay_session
from game.classroom.sessions import Session
from game.classroom.summary import Count, VariantColumn
from game.engine.naming import ending_words
from game.story.model import Story


def variant_columns(sessions: list[Session], story: Story | None) -> tuple[VariantColumn, ...]:
    """The finished sessions' paths under the story as written and each variant."""
    if story is None or not story.variants or story.rating is None:
        return ()
    finished = [s for s in sessions if s.finished]
    per_path = [replay_session(story, s).outcomes for s in finished]
    n = len(finished)
    rating = story.rating
    ending_ids = [sid for sid, o in zip(story.scenes, story.outline()) if o.ending]
    columns = []
    for index, (vid, label) in enumerate([("as_written", "As written"),
                                          *((v.id, v.label) for v in story.variants.values())]):
        found = [outcomes[index] for outcomes in per_path]
        endings: Counter[str] = Counter(o.ending for o in found if o.ending)
        tiers: Counter[str] = Counter(o.tier for o in found if o.tier)
        lists: Counter[str] = Counter(lid for o in found for lid in o.lists)
        refused: Counter[str] = Counter(sid for o in found for sid in o.refused)
        columns.append(VariantColumn(
            id=vid, label=label, n=n,
            listed=sum(1 for o in found if o.lists),
            refused=sum(1 for o in found if o.refused),
            broke=sum(1 for o in found if o.broke_at is not None),
            endings=tuple(Count(sid, ending_words(story, sid) or sid, endings.get(sid, 0), n)
                          for sid in ending_ids),
            tiers=tuple(Count(t.id, t.label, tiers.get(t.id, 0), n) for t in rating.tiers),
            lists=tuple(Count(lid, ld.label, lists.get(lid, 0), n)
                        for lid, ld in rating.lists.items()),
            services=tuple(Count(sid, sv.label, refused.get(sid, 0), n)
                           for sid, sv in rating.services.items()),
        ))
    return tuple(columns)


def variant_rows(columns: tuple[VariantColumn, ...]) -> list[tuple[str, list[int]]]:
    """The table every format shows: (row label, a count per column), rows that are all
    zero left out (an ending nobody reached under any system)."""
    if not columns:
        return []
    first = columns[0]
    rows: list[tuple[str, list[int]]] = [
        ("On a list at the end", [c.listed for c in columns]),
        ("Refused a service at least once", [c.refused for c in columns]),
        ("Path breaks (a choice closed)", [c.broke for c in columns]),
    ]
    if len(first.services) > 1:
        rows += [(f"Refused: {item.label}", [c.services[i].count for c in columns])
                 for i, item in enumerate(first.services)]
    if len(first.lists) > 1:
        rows += [(f"On {item.label}", [c.lists[i].count for c in columns])
                 for i, item in enumerate(first.lists)]
    rows += [(f"Ending: {item.label}", [c.endings[i].count for c in columns])
             for i, item in enumerate(first.endings)]
    rows += [(f"Tier: {item.label}", [c.tiers[i].count for c in columns])
             for i, item in enumerate(first.tiers)]
    return [(label, counts) for label, counts in rows if any(counts)
            or label.startswith(("On a list", "Path breaks"))]


def variant_sentence(columns: tuple[VariantColumn, ...],
                     shown: Callable[[int], str] = str) -> str:
    """One line: 'As written: 9 of 28 on a list at the end; Without the street cameras: 2'
    (``shown`` writes a count: the report hides small ones)."""
    if not columns:
        return ""
    first = columns[0]
    parts = [f"{first.label}: {shown(first.listed)} of {first.n} on a list at the end"]
    parts += [f"{c.label}: {shown(c.listed)}" for c in columns[1:]]
    return "; ".join(parts)
