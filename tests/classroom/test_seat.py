"""A served student's seat: resume codes, codename refusal, resuming, records that follow."""

from __future__ import annotations

import hashlib
import json
import random
import re

import pytest

from class_helpers import lesson
from game.classroom.codenames import CodenameError
from game.classroom.pacing import Pacing, write_pacing
from game.classroom.privacy import wipe
from game.classroom.seat import (
    FIRST_WAIT,
    FREE_ATTEMPTS,
    KEPT_ATTEMPTS,
    LONGEST_WAIT,
    MISMATCH,
    RESUME_ALPHABET,
    RESUME_LENGTH,
    Attempts,
    ClassSeat,
    SeatError,
    check_resume_code,
    new_resume_code,
    normalise_resume_code,
    old_resume_file,
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


def test_resume_codes_are_eight_unambiguous_characters_in_two_groups() -> None:
    codes = {new_resume_code(random.Random(n)) for n in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert set(code.replace("-", "")) <= set(RESUME_ALPHABET)
    assert RESUME_LENGTH >= 8
    assert not set("0O1IL") & set(RESUME_ALPHABET)
    assert len(RESUME_ALPHABET) ** RESUME_LENGTH > 10**11


def test_a_typed_code_ignores_case_spaces_and_the_dash(tmp_path) -> None:
    assert normalise_resume_code(" k7pm-x3 qa ") == "K7PMX3QA"
    write_resume_code(tmp_path, "K7PM-X3QA")
    for typed in ("K7PM-X3QA", "k7pmx3qa", "k7pm x3qa", " K7pm-X3qa "):
        assert check_resume_code(tmp_path, typed) is True
    assert check_resume_code(tmp_path, "K7PM-X3QB") is False
    assert check_resume_code(tmp_path / "nobody", "K7PM-X3QA") is None


def test_the_code_is_kept_salted_and_slowly_hashed_never_in_clear(tmp_path) -> None:
    write_resume_code(tmp_path / "a", "K7PM-X3QA")
    write_resume_code(tmp_path / "b", "K7PM-X3QA")
    kept = [json.loads((tmp_path / n / "resume.json").read_text(encoding="utf-8"))
            for n in ("a", "b")]
    for data in kept:
        assert data["kdf"] == "scrypt" and data["n"] >= 2**14 and data["r"] >= 8
        assert "K7PM" not in json.dumps(data).upper()
    assert kept[0]["salt"] != kept[1]["salt"] and kept[0]["hash"] != kept[1]["hash"]
    salt = bytes.fromhex(kept[0]["salt"])
    assert kept[0]["hash"] == hashlib.scrypt(b"K7PMX3QA", salt=salt, n=kept[0]["n"],
                                             r=kept[0]["r"], p=kept[0]["p"], dklen=32).hex()


def test_a_resume_file_of_the_old_format_is_never_accepted(tmp_path) -> None:
    # Standing before 0.x kept SHA-256 of a 4-character code: brute-forced in a blink.
    salt = "00ff00ff00ff00ff"
    (tmp_path / "resume.json").write_text(json.dumps({
        "format": "standing-resume", "salt": salt,
        "sha256": hashlib.sha256(f"{salt}:k7pm".encode()).hexdigest()}), encoding="utf-8")
    assert old_resume_file(tmp_path)
    assert check_resume_code(tmp_path, "k7pm") is None
    write_resume_code(tmp_path, "K7PM-X3QA")
    assert not old_resume_file(tmp_path)


@pytest.mark.parametrize("change", [{"n": 2**20}, {"kdf": "sha256"}, {"salt": "zz"},
                                    {"hash": "00"}, {"version": 3}])
def test_a_resume_file_with_other_parameters_is_not_used(tmp_path, change) -> None:
    write_resume_code(tmp_path, "K7PM-X3QA")
    path = tmp_path / "resume.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **change}),
                    encoding="utf-8")
    assert check_resume_code(tmp_path, "K7PM-X3QA") is None


# -- wrong codes: one answer, then a wait ---------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_every_failed_resume_gets_the_same_answer(folder) -> None:
    first = seat(folder)
    first.join("amber-otter", "", "K7PM-X3QA")
    first.leave()
    student_folder(folder, "bold-crane").mkdir(parents=True)  # a folder but no seat
    write_resume_code(student_folder(folder, "calm-deer"), "K7PM-X3QA")  # a code, no record
    answers = set()
    for name, code in (("amber-otter", "K7PM-X3QB"), ("amber-otter", "k7pm"),
                       ("nobody-here", "K7PM-X3QA"), ("bold-crane", "K7PM-X3QA"),
                       ("calm-deer", "K7PM-X3QA")):
        with pytest.raises(SeatError) as refused:
            seat(folder).join(name, code, "ABCD-EFGH")
        answers.add(str(refused.value).replace(name, "NAME"))
    assert answers == {MISMATCH}
    assert "do not match a seat in this class" in MISMATCH


def test_after_five_wrong_codes_a_codename_waits_longer_each_time(folder) -> None:
    clock = Clock()
    first = ClassSeat(lesson(), folder, seed=1, clock=clock)
    first.join("amber-otter", "", "K7PM-X3QA")
    first.leave()

    def attempt(code: str) -> str:
        try:
            ClassSeat(lesson(), folder, seed=1, clock=clock).join("amber-otter", code, "ABCD-EFGH")
        except SeatError as exc:
            return str(exc)
        return "joined"

    for n in range(FREE_ATTEMPTS):
        assert attempt(f"WRONG-{n:03d}".replace("0", "A")) == MISMATCH
    refused = attempt("K7PM-X3QA")  # even the right code must wait now
    assert "too many wrong codes for 'amber-otter'" in refused and "ask your teacher" in refused
    clock.now += FIRST_WAIT - 1
    assert "too many wrong codes" in attempt("K7PM-X3QA")
    clock.now += 1
    assert attempt("WRONG-AAAA") == MISMATCH  # a sixth failure: the wait doubles
    clock.now += FIRST_WAIT
    assert "too many wrong codes" in attempt("K7PM-X3QA")
    clock.now += FIRST_WAIT
    assert attempt("K7PM-X3QA") == "joined"  # the owner, after waiting
    attempts = Attempts(folder, clock)
    assert attempts.wait("amber-otter") == 0  # and a right code clears the count
    for n in range(FREE_ATTEMPTS + 30):
        attempts.failed("amber-otter")
    assert attempts.wait("amber-otter") == LONGEST_WAIT


def test_a_codename_without_a_seat_waits_the_same(folder) -> None:
    # Otherwise the wait would tell which codenames exist.
    clock = Clock()
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(SeatError, match="do not match"):
            ClassSeat(lesson(), folder, clock=clock).join("nobody-here", "K7PM-X3QA", "ABCD-EFGH")
    with pytest.raises(SeatError, match="too many wrong codes for 'nobody-here'"):
        ClassSeat(lesson(), folder, clock=clock).join("nobody-here", "K7PM-X3QA", "ABCD-EFGH")


def test_wrong_codes_are_counted_across_player_processes_and_kept_bounded(folder) -> None:
    clock = Clock()
    one, two = Attempts(folder, clock), Attempts(folder, clock)
    for n in range(FREE_ATTEMPTS):
        (one if n % 2 else two).failed("amber-otter")
    assert one.wait("amber-otter") == two.wait("amber-otter") == FIRST_WAIT
    for n in range(KEPT_ATTEMPTS + 10):
        clock.now += 1
        one.failed(f"name-{n}")
    table = json.loads(one.path.read_text(encoding="utf-8"))
    assert len(table) == KEPT_ATTEMPTS and "amber-otter" not in table
    one.clear()
    assert two.wait(f"name-{KEPT_ATTEMPTS + 9}") == 0


def test_a_damaged_attempts_file_counts_nothing(folder) -> None:
    attempts = Attempts(folder, Clock())
    attempts.path.parent.mkdir(parents=True)
    attempts.path.write_text('{"amber-otter": [9, 1e400], "x": "y"', encoding="utf-8")
    assert attempts.wait("amber-otter") == 0
    attempts.path.write_text('{"amber-otter": [9, 1e400], "x": "y"}', encoding="utf-8")
    assert attempts.wait("amber-otter") == 0


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
        assert str(folder) not in s.notice(code)  # the teacher's path, not the student's
        assert "on your teacher's computer" in s.notice(code)
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
    with pytest.raises(SeatError, match="do not match a seat"):
        second.join("amber-otter", "zzzz", "abcd")
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


def test_a_seat_in_use_gives_the_same_answer_to_a_right_and_a_wrong_code(folder) -> None:
    # Otherwise a guesser would learn the right code while its owner plays.
    owner = seat(folder)
    owner.join("amber-otter", "", "K7PM-X3QA")
    try:
        answers = set()
        for code in ("K7PM-X3QA", "ABCD-EFGH"):
            with pytest.raises(SeatError) as refused:
                seat(folder).join("amber-otter", code, "ZZZZ-ZZZZ")
            answers.add(str(refused.value))
        assert len(answers) == 1 and "playing in another window" in answers.pop()
        assert Attempts(folder).wait("amber-otter") == 0  # and no attempt was counted
    finally:
        owner.leave()
    with pytest.raises(SeatError, match="do not match"):
        seat(folder).join("amber-otter", "ABCD-EFGH", "ZZZZ-ZZZZ")
    free = seat(folder)
    free.join("amber-otter", "K7PM-X3QA", "ZZZZ-ZZZZ")  # free again once its owner left
    free.leave()


def test_a_failed_resume_leaves_the_seat_free_and_creates_no_folder(folder) -> None:
    owner = seat(folder)
    owner.join("amber-otter", "", "K7PM-X3QA")
    owner.leave()
    with pytest.raises(SeatError, match="do not match"):
        seat(folder).join("amber-otter", "ABCD-EFGH", "ZZZZ-ZZZZ")
    again = seat(folder)
    again.join("amber-otter", "K7PM-X3QA", "ZZZZ-ZZZZ")  # not refused as "in another window"
    again.leave()
    with pytest.raises(SeatError, match="do not match"):
        seat(folder).join("nobody-here", "ABCD-EFGH", "ZZZZ-ZZZZ")
    assert not student_folder(folder, "nobody-here").exists()


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
