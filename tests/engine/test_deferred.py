"""What a step may leave for later: explanations, text and HUD facts that are ``safe``.

A step evaluates everything that can draw a random number or fail; what can do
neither is worked out when a front end asks (``options()``, ``view()``), in the
same state, so looking or not looking never changes what happens next.
"""

from __future__ import annotations

import gc

import pytest

from engine_helpers import frozen, story
from game.engine.engine import Engine
from game.engine.plan import _PLANS, plan_for
from game.errors import Location
from game.story.expressions import Scope, compile_expr
from game.story.loader import load_story

# A path through city.yaml that touches every effect, randomness and locks included.
CITY_PATH = ["roll", "jaywalk", "default", "rate_mei", "market", "continue", "rated",
             "sleep", "roll", "settle", "donate", "fraud", "roll"]

LOCKS = """\
title: Locks
start: hall
rating:
  start: 50
  min: 0
  max: 100
  tiers:
    - {id: A, label: Good, min: 60}
    - {id: B, label: Poor, min: 0}
  rules:
    help: {change: 20}
vars: {n: 0}
scenes:
  hall:
    text: "Score {score} on day {day}."
    choices:
      - text: Enter the club
        id: club
        requires: score > 90
        goto: end
      - text: Spin the wheel
        id: wheel
        requires: random(1, 6) > 6
        goto: end
      - text: Help out
        id: help
        do:
          - record: help
          - add: {n: 1}
        goto: hall
      - text: Leave
        id: leave
        goto: end
  end:
    text: Done, {n} times.
    ending: {title: "Out at {score}", kind: good}
"""


@pytest.fixture
def locks(tmp_path):
    path = tmp_path / "locks.yaml"
    path.write_text(LOCKS, encoding="utf-8")
    return load_story(path)


def test_a_safe_lock_is_explained_only_when_asked_and_the_same_as_always(locks):
    eng = Engine(locks, seed=3, lazy_gaps=True)
    lean = {o.id: o for o in eng.options(explain=False)}
    assert lean["club"].locked == "Not available yet." and lean["club"].gaps is None
    full = {o.id: o for o in eng.options()}
    assert full["club"].gaps == ("needs Score more than 90, you have 50",)
    assert eng.view().choices[0].gaps == full["club"].gaps
    assert eng.options() == Engine(locks, seed=3).options()


def test_without_lazy_gaps_every_lock_is_explained_in_the_step(locks):
    eng = Engine(locks, seed=3)
    club = {o.id: o for o in eng.options(explain=False)}["club"]
    assert club.gaps == ("needs Score more than 90, you have 50",)


def test_a_lock_that_draws_random_numbers_is_explained_in_the_step(locks):
    eng = Engine(locks, seed=3, lazy_gaps=True)
    wheel = {o.id: o for o in eng.options(explain=False)}["wheel"]
    # explained in the step, and never in expression syntax: nothing to say of a draw
    assert wheel.locked == "Not available yet." and wheel.gaps == ()


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("look", ["nothing", "lean options", "options", "view"])
def test_looking_or_not_changes_nothing_that_happens(look, lazy):
    """Same seed and path: identical state, ledger and result whatever a front end asks."""
    def play(how: str) -> Engine:
        eng = Engine(story("city"), seed=9, lazy_gaps=lazy)
        for cid in CITY_PATH:
            if how == "lean options":
                eng.options(explain=False)
            elif how == "options":
                eng.options()
            elif how == "view":
                eng.view()
            eng.take(cid)
        return eng

    looked, blind = play(look), play("nothing")
    assert frozen(looked) == frozen(blind)
    assert looked.result() == blind.result()


def test_lazy_gaps_play_the_same_game():
    eager, lazy = Engine(story("city"), seed=4), Engine(story("city"), seed=4, lazy_gaps=True)
    for cid in CITY_PATH:
        assert eager.options() == lazy.options()
        assert eager.take(cid) == lazy.take(cid)
    assert frozen(eager) == frozen(lazy) and eager.view() == lazy.view()


@pytest.mark.parametrize("lazy", [False, True])
def test_a_view_kept_across_a_step_keeps_its_moment(locks, lazy):
    eng = Engine(locks, seed=1, lazy_gaps=lazy)
    before = eng.view()
    eng.take("help")
    eng.take("help")
    assert before.paragraphs == ("Score 50 on day 1.",)
    assert before.score == 50 and before.tier == "B"
    club = before.choices[0]  # numbered only now, after two steps
    assert club.gaps == ("needs Score more than 90, you have 50",)
    assert eng.view().paragraphs == ("Score 90 on day 1.",)
    assert eng.view().tier == "A"


def test_a_safe_ending_title_is_rendered_for_the_view_and_the_event(locks):
    eng = Engine(locks, seed=1)
    events = eng.take("leave")
    assert events[-1].title == "Out at 50"
    assert eng.view().ending.title == "Out at 50"


def test_a_fork_explains_in_its_own_copy_of_the_moment(locks):
    eng = Engine(locks, seed=2, lazy_gaps=True)
    eng.options(explain=False)
    twin = eng.fork()
    assert twin.lazy_gaps and twin.options() == eng.options()
    twin.take("help")
    assert eng.options()[0].gaps == ("needs Score more than 90, you have 50",)


def test_a_score_set_directly_is_read_with_the_right_tier(locks):
    eng = Engine(locks, seed=0)
    assert eng.state.tier.id == "B"
    eng.state.score = 75  # not through the engine: the kept tier is for 50
    assert eng.state.tier.id == "A" and eng.state.tier_rank == 2


# -- what the compiled tree tells the engine -------------------------------------------------

SCOPE = Scope(vars=frozenset({"money", "name"}), scenes=frozenset({"s"}),
              lists=frozenset({"debtors"}), services=frozenset({"rail"}),
              people=frozenset({"mei"}), tiers=("A", "B", "C"), has_rating=True)


def flags(source: str) -> tuple[bool, bool]:
    expr = compile_expr(source, SCOPE, lambda offset: Location("t.yaml", 1, offset + 1))
    return expr.draws, expr.safe


@pytest.mark.parametrize("source, draws, safe", [
    ("score > 900", False, True),
    ("tier >= 'B' and not listed('debtors')", False, True),
    ("visits('s') > 2 or day == 3", False, True),
    ("name in ('Li', 'Mei')", False, True),
    ("money", False, True),                 # interpolating any value cannot fail
    ("money >= 5", False, False),           # a var may hold text: '>=' could fail
    ("name in 'Li Mei'", False, False),     # 'in' on text needs text on the left
    ("money + 1", False, False),            # arithmetic can fail
    ("rating('mei') > 3", False, False),
    ("random(1, 6) > 3", True, False),
    ("can('rail')", True, False),           # a service's condition may draw
])
def test_an_expression_says_whether_it_draws_random_numbers_or_is_safe(source, draws, safe):
    assert flags(source) == (draws, safe)


def test_a_story_plan_is_shared_and_goes_with_its_story(tmp_path):
    path = tmp_path / "locks.yaml"
    path.write_text(LOCKS, encoding="utf-8")
    loaded = load_story(path)
    key = id(loaded)
    assert plan_for(loaded) is plan_for(loaded) is Engine(loaded)._plan
    assert key in _PLANS
    del loaded
    gc.collect()
    assert key not in _PLANS
