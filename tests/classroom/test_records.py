"""The record writer: a line per event, fsynced; faults warn and never stop play."""

from __future__ import annotations

import errno
import getpass
import json
import os
import socket
from pathlib import Path

import pytest

from class_helpers import lesson, play_session
from game.classroom import records
from game.classroom.records import CodenameTaken, RecordWriter, class_folder, default_base
from game.classroom.sessions import read_session
from game.engine.engine import Engine

HEADER_KEYS = {"seq", "type", "format", "schema", "codename", "class", "story", "story_title",
               "story_version", "content_hash", "story_source", "seed"}
ALLOWED = {
    "joined": HEADER_KEYS,
    "resumed": HEADER_KEYS | {"step"},
    "chapter": {"seq", "type", "step", "scene", "chapter"},
    "choice": {"seq", "type", "step", "scene", "choice", "text", "tags"},
    "ledger": {"seq", "type", "step", "day", "scene", "kind", "subject", "label", "asked",
               "applied", "score", "source", "source_label", "explained", "note", "mistake"},
    "poll": {"seq", "type", "step", "poll", "scene", "option", "text"},
    "undo": {"seq", "type", "to"},
    "ended": {"seq", "type", "step", "scene", "title", "kind", "score", "tier", "tier_label",
              "lists"},
}


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_a_session_is_one_file_of_numbered_lines(folder: Path) -> None:
    play_session(folder, "amber-otter", predict=1)
    path = folder / "amber-otter.jsonl"
    got = lines(path)
    assert [line["seq"] for line in got] == list(range(len(got)))
    assert [line["type"] for line in got] == [
        "joined", "chapter", "poll", "poll", "choice", "ledger", "ledger", "chapter", "choice",
        "ledger", "ended", "poll"]
    joined = got[0]
    assert joined["codename"] == "amber-otter" and joined["class"] == "7b"
    assert joined["story"] == "lesson" and joined["story_version"] == "2"
    assert joined["schema"] == records.SCHEMA and joined["content_hash"] == lesson().content_hash
    assert joined["seed"] == 1  # the game's seed: the report replays the path with it
    choice = got[4]
    assert choice == {"seq": 4, "type": "choice", "step": 2, "scene": "bill", "choice": "late",
                      "text": "Pay it late", "tags": ["resist"]}
    listing = got[6]
    assert listing["kind"] == "list" and listing["source"] == "bank" and listing["mistake"]
    assert got[10]["title"] == "The week ends" and got[10]["lists"] == ["debtors"]
    assert got[-1] == {"seq": 11, "type": "poll", "step": 3, "poll": "fair", "scene": "after",
                       "option": 2, "text": "No"}


def test_records_hold_nothing_but_the_documented_fields(folder: Path) -> None:
    engine = play_session(folder, "amber-otter", predict=0)
    engine.undo()
    text = (folder / "amber-otter.jsonl").read_text(encoding="utf-8")
    for line in lines(folder / "amber-otter.jsonl"):
        assert set(line) <= ALLOWED[line["type"]], line
    for secret in {getpass.getuser(), socket.gethostname(), str(Path.home())}:
        if len(secret) > 3:
            assert secret not in text


def test_every_line_is_fsynced_as_it_happens(folder: Path, monkeypatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(records.os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    engine = Engine(lesson(), seed=1)
    writer = RecordWriter.create(folder, "amber-otter", "7b")
    writer.attach(engine)
    path = folder / "amber-otter.jsonl"
    before = len(synced)
    engine.proceed()
    engine.take("borrow")
    # each line reached the disk before the engine call returned
    assert len(lines(path)) == 4 and len(synced) - before >= 2
    writer.close()


def test_undo_is_recorded_so_the_report_knows_the_final_path(folder: Path) -> None:
    engine = play_session(folder, "amber-otter")
    writer = RecordWriter.reopen(folder, "amber-otter", "7b")
    writer._engine = engine
    engine.subscribe(writer.on_events)
    engine.undo()
    engine.take("help")
    writer.close()
    got = lines(folder / "amber-otter.jsonl")
    assert [line["to"] for line in got if line["type"] == "undo"] == [2]
    session, skipped, _ = read_session(folder / "amber-otter.jsonl")
    assert skipped == 0
    assert [(c.scene, c.choice) for c in session.choices] == [("bill", "late"), ("street", "help")]
    assert session.ending.scene == "after"


def test_two_players_cannot_share_a_codename(folder: Path) -> None:
    play_session(folder, "amber-otter")
    with pytest.raises(CodenameTaken) as caught:
        RecordWriter.create(folder, "amber-otter", "7b")
    assert str(caught.value) == ("the codename 'amber-otter' is already taken in class 7b: "
                                 "choose another one")
    assert len(lines(folder / "amber-otter.jsonl")) > 3  # the first player's record is intact


def test_coming_back_continues_the_file_with_the_game_restated(folder: Path) -> None:
    play_session(folder, "amber-otter", bill=None)
    engine = Engine(lesson(), seed=1)
    engine.proceed()
    engine.take("borrow")
    writer = RecordWriter.reopen(folder, "amber-otter", "7b")
    writer.attach(engine, resumed=True)
    engine.take("wait")
    writer.close()
    got = lines(folder / "amber-otter.jsonl")
    assert [line["seq"] for line in got] == list(range(len(got)))
    resumed = next(line for line in got if line["type"] == "resumed")
    assert resumed["step"] == 2
    session, _, _ = read_session(folder / "amber-otter.jsonl")
    assert [c.choice for c in session.choices] == ["borrow", "wait"]
    assert session.finished and session.polls == ()  # the new block replaced the old game


def test_a_file_cut_mid_line_is_ended_before_appending(folder: Path) -> None:
    play_session(folder, "amber-otter", bill=None)
    path = folder / "amber-otter.jsonl"
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"seq": 99, "type": "cho')  # the laptop closed mid-line
    engine = Engine(lesson(), seed=1)
    engine.proceed()
    writer = RecordWriter.reopen(folder, "amber-otter", "7b")
    writer.attach(engine, resumed=True)
    writer.close()
    session, skipped, _ = read_session(path)
    assert skipped == 1 and session is not None and session.chapter == "Monday"
    assert json.loads(path.read_bytes().splitlines()[-1])["type"] == "chapter"


def test_an_unwritable_folder_warns_once_and_play_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the class folder should be")
    warnings: list[str] = []
    engine = Engine(lesson(), seed=1)
    writer = RecordWriter.create(blocker / "7b", "amber-otter", "7b", warn=warnings.append)
    writer.attach(engine)
    engine.proceed()
    engine.take("late")
    engine.take("wait")
    assert engine.ended
    assert len(warnings) == 1
    assert "cannot write class records" in warnings[0] and "play goes on" in warnings[0]


def test_a_full_disk_warns_then_catches_up_when_space_returns(folder: Path,
                                                              monkeypatch) -> None:
    warnings: list[str] = []
    engine = Engine(lesson(), seed=1)
    writer = RecordWriter.create(folder, "amber-otter", "7b", warn=warnings.append)
    writer.attach(engine)
    real_write = os.write
    state = {"full": True, "calls": 0}

    def write(fd, data):
        if state["full"]:
            state["calls"] += 1
            if state["calls"] == 1:  # the first failure cuts a line short
                real_write(fd, bytes(data)[:7])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(records.os, "write", write)
    engine.answer_poll(0)
    engine.proceed()
    engine.take("late")
    assert len(warnings) == 1 and "No space left on device" in warnings[0]
    state["full"] = False
    engine.take("help")
    writer.close()
    assert "being written again" in warnings[-1]
    session, skipped, _ = read_session(folder / "amber-otter.jsonl")
    assert skipped == 1  # the cut line
    assert [c.choice for c in session.choices] == ["late", "help"]
    assert session.finished and [p.option for p in session.polls] == [0]
    assert [e.subject for e in session.ledger] == ["late", "debtors", "helped"]


def test_a_folder_that_appears_later_gets_the_whole_session(tmp_path: Path) -> None:
    base = tmp_path / "usb"  # a shared drive that is not there yet
    base.write_text("")  # so the class folder cannot be made
    warnings: list[str] = []
    engine = Engine(lesson(), seed=1)
    writer = RecordWriter.create(base / "7b", "amber-otter", "7b", warn=warnings.append)
    writer.attach(engine)
    engine.proceed()
    base.unlink()
    base.mkdir()  # the drive is back
    engine.take("borrow")
    writer.close()
    session, skipped, _ = read_session(base / "7b" / "amber-otter.jsonl")
    assert skipped == 0 and [c.choice for c in session.choices] == ["borrow"]


def test_a_codename_claimed_while_the_folder_was_away_is_not_overwritten(
        tmp_path: Path) -> None:
    base = tmp_path / "usb"
    base.write_text("")
    warnings: list[str] = []
    engine = Engine(lesson(), seed=1)
    writer = RecordWriter.create(base / "7b", "amber-otter", "7b", warn=warnings.append)
    writer.attach(engine)
    base.unlink()
    (base / "7b").mkdir(parents=True)
    (base / "7b" / "amber-otter.jsonl").write_text("someone else's\n")
    engine.proceed()
    engine.take("borrow")
    assert (base / "7b" / "amber-otter.jsonl").read_text() == "someone else's\n"
    assert "this session is not recorded" in warnings[-1]


def test_class_folders_live_under_the_data_dir_or_records(tmp_path: Path) -> None:
    assert default_base() == tmp_path / "data" / "classes"
    assert class_folder("7B-Ethics") == tmp_path / "data" / "classes" / "7b-ethics"
    assert class_folder("7b", tmp_path / "share") == tmp_path / "share" / "7b"


def test_a_peer_rating_is_one_ledger_line(tmp_path: Path) -> None:
    from game.story.loader import load_story

    path = tmp_path / "peer.yaml"
    path.write_text("""
title: Stars
rating: {model: peer, min: 1, max: 5, start: 4}
people: {mei: {name: Mei, rating: 4}}
scenes:
  a:
    do: [rated: {by: mei, stars: 2}]
    ending: {title: End, kind: mixed}
""")
    engine = Engine(load_story(path))
    writer = RecordWriter.create(tmp_path / "7b", "amber-otter", "7b")
    writer.attach(engine)
    writer.close()
    got = lines(tmp_path / "7b" / "amber-otter.jsonl")
    assert [line["type"] for line in got].count("ledger") == 1
