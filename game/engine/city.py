"""The city estimate: many sampled lives of a story, tallied as shares of a population.

Each life is a real game on the engine: at every scene it picks among the open
choices with the weights given for that scene (a class's counts there), or
uniformly where none is given or none of the open choices has weight. What a
life ends with (its ending, tier, the lists it is on, the services it saw
refuse it) is added to counters at once, so memory does not grow with the
number of lives.

Lives are played in chunks of ``CHUNK``; each chunk's random numbers come
from the seed and the chunk's number only, so any split of the chunks between
processes plays the same lives and the counters add up to the same totals.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from game.engine.engine import CONTINUE, Engine
from game.engine.naming import ending_words
from game.errors import StoryRuntimeError
from game.story import model as m

DEFAULT_LIVES = 100_000
CHUNK = 1_000
"""Lives per chunk: the unit of seeding and of work between processes."""
MAX_STEPS = 2_000
"""A life still going after this many steps is counted unfinished."""
Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95 % interval."""

Weights = Mapping[str, Mapping[str, float]]
"""Per scene id, per choice id: how much that choice weighs there (e.g. how many of
the class took it)."""


def default_jobs() -> int:
    """Processes to play in: every core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share ``hits / n`` (95 % by default)."""
    if n <= 0:
        return 0.0, 1.0
    p = hits / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(slots=True)
class CityTally:
    """What a number of lives ended with: counters only, however many lives."""

    runs: int = 0
    endings: Counter = field(default_factory=Counter)
    tiers: Counter = field(default_factory=Counter)
    lists: Counter = field(default_factory=Counter)
    """Lives on each list at the end."""
    refused: Counter = field(default_factory=Counter)
    """Lives that saw each service refuse them at least once."""
    recorded: Counter = field(default_factory=Counter)
    """Lives in which each rule was recorded at least once."""
    unfinished: int = 0
    """Lives stopped by the step cap, a dead end or a runtime error (no ending)."""
    steps: int = 0

    def add(self, other: CityTally) -> None:
        """Add another tally's lives to this one."""
        self.runs += other.runs
        self.endings.update(other.endings)
        self.tiers.update(other.tiers)
        self.lists.update(other.lists)
        self.refused.update(other.refused)
        self.recorded.update(other.recorded)
        self.unfinished += other.unfinished
        self.steps += other.steps


def chunk_seed(seed: int, chunk: int) -> int:
    """The seed of one chunk's picker: from the seed and the chunk's number only."""
    digest = hashlib.blake2b(f"city:{seed}:{chunk}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def play_chunk(story: m.Story, seed: int, chunk: int, lives: int,
               weights: Weights | None = None, max_steps: int = MAX_STEPS) -> CityTally:
    """Play ``lives`` lives of chunk number ``chunk``."""
    tally = CityTally()
    picker = random.Random(chunk_seed(seed, chunk))
    gotos = frozenset(o.id for o in story.outline() if o.goto is not None)
    weights = weights or {}
    rating = story.rating
    endings, tiers, lists, refused = tally.endings, tally.tiers, tally.lists, tally.refused
    recorded = tally.recorded
    rand = picker.random
    for _ in range(lives):
        engine_seed = picker.getrandbits(31)
        tally.runs += 1
        steps = 0
        try:
            engine = Engine(story, seed=engine_seed, lazy_gaps=True, quiet=True)
            state = engine.state
            # engine.take without its listeners (a quiet game has none: see Engine)
            take = engine._take
            while state.ending is None and steps < max_steps:
                steps += 1
                scene = state.scene
                if scene in gotos:
                    take(CONTINUE)
                    continue
                # engine.options(explain=False): the moment every step leaves evaluated
                open_ = [o for o in engine._now[1] if o.locked is None]
                if not open_:
                    break
                if len(open_) == 1:
                    pick = open_[0]
                else:
                    here = weights.get(scene)
                    pick = None
                    if here:
                        ws = [here.get(o.id, 0) for o in open_]
                        total = sum(ws)
                        if total > 0:
                            # One draw, walked along the weights (what random.choices does).
                            at = rand() * total
                            for option, w in zip(open_, ws):
                                at -= w
                                if at < 0 and w > 0:
                                    pick = option
                                    break
                            else:
                                pick = next(o for o, w in zip(reversed(open_), reversed(ws))
                                            if w > 0)
                    if pick is None:
                        pick = open_[int(rand() * len(open_))]
                take(pick.id)
        except StoryRuntimeError:
            tally.unfinished += 1
            tally.steps += steps
            continue
        tally.steps += steps
        if state.ending is None:
            tally.unfinished += 1
            continue
        endings[state.ending] += 1
        if rating is not None:
            tier = state.tier
            if tier is not None:
                tiers[tier.id] += 1
        for lid in state.lists:
            lists[lid] += 1
        for sid in state.refused:
            refused[sid] += 1
        for rid in state.records:
            recorded[rid] += 1
    return tally


_FORKED: tuple | None = None
"""(story, weights, max_steps) for forked workers (a story cannot be pickled)."""


def _chunks_forked(seed: int, chunks: list[tuple[int, int]]) -> CityTally:
    assert _FORKED is not None
    story, weights, max_steps = _FORKED
    total = CityTally()
    for chunk, lives in chunks:
        total.add(play_chunk(story, seed, chunk, lives, weights, max_steps))
    return total


def sample_lives(story: m.Story, lives: int = DEFAULT_LIVES, seed: int = 0,
                 weights: Weights | None = None, jobs: int = 1,
                 max_steps: int = MAX_STEPS) -> CityTally:
    """Play ``lives`` sampled lives (in ``jobs`` processes); the same tally for any ``jobs``."""
    global _FORKED
    chunks = [(k, min(CHUNK, lives - k * CHUNK)) for k in range(-(-lives // CHUNK))]
    jobs = max(1, min(jobs, len(chunks)))
    total = CityTally()
    if jobs > 1 and _can_fork():
        import concurrent.futures
        import multiprocessing

        _FORKED = (story, weights, max_steps)
        try:
            with concurrent.futures.ProcessPoolExecutor(
                    jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                # One chunk at a time to whichever worker is free: lives differ in length,
                # so fixed shares would leave a core idle at the end.
                parts = [pool.submit(_chunks_forked, seed, [chunk]) for chunk in chunks]
                for part in parts:
                    total.add(part.result())
        finally:
            _FORKED = None
        return total
    for chunk, count in chunks:
        total.add(play_chunk(story, seed, chunk, count, weights, max_steps))
    return total


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


# --- shares of a population -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    """One outcome's share of the lives, its 95 % interval, and the people it stands for."""

    id: str
    label: str
    hits: int
    """Lives with this outcome."""
    share: float
    low: float
    high: float
    count: int
    """share × population, rounded."""
    low_count: int
    high_count: int

    def to_json(self) -> dict:
        """The contract's ``{share, low, high, count}``."""
        return {"share": round(self.share, 6), "low": round(self.low, 6),
                "high": round(self.high, 6), "count": self.count}


@dataclass(frozen=True, slots=True)
class CityEstimate:
    """What the story's system would do to a whole population, from sampled lives."""

    story: str
    title: str
    runs: int
    seed: int
    population: int
    population_label: str
    endings: tuple[Share, ...]
    tiers: tuple[Share, ...]
    lists: tuple[Share, ...]
    refused: tuple[Share, ...]
    recorded: tuple[Share, ...]
    """Per rule: lives in which it was recorded at least once."""
    unfinished: int
    weighted: bool
    """Whether a class's choices weighted the lives (else: uniform at every scene)."""

    def to_json(self) -> dict:
        """The ``city --json`` document (docs/story-format.md, "population:")."""
        def shares(found: tuple[Share, ...]) -> dict:
            return {s.id: s.to_json() for s in found}

        return {"story": self.story, "runs": self.runs, "population": self.population,
                "population_label": self.population_label, "seed": self.seed,
                "weighted_by_class": self.weighted, "unfinished": self.unfinished,
                "endings": shares(self.endings), "tiers": shares(self.tiers),
                "lists": shares(self.lists), "refused": shares(self.refused),
                "recorded": shares(self.recorded)}


def _share(key: str, label: str, hits: int, runs: int, population: int) -> Share:
    low, high = wilson(hits, runs)
    share = hits / runs if runs else 0.0
    return Share(key, label, hits, share, low, high, round(share * population),
                 round(low * population), round(high * population))


def estimate(story: m.Story, tally: CityTally, population: int, label: str, seed: int = 0,
             weighted: bool = False) -> CityEstimate:
    """Shares of every ending, tier, list and service of the story (in the story's order;
    those no life reached show 0 with their interval)."""
    runs = tally.runs
    rating = story.rating

    def of(ids: list[tuple[str, str]], counts: Counter) -> tuple[Share, ...]:
        return tuple(_share(key, name, counts.get(key, 0), runs, population)
                     for key, name in ids)

    endings = [(sid, ending_words(story, sid))
               for sid in (o.id for o in story.outline() if o.ending)]
    tiers = [(t.id, t.label) for t in rating.tiers] if rating else []
    lists = [(lid, d.label) for lid, d in rating.lists.items()] if rating else []
    services = [(vid, v.label) for vid, v in rating.services.items()] if rating else []
    rules = [(rid, r.label) for rid, r in rating.rules.items()] if rating else []
    return CityEstimate(story.id, story.title, runs, seed, population, label,
                        of(endings, tally.endings), of(tiers, tally.tiers),
                        of(lists, tally.lists), of(services, tally.refused),
                        of(rules, tally.recorded), tally.unfinished, weighted)
