"""Privacy controls: wiping a class, retention, the notice, this computer's codenames."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from class_helpers import play_session
from game.classroom import privacy
from game.classroom.records import RecordError, class_folder
from game.cli import main


class Terminal(io.StringIO):
    """Input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_the_notice_is_two_sentences_saying_what_and_where(tmp_path: Path) -> None:
    text = privacy.notice(tmp_path / "7b", "7b")
    assert text.count(". ") + text.endswith(".") == 2
    assert str(tmp_path / "7b") in text
    for word in ("codename", "choices", "poll", "never your name", "time"):
        assert word in text


def test_wipe_deletes_the_class_and_this_computers_codename(tmp_path: Path) -> None:
    folder = class_folder("7b")
    play_session(folder, "amber-otter")
    play_session(folder, "brave-heron")
    privacy.set_retention(folder, 10)
    privacy.remember("7b", "lesson", "amber-otter")
    deleted, problems = privacy.wipe(folder, "7b")
    assert (deleted, problems) == (2, [])
    assert not folder.exists()
    assert privacy.remembered("7b", "lesson") is None


def test_class_wipe_asks_for_the_code_at_a_terminal(capsys) -> None:
    folder = class_folder("7b")
    play_session(folder, "amber-otter")
    assert privacy.run_wipe("7b", None, False, Terminal("7a\n"), io.StringIO()) == 1
    assert (folder / "amber-otter.jsonl").exists()
    out = io.StringIO()
    assert privacy.run_wipe("7B", None, False, Terminal("7b\n"), out) == 0
    assert "Deleted 1 session record of class 7b." in out.getvalue()
    assert not folder.exists()


def test_class_wipe_without_a_terminal_needs_yes(tmp_path: Path, capsys, monkeypatch) -> None:
    share = tmp_path / "share"
    play_session(class_folder("7b", share), "amber-otter")
    monkeypatch.setattr("sys.stdin", io.StringIO("7b\n"))
    assert main(["class", "wipe", "7b", "--records", str(share)]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert main(["class", "wipe", "7b", "--records", str(share), "--yes"]) == 0
    assert not (share / "7b").exists()


def test_retention_deletes_records_older_than_the_setting(folder: Path) -> None:
    play_session(folder, "old-owl")
    play_session(folder, "new-newt")
    old = time.time() - 40 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    assert privacy.read_settings(folder).retention_days == privacy.DEFAULT_RETENTION_DAYS
    assert [p.name for p in privacy.expire(folder)] == ["old-owl.jsonl"]
    assert (folder / "new-newt.jsonl").exists()


def test_retention_zero_keeps_records_until_wiped(folder: Path) -> None:
    play_session(folder, "old-owl")
    old = time.time() - 4000 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    privacy.set_retention(folder, 0)
    assert privacy.expire(folder) == []


def test_the_retention_command_shows_and_sets(capsys) -> None:
    assert main(["class", "retention", "7b"]) == 0
    assert "keeps its records for 30 days after a session's last line" in capsys.readouterr().out
    assert main(["class", "retention", "7b", "365"]) == 0
    assert "for 365 days" in capsys.readouterr().out
    assert privacy.read_settings(class_folder("7b")).retention_days == 365
    assert main(["class", "retention", "7b", "0"]) == 0
    assert "until the class is wiped" in capsys.readouterr().out
    assert main(["class", "retention", "7b", "-1"]) == 2


def test_a_damaged_settings_file_means_the_defaults(folder: Path) -> None:
    (folder / privacy.SETTINGS).write_text("{not json")
    assert privacy.read_settings(folder).retention_days == privacy.DEFAULT_RETENTION_DAYS
    (folder / privacy.SETTINGS).write_text('{"retention_days": -4}')
    assert privacy.read_settings(folder).retention_days == privacy.DEFAULT_RETENTION_DAYS


def test_the_report_applies_retention(folder: Path, tmp_path: Path) -> None:
    from class_helpers import FIXTURES
    from game.classroom.render import write_report

    play_session(folder, "old-owl")
    play_session(folder, "new-newt")
    old = time.time() - 40 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    said = write_report(folder, tmp_path / "r.md", [FIXTURES])
    assert said[0].startswith("Deleted 1 session file older than")
    assert "1 sessions" in said[1]


def test_this_computers_codenames_are_per_class_and_story() -> None:
    privacy.remember("7b", "lesson", "amber-otter")
    privacy.remember("7b", "green", "brave-heron")
    privacy.remember("8a", "lesson", "calm-crow")
    assert privacy.remembered("7b", "lesson") == "amber-otter"
    assert privacy.remembered("7b", "green") == "brave-heron"
    privacy.forget("7b")
    assert privacy.remembered("7b", "lesson") is None
    assert privacy.remembered("8a", "lesson") == "calm-crow"


def test_a_bad_class_code_is_one_line(capsys) -> None:
    assert main(["class", "retention", "../etc"]) == 2
    assert "cannot be a class code" in capsys.readouterr().err


def test_set_retention_refuses_negative_days(folder: Path) -> None:
    with pytest.raises(RecordError):
        privacy.set_retention(folder, -1)


def test_records_and_reports_import_neither_textual_nor_matplotlib() -> None:
    import subprocess
    import sys

    code = ("import sys, game.classroom.records, game.classroom.sessions, game.classroom.report, "
            "game.classroom.render, game.classroom.join, game.classroom.privacy, game.launch; "
            "print(sorted(m for m in ('textual', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "[]"
