"""Joining a class from the terminal: notice, codename, refusal, coming back."""

from __future__ import annotations

import io
import json
from pathlib import Path

from class_helpers import LESSON
from game.classroom import privacy
from game.classroom.records import class_folder
from game.cli import main
from game.launch import play


def run_play(text: str, *, new: bool = False, records: Path | None = None,
             class_code: str = "7b") -> str:
    out = io.StringIO()
    code = play(LESSON, seed=1, plain=True, new=new, inp=io.StringIO(text), out=out,
                class_code=class_code, records=records)
    assert code == 0
    return out.getvalue()


def record_types(path: Path) -> list[str]:
    return [json.loads(line)["type"] for line in path.read_text().splitlines() if line]


def test_a_new_player_reads_the_notice_and_gets_the_offered_codename() -> None:
    # codename, poll before, Continue, poll at the bill, late, wait, poll after
    text = run_play("\n1\n\n1\n1\n3\n2\n")
    assert "records your codename" in text
    offered = text.split("Press Enter for ", 1)[1].split(",", 1)[0]
    assert f"You are {offered} in class 7b." in text
    path = class_folder("7b") / f"{offered}.jsonl"
    types = record_types(path)
    assert types[0] == "joined" and "ended" in types and types.count("poll") == 3
    assert text.index("records your codename") < text.index("Poll: Can a number")


def test_a_typed_codename_is_checked_and_a_taken_one_refused() -> None:
    run_play("amber-otter\n\n\nq\n")
    privacy.forget("7b")  # another computer: it has no codename in this class
    other = run_play("Dr. Who!\namber-otter\nBrave Heron\n\n\nq\n", new=True)
    assert "'Dr. Who!' cannot be a codename" in other
    assert "Sorry: the codename 'amber-otter' is already taken in class 7b" in other
    assert "You are brave-heron in class 7b." in other


def test_coming_back_continues_as_the_same_codename() -> None:
    run_play("amber-otter\n\n\n1\nq\n")  # quits at the crossing
    again = run_play("2\n3\n1\n")  # borrow, wait, answer the last poll
    assert "Continuing in class 7b as amber-otter." in again
    assert "records your codename" not in again  # the notice was read when joining
    types = record_types(class_folder("7b") / "amber-otter.jsonl")
    assert types.count("joined") == 1 and types.count("resumed") == 1
    assert types[-2:] == ["ended", "poll"]


def test_records_can_go_to_a_shared_folder(tmp_path: Path) -> None:
    share = tmp_path / "share"
    run_play("amber-otter\n\n\nq\n", records=share)
    assert (share / "7b" / "amber-otter.jsonl").exists()
    assert not class_folder("7b").exists()


def test_an_unwritable_records_folder_warns_and_the_game_goes_on(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    text = run_play("amber-otter\n\n\n\n1\n3\n\n", records=blocked)
    assert "Warning: cannot write class records" in text
    assert "THE END" in text


def test_play_class_through_the_cli(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("amber-otter\n\n\nq\n"))
    assert main(["play", str(LESSON), "--plain", "--class", "7B", "--seed", "3"]) == 0
    assert "You are amber-otter in class 7b." in capsys.readouterr().out
    assert (class_folder("7b") / "amber-otter.jsonl").exists()


def test_a_bad_class_code_is_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", str(LESSON), "--plain", "--class", "7b/../x"]) == 2
    assert "cannot be a class code" in capsys.readouterr().err


def test_starting_over_replaces_the_earlier_game_in_the_record() -> None:
    run_play("amber-otter\n\n\n1\n1\nq\n")  # late: listed
    again = run_play("\n\n\n2\nq\n", new=True)  # a new game: borrow
    assert "Continuing in class 7b as amber-otter." in again
    from game.classroom.sessions import read_session

    session, _, _ = read_session(class_folder("7b") / "amber-otter.jsonl")
    assert [c.choice for c in session.choices] == ["borrow"] and session.ledger == ()


def test_joining_applies_retention_and_says_what_it_deleted() -> None:
    import os
    import time

    run_play("old-owl\n\n\nq\n")
    privacy.forget("7b")
    folder = class_folder("7b")
    old = time.time() - 40 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    text = run_play("brave-heron\n\n\nq\n", new=True)
    assert f"Deleted 1 session record older than 30 days from {folder}." in text
    assert "old-owl" not in text  # a student is told no one else's codename


class Terminal(io.StringIO):
    """A terminal's output: 80 columns."""

    def isatty(self) -> bool:
        return True


def test_on_an_80_column_terminal_the_notice_breaks_between_words(monkeypatch) -> None:
    """Printed before the game starts, the notice ran past 80 columns and the terminal cut
    it mid-word ("re" / "cords", the offered codename "clever-ha" / "wk")."""
    import os

    from game.classroom.join import join_class
    from game.engine.engine import Engine
    from class_helpers import lesson

    monkeypatch.setattr("shutil.get_terminal_size", lambda *a: os.terminal_size((80, 24)))
    out = Terminal()
    writer = join_class("7b", None, Engine(lesson(), seed=1), io.StringIO("\n"), out)
    writer.close()
    text = out.getvalue()
    assert all(len(line) <= 80 for line in text.splitlines()), text
    offered = " ".join(text.split()).split("Press Enter for ", 1)[1].split(",", 1)[0]
    assert f"Press Enter for {offered}," in " ".join(text.split())
    assert any(offered in line for line in text.splitlines())  # never cut in two
    assert str(class_folder("7b")) in text  # the path on one line too
    piped = run_play("\n1\n\n1\n1\n3\n2\n", class_code="7c")  # a pipe: not folded
    assert "records your codename, the choices you make, what the story's system records" in piped
