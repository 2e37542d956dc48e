"""How much a player reads on a path: one way to count it, for every front end.

``test --words`` (authoring) and the handouts' lesson timings (teaching) both
count here, so the guides' and the lesson plan's numbers agree. What a player
reads of one moment is its paragraphs and, at an ending, the ending's title
(``story_words``); the phone's notifications among a step's events
(``notice_words``); and, when a count says so, the choices and the poll on
screen (``choice_words``). ``path_length`` plays random paths through the
public ``Engine`` API, deterministically for a seed.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

from game.engine import events as ev
from game.engine.engine import Engine
from game.engine.view import View
from game.story.model import Story


def count(text: str) -> int:
    """Words in a text: runs of characters between spaces."""
    return len(text.split())


def story_words(view: View) -> int:
    """The story text of a moment: its paragraphs, and the ending's title at an ending."""
    words = sum([len(p.split()) for p in view.paragraphs])
    if view.ending is not None:
        words += count(view.ending.title)
    return words


def choice_words(view: View) -> int:
    """The choices of a moment (locked ones too: they are read) and its poll."""
    words = sum([count(c.text) for c in view.choices])
    if view.poll is not None:
        words += count(view.poll.question) + sum([count(o) for o in view.poll.options])
    return words


def notice_words(events: list[ev.Event]) -> int:
    """The phone's notifications among a step's events (the rest is the engine's own)."""
    return sum([len(e.text.split()) for e in events if type(e) is ev.Notified])


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


def play_words(story: Story, seed: int, choices: bool = True,
               max_steps: int = 2_000) -> int:
    """Words read on one random playthrough (the seed picks the engine's and the picks'
    draws), each open choice alike; with ``choices``, the choices and polls count too.
    A path that cannot go on (a dead end, the step cap) counts what it read."""
    engine = Engine(story, seed=seed)
    pick = random.Random(seed)
    words = notice_words(engine.opening)
    for _ in range(max_steps):
        view = engine.view()
        words += story_words(view)
        if choices:
            words += choice_words(view)
        if view.ending is not None:
            return words
        if view.continues:
            words += notice_words(engine.proceed())
            continue
        open_choices = view.open_choices
        if not open_choices:
            return words  # a dead end: the author's `test` reports it
        words += notice_words(engine.choose(pick.choice(open_choices).number))
    return words


def path_length(story: Story, runs: int = 200, seed: int = 0,
                choices: bool = True) -> PathLength:
    """The median and 10th-90th percentile words on a path, over ``runs`` playthroughs."""
    counts = sorted(play_words(story, seed + run, choices) for run in range(runs))
    deciles = statistics.quantiles(counts, n=10, method="inclusive") if runs > 1 else counts * 9
    return PathLength(runs, round(statistics.median(counts)), round(deciles[0]),
                      round(deciles[-1]))
