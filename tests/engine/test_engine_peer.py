"""The peer model: weighted means of recent ratings, rules on top, people's own ratings.

Every expected value is worked out by hand in a comment beside it.
"""

from __future__ import annotations

import pytest

from engine_helpers import engine
from game.engine import events as ev
from game.engine.state import weighted_mean


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def test_start_counts_as_the_first_rating():
    eng = engine("stars")
    assert eng.view().score == 3 and eng.view().tier == "low"
    assert eng.state.received == [(3, 3)]  # weight: rater, the start weighs its own value


def test_weight_rater_weighted_mean():
    eng = engine("stars")
    events = eng.take("mei5")
    # (3*3 + 5*4.5) / (3 + 4.5) = 31.5 / 7.5 = 4.2
    assert eng.view().score == 4.2
    (rated,) = of(events, ev.RatedByPerson)
    assert (rated.person, rated.name, rated.stars) == ("mei", "Mei", 5)
    entry = rated.entry
    assert (entry.kind, entry.subject, entry.asked, entry.applied, entry.score) == (
        "rated", "mei", 5, 1.2, 4.2)
    assert entry.explained is True  # the rating's explain: true
    (changed,) = of(events, ev.ScoreChanged)
    assert changed.entry is entry and (changed.old, changed.new) == (3, 4.2)
    assert of(events, ev.TierChanged) == [ev.TierChanged("low", "fine", "Low", "Fine", up=True)]

    eng.take("bob1")
    # (9 + 22.5 + 1*2) / (3 + 4.5 + 2) = 33.5 / 9.5 = 3.5263157...
    # kept at the rating's 2 decimals (docs/story-format.md, "Decimals")
    assert eng.view().score == 3.53
    assert eng.view().paragraphs[0].startswith("Your rating is 3.53.")
    assert eng.ledger[-1].applied == pytest.approx(3.53 - 4.2)


def test_memory_keeps_only_the_last_ratings_start_included():
    eng = engine("stars", 0, "mei5", "bob1", "mei5")
    # memory 3: the start rating has dropped out.
    # (5*4.5 + 1*2 + 5*4.5) / (4.5 + 2 + 4.5) = 47 / 11 = 4.272727...
    assert eng.view().score == 4.27  # kept at 2 decimals
    assert eng.view().tier == "fine"


def test_a_rater_without_a_rating_weighs_like_the_start():
    eng = engine("stars", 0, "ann4")
    # Ann has no rating of her own: weight 3 (the start). (3*3 + 4*3) / 6 = 3.5
    assert eng.view().score == 3.5


def test_rules_apply_on_top_of_the_mean_and_are_clamped():
    eng = engine("stars")
    eng.take("charm")  # 3 + 1 = 4
    assert eng.view().score == 4
    entry = eng.ledger[-1]
    assert (entry.kind, entry.subject, entry.asked, entry.applied) == ("rule", "charm", 1, 1)
    assert entry.explained is True
    eng.take("mei5")  # mean 4.2, plus the rule's 1 = 5.2, clamped to the max 5
    assert eng.view().score == 5
    assert (eng.ledger[-1].asked, eng.ledger[-1].applied) == (5, 1)
    events = eng.take("rude")  # 4.2 + 1 - 0.5 = 4.7
    assert eng.view().score == 4.7 and eng.view().tier == "prime"
    entry = eng.ledger[-1]
    assert (entry.asked, entry.applied, entry.explained) == (-0.5, -0.3, False)
    assert of(events, ev.TierChanged) == []  # 5 -> 4.7: prime both


def test_tier_requirement_in_peer_stars():
    eng = engine("stars")
    club = next(c for c in eng.view().choices if c.id == "club")
    assert club.locked == "Members only."
    assert club.gaps == ()  # the author's locked: text stands alone
    eng.take("charm")
    eng.take("mei5")  # 5: prime
    assert next(c for c in eng.view().choices if c.id == "club").locked is None


def test_player_rates_a_person_weighted_by_the_players_score():
    eng = engine("stars")
    events = eng.take("rate_bob")
    # Bob: (2*2 + 5*3) / (2 + 3) = 19 / 5 = 3.8 (his own rating weighs his first)
    (rated,) = of(events, ev.PersonRated)
    assert (rated.person, rated.stars, rated.old, rated.new) == ("bob", 5, 2, 3.8)
    assert (rated.entry.kind, rated.entry.asked, rated.entry.applied) == ("rate", 5, 1.8)
    assert eng.view().score == 3  # the player's own score does not move
    assert "Bob is 3.8." in eng.view().paragraphs[0]
    eng.take("bob1")
    # Bob's rating is now 3.8 and weighs his rating of you: (3*3 + 1*3.8) / 6.8 = 1.882352...
    assert eng.view().score == 1.88  # kept at 2 decimals


def test_weight_equal_and_a_short_memory():
    eng = engine("equal")
    assert eng.view().score == 4 and eng.view().tier == "high"
    eng.take("mei5")  # (4 + 5) / 2 = 4.5
    assert eng.view().score == 4.5
    events = eng.take("bob1")  # memory 2: (5 + 1) / 2 = 3
    assert eng.view().score == 3
    assert eng.ledger[-1].applied == -1.5
    assert of(events, ev.TierChanged) == [ev.TierChanged("high", "low", "high", "low", up=False)]
    eng.take("rate_bob")  # equal weights: (2 + 5) / 2 = 3.5
    assert eng.state.rating_of("bob") == 3.5


def test_peer_result_reports_people():
    eng = engine("equal", 0, "rate_bob")
    result = eng.result()
    assert result["people"] == {"mei": 5, "bob": 3.5}
    assert result["score"] == 4


def test_a_rating_announces_itself_after_the_score_change_it_caused():
    """Front ends pair the two (the terminal player's notices rely on this order)."""
    events = engine("stars").take("mei5")
    names = [type(e).__name__ for e in events]
    assert names == ["ChoiceTaken", "ScoreChanged", "TierChanged", "RatedByPerson",
                     "SceneEntered"]
    assert events[1].entry is events[3].entry


# -- rating histories: the player's start_ratings, a person's ratings ---------------
# Fixture history.yaml: start 3 counted as 4 ratings, memory 6, weight: rater;
# Mei 4.5 from 3 ratings, Bob 2 from 10 (capped at memory 6), New 3 from 1.


def test_the_start_counts_as_start_ratings_ratings():
    eng = engine("history")
    assert eng.state.received == [(3, 3)] * 4
    assert eng.view().score == 3


def test_one_rating_moves_a_long_history_less():
    eng = engine("history", 0, "mei5")
    # (4*3*3 + 5*4.5) / (4*3 + 4.5) = 58.5 / 16.5 = 3.545454...; from one start rating
    # it would be (9 + 22.5) / 7.5 = 4.2
    assert weighted_mean(eng.state.received, 6) == pytest.approx(58.5 / 16.5, abs=1e-9)
    assert eng.view().score == 3.55
    eng.take("mei5")
    # (36 + 45) / (12 + 9) = 81 / 21 = 3.857142...
    assert weighted_mean(eng.state.received, 6) == pytest.approx(81 / 21, abs=1e-9)
    assert eng.view().score == 3.86


def test_the_start_history_leaves_memory_like_any_rating():
    eng = engine("history", 0, "mei5", "mei5", "mei5")
    # 4 start ratings + 3 fives = 7 > memory 6: one start rating has dropped out.
    # (3*3*3 + 3*5*4.5) / (3*3 + 3*4.5) = 94.5 / 22.5 = 4.2
    assert weighted_mean(eng.state.received, 6) == pytest.approx(94.5 / 22.5, abs=1e-9)
    assert eng.view().score == 4.2


def test_a_persons_history_is_capped_at_memory():
    eng = engine("history", 0, "rate_bob")
    assert eng.state.people["bob"][:6] == [(2, 2)] * 6
    # Bob's 10 ratings are kept as memory's 6, and the new one pushes the oldest out:
    # (5*2*2 + 5*3) / (5*2 + 3) = 35 / 13 = 2.692307...
    assert weighted_mean(eng.state.people["bob"], 6) == pytest.approx(35 / 13, abs=1e-9)
    assert eng.state.rating_of("bob") == 2.69
    assert eng.ledger[-1].applied == pytest.approx(0.69, abs=1e-9)


def test_a_persons_history_damps_a_low_rating():
    eng = engine("history", 0, "rate_mei")
    # (3*4.5*4.5 + 1*3) / (3*4.5 + 3) = 63.75 / 16.5 = 3.863636...
    assert weighted_mean(eng.state.people["mei"], 6) == pytest.approx(63.75 / 16.5, abs=1e-9)
    assert eng.state.rating_of("mei") == 3.86


def test_a_person_without_ratings_has_a_one_rating_history():
    eng = engine("history", 0, "rate_new")
    # (3*3 + 5*3) / (3 + 3) = 4
    assert eng.state.rating_of("new") == 4


def test_without_start_ratings_the_start_is_one_rating(tmp_path):
    from game.engine.engine import Engine
    from game.story.loader import load_story
    from engine_helpers import FIXTURES
    text = (FIXTURES / "history.yaml").read_text(encoding="utf-8")
    path = tmp_path / "once.yaml"
    path.write_text(text.replace("  start_ratings: 4\n", ""), encoding="utf-8")
    story = load_story(path)
    assert story.rating.start_ratings == 1
    eng = Engine(story)
    eng.take("mei5")
    assert eng.view().score == 4.2  # (9 + 22.5) / 7.5, today's behaviour


def test_equal_weights_with_a_history(tmp_path):
    from game.engine.engine import Engine
    from game.story.loader import load_story
    from engine_helpers import FIXTURES
    text = (FIXTURES / "history.yaml").read_text(encoding="utf-8")
    path = tmp_path / "equal.yaml"
    path.write_text(text.replace("weight: rater", "weight: equal"), encoding="utf-8")
    eng = Engine(load_story(path))
    eng.take("mei5")
    # (4*3 + 5) / 5 = 3.4
    assert eng.view().score == 3.4
    eng.take("rate_bob")
    # Bob, the last 6: (5*2 + 5) / 6 = 2.5
    assert eng.state.rating_of("bob") == 2.5
