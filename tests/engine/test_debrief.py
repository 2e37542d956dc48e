"""The debrief and the player's record: what was hidden, who reported it, what was asked."""

from __future__ import annotations

from engine_helpers import engine
from game.engine.debrief import build_debrief, describe, record_lines, signed


def test_record_hides_reasons_the_story_does_not_explain():
    eng = engine("city", 0, "jaywalk", "donate", "default", "rated", "rate_mei", "fraud")
    assert record_lines(eng) == [
        "Day 1: -10  reason not disclosed",
        "Day 1: +40  Charitable donation: gave 10 yuan — reported by People's Bank",
        "Day 1: Put on the list: Dishonest debtors",
        "Day 1: 0  rated 5 stars by someone",
        "Day 1: You rated Mei 2 stars (Mei -1)",
        "Day 1: -80 (asked -200)  reason not disclosed",
    ]


def test_debrief_reveals_everything_and_counts_by_source_and_rule():
    eng = engine("city", 0, "jaywalk", "donate", "default", "fraud", "home")
    debrief = build_debrief(eng)
    assert (debrief.ending_title, debrief.ending_kind) == ("Home", "mixed")
    assert (debrief.score_name, debrief.score, debrief.tier, debrief.tier_label) == (
        "Civic Score", 0, "D", "Untrusted")
    assert debrief.history == (50, 40, 80, 80, 0, 0)
    # the listing was announced: the player was told of it
    assert [e.subject for e in debrief.hidden] == ["jaywalk", "fraud"]
    assert debrief.hidden_rules == ("Crossed against the light", "Fraud")
    assert debrief.by_source == (("People's Bank", 2, -40), ("Traffic cameras", 1, -10))
    assert debrief.by_rule == (("Crossed against the light", 1, -10),
                               ("Charitable donation", 1, 40), ("Fraud", 1, -80))
    assert debrief.lists == ("Dishonest debtors",)
    assert debrief.questions == ("Who decided what a jaywalk costs?",)
    revealed = [describe(e, reveal=True) for e in debrief.ledger]
    assert revealed[0] == "-10  Crossed against the light — reported by Traffic cameras"
    assert revealed[-1] == "-80 (asked -200)  Fraud — reported by People's Bank"


def test_reflections_come_only_from_choices_taken():
    eng = engine("contract", 0, "wait_for_the_green_light", "continue",
                 "spend_the_weekend_at_the_community_centre")
    debrief = build_debrief(eng)
    assert debrief.reflections == ((
        "Spend the weekend at the community centre",
        "Did you volunteer because you wanted to, or for the points?"),)
    assert build_debrief(engine("contract", 0, "run_across_the_road_to_catch_the_bus")
                         ).reflections == ()


def test_peer_debrief_names_raters():
    eng = engine("stars", 0, "mei5", "rude")
    lines = [describe(e, reveal=True) for e in eng.ledger]
    assert lines == ["+1.2  rated 5 stars by Mei", "-0.5  Rude to staff"]
    assert build_debrief(eng).by_source == (("people who rated you", 1, 1.2),
                                            ("no named source", 1, -0.5))


def test_signed():
    assert [signed(v) for v in (5, -10, 0, 1.25, -0.333333)] == ["+5", "-10", "0", "+1.25",
                                                                  "-0.33"]


def test_a_story_without_a_rating_plays_as_plain_fiction():
    eng = engine("escape")
    view = eng.view()
    assert view.score is None and view.tier is None and view.services == ()
    eng.choose(1)
    result = eng.result()
    assert (result["score"], result["tier"], result["ending"]) == (None, None, "end")
    assert build_debrief(eng).score is None and eng.ledger == []


def test_signed_and_stars_read_well() -> None:
    from game.engine.debrief import signed, stars

    assert [signed(v) for v in (5, -10, 0, 0.004, -0.001, 0.17)] == [
        "+5", "-10", "0", "+<0.01", "-<0.01", "+0.17"]
    assert [stars(v) for v in (1, 1.0, 4, 4.5)] == ["1 star", "1 star", "4 stars", "4.5 stars"]


def test_a_source_that_opens_a_sentence_reads_on_inside_one():
    """"reported by Your employer" read as a form field: the label reads naturally."""
    from game.engine.format import reported_by

    assert reported_by("Your employer (Swift Harvest)") == " — reported by your employer (Swift Harvest)"
    assert reported_by("The city") == " — reported by the city"
    assert reported_by("Traffic cameras") == " — reported by Traffic cameras"
    assert reported_by("Yourtown council") == " — reported by Yourtown council"
    assert reported_by("") == ""


def test_the_plain_debrief_names_the_ending_but_not_its_kind():
    """good/mixed/bad is for the teacher and the report, not for the player."""
    from game.engine.lines import debrief_text

    eng = engine("city", 0, "jaywalk", "donate", "default", "fraud", "home")
    debrief = build_debrief(eng)
    assert debrief.ending_kind == "mixed"  # kept for the teacher's side
    text = debrief_text(debrief)
    assert "Ending: Home\n" in text and "mixed" not in text


def test_a_choice_that_ends_a_sentence_gets_no_second_full_stop():
    """'You chose "Tap Late. It is the truth.". Who...' read as a typo."""
    from dataclasses import replace

    from game.engine.lines import debrief_text

    debrief = build_debrief(engine("city", 0, "jaywalk", "home"))
    debrief = replace(debrief, reflections=(("Tap Late. It is the truth.", "Who did it help?"),
                                            ("Wait", "Why?")))
    text = debrief_text(debrief)
    assert 'You chose "Tap Late. It is the truth." Who did it help?' in text
    assert 'You chose "Wait". Why?' in text


CONDITIONAL_DEBRIEF = """\
title: Two roads
vars:
  helped: false
scenes:
  start:
    text: A friend needs money.
    choices:
      - text: Help
        id: help
        do:
          - set: {helped: true}
        goto: done
      - text: Walk on
        id: walk
        goto: done
  done:
    ending: {title: Done, kind: mixed}
    text: The end.
debrief:
  - Asked of everyone.
  - text: Helping cost you. Why?
    if: helped
  - {text: You walked on. Why?, if: not helped}
"""


def test_debrief_questions_with_if_are_asked_only_when_they_hold(tmp_path):
    from game.engine.engine import Engine
    from game.story.cache import load_story_cached
    from game.story.loader import load_story

    path = tmp_path / "two_roads.yaml"
    path.write_text(CONDITIONAL_DEBRIEF, encoding="utf-8")
    for load in (load_story, lambda p: load_story_cached(p, tmp_path / "cache"),
                 lambda p: load_story_cached(p, tmp_path / "cache")):  # built, then from cache
        story = load(path)
        assert story.debrief == ("Asked of everyone.", "Helping cost you. Why?",
                                 "You walked on. Why?")
        helped = Engine(story, seed=0)
        helped.take("help")
        assert build_debrief(helped).questions == ("Asked of everyone.",
                                                   "Helping cost you. Why?")
        walked = Engine(story, seed=0)
        walked.take("walk")
        assert build_debrief(walked).questions == ("Asked of everyone.", "You walked on. Why?")


def test_a_debrief_question_with_a_bad_if_is_an_error_at_its_line(tmp_path):
    import pytest

    from game.errors import StoryErrors
    from game.story.loader import load_story

    path = tmp_path / "bad.yaml"
    path.write_text(CONDITIONAL_DEBRIEF.replace("if: helped", "if: helpd"), encoding="utf-8")
    with pytest.raises(StoryErrors) as caught:
        load_story(path)
    assert "bad.yaml:22:9:" in str(caught.value) and "helpd" in str(caught.value)


HIDDEN_SHOW = """\
title: Hidden index
rating:
  start: 50
  show: hidden
  explain: false
  rules:
    on_time: {change: +5, label: Delivered on time, explain: true}
    aligned: {change: +4, label: Aligned with priorities}
scenes:
  desk:
    choices:
      - text: Deliver
        do: [record: on_time, record: aligned, notify: "Draft delivered on time +5"]
        goto: end
  end:
    ending: {title: End, kind: mixed}
"""


def test_under_show_hidden_an_explained_rule_was_told(tmp_path):
    """The number is hidden, but a rule the story explains was told: the debrief marks
    only the unexplained one "[you were not told]" (The Operator's published targets)."""
    from game.engine.engine import Engine
    from game.engine.lines import NOT_TOLD, debrief_text
    from game.engine.notices import told
    from game.story.loader import load_story

    path = tmp_path / "hidden.yaml"
    path.write_text(HIDDEN_SHOW, encoding="utf-8")
    eng = Engine(load_story(path), seed=0)
    eng.take("deliver")
    on_time, aligned = eng.ledger
    assert told(on_time, eng.story) and not told(aligned, eng.story)
    debrief = build_debrief(eng)
    assert debrief.hidden_rules == ("Aligned with priorities",)
    text = debrief_text(debrief)
    assert "Delivered on time" in text and f"Delivered on time  {NOT_TOLD}" not in text
    assert f"Aligned with priorities  {NOT_TOLD}" in text
    # the number stays hidden: My record gives the reason, never the amount
    assert record_lines(eng) == ["Day 1: Delivered on time"]


def test_a_silent_list_found_out_at_a_refusal_says_so() -> None:
    """'(you were not told)' beside a silent list is true; when a refusal was how the
    player found out, the debrief says which (Green Channel: the weekend update lists
    the player without a word, and the flight booking refuses them)."""
    from pathlib import Path

    from game.engine.debrief import untold_note
    from game.engine.engine import Engine
    from game.engine.lines import debrief_text
    from game.story.loader import load_story

    story = load_story(Path(__file__).resolve().parents[2] / "stories" / "green_channel")
    played = Engine(story, seed=19)
    for number in "2,2,1,1,2,1,1,3,1,1,2,1,1,2,1,1,1".split(","):
        while played.view().continues:
            played.proceed()
        played.take(played.view().choices[int(number) - 1].id)
    while not played.ended and played.view().continues:
        played.proceed()
    d = build_debrief(played)
    (label, knew), = d.listed
    assert not knew
    assert untold_note(d, label) == ("you were not told; you found out when refused: "
                                     "Flights (Green Channel booking)")
    assert "[you were not told; you found out when refused: Flights" in debrief_text(d)
    # A list the player was told of, or one no refusal reads, keeps the plain words.
    assert untold_note(d, "Some other list") == "you were not told"
