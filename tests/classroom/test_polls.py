"""Polls: parsed on scenes, shown in the view, answered without effect, kept sensibly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from game.engine import events as ev
from game.engine.engine import Engine
from game.engine.saves import SaveStore, restore, save_document
from game.errors import ChoiceError, StoryErrors
from game.plain import PlainPlayer
from game.story.loader import load_story

from class_helpers import LESSON, lesson


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "story.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_polls_are_parsed_with_their_ids() -> None:
    story = lesson()
    before, bill, after = (story.scenes[s].poll for s in ("before", "bill", "after"))
    assert before.id == after.id == "fair"
    assert before.options == ("Yes", "Sometimes", "No")
    assert bill.id == "predict"
    assert after.question.startswith("Now")


def test_a_poll_without_an_id_is_named_by_its_scene(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, """
title: T
scenes:
  start:
    poll: {question: Fair?, options: [yes, no]}
    ending: {title: End, kind: good}
"""))
    assert story.scenes["start"].poll.id == "start"
    assert story.scenes["start"].poll.options == ("yes", "no")


def test_polls_sharing_an_id_must_offer_the_same_options(tmp_path: Path) -> None:
    with pytest.raises(StoryErrors) as caught:
        load_story(write(tmp_path, """
title: T
scenes:
  a:
    poll: {id: fair, question: Fair?, options: [Yes, No]}
    goto: b
  b:
    poll: {id: fair, question: Still fair?, options: [No, Yes]}
    ending: {title: End, kind: good}
"""))
    message = str(caught.value)
    assert "poll 'fair' is also asked in scene 'a'" in message
    assert ":8:" in message  # the second poll's options, where the fix goes


@pytest.mark.parametrize("poll, wanted", [
    ("{question: Q, options: [only]}", "at least two options"),
    ("{question: Q}", "options"),
    ("{id: Bad Id, question: Q, options: [a, b]}", "poll id"),
    ("{question: Q, options: [a, b], colour: red}", "colour"),
])
def test_bad_polls_are_located_errors(tmp_path: Path, poll: str, wanted: str) -> None:
    with pytest.raises(StoryErrors) as caught:
        load_story(write(tmp_path, f"""
title: T
scenes:
  a:
    poll: {poll}
    ending: {{title: End, kind: good}}
"""))
    assert wanted in str(caught.value)
    assert "story.yaml:5:" in str(caught.value)


def test_the_view_shows_the_poll_and_the_answer_given_here() -> None:
    engine = Engine(lesson(), seed=1)
    poll = engine.view().poll
    assert poll is not None and poll.id == "fair" and poll.answer is None
    events = engine.answer_poll(1)
    assert events == [ev.PollAnswered("fair", "before", 1, "Sometimes", 0)]
    assert engine.view().poll.answer == 1
    engine.proceed()
    assert engine.view().poll.id == "predict" and engine.view().poll.answer is None
    engine.take("borrow")
    assert engine.view().poll is None  # street asks nothing


def test_answering_changes_nothing_but_the_answer() -> None:
    engine = Engine(lesson(), seed=1)
    engine.proceed()
    before = (engine.state.score, list(engine.path), list(engine.ledger), engine.state.rng,
              dict(engine.state.vars))
    engine.answer_poll(0)
    engine.answer_poll(1)  # a change of mind replaces the answer
    assert (engine.state.score, list(engine.path), list(engine.ledger), engine.state.rng,
            dict(engine.state.vars)) == before
    assert engine.answers == [(1, "predict", "bill", 1)]


def test_bad_answers_are_choice_errors() -> None:
    engine = Engine(lesson(), seed=1)
    with pytest.raises(ChoiceError, match="no option 3"):
        engine.answer_poll(3)
    with pytest.raises(ChoiceError):
        engine.answer_poll(-1)
    with pytest.raises(ChoiceError):
        engine.answer_poll(True)  # type: ignore[arg-type]
    engine.proceed()
    engine.take("late")
    with pytest.raises(ChoiceError, match="no poll here"):
        engine.answer_poll(0)


def test_an_ending_can_ask_a_poll() -> None:
    engine = Engine(lesson(), seed=1)
    engine.proceed()
    engine.take("late")
    engine.take("wait")
    assert engine.ended and engine.view().poll.id == "fair"
    assert engine.answer_poll(2)[0].step == engine.step


def test_undo_keeps_answers_of_the_moments_kept_and_drops_later_ones() -> None:
    engine = Engine(lesson(), seed=1)
    engine.answer_poll(0)             # step 0, before
    engine.proceed()
    engine.answer_poll(1)             # step 1, bill
    engine.take("late")
    engine.take("help")
    engine.answer_poll(2)             # step 3, after
    engine.undo()                     # back to street (step 2): the ending's answer goes
    assert [a[0] for a in engine.answers] == [0, 1]
    engine.undo()                     # back to bill (step 1): its own answer stays
    assert engine.view().poll.answer == 1
    engine.rewind(0)
    assert engine.answers == [(0, "fair", "before", 0)]
    engine.restart()
    assert engine.answers == []


def test_a_runtime_error_keeps_the_answers(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, """
title: T
vars: {x: 0}
scenes:
  a:
    poll: {question: Q, options: [a, b]}
    choices:
      - {text: Break, goto: b, do: [set: {x: 1 / x}]}
      - {text: Fine, goto: b}
  b:
    ending: {title: End, kind: good}
"""))
    engine = Engine(story)
    engine.answer_poll(1)
    with pytest.raises(Exception):
        engine.take("break")
    assert engine.answers == [(0, "a", "a", 1)]


def test_listeners_hear_answers_and_undos_but_not_replays() -> None:
    engine = Engine(lesson(), seed=1)
    heard: list = []
    stop = engine.subscribe(heard.extend)
    engine.answer_poll(0)
    engine.proceed()
    engine.take("late")
    engine.undo()
    kinds = [type(e).__name__ for e in heard]
    assert kinds.count("PollAnswered") == 1 and kinds[-1] == "Rewound"
    assert heard[-1] == ev.Rewound(1)
    assert "ChoiceTaken" in kinds and kinds.count("ChoiceTaken") == 1  # the replay is silent
    heard.clear()
    engine.replay([("before", "continue")])
    assert heard == []
    engine.restart()
    assert heard == [ev.Rewound(0)]
    stop()
    engine.proceed()
    assert heard == [ev.Rewound(0)]


def test_a_fork_does_not_tell_the_listeners() -> None:
    engine = Engine(lesson(), seed=1)
    heard: list = []
    engine.subscribe(heard.extend)
    twin = engine.fork()
    twin.proceed()
    twin.answer_poll(0)
    assert heard == []


def test_saves_carry_answers_and_restore_those_replayed(tmp_path: Path) -> None:
    engine = Engine(lesson(), seed=1)
    engine.answer_poll(2)
    engine.proceed()
    engine.answer_poll(0)
    document = json.loads(json.dumps(save_document(engine)))
    assert document["polls"] == [[0, "fair", "before", 2], [1, "predict", "bill", 0]]
    again, report = restore(lesson(), document)
    assert report.complete and again.answers == engine.answers
    assert again.view().poll.answer == 0
    store = SaveStore(tmp_path, lesson())
    assert store.save(engine)
    loaded, _ = store.load()
    assert loaded.answers == engine.answers


def test_saved_answers_that_no_longer_fit_are_dropped() -> None:
    engine = Engine(lesson(), seed=1)
    engine.proceed()
    kept = engine.restore_answers([
        [0, "fair", "before", 1],        # fine
        [1, "fair", "bill", 0],          # bill asks another poll
        [1, "predict", "street", 0],     # the wrong scene for that moment
        [1, "predict", "bill", 7],       # no such option
        [5, "fair", "after", 0],         # a moment not reached
        "garbage", [1, 2],
    ])
    assert kept == 1 and engine.answers == [(0, "fair", "before", 1)]


def test_an_old_save_without_polls_still_loads() -> None:
    engine = Engine(lesson(), seed=1)
    engine.proceed()
    document = save_document(engine)
    del document["polls"]
    again, report = restore(lesson(), document)
    assert report.complete and again.answers == []


def test_plain_mode_asks_the_poll_and_accepts_a_skip() -> None:
    engine = Engine(lesson(), seed=1)
    out = io.StringIO()
    # before: answer 3; bill: "x" then skip; choose 1 (late), 3 (wait); after: answer 1
    inp = io.StringIO("3\n\nx\n\n1\n3\n1\n")
    code = PlainPlayer(engine, None, inp, out).run(engine.opening)
    text = out.getvalue()
    assert code == 0
    assert "Poll: Can a number say whether a person is trustworthy?" in text
    assert "  3. No" in text
    assert "Type a number from 1 to 2, or press Enter to skip." in text
    assert "(Skipped.)" in text
    assert text.index("Poll: Now, can a number") < text.index("THE END")
    assert engine.answers == [(0, "fair", "before", 2), (3, "fair", "after", 0)]


def test_the_compiled_cache_keeps_poll_ids_and_mistakes(tmp_path: Path) -> None:
    from game.story.cache import load_story_cached

    load_story_cached(LESSON, tmp_path)
    story = load_story_cached(LESSON, tmp_path)
    assert story.scenes["after"].poll.id == "fair"
    effects = story.scenes["bill"].choices[0].effects
    assert effects[1].mistake and effects[1].source == "bank"
    assert story.scenes["street"].choices[0].effects[0].mistake
