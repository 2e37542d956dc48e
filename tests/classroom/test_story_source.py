"""Class records say whether the story came with Standing, and the report keeps two stories
that share an id apart."""

from __future__ import annotations

import json
from pathlib import Path

from class_helpers import LESSON
from game.classroom.records import RecordWriter
from game.classroom.report import build_report
from game.classroom.sessions import read_class
from game.engine.engine import Engine
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parents[2]


def lesson_as(tmp_path: Path, where: Path) -> Path:
    """The lesson story, copied to ``where`` (inside the bundled folder makes it bundled)."""
    where.mkdir(parents=True, exist_ok=True)
    path = where / "lesson.yaml"
    path.write_text(LESSON.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def record(folder: Path, codename: str, story) -> None:
    engine = Engine(story, seed=1)
    writer = RecordWriter.create(folder, codename, "7b")
    writer.attach(engine)
    engine.proceed()
    writer.close()


def test_the_header_names_the_kind_of_source_never_a_path(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "7b"
    record(folder, "amber-otter", load_story(LESSON))
    header = json.loads((folder / "amber-otter.jsonl").read_text().splitlines()[0])
    assert header["story_source"] == "other"
    assert str(LESSON.parent) not in (folder / "amber-otter.jsonl").read_text()
    shelf = tmp_path / "bundled"
    monkeypatch.setattr("game.story.catalog.bundled_folder", lambda: shelf)
    record(folder, "brave-heron", load_story(lesson_as(tmp_path, shelf)))
    header = json.loads((folder / "brave-heron.jsonl").read_text().splitlines()[0])
    assert header["story_source"] == "bundled"


def test_the_report_leaves_out_sessions_of_another_story_with_the_same_id(tmp_path: Path,
                                                                          monkeypatch) -> None:
    shelf = tmp_path / "bundled"
    monkeypatch.setattr("game.story.catalog.bundled_folder", lambda: shelf)
    bundled = load_story(lesson_as(tmp_path, shelf))
    other = load_story(lesson_as(tmp_path, tmp_path / "downloads"))
    assert bundled.id == other.id
    folder = tmp_path / "7b"
    for name in ("amber-otter", "brave-heron", "calm-finch"):
        record(folder, name, bundled)
    record(folder, "dark-wolf", other)
    records = read_class(folder)
    report = build_report(records, bundled, bundled.id)
    assert report.sessions == 3
    assert any("1 session played another story with the id 'lesson'" in n for n in report.notes)
    report = build_report(records, other, other.id)
    assert report.sessions == 1
    assert any("3 sessions played another story" in n and "comes with Standing" in n
               for n in report.notes)


def test_records_written_before_the_source_was_kept_count_for_either(tmp_path: Path) -> None:
    folder = tmp_path / "7b"
    record(folder, "amber-otter", load_story(LESSON))
    path = folder / "amber-otter.jsonl"
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    del header["story_source"]
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    assert build_report(read_class(folder), load_story(LESSON), "lesson").sessions == 1


def test_without_story_the_report_picks_the_story_most_sessions_played(tmp_path: Path,
                                                                        monkeypatch) -> None:
    from game.classroom.render import write_report

    shelf = tmp_path / "bundled"
    monkeypatch.setattr("game.story.catalog.bundled_folder", lambda: shelf)
    downloads = tmp_path / "downloads"
    bundled = load_story(lesson_as(tmp_path, shelf))
    other = load_story(lesson_as(tmp_path, downloads))
    folder = tmp_path / "7b"
    record(folder, "amber-otter", bundled)
    for name in ("brave-heron", "calm-finch", "dark-wolf"):
        record(folder, name, other)
    said = write_report(folder, tmp_path / "report.csv", [shelf, downloads])
    assert "Wrote" in said[0] and ": 3 sessions" in said[0]
    assert any("1 session played another story with the id 'lesson'" in line for line in said)
    said = write_report(folder, tmp_path / "report.csv", [shelf, downloads],
                        story_path=shelf / "lesson.yaml")
    assert ": 1 session," in said[0]
