"""Every effect, the points model, tiers, lists, services, people, visits, days, randomness."""

from __future__ import annotations

import pytest

from engine_helpers import engine
from game.engine import events as ev
from game.errors import ChoiceError


def kinds(events):
    return [type(e).__name__ for e in events]


def choice(eng, cid):
    return next(c for c in eng.view().choices if c.id == cid)


# -- the first moment ------------------------------------------------------------------


def test_first_view_interpolates_and_hides_false_blocks():
    eng = engine("city")
    view = eng.view()
    assert view.scene == "gate"
    assert view.paragraphs == (
        "Hello Li. Score 50, tier B (Adequate), day 1, money 10.",
        "Braces: {literal}.",
    )
    assert (view.score, view.tier, view.tier_label, view.day) == (50, "B", "Adequate", 1)
    assert view.chapter == "Monday" and view.chapter_index == 1 and view.chapter_count == 2
    assert view.step == 0 and not view.continues and view.ending is None


def test_opening_events_enter_the_start_scene():
    eng = engine("city")
    assert eng.opening == [ev.SceneEntered("gate", "Monday", 1)]
    assert eng.state.visits("gate") == 1


def test_hidden_choices_are_not_numbered_and_locked_ones_are():
    view = engine("city").view()
    ids = [c.id for c in view.choices]
    assert "settle" not in ids  # if: listed('debtors') is false
    assert [c.number for c in view.choices] == list(range(1, len(ids) + 1))
    assert ids.index("loan") == 4  # locked, still shown and counted
    assert choice(engine("city"), "donate").text == "Donate 10 yuan"


# -- record: the points model ------------------------------------------------------------


def test_record_moves_the_score_and_writes_the_ledger():
    eng = engine("city")
    events = eng.take("jaywalk")
    assert kinds(events) == ["ChoiceTaken", "ScoreChanged", "TierChanged", "SceneEntered"]
    taken, changed, tier, entered = events
    assert taken == ev.ChoiceTaken("gate", "jaywalk", "Jaywalk", (), 1)
    assert (changed.old, changed.new) == (50, 40)
    assert tier == ev.TierChanged("B", "C", "Adequate", "Warning", up=False)
    assert entered == ev.SceneEntered("gate", "Monday", 2)
    (entry,) = eng.ledger
    assert changed.entry is entry
    assert (entry.step, entry.day, entry.scene, entry.kind, entry.subject) == (
        1, 1, "gate", "rule", "jaywalk")
    assert (entry.asked, entry.applied, entry.score) == (-10, -10, 40)
    assert (entry.source, entry.source_label) == ("camera", "Traffic cameras")
    assert entry.label == "Crossed against the light"
    assert entry.explained is False and entry.note is None and entry.rule == "jaywalk"
    assert eng.state.vars["walks"] == 1


def test_points_are_clamped_at_min_and_the_ledger_shows_asked_and_applied():
    eng = engine("city", 0, "fraud")
    (entry,) = eng.ledger
    assert (entry.asked, entry.applied, entry.score) == (-200, -50, 0)
    assert eng.view().score == 0 and eng.view().tier == "D"
    eng.take("fraud")  # already at the floor: asked -200, applied 0
    assert (eng.ledger[1].asked, eng.ledger[1].applied, eng.ledger[1].score) == (-200, 0, 0)


def test_points_are_clamped_at_max():
    eng = engine("city", 0, "donate", "donate")
    first, second = eng.ledger
    assert (first.asked, first.applied, first.score) == (40, 40, 90)
    assert (second.asked, second.applied, second.score) == (40, 10, 100)


def test_record_with_note_renders_the_note_before_later_effects():
    eng = engine("city", 0, "donate")
    (entry,) = eng.ledger
    assert entry.note == "gave 10 yuan"
    assert eng.state.vars["money"] == 0


def test_rule_explain_overrides_the_ratings():
    eng = engine("city", 0, "jaywalk", "donate")
    assert [e.explained for e in eng.ledger] == [False, True]


def test_tiers_by_rank_and_tier_changed_events():
    eng = engine("city")
    events = eng.take("donate")  # 50 -> 90: B -> A
    (tier,) = [e for e in events if isinstance(e, ev.TierChanged)]
    assert tier == ev.TierChanged("B", "A", "Adequate", "Trusted", up=True)
    events = eng.take("jaywalk")  # 90 -> 80: still A
    assert not [e for e in events if isinstance(e, ev.TierChanged)]
    events = eng.take("fraud")  # 80 -> 0: A -> D in one step, one event
    tiers = [e for e in events if isinstance(e, ev.TierChanged)]
    assert tiers == [ev.TierChanged("A", "D", "Trusted", "Untrusted", up=False)]
    assert eng.state.tier_rank == 1


# -- set and add ---------------------------------------------------------------------------


def test_set_and_add():
    eng = engine("city", 0, "jaywalk", "jaywalk")
    assert eng.state.vars["walks"] == 2
    eng.take("donate")
    assert eng.state.vars["money"] == 0


# -- lists ------------------------------------------------------------------------------


def test_list_and_unlist_write_ledger_entries_and_events():
    eng = engine("city")
    events = eng.take("default")
    (changed,) = [e for e in events if isinstance(e, ev.ListChanged)]
    assert (changed.list, changed.label, changed.on) == ("debtors", "Dishonest debtors", True)
    entry = changed.entry
    assert (entry.kind, entry.subject, entry.label, entry.step) == ("list", "debtors",
                                                                    "Dishonest debtors", 1)
    assert entry.explained is False  # the rating's explain
    view = eng.view()
    assert view.lists == ("debtors",) and view.list_labels == ("Dishonest debtors",)
    assert "A red banner shows your face." in view.paragraphs
    ids = [c.id for c in view.choices]
    assert "default" not in ids  # once
    assert "settle" in ids  # if: listed('debtors')
    events = eng.take("settle")
    (changed,) = [e for e in events if isinstance(e, ev.ListChanged)]
    assert changed.on is False and changed.entry.kind == "unlist"
    assert eng.view().lists == ()
    assert [e.kind for e in eng.ledger] == ["list", "unlist"]
    assert "default" not in [c.id for c in eng.view().choices]  # once stays taken


# -- services -----------------------------------------------------------------------------


def test_service_open_then_closed_by_tier_with_refusal_and_gap():
    eng = engine("city")
    assert choice(eng, "train").locked is None
    eng.take("jaywalk")  # tier C
    train = choice(eng, "train")
    assert train.locked == "Ticket refused, Warning citizen."
    # the author's refusal replaces the generated reason rather than being followed by it
    assert train.gaps == ()
    assert train.to_json()["locked"] == "Ticket refused, Warning citizen."
    assert [s.label for s in eng.view().closed_services] == ["High-speed rail", "Bank loan"]
    with pytest.raises(ChoiceError, match="locked: Ticket refused"):
        eng.take("train")
    assert eng.step == 1  # nothing happened


def test_service_closed_by_a_list():
    eng = engine("city", 0, "default")
    train = choice(eng, "train")
    assert train.locked == "Ticket refused, Adequate citizen."
    assert train.gaps == ()  # the author's refusal says it


def test_service_without_refusal_and_score_gap():
    eng = engine("city")
    loan = choice(eng, "loan")
    assert loan.locked == "Bank loan is closed to you."
    assert loan.gaps == ("needs Civic Score 70 or more, you have 50",)
    with pytest.raises(ChoiceError, match=r"there is no choice 99 \(choose 1 to 13\)"):
        eng.choose(99)
    with pytest.raises(ChoiceError, match="is locked: Bank loan is closed to you"):
        eng.choose(loan.number)
    assert eng.step == 0


def test_can_in_expressions_follows_the_service():
    eng = engine("city")
    assert eng.state.can("loan") is False
    assert "The bank manager waves." not in eng.view().paragraphs
    eng.take("donate")  # 90
    assert eng.state.can("loan") is True
    assert "The bank manager waves." in eng.view().paragraphs
    assert choice(eng, "loan").locked is None


def test_requires_locked_text_and_gap():
    eng = engine("city")
    assert choice(eng, "wait").locked is None
    eng.take("jaywalk")
    wait = choice(eng, "wait")
    assert wait.locked == "You have a record now."
    assert wait.gaps == ()  # the author's locked: text stands alone


# -- people -----------------------------------------------------------------------------


def test_rate_moves_a_persons_rating_points_model_weights_equally():
    eng = engine("city")
    assert eng.state.rating_of("mei") == 4
    events = eng.take("rate_mei")
    (rated,) = [e for e in events if isinstance(e, ev.PersonRated)]
    assert (rated.person, rated.name, rated.stars, rated.old, rated.new) == ("mei", "Mei", 2, 4, 3)
    entry = rated.entry
    assert (entry.kind, entry.subject, entry.asked, entry.applied) == ("rate", "mei", 2, -1)
    assert entry.explained is True and entry.score == 50
    assert eng.view().score == 50  # the player's score does not move


def test_rated_in_the_points_model_is_recorded_but_does_not_move_the_score():
    eng = engine("city")
    events = eng.take("rated")
    assert kinds(events) == ["ChoiceTaken", "RatedByPerson", "SceneEntered"]
    (entry,) = eng.ledger
    assert (entry.kind, entry.subject, entry.label, entry.asked, entry.applied) == (
        "rated", "mei", "Mei", 5, 0)
    assert eng.view().score == 50


# -- visits, days, chapters, goto -----------------------------------------------------------


def test_visits_count_the_current_visit_and_returns_to_the_same_scene():
    eng = engine("city")
    assert eng.state.visits("gate") == 1 and eng.state.visits("market") == 0
    eng.take("jaywalk")
    assert eng.state.visits("gate") == 2
    assert "You are back at the gate (visit 2)." in eng.view().paragraphs


def test_goto_scene_continues_and_counts_its_visit_in_do_and_text():
    eng = engine("city")
    events = eng.take("market")
    assert kinds(events) == ["ChoiceTaken", "SceneEntered"]
    assert events[1] == ev.SceneEntered("market", "Tuesday", 1)
    view = eng.view()
    assert view.continues and view.choices == ()
    assert view.paragraphs == ("The market. Visit 1.",)
    assert view.chapter == "Tuesday" and view.chapter_index == 2
    assert eng.state.vars["seen"] == 1  # visits('market') inside the scene's own do
    assert eng.state.vars["money"] == 15
    with pytest.raises(ChoiceError, match="continues by itself"):
        eng.choose(1)
    with pytest.raises(ChoiceError, match="continues by itself"):
        eng.take("jaywalk")
    eng.proceed()
    assert eng.path == [("gate", "market"), ("market", "continue")]
    assert eng.state.visits("gate") == 2
    assert eng.view().chapter == "Monday"  # gate starts its chapter again


def test_advance_and_notify():
    eng = engine("city")
    events = eng.take("sleep")
    assert kinds(events) == ["ChoiceTaken", "DayAdvanced", "Notified", "SceneEntered"]
    assert events[1] == ev.DayAdvanced(2, 3)
    assert events[2] == ev.Notified("Day 3: your score is 50.")
    assert eng.view().day == 3
    eng.take("jaywalk")
    assert eng.ledger[0].day == 3


# -- once, endings ------------------------------------------------------------------------


def test_once_choice_disappears_after_it_is_taken():
    eng = engine("contract")
    assert len(eng.view().choices) == 2
    eng.take("wait_for_the_green_light")
    eng.proceed()
    office = [c.id for c in eng.view().choices]
    assert office[-1] == "ask_how_the_score_is_calculated"
    eng.choose(3)
    assert [c.id for c in eng.view().choices] == office[:-1]
    with pytest.raises(ChoiceError, match="offers no choice"):
        eng.take("ask_how_the_score_is_calculated")


def test_ending_is_reached_with_an_interpolated_title():
    eng = engine("city")
    events = eng.take("train")
    assert events[-1] == ev.Ended("station", "The train, Li", "good")
    assert eng.ended
    view = eng.view()
    assert view.ending.title == "The train, Li" and view.ending.kind == "good"
    assert view.choices == () and not view.continues
    with pytest.raises(ChoiceError, match="ended"):
        eng.take("anything")


def test_conditional_text_block_in_the_contract_example():
    eng = engine("contract")
    eng.take("wait_for_the_green_light")
    eng.proceed()
    assert eng.view().paragraphs == ("Your manager calls you in.",)
    eng = engine("contract", 0, "run_across_the_road_to_catch_the_bus")
    assert eng.view().paragraphs == (
        "Your manager calls you in.", "She has a printout of your score in her hand.")


# -- random ------------------------------------------------------------------------------


def rolls(seed: int, count: int = 12) -> list[int]:
    eng = engine("city", seed)
    out = []
    for _ in range(count):
        eng.take("roll")
        out.append(eng.state.vars["die"])
    return out


def test_random_is_inclusive_and_deterministic_per_seed():
    first = rolls(7)
    assert first == rolls(7)
    assert all(1 <= r <= 6 for r in first)


def test_random_differs_across_seeds():
    assert len({tuple(rolls(seed)) for seed in range(6)}) == 6
    values = {v for seed in range(20) for v in rolls(seed, 6)}
    assert values == {1, 2, 3, 4, 5, 6}


def test_random_generator_state_is_part_of_the_state():
    eng = engine("city", 3)
    eng.take("roll")
    before = eng.state.rng
    eng.take("roll")
    assert eng.state.rng != before
    second = eng.state.vars["die"]
    eng.undo()
    assert eng.state.rng == before
    eng.take("roll")
    assert eng.state.vars["die"] == second
