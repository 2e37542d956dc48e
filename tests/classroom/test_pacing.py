"""The pacing control file: written atomically by the dashboard, read by every student."""

from __future__ import annotations

import json

from game.classroom.pacing import CONTROL, Pacing, read_pacing, write_pacing


def test_no_file_means_no_hold_and_no_reveal(folder) -> None:
    pacing = read_pacing(folder)
    assert pacing == Pacing()
    assert not pacing.holds(1) and not pacing.holds(99)
    assert not pacing.reveal and not pacing.show_small


def test_written_controls_read_back(folder) -> None:
    write_pacing(folder, Pacing(limit=2, reveal=True, story="lesson", story_path="/x/l.yaml"))
    pacing = read_pacing(folder)
    assert pacing == Pacing(limit=2, reveal=True, story="lesson", story_path="/x/l.yaml")
    data = json.loads((folder / CONTROL).read_text(encoding="utf-8"))
    assert data["format"] == "standing-pacing" and data["version"] == 1


def test_a_hold_stops_players_entering_later_chapters_only() -> None:
    pacing = Pacing(limit=2)
    assert not pacing.holds(1) and not pacing.holds(2)
    assert pacing.holds(3) and pacing.holds(4)
    assert Pacing(limit=0).holds(1)  # nobody starts until the teacher opens chapter 1
    assert pacing.held(None) == Pacing()


def test_the_write_is_atomic_and_leaves_no_temporary_file(folder) -> None:
    write_pacing(folder, Pacing(limit=1))
    write_pacing(folder, Pacing(limit=3))
    assert [p.name for p in folder.iterdir()] == [CONTROL]
    assert read_pacing(folder).limit == 3


def test_damaged_or_newer_files_mean_the_defaults(folder) -> None:
    path = folder / CONTROL
    for text in ("{not json", "[]", '{"format": "other"}',
                 '{"format": "standing-pacing", "version": 99, "limit": 1}',
                 '{"format": "standing-pacing", "version": 1, "limit": -4, "reveal": "yes"}'):
        path.write_text(text, encoding="utf-8")
        assert read_pacing(folder) == Pacing(), text


def test_an_unwritable_folder_raises_oserror(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    try:
        write_pacing(blocker / "7b", Pacing(limit=1))
    except OSError:
        pass
    else:
        raise AssertionError("expected OSError")
