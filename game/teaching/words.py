"""How long a story is to read: words on a path, measured by playing it.

Random playthroughs through the engine's public API (``Engine.view``, ``choose``,
``proceed``): each counts the words of every paragraph, poll and choice the player
is shown until an ending, as the guides' timing tables do.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

from game.engine.engine import Engine
from game.story.model import Story


@dataclass(frozen=True, slots=True)
class PathLength:
    """Words on a path through a story, over many random playthroughs."""

    runs: int
    median: int
    low: int
    """The 10th percentile."""
    high: int
    """The 90th percentile."""

    def minutes(self, wpm: int) -> float:
        """Reading minutes of the median path at ``wpm`` words a minute."""
        return self.median / wpm


def _count(text: str) -> int:
    return len(text.split())


def play_words(story: Story, seed: int, max_steps: int = 2_000) -> int:
    """Words shown on one random playthrough (the seed picks the engine's and our draws)."""
    engine = Engine(story, seed=seed)
    pick = random.Random(seed)
    words = 0
    for _ in range(max_steps):
        view = engine.view()
        words += sum(_count(p) for p in view.paragraphs)
        words += sum(_count(c.text) for c in view.choices)
        if view.poll is not None:
            words += _count(view.poll.question) + sum(_count(o) for o in view.poll.options)
        if view.ending is not None:
            words += _count(view.ending.title)
            return words
        if view.continues:
            engine.proceed()
            continue
        open_choices = view.open_choices
        if not open_choices:
            return words  # a dead end: the author's `test` reports it
        engine.choose(pick.choice(open_choices).number)
    return words


def path_length(story: Story, runs: int = 200, seed: int = 0) -> PathLength:
    """The median and 10th-90th percentile words on a path, over ``runs`` playthroughs."""
    counts = sorted(play_words(story, seed + run) for run in range(runs))
    deciles = statistics.quantiles(counts, n=10, method="inclusive") if runs > 1 else counts * 9
    return PathLength(runs, round(statistics.median(counts)), round(deciles[0]),
                      round(deciles[-1]))
