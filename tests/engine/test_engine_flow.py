"""Undo, rewind, determinism, the events of each step, and runtime errors."""

from __future__ import annotations

import typing

import pytest

from engine_helpers import engine, frozen, locate, story
from game.engine import events as ev
from game.engine.engine import Engine
from game.errors import ChoiceError, StandingError, StoryRuntimeError

# A path through city.yaml that touches every effect, randomness included.
CITY_PATH = ["roll", "jaywalk", "default", "rate_mei", "market", "continue", "rated",
             "sleep", "roll", "settle", "donate", "fraud", "roll"]
EVENT_TYPES = typing.get_args(ev.Event)


def play(name: str, seed: int, path: list[str]) -> tuple[Engine, list[dict], list]:
    """Play a path, keeping the state and view before each step."""
    eng = Engine(story(name), seed=seed)
    states, views = [frozen(eng)], [eng.view()]
    for cid in path:
        eng.take(cid)
        states.append(frozen(eng))
        views.append(eng.view())
    return eng, states, views


# -- undo and rewind ------------------------------------------------------------------


@pytest.mark.parametrize("steps", range(1, len(CITY_PATH) + 1))
def test_undo_any_number_of_steps_restores_the_state_exactly(steps):
    eng, states, views = play("city", 11, CITY_PATH)
    eng.undo(steps)
    back = len(CITY_PATH) - steps
    assert frozen(eng) == states[back]  # rng, ledger, visits, lists, people, day ...
    assert eng.view() == views[back]


def test_undo_one_step_at_a_time_and_replay_draws_the_same_numbers():
    eng, states, _ = play("city", 11, CITY_PATH)
    for back in range(len(CITY_PATH) - 1, -1, -1):
        eng.undo()
        assert frozen(eng) == states[back]
    with pytest.raises(ChoiceError, match="nothing to undo"):
        eng.undo()
    for cid in CITY_PATH:
        eng.take(cid)
    assert frozen(eng) == states[-1]


def test_undo_edge_cases():
    eng, states, _ = play("city", 2, CITY_PATH[:3])
    eng.undo(0)
    assert frozen(eng) == states[3]
    eng.undo(99)
    assert frozen(eng) == states[0]


def test_undo_after_an_ending():
    eng = engine("city", 0, "jaywalk", "home")
    assert eng.ended
    eng.undo()
    assert not eng.ended and eng.state.scene == "gate" and eng.step == 1


def test_rewind_to_a_decision():
    eng, states, views = play("city", 4, CITY_PATH)
    eng.rewind(5)
    assert frozen(eng) == states[5] and eng.view() == views[5]
    eng.rewind(0)
    assert frozen(eng) == states[0]


# -- determinism --------------------------------------------------------------------------


def test_same_story_seed_and_path_give_identical_ledger_and_result():
    first, _, _ = play("city", 42, CITY_PATH)
    second, _, _ = play("city", 42, CITY_PATH)
    assert first.ledger == second.ledger
    assert first.result() == second.result()
    other, _, _ = play("city", 43, CITY_PATH)
    assert other.state.vars["die"] != first.state.vars["die"] or (
        other.state.rng != first.state.rng)


def test_looking_at_a_scene_does_not_change_what_happens_next():
    """Random draws in text happen once per step whether or not a front end looks."""
    looked = engine("dice", 5, "go")
    looked.view()  # the hall's text draws a number
    looked.proceed()
    blind = engine("dice", 5, "go", "continue")
    assert looked.state.vars["a"] == blind.state.vars["a"]
    assert frozen(looked) == frozen(blind)
    replayed = Engine(story("dice"), seed=5)
    assert replayed.replay(looked.path).complete
    assert frozen(replayed) == frozen(looked)
    assert replayed.view() == looked.view()


# -- events ---------------------------------------------------------------------------------


def test_every_step_emits_typed_events_covering_every_ledger_entry():
    eng = Engine(story("city"), seed=1)
    for cid in CITY_PATH:
        before = len(eng.ledger)
        events = eng.take(cid)
        assert events and all(isinstance(e, EVENT_TYPES) for e in events)
        entered = [e for e in events if isinstance(e, ev.SceneEntered)]
        assert len(entered) == 1 and entered[0].scene == eng.state.scene
        taken = [e for e in events if isinstance(e, ev.ChoiceTaken)]
        assert len(taken) == (0 if cid == "continue" else 1)
        referenced = []
        for event in events:
            entry = getattr(event, "entry", None)
            if entry is not None and all(entry is not r for r in referenced):
                referenced.append(entry)
        assert referenced == eng.ledger[before:]


def test_ledger_entries_carry_every_field_and_serialise():
    eng, _, _ = play("city", 0, CITY_PATH)
    assert [(e.step, e.day, e.scene, e.kind, e.subject) for e in eng.ledger] == [
        (2, 1, "gate", "rule", "jaywalk"),
        (3, 1, "gate", "list", "debtors"),
        (4, 1, "gate", "rate", "mei"),
        (7, 1, "gate", "rated", "mei"),
        (10, 3, "gate", "unlist", "debtors"),
        (11, 3, "gate", "rule", "donate"),
        (12, 3, "gate", "rule", "fraud"),
    ]
    data = eng.ledger[-1].to_json()
    assert {"step", "day", "scene", "kind", "subject", "label", "asked", "applied", "score",
            "source", "source_label", "explained", "note", "rule", "change"} <= set(data)
    assert (data["rule"], data["change"], data["asked"], data["source"]) == (
        "fraud", -80, -200, "bank")


# -- runtime errors ------------------------------------------------------------------------


@pytest.mark.parametrize("cid, needle, scene, message", [
    ("divide", "10 / zero", "start", "division by zero"),
    ("add_word", "add: {n: word}", "start", "add: n needs numbers"),
    ("word_plus", "word + 1", "start", "'+' needs two numbers or two texts"),
    ("bad_room", "1 // zero", "bad_room", "division by zero"),
    ("bad_text", "n / zero", "bad_text", "division by zero"),
    ("bad_days", "advance: {days", "start", "advance: days should be a whole number"),
    ("bad_stars", "rate: {mei: 9}", "start", "stars should be a number from 1 to 5"),
])
def test_runtime_errors_name_the_place_and_leave_the_state_as_before(cid, needle, scene, message):
    eng = engine("faults", 0, "ok")
    before, view = frozen(eng), eng.view()
    with pytest.raises(StoryRuntimeError) as info:
        eng.take(cid)
    exc = info.value
    assert isinstance(exc, StandingError)
    assert exc.location == locate("faults", needle)
    assert exc.scene == scene
    assert message in exc.message
    text = str(exc)
    assert text.startswith(f"{exc.location.file}:{exc.location.line}:{exc.location.column}: ")
    assert f"scene '{scene}'" in text and exc.expression in text and exc.expression
    assert frozen(eng) == before
    assert eng.view() == view
    eng.take("ok")  # the game goes on
    assert eng.state.vars["n"] == 3


def test_runtime_error_does_not_leave_a_ledger_entry_or_score_change():
    eng = engine("faults")
    with pytest.raises(StoryRuntimeError):
        eng.take("divide")  # records 'fine' before dividing
    assert eng.ledger == [] and eng.view().score == 10 and eng.path == []


def test_listeners_hear_each_step_nothing_of_a_failed_one_and_one_rewound_per_undo():
    eng = engine("faults")
    heard: list[list] = []
    eng.subscribe(heard.append)
    events = eng.take("ok")
    assert heard == [events]
    with pytest.raises(StoryRuntimeError):
        eng.take("divide")
    assert heard == [events]  # the failed step (and the replay behind it) is silent
    eng.undo()
    assert heard[-1] == [ev.Rewound(0)] and len(heard) == 2


def test_undo_decision_skips_continue_pages_back_to_the_last_choice():
    eng, states, views = play("city", 11, CITY_PATH)
    assert CITY_PATH[4:6] == ["market", "continue"]
    eng.rewind(6)  # just after the Continue that followed "market"
    assert eng.undo_decision() == 2
    assert frozen(eng) == states[4] and eng.view() == views[4]  # choosing "market" again
    assert eng.undo_decision() == 1
    assert frozen(eng) == states[3]
    eng.rewind(0)
    with pytest.raises(ChoiceError, match="nothing to undo"):
        eng.undo_decision()


def test_undo_decision_with_only_continues_goes_back_to_the_start(tmp_path):
    path = tmp_path / "pages.yaml"
    path.write_text("title: Pages\nscenes:\n"
                    "  one: {text: Page one., goto: two}\n"
                    "  two: {text: Page two., goto: three}\n"
                    "  three:\n    text: A fork.\n    choices:\n"
                    "      - {text: Stay, goto: three}\n", encoding="utf-8")
    from game.story.loader import load_story

    eng = Engine(load_story(path), seed=0)
    eng.proceed()
    eng.proceed()
    assert eng.last_decision() is None
    assert eng.undo_decision() == 2 and eng.step == 0
    eng.proceed()
    eng.proceed()
    eng.choose(1)
    assert eng.last_decision() == 2
    assert eng.undo_decision() == 1 and eng.state.scene == "three"
