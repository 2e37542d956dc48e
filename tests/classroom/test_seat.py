"""A served student's seat: resume codes, codename refusal, resuming, records that follow."""

from __future__ import annotations

import random

import pytest

from class_helpers import lesson
from game.classroom.codenames import CodenameError
from game.classroom.pacing import Pacing, write_pacing
from game.classroom.privacy import wipe
from game.classroom.seat import (
    RESUME_ALPHABET,
    RESUME_LENGTH,
    ClassSeat,
    SeatError,
    check_resume_code,
    new_resume_code,
    normalise_resume_code,
    student_folder,
    write_resume_code,
)
from game.classroom.sessions import read_session
from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE


def seat(folder) -> ClassSeat:
    return ClassSeat(lesson(), folder, seed=1)


def play_to_bill(engine: Engine) -> None:
    engine.answer_poll(0)
    engine.proceed()


# -- resume codes ----------------------------------------------------------------------


def test_resume_codes_are_short_and_unambiguous() -> None:
    codes = {new_resume_code(random.Random(n)) for n in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == RESUME_LENGTH and set(code) <= set(RESUME_ALPHABET)
    assert not set("01ilo") & set(RESUME_ALPHABET)


def test_a_typed_code_ignores_case_spaces_and_hyphens(tmp_path) -> None:
    assert normalise_resume_code(" K7-P M ") == "k7pm"
    write_resume_code(tmp_path, "k7pm")
    assert check_resume_code(tmp_path, "K7PM") is True
    assert check_resume_code(tmp_path, "k7pn") is False
    assert check_resume_code(tmp_path / "nobody", "k7pm") is None


def test_the_code_is_kept_hashed_never_in_clear(tmp_path) -> None:
    write_resume_code(tmp_path, "k7pm")
    assert "k7pm" not in (tmp_path / "resume.json").read_text(encoding="utf-8")


# -- joining ------------------------------------------------------------------------------


def test_a_new_player_gets_a_record_a_save_folder_and_a_resume_code(folder) -> None:
    s = seat(folder)
    codename, code = s.offer()
    engine, store, note = s.join(codename, "", code)
    try:
        assert note is None and s.codename == codename and s.resume_code == code
        assert (folder / f"{codename}.jsonl").exists()
        assert store.folder == student_folder(folder, codename)
        assert check_resume_code(store.folder, code) is True
        assert code in s.notice(code) and "never your name" in s.notice(code)
    finally:
        s.leave()


def test_a_taken_codename_is_refused_with_a_clear_message(folder) -> None:
    first = seat(folder)
    first.join("amber-otter", "", "k7pm")
    first.leave()
    second = seat(folder)
    with pytest.raises(SeatError, match="already taken in class 7b: choose another one "
                                        r"\(if it is yours, type your resume code too\)"):
        second.join("Amber Otter", "", "abcd")
    with pytest.raises(SeatError, match="not the one of 'amber-otter'"):
        second.join("amber-otter", "zzzz", "abcd")
    with pytest.raises(SeatError, match="no game of 'nobody-here'"):
        second.join("nobody-here", "k7pm", "abcd")
    with pytest.raises(CodenameError):
        second.join("J", "", "abcd")  # too short to be a codename


def test_the_same_student_with_the_right_code_continues_their_game(folder) -> None:
    first = seat(folder)
    engine, store, _ = first.join("amber-otter", "", "k7pm")
    play_to_bill(engine)
    engine.take("late")
    assert store.save(engine)
    first.leave()  # the browser closed: the process ended

    again = seat(folder)
    engine2, store2, note = again.join("amber-otter", "K7PM", "zzzz")
    try:
        assert "continues after 2 steps" in note
        assert engine2.path == engine.path and engine2.state.scene == "street"
        assert again.resume_code is None  # they typed their own; no new one given
        engine2.take("help")
    finally:
        again.leave()
    session, skipped, _ = read_session(folder / "amber-otter.jsonl")
    assert skipped == 0
    assert [c.choice for c in session.choices] == ["late", "help"]
    assert session.ending is not None


def test_a_second_window_on_the_same_seat_is_refused(folder) -> None:
    first = seat(folder)
    first.join("amber-otter", "", "k7pm")
    try:
        with pytest.raises(SeatError, match="playing in another window"):
            seat(folder).join("amber-otter", "k7pm", "zzzz")
    finally:
        first.leave()
    seat(folder).join("amber-otter", "k7pm", "zzzz")  # free again once the first has gone


def test_loading_a_save_slot_makes_the_record_follow_the_new_game(folder) -> None:
    s = seat(folder)
    engine, store, _ = s.join("amber-otter", "", "k7pm")
    play_to_bill(engine)
    engine.take("borrow")
    store.save(engine, "before_street")
    engine.take("cross")  # the old game ends
    loaded, _report = store.load("before_street")
    s.follow(loaded)
    loaded.take("help")  # recorded: the writer listens to the loaded game
    engine.restart()  # not recorded: the writer no longer listens to the old one
    s.leave()
    session, _, _ = read_session(folder / "amber-otter.jsonl")
    assert [c.choice for c in session.choices] == ["borrow", "help"]


def test_an_unwritable_records_folder_warns_and_play_goes_on(tmp_path) -> None:
    blocker = tmp_path / "records"
    blocker.write_text("not a folder", encoding="utf-8")
    s = ClassSeat(lesson(), blocker / "7b", seed=1)
    engine, store, _ = s.join("amber-otter", "", "k7pm")
    play_to_bill(engine)
    engine.take("late")  # the game goes on
    assert any("cannot write class records" in w for w in store.warnings)
    assert any("cannot keep your resume code" in w for w in store.warnings)
    s.leave()


def test_pacing_and_reveal_come_from_the_control_file(folder) -> None:
    for name in ("amber-otter", "bold-crane", "calm-deer"):
        s = seat(folder)
        engine, _, _ = s.join(name, "", "k7pm")
        play_to_bill(engine)
        engine.take("late" if name != "calm-deer" else "borrow")
        s.leave()
    s = seat(folder)
    assert s.pacing() == Pacing()
    assert s.class_choices() is None  # not revealed yet
    write_pacing(folder, Pacing(limit=1, reveal=True))
    assert s.pacing().holds(2)
    prompt, n, options = s.class_choices()["bill"]
    assert prompt.startswith("A bill arrives") and n == 3
    assert options == (("late", "Pay it late", None), ("borrow", "Borrow to pay it on time", None))
    write_pacing(folder, Pacing(reveal=True, show_small=True))
    assert s.class_choices()["bill"][2][0] == ("late", "Pay it late", 2)


def test_wipe_deletes_saves_resume_codes_and_controls(folder) -> None:
    s = seat(folder)
    engine, store, _ = s.join("amber-otter", "", "k7pm")
    store.save(engine, AUTOSAVE)
    s.leave()
    write_pacing(folder, Pacing(limit=1))
    deleted, problems = wipe(folder, "7b")
    assert (deleted, problems) == (1, [])
    assert not folder.exists()
