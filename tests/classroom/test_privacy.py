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
    assert "`" not in text and "class wipe" not in text  # a student does not run commands


def test_a_served_class_notice_names_no_folder_of_the_teachers() -> None:
    """On a served page the folder is on the teacher's computer: its path (with the
    teacher's user name in it) means nothing to a student."""
    text = privacy.notice(None, "7b")
    assert "on your teacher's computer" in text and "/" not in text
    assert text.count(". ") + text.endswith(".") == 2


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
    expired = privacy.expire(folder)
    assert expired.records == ("old-owl.jsonl",)
    assert expired.lines() == [f"Deleted 1 session record older than 30 days from {folder}: "
                               "old-owl.jsonl."]
    assert (folder / "new-newt.jsonl").exists()


def test_retention_zero_keeps_records_until_wiped(folder: Path) -> None:
    play_session(folder, "old-owl")
    old = time.time() - 4000 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    privacy.set_retention(folder, 0)
    assert privacy.expire(folder).records == ()
    assert (folder / "old-owl.jsonl").exists()


def test_the_retention_command_shows_and_sets(capsys) -> None:
    assert main(["class", "retention", "7b"]) == 0
    assert "keeps its records for 30 days after a session's last line" in capsys.readouterr().out
    assert main(["class", "retention", "7b", "365"]) == 0
    assert "for 365 days" in capsys.readouterr().out
    assert privacy.read_settings(class_folder("7b")).retention_days == 365
    assert main(["class", "retention", "7b", "0"]) == 0
    assert "until the class is wiped" in capsys.readouterr().out
    assert main(["class", "retention", "7b", "-1"]) == 2


@pytest.mark.parametrize("days", ["3651", "100000000000000000000000", "-1"])
def test_retention_past_ten_years_is_one_line_and_exit_2(capsys, days: str) -> None:
    """10**23 days was taken, written and shown; 10**400 then failed with a traceback."""
    for args in (["class", "retention", "7b", days], ["class", "retention", "7b", "--days", days]):
        assert main(args) == 2
        out, err = capsys.readouterr()
        assert out == "" and "Traceback" not in err
        assert err.count("\n") == 1 and "DAYS must be from 0 to 3,650 (ten years)" in err
    assert len(err) < 200  # a 24-digit number is not echoed whole
    assert not class_folder("7b").exists()  # nothing was set up for a refused command
    assert main(["class", "retention", "7b", "3650"]) == 0
    assert privacy.read_settings(class_folder("7b")).retention_days == 3650


def test_a_hand_edited_retention_past_ten_years_is_read_as_ten_years(folder: Path) -> None:
    play_session(folder, "old-owl")
    old = time.time() - 4000 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    (folder / privacy.SETTINGS).write_text(
        '{"format": "standing-class", "retention_days": 1%s}' % ("0" * 400))
    assert privacy.read_settings(folder).retention_days == privacy.MAX_RETENTION_DAYS
    assert privacy.expire(folder).records == ("old-owl.jsonl",)


def test_a_damaged_settings_file_means_the_defaults(folder: Path) -> None:
    (folder / privacy.SETTINGS).write_text("{not json")
    assert privacy.read_settings(folder).retention_days == privacy.DEFAULT_RETENTION_DAYS
    (folder / privacy.SETTINGS).write_text('{"retention_days": -4}')
    assert privacy.read_settings(folder).retention_days == privacy.DEFAULT_RETENTION_DAYS


def test_the_report_deletes_nothing(folder: Path, tmp_path: Path) -> None:
    from class_helpers import FIXTURES
    from game.classroom.render import write_report

    play_session(folder, "old-owl")
    play_session(folder, "new-newt")
    old = time.time() - 40 * privacy.DAY
    os.utime(folder / "old-owl.jsonl", (old, old))
    said = write_report(folder, tmp_path / "r.md", [FIXTURES])
    assert said[0].startswith("Wrote ") and "2 sessions" in said[0]
    assert (folder / "old-owl.jsonl").exists()


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


# -- deleting only what Standing wrote, only in a class folder ------------------------------

OLD = time.time() - 400 * privacy.DAY


def _age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, (OLD, OLD), follow_symlinks=False)


def _not_a_class(where: Path) -> list[Path]:
    """A folder of someone's own old *.jsonl files and a students/ folder."""
    where.mkdir(parents=True, exist_ok=True)
    own = [where / "data.jsonl", where / "log.jsonl", where / "students" / "ann" / "notes.json",
           where / "students" / "ann" / "essay.txt"]
    for path in own:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"seq": 0, "type": "joined"}\n')
    _age(*own, where / "students" / "ann", where / "students")
    return own


def test_a_folder_that_is_not_a_class_is_never_touched(tmp_path: Path, capsys) -> None:
    from class_helpers import FIXTURES
    from game.classroom.render import write_report

    where = tmp_path / "documents"
    own = _not_a_class(where)
    # Even with real Standing records in it, the folder is not a class folder.
    play_session(where, "old-owl")
    (where / privacy.SETTINGS).unlink()
    _age(where / "old-owl.jsonl")
    own.append(where / "old-owl.jsonl")
    write_report(where, tmp_path / "r.md", [FIXTURES])
    assert privacy.expire(where) == privacy.Expired(where, 30, False)
    assert privacy.wipe(where, "documents")[0] == 0
    assert all(path.exists() for path in own)


def test_class_retention_and_wipe_leave_a_foreign_folder_alone(tmp_path: Path, capsys) -> None:
    where = tmp_path / "share" / "9b"
    own = _not_a_class(where)
    assert main(["class", "retention", "9b", "--records", str(tmp_path / "share")]) == 1
    assert "is not a Standing class folder" in capsys.readouterr().out
    assert main(["class", "wipe", "9b", "--records", str(tmp_path / "share"), "--yes"]) == 1
    assert "not a Standing class folder" in capsys.readouterr().out
    assert all(path.exists() for path in own)


def test_foreign_files_in_a_class_folder_survive(folder: Path) -> None:
    play_session(folder, "old-owl")
    student = folder / privacy.STUDENTS / "gone-gull"  # a served player whose record expired
    student.mkdir(parents=True)
    (student / "lesson.autosave.json").write_text("{}")
    (student / "resume.json").write_text("{}")
    mine = folder / privacy.STUDENTS / "left-lark"
    mine.mkdir()
    (mine / "resume.json").write_text("{}")
    (mine / "photo.png").write_text("not Standing's")
    foreign = [folder / "teacher-notes.jsonl", folder / "marks.csv", mine / "photo.png"]
    for path in foreign[:2]:
        path.write_text("my own notes\n")
    outside = folder.parent / "elsewhere"
    outside.mkdir()
    (outside / "keep.jsonl").write_text("x\n")
    (folder / "link.jsonl").symlink_to(outside / "keep.jsonl")
    (folder / privacy.STUDENTS / "linked").symlink_to(outside)
    _age(*foreign, folder / "old-owl.jsonl", folder / "link.jsonl", outside / "keep.jsonl",
         *student.iterdir(), *mine.iterdir(), student, mine)
    expired = privacy.expire(folder)
    assert expired.records == ("old-owl.jsonl",)
    assert expired.students == ("gone-gull",)
    assert not student.exists() and not (mine / "resume.json").exists()
    assert all(path.exists() for path in foreign)
    assert (outside / "keep.jsonl").exists() and (folder / "link.jsonl").is_symlink()
    deleted, problems = privacy.wipe(folder, "7b")
    assert deleted == 0 and problems == []
    assert all(path.exists() for path in foreign) and (outside / "keep.jsonl").exists()
    assert not (folder / privacy.SETTINGS).exists()


def test_class_folders_are_marked_when_made(tmp_path: Path) -> None:
    from game.classroom.records import is_class_folder

    folder = class_folder("7b")
    play_session(folder, "amber-otter")
    assert is_class_folder(folder)
    assert privacy.read_settings(folder).retention_days == 30


def test_an_unmarked_class_folder_is_marked_by_class_retention(capsys) -> None:
    """A class folder from before folders were marked: retention adopts it when named."""
    folder = class_folder("7b")
    play_session(folder, "old-owl")
    play_session(folder, "new-newt")
    (folder / privacy.SETTINGS).unlink()
    _age(folder / "old-owl.jsonl")
    assert privacy.expire(folder).records == ()
    assert main(["class", "retention", "7b"]) == 0
    out = capsys.readouterr().out
    assert f"Deleted 1 session record older than 30 days from {folder}: old-owl.jsonl." in out
    assert (folder / "new-newt.jsonl").exists() and not (folder / "old-owl.jsonl").exists()


def test_class_retention_takes_days_as_an_option(capsys) -> None:
    folder = class_folder("7b")
    play_session(folder, "old-owl")
    os.utime(folder / "old-owl.jsonl", (time.time() - 5 * privacy.DAY,) * 2)
    assert main(["class", "retention", "7b", "--days", "3"]) == 0
    out = capsys.readouterr().out
    assert "Deleted 1 session record older than 3 days" in out and "for 3 days" in out
    assert main(["class", "retention", "7b", "3", "--days", "4"]) == 2


def test_a_foreign_class_json_is_never_replaced(tmp_path: Path) -> None:
    where = tmp_path / "share" / "7b"
    where.mkdir(parents=True)
    (where / "class.json").write_text('{"my": "own"}')
    with pytest.raises(RecordError):
        privacy.set_retention(where, 3)
    play_session(where, "amber-otter")  # records are still written; the file is kept
    assert (where / "class.json").read_text() == '{"my": "own"}'
    assert not privacy.expire(where).class_folder


def test_wipe_deletes_what_class_serve_keeps_beside_the_students(folder: Path) -> None:
    from game.classroom import seat

    assert seat.ATTEMPTS_FILE in privacy.STUDENTS_FILES
    play_session(folder, "amber-otter")
    seat.Attempts(folder).clear()
    student = folder / privacy.STUDENTS / "amber-otter"
    student.mkdir(parents=True)
    seat.write_resume_code(student, seat.new_resume_code())
    (folder / privacy.STUDENTS / seat.ATTEMPTS_FILE).write_text("{}")
    (folder / privacy.STUDENTS / ".attempts.lock").write_text("")
    assert privacy.wipe(folder, "7b") == (1, [])
    assert not folder.exists()
