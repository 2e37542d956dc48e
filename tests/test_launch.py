"""Starting play from the command line with damaged saves, --new and --slot."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from game import cli
from game.engine import saves

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "stories" / "tutorial.yaml"
DAMAGE = {
    "seed_of_5000_digits": '{"format": "standing-save", "format_version": 1, "story": '
                           '"tutorial", "path": [], "seed": ' + "9" * 5000 + "}",
    "nested_200000_deep": "[" * 200_000 + "]" * 200_000,
}


@pytest.fixture
def save_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "data" / "saves"
    folder.mkdir(parents=True)
    return folder


def play(monkeypatch, capsys, args: list[str], stdin: str = "q\n") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(["play", str(TUTORIAL), "--plain", "--seed", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_autosave_is_moved_aside_and_play_starts_fresh(save_folder, monkeypatch,
                                                                  capsys, kind):
    (save_folder / "tutorial.autosave.json").write_text(DAMAGE[kind], encoding="utf-8")
    code, out, err = play(monkeypatch, capsys, [])
    assert (code, err) == (0, "")
    warnings = [line for line in out.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "damaged" in warnings[0] and "moved aside" in warnings[0]
    assert "Resumed" not in out
    (aside,) = save_folder.glob("tutorial.autosave.json.corrupt-*")
    assert aside.read_text(encoding="utf-8") == DAMAGE[kind]


@pytest.mark.parametrize("kind", DAMAGE)
def test_new_never_reads_the_old_autosave(save_folder, monkeypatch, capsys, kind):
    autosave = save_folder / "tutorial.autosave.json"
    autosave.write_text(DAMAGE[kind], encoding="utf-8")
    read: list[Path] = []
    real = saves.read_save
    monkeypatch.setattr(saves, "read_save", lambda path: read.append(path) or real(path))
    code, out, err = play(monkeypatch, capsys, ["--new"], "1\nq\n")
    assert (code, err) == (0, "")
    assert autosave not in read and "Warning" not in out
    assert json.loads(autosave.read_text(encoding="utf-8"))["story"] == "tutorial"


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_slot_named_on_the_command_line_is_an_error(save_folder, monkeypatch, capsys,
                                                              kind):
    (save_folder / "tutorial.mine.json").write_text(DAMAGE[kind], encoding="utf-8")
    code, out, err = play(monkeypatch, capsys, ["--slot", "mine"])
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith("error: ") and "damaged" in line and "moved aside" in line
    assert len(list(save_folder.glob("tutorial.mine.json.corrupt-*"))) == 1


@pytest.mark.parametrize("seed", ["18446744073709551616", "-9223372036854775809", "9" * 5000],
                         ids=["2**64", "-2**63-1", "5000_digits"])
def test_a_seed_a_save_could_not_hold_is_refused(save_folder, monkeypatch, capsys, seed):
    with pytest.raises(SystemExit) as info:
        cli.main(["play", str(TUTORIAL), "--plain", "--seed", seed])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "is not a seed" in err and "Traceback" not in err and len(err) < 400


def test_the_widest_seeds_save_and_load(save_folder, monkeypatch, capsys):
    for seed in (str(2**64 - 1), str(-(2**63))):
        monkeypatch.setattr(sys, "stdin", io.StringIO("1\nq\n"))
        assert cli.main(["play", str(TUTORIAL), "--plain", "--new", "--seed", seed]) == 0
        monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
        assert cli.main(["play", str(TUTORIAL), "--plain"]) == 0
        out = capsys.readouterr().out
        assert "Resumed your saved game after 1 steps." in out and "Warning" not in out


# -- two stories with one id ---------------------------------------------------------------------


def downloads(tmp_path: Path) -> Path:
    """A --stories folder holding a story that calls itself 'tutorial'."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    text = (ROOT / "stories" / "half_a_star.yaml").read_text(encoding="utf-8")
    (folder / "cool.yaml").write_text(text.replace("id: half_a_star", "id: tutorial"),
                                      encoding="utf-8")
    return folder


def test_list_warns_when_two_stories_share_an_id(save_folder, tmp_path, monkeypatch, capsys):
    folder = downloads(tmp_path)
    assert cli.main(["--stories", str(folder), "list"]) == 0
    out = capsys.readouterr().out
    (warning,) = [line for line in out.splitlines() if line.startswith("warning:")]
    assert "2 stories have the id 'tutorial'" in warning
    assert str(TUTORIAL) in warning and str(folder / "cool.yaml") in warning
    assert cli.main(["list"]) == 0
    assert "warning" not in capsys.readouterr().out


def test_the_plain_picker_warns_when_two_stories_share_an_id(save_folder, tmp_path, monkeypatch,
                                                              capsys):
    folder = downloads(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
    assert cli.main(["--plain", "--stories", str(folder)]) == 0
    assert "warning: 2 stories have the id 'tutorial'" in capsys.readouterr().out


def test_playing_a_story_with_a_bundled_id_warns_and_keeps_its_saves_apart(save_folder, tmp_path,
                                                                           monkeypatch, capsys):
    cool = downloads(tmp_path) / "cool.yaml"
    assert play(monkeypatch, capsys, ["--new"], "1\nq\n")[0] == 0  # the bundled tutorial
    bundled_save = (save_folder / "tutorial.autosave.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\nq\n"))
    assert cli.main(["play", str(cool), "--plain", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Warning: this story has the id 'tutorial', like a story that comes with" in out
    assert "Resumed" not in out
    assert (save_folder / "tutorial.autosave.json").read_bytes() == bundled_save
    assert len(list(save_folder.glob("tutorial-*.autosave.json"))) == 1
    _, out, _ = play(monkeypatch, capsys, [])
    assert "Resumed your saved game after 1 steps." in out and "Warning" not in out
