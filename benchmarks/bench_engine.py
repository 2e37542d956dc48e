"""Engine step time and playthrough throughput, beside a naive floor (run by hand).

    python benchmarks/bench_engine.py [1000 10000]

One step = choose, apply effects, build the next view (text and choice
conditions). The floor is a naive loop over plain dicts doing the same work
with the same compiled expressions, but no ledger, events, tiers or undo.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_story import generate  # noqa: E402

from game.engine.engine import Engine  # noqa: E402
from game.story import model as m  # noqa: E402
from game.story.loader import load_story  # noqa: E402


class NaiveContext:
    """The least a compiled expression needs."""

    def __init__(self, story: m.Story) -> None:
        self.vars = dict(story.vars)
        self.score = story.rating.start
        self.day = 1
        self.lists: set[str] = set()
        self.tiers = story.rating.tiers

    @property
    def tier_rank(self) -> int:
        for index, tier in enumerate(self.tiers):
            if self.score >= tier.min:
                return len(self.tiers) - index
        return 1

    def is_listed(self, list_id: str) -> bool:
        return list_id in self.lists


def naive_plays(story: m.Story, plays: int, rng: random.Random) -> int:
    """Random playthroughs over plain dicts; returns steps taken."""
    scenes = {
        sid: {
            "text": [b.text for b in s.text],
            "ending": s.ending is not None,
            "choices": [
                {"if": c.condition, "requires": c.requires, "service": c.service,
                 "goto": c.goto, "do": c.effects}
                for c in s.choices
            ],
        }
        for sid, s in story.scenes.items()
    }
    rules = {r.id: r.change for r in story.rating.rules.values()}
    services = {s.id: s.requires for s in story.rating.services.values()}
    steps = 0
    for _ in range(plays):
        ctx = NaiveContext(story)
        here = scenes[story.start]
        while not here["ending"]:
            open_ = []
            for c in here["choices"]:
                if c["if"] is not None and not c["if"].test(ctx):
                    continue
                if c["service"] and not services[c["service"]].test(ctx):
                    continue
                if c["requires"] is not None and not c["requires"].test(ctx):
                    continue
                open_.append(c)
            if not open_:
                break
            c = rng.choice(open_)
            for e in c["do"]:
                if type(e) is m.Record:
                    ctx.score = max(0, min(1300, ctx.score + rules[e.rule]))
                elif type(e) is m.AddVars:
                    for var, expr in e.values:
                        ctx.vars[var] += expr.evaluate(ctx)
                elif type(e) is m.ListChange:
                    ctx.lists.add(e.list)
            here = scenes[c["goto"]]
            [t.render(ctx) for t in here["text"]]
            steps += 1
    return steps


def engine_plays(story: m.Story, plays: int, rng: random.Random, times: list[float] | None) -> int:
    """Random playthroughs through the Engine API; returns steps taken."""
    steps = 0
    clock = time.perf_counter
    for seed in range(plays):
        engine = Engine(story, seed=seed)
        while not engine.ended:
            view = engine.view()
            open_ = view.open_choices
            if not open_:
                break
            pick = rng.choice(open_).id
            start = clock()
            engine.take(pick)
            engine.view()
            if times is not None:
                times.append(clock() - start)
            steps += 1
    return steps


def main(sizes: list[int]) -> None:
    print("| scenes | engine median step µs | p99 µs | engine steps/s | naive floor steps/s | floor/engine |")
    print("|---|---|---|---|---|---|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "s.yaml"
            path.write_text(generate(size), encoding="utf-8")
            story = load_story(path)
        plays = 2000
        gc.collect()
        times: list[float] = []
        engine_plays(story, 200, random.Random(1), times)
        times.sort()
        start = time.perf_counter()
        e_steps = engine_plays(story, plays, random.Random(2), None)
        e_rate = e_steps / (time.perf_counter() - start)
        start = time.perf_counter()
        n_steps = naive_plays(story, plays, random.Random(2))
        n_rate = n_steps / (time.perf_counter() - start)
        median = statistics.median(times) * 1e6
        p99 = times[int(len(times) * 0.99)] * 1e6
        print(f"| {size} | {median:.1f} | {p99:.1f} | {e_rate:,.0f} | {n_rate:,.0f} | {n_rate / e_rate:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
