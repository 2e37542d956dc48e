"""The command line: the plain title picker, ``list``, bad arguments, the choice of front end."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "engine" / "fixtures"
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path / "data"


def main(monkeypatch, capsys, args: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def picker_number(out: str, title: str) -> int:
    for line in out.splitlines():
        number, _, rest = line.partition(". ")
        if number.isdigit() and rest.split(",")[0] == title:
            return int(number)
    raise AssertionError(f"{title!r} not listed:\n{out}")


# -- python -m game: the title picker ------------------------------------------------------


def test_no_command_with_piped_stdin_runs_the_plain_picker_across_the_process_boundary(tmp_path):
    env = dict(os.environ, STANDING_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "game", "--stories", str(FIXTURES)],
                          input="", capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("Standing: interactive fiction about scoring societies.")
    for title in ("City Points", "Stars", "Walk", "Equal Stars"):
        picker_number(done.stdout, title)
    assert "   A points city for the engine's tests." in done.stdout
    assert "\x1b" not in done.stdout  # escape.yaml's title carries an escape code


@pytest.fixture
def no_bundled(monkeypatch, tmp_path):
    """Only the test fixtures in the picker: other people's stories change under us."""
    empty = tmp_path / "no_bundled_stories"
    empty.mkdir()
    monkeypatch.setattr("game.story.catalog.bundled_folder", lambda: empty)
    return empty


def test_picking_a_story_plays_it_in_plain_mode(monkeypatch, capsys, no_bundled):
    _, listing, _ = main(monkeypatch, capsys, ["--stories", str(FIXTURES)])
    number = picker_number(listing, "Walk")
    code, out, err = main(monkeypatch, capsys, ["--stories", str(FIXTURES)],
                          f"abc\n0\n999\n²\n{'9' * 5000}\n{number}\n2\n\n1\n1\n")
    assert (code, err) == (0, "")
    assert out.count("Type a number from 1 to") == 5
    assert "The first fork." in out and "THE END: The end\n" in out


def test_quitting_the_picker(monkeypatch, capsys, no_bundled):
    code, out, _ = main(monkeypatch, capsys, ["--stories", str(FIXTURES)], "q\n")
    assert code == 0 and out.endswith("Choose a story by number (q to quit): \n")


def test_picker_with_no_stories(monkeypatch, capsys, no_bundled):
    code, out, _ = main(monkeypatch, capsys, ["--stories", str(no_bundled)])
    assert code == 0 and out.endswith("no stories found\n")


# -- list -----------------------------------------------------------------------------------


def test_list_names_stories_and_broken_ones(monkeypatch, capsys, tmp_path, no_bundled):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "good.yaml").write_text(
        "title: Good One\nsummary: Fine.\nminutes: 5\ncontent_notes: [debt]\n"
        "scenes:\n  a:\n    ending: {title: E, kind: good}\n", encoding="utf-8")
    (folder / "bad.yaml").write_text("title: Bad\nscenes:\n  a:\n    goto: b\n",
                                     encoding="utf-8")
    code, out, err = main(monkeypatch, capsys, ["--stories", str(folder), "list"])
    assert (code, err) == (0, "")
    assert "good: Good One (en, 5 min) [content: debt]\n    Fine.\n" in out
    assert f"{folder / 'bad.yaml'}: does not load ({folder / 'bad.yaml'}:4:11: " in out


def test_run_and_play_find_a_story_by_id_in_a_stories_folder(monkeypatch, capsys, no_bundled):
    code, out, _ = main(monkeypatch, capsys,
                        ["--stories", str(FIXTURES), "run", "walk", "--choices", "2", "--json"])
    assert code == 0 and '"scene": "three"' in out


# -- choosing the front end ---------------------------------------------------------------


def test_play_without_plain_chooses_plain_when_stdin_is_not_a_terminal(monkeypatch, capsys):
    code, out, _ = main(monkeypatch, capsys, ["play", str(CONTRACT), "--seed", "1"], "2\n")
    assert code == 0 and "Type h for help." in out and "You are ten minutes late." in out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stdin_tty, stdout_tty, term, flag, expected", [
    (True, True, "xterm", False, False),
    (True, True, "xterm", True, True),
    (False, True, "xterm", False, True),
    (True, False, "xterm", False, True),
    (True, True, "dumb", False, True),
])
def test_wants_plain(monkeypatch, stdin_tty, stdout_tty, term, flag, expected):
    monkeypatch.setattr(sys, "stdin", Terminal() if stdin_tty else io.StringIO())
    monkeypatch.setattr(sys, "stdout", Terminal() if stdout_tty else io.StringIO())
    monkeypatch.setenv("TERM", term)
    assert cli.wants_plain(flag) is expected


# -- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["frobnicate"],
    ["run"],
    ["run", "x.yaml", "--seed", "abc"],
    ["play"],
    ["play", "x.yaml", "--seed", "1.5"],
    ["--no-such-option"],
])
def test_bad_arguments_exit_2_with_usage(monkeypatch, capsys, args):
    with pytest.raises(SystemExit) as info:
        main(monkeypatch, capsys, args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


def test_bad_arguments_across_the_process_boundary():
    done = subprocess.run([sys.executable, "-m", "game", "run"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert "usage:" in done.stderr and "Traceback" not in done.stderr


def test_play_a_missing_story_is_one_line(monkeypatch, capsys, tmp_path):
    code, out, err = main(monkeypatch, capsys, ["play", str(tmp_path / "nope.yaml"), "--plain"])
    assert code == 2 and out == ""
    assert err.startswith(f"{tmp_path / 'nope.yaml'}:1:1: ")


def test_play_a_bad_slot_name_is_one_line(monkeypatch, capsys):
    code, _, err = main(monkeypatch, capsys, ["play", str(CONTRACT), "--plain", "--slot", "../x"])
    assert code == 2 and err == "error: '../x' is not a slot name: use letters, digits and _\n"


# -- import hygiene -------------------------------------------------------------------------


def test_the_engine_and_the_plain_players_never_import_textual():
    code = ("import sys\n"
            "import game.cli, game.plain, game.headless, game.launch\n"
            "import game.engine.saves, game.engine.debrief\n"
            "sys.argv = ['standing', 'run', sys.argv[1], '--choices', '1', '--json']\n"
            "import io, contextlib\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert game.cli.main() == 0\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    done = subprocess.run([sys.executable, "-c", code, str(CONTRACT)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr


def test_version_is_the_package_version_in_one_place(capsys):
    from importlib.metadata import version

    import game

    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"standing {game.__version__}\n"
    assert version("standing") == game.__version__  # pyproject reads it from game/__init__.py


LONG = "a" * 300  # past every file system's 255-byte name


@pytest.mark.parametrize("args", [
    ["check", LONG],
    ["run", LONG],
    ["test", LONG],
    ["whatif", LONG, "--choices", "1"],
    ["city", LONG, "--runs", "5"],
    ["city", "STORY", "--runs", "5", "--out", f"{LONG}.svg"],
    ["city", "STORY", "--runs", "5", "--class", LONG],
    ["export", "STORY", "--out", LONG],
    ["report", LONG, "--out", "r.md"],
    ["--stories", LONG, "list"],
])
def test_a_path_the_system_refuses_is_one_line_not_a_traceback(monkeypatch, capsys, tmp_path,
                                                               args) -> None:
    """A name too long for the file system raised OSError from Path.exists()/is_dir() in every
    command that takes a path (Python 3.11 lets ENAMETOOLONG through)."""
    story = Path(__file__).parent / "fixtures" / "variants.yaml"
    monkeypatch.chdir(tmp_path)
    args = [str(story) if a == "STORY" else a for a in args]
    code, out, err = main(monkeypatch, capsys, args)
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("error: ") and err.rstrip().endswith(": File name too long"), err
    assert "…" in err  # the name is shortened, not 300 characters of it


def test_an_os_error_that_names_no_path_is_still_a_traceback(monkeypatch) -> None:
    """Only the system's word on a path the user gave is bad input; anything else is a bug."""
    def broken(args):
        raise OSError("something of ours broke")

    monkeypatch.setattr(cli, "dispatch", broken)
    with pytest.raises(OSError, match="something of ours broke"):
        cli.main(["list"])
