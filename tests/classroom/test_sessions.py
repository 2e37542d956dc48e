"""Reading records back: the final session, with bad lines skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from class_helpers import play_session
from game.classroom.records import SCHEMA
from game.classroom.sessions import read_class, read_session

HEADER = {"type": "joined", "format": "standing-record", "schema": SCHEMA,
          "codename": "amber-otter", "class": "7b", "story": "lesson", "story_title": "L",
          "story_version": "2", "content_hash": "x"}


def write_lines(path: Path, *items: dict | str) -> Path:
    out = []
    for seq, item in enumerate(items):
        out.append(item if isinstance(item, str) else json.dumps({"seq": seq, **item}))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def choice(step: int, scene: str, cid: str) -> dict:
    return {"type": "choice", "step": step, "scene": scene, "choice": cid, "text": cid,
            "tags": []}


def test_a_played_session_reads_back_whole(folder: Path) -> None:
    play_session(folder, "amber-otter", predict=1)
    session, skipped, why = read_session(folder / "amber-otter.jsonl")
    assert skipped == 0 and why is None
    assert session.codename == "amber-otter" and session.story == "lesson"
    assert session.story_version == "2"
    assert [(c.scene, c.choice, c.tags) for c in session.choices] == [
        ("bill", "late", ("resist",)), ("street", "cross", ("resist",))]
    assert [(p.poll, p.scene, p.option) for p in session.polls] == [
        ("fair", "before", 0), ("predict", "bill", 1), ("fair", "after", 2)]
    assert [e.kind for e in session.ledger] == ["rule", "list", "rule"]
    assert session.ledger[1].mistake and session.ledger[2].mistake
    assert session.finished and session.score == 20 and session.ending.tier == "C"
    assert session.chapter == "Tuesday"


def test_undo_takes_back_what_came_after_its_moment(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "a.jsonl", HEADER,
        {"type": "poll", "step": 1, "poll": "p", "scene": "bill", "option": 0, "text": "a"},
        choice(2, "bill", "late"),
        {"type": "ledger", "step": 2, "day": 1, "scene": "street", "kind": "rule",
         "subject": "late", "label": "Late", "asked": -20, "applied": -20, "score": 80,
         "source": None, "source_label": None, "explained": False, "note": None},
        {"type": "ended", "step": 2, "scene": "street", "title": "T", "kind": "bad",
         "score": 80, "tier": "B", "tier_label": "W", "lists": []},
        {"type": "undo", "to": 1},
        {"type": "poll", "step": 1, "poll": "p", "scene": "bill", "option": 1, "text": "b"},
        choice(2, "bill", "borrow"),
    )
    session, skipped, _ = read_session(path)
    assert skipped == 0
    assert [c.choice for c in session.choices] == ["borrow"]
    assert session.ledger == () and session.ending is None
    assert [p.option for p in session.polls] == [1]  # the later answer at the same moment wins


@pytest.mark.parametrize("bad", [
    '{"seq": 3, "type": "choice", "step": 1, "sce',          # cut mid-line
    "not json at all",
    "[1, 2, 3]",
    '{"seq": 3, "type": "choice"}',                            # missing fields
    '{"seq": "3", "type": "undo", "to": 0}',                   # a wrong type
    '{"seq": 3, "type": "teleport", "step": 1}',               # unknown kind
    '{"seq": 3, "type": "ledger", "step": 1, "kind": "rule"}',
    '\x00\xff garbage',
])
def test_damaged_lines_are_skipped_and_counted(tmp_path: Path, bad: str) -> None:
    path = write_lines(tmp_path / "a.jsonl", HEADER, choice(1, "bill", "late"), bad,
                       choice(2, "street", "wait"))
    session, skipped, _ = read_session(path)
    assert skipped == 1
    assert [c.choice for c in session.choices] == ["late", "wait"]


def test_invalid_utf8_is_a_skipped_line_not_a_crash(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", HEADER, choice(1, "bill", "late"))
    path.write_bytes(path.read_bytes() + b'{"seq": 9, "type": "\xff\xfe"}\n')
    session, skipped, _ = read_session(path)
    assert skipped == 1 and session is not None


def test_a_file_with_no_header_holds_no_session(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", choice(1, "bill", "late"))
    session, skipped, why = read_session(path)
    assert session is None and skipped == 1 and why == "holds no session"
    (tmp_path / "empty.jsonl").write_text("")
    assert read_session(tmp_path / "empty.jsonl") == (None, 0, "holds no session")


def test_a_newer_schema_is_named_not_misread(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", {**HEADER, "schema": SCHEMA + 1},
                       choice(1, "bill", "late"))
    session, skipped, why = read_session(path)
    assert session is None and "newer Standing" in why


def test_the_last_block_is_the_session(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", HEADER, choice(1, "bill", "late"),
                       choice(2, "street", "cross"), {**HEADER, "type": "resumed", "step": 1},
                       choice(1, "bill", "borrow"))
    session, _, _ = read_session(path)
    assert [c.choice for c in session.choices] == ["borrow"]


def test_read_class_counts_files_skips_and_unreadable(folder: Path) -> None:
    play_session(folder, "amber-otter")
    play_session(folder, "brave-heron", bill="borrow", street="help")
    with (folder / "brave-heron.jsonl").open("a") as handle:
        handle.write('{"seq": 40, "type": "cho')
    (folder / "empty-file.jsonl").write_text("")
    (folder / "class.json").write_text("{}")  # not a record: ignored
    records = read_class(folder)
    assert records.files == 3 and len(records.sessions) == 2
    assert records.skipped_lines == 1
    assert records.unreadable == ("empty-file.jsonl: holds no session",)


def test_a_missing_folder_reads_as_empty(tmp_path: Path) -> None:
    records = read_class(tmp_path / "nowhere")
    assert records.sessions == () and records.files == 0
