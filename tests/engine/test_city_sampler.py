"""The city estimate's sampler: true shares inside their intervals, weights, seeds, jobs."""

from __future__ import annotations

import tracemalloc
from functools import lru_cache
from pathlib import Path

import pytest

from game.engine.city import CityTally, estimate, play_chunk, sample_lives, wilson
from game.story.loader import load_story
from game.story.model import Story

KNOWN = Path(__file__).parent / "fixtures" / "known_shares.yaml"
TRUTH = {"end_one": 1 / 6, "end_two": 1 / 6, "end_three": 1 / 6, "end_walk": 1 / 2}
"""Exact shares under uniform choosing (see the fixture's comment)."""


@lru_cache(maxsize=None)
def known() -> Story:
    return load_story(KNOWN)


def test_wilson_matches_the_published_interval() -> None:
    # Wilson (1927) / Newcombe (1998): 5 of 10 -> 0.2366 to 0.7634; 0 of 10 -> 0 to 0.2775.
    low, high = wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = wilson(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    assert wilson(0, 0) == (0.0, 1.0)


def test_true_shares_fall_inside_their_intervals() -> None:
    """Over 30 seeds, each 95 % interval of every outcome holds the true share about 95 %
    of the time (at least 88 % of 210 intervals), and no share is far off."""
    story = known()
    truths = {**{f"ending:{k}": v for k, v in TRUTH.items()}, "list:debtors": 0.5,
              "refused:rail": 0.5, "tier:high": 0.5}
    inside = total = 0
    for seed in range(30):
        tally = sample_lives(story, 1_000, seed)
        est = estimate(story, tally, 1_000_000, "people", seed)
        found = {**{f"ending:{s.id}": s for s in est.endings},
                 **{f"list:{s.id}": s for s in est.lists},
                 **{f"refused:{s.id}": s for s in est.refused},
                 **{f"tier:{s.id}": s for s in est.tiers if s.id == "high"}}
        for key, truth in truths.items():
            share = found[key]
            total += 1
            inside += share.low <= truth <= share.high
            assert abs(share.share - truth) < 0.07, (seed, key, share)
    assert total == 30 * len(truths)
    assert inside / total >= 0.88, (inside, total)


def test_counts_scale_the_share_to_the_population() -> None:
    story = known()
    est = estimate(story, sample_lives(story, 2_000, 3), 21_700_000, "Beijing residents")
    walk = next(s for s in est.endings if s.id == "end_walk")
    assert walk.count == round(walk.share * 21_700_000)
    assert walk.low_count <= walk.count <= walk.high_count
    assert est.to_json()["endings"]["end_walk"] == {
        "share": round(walk.share, 6), "low": round(walk.low, 6), "high": round(walk.high, 6),
        "count": walk.count}


def test_weights_choose_as_the_class_did() -> None:
    """3 of 4 took x, and all at the three doors took p: end_one is 3/4, end_two never."""
    story = known()
    weights = {"fork": {"x": 3, "y": 1}, "three": {"p": 5}}
    tally = sample_lives(story, 4_000, 1, weights)
    est = estimate(story, tally, 100, "people", weighted=True)
    one = next(s for s in est.endings if s.id == "end_one")
    assert one.low <= 0.75 <= one.high
    assert tally.endings["end_two"] == 0 and tally.endings["end_three"] == 0
    assert tally.endings["end_one"] + tally.endings["end_walk"] == 4_000


def test_a_weighted_choice_that_is_locked_falls_back_to_the_open_ones() -> None:
    """The class only ever took the train, but a listed life cannot: it walks (uniform)."""
    story = known()
    tally = sample_lives(story, 500, 2, {"fork": {"y": 1}, "station": {"train": 9}})
    assert tally.endings == {"end_walk": 500}
    assert tally.unfinished == 0


def test_the_same_seed_gives_the_same_tally_and_another_seed_another() -> None:
    story = known()
    assert sample_lives(story, 3_000, 11) == sample_lives(story, 3_000, 11)
    assert sample_lives(story, 3_000, 11) != sample_lives(story, 3_000, 12)


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_give_the_same_result_as_one_job(jobs: int) -> None:
    story = known()
    one = sample_lives(story, 5_500, 4, {"fork": {"x": 2, "y": 1}}, jobs=1)
    many = sample_lives(story, 5_500, 4, {"fork": {"x": 2, "y": 1}}, jobs=jobs)
    assert one == many and one.runs == 5_500


def test_chunks_are_independent_of_how_lives_are_split() -> None:
    """Two chunks played one by one add up to what sample_lives plays."""
    story = known()
    total = CityTally()
    total.add(play_chunk(story, 9, 0, 1_000))
    total.add(play_chunk(story, 9, 1, 500))
    assert total == sample_lives(story, 1_500, 9)


def test_memory_does_not_grow_with_the_number_of_lives() -> None:
    """Tallies are counters: 20,000 lives keep no more than 2,000 do (a list of lives would
    grow by far more than the margin)."""
    story = known()
    sample_lives(story, 200, 0)  # warm the engine's per-story plan

    def peak(lives: int) -> int:
        tracemalloc.start()
        try:
            sample_lives(story, lives, 0)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2_000), peak(20_000)
    assert large < small + 200_000, (small, large)
