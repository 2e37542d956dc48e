"""The CLI offers the command meant, and its hints name the program as the user typed it."""

from __future__ import annotations

from pathlib import Path

import pytest

from game import cli


@pytest.mark.parametrize(("typed", "meant"), [
    ("lint", "check"), ("chek", "check"), ("validate", "check"), ("improt", "import"),
    ("tset", "test"),
])
def test_an_unknown_command_gets_did_you_mean(capsys, typed: str, meant: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main([typed, "story.yaml"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"'{typed}' is not a command; did you mean `{meant}`?" in err


def test_an_unknown_command_far_from_any_lists_them(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["frobnicate"])
    err = capsys.readouterr().err
    assert "the commands are: check, run, play" in err and "student" not in err


@pytest.mark.parametrize(("argv0", "prog"), [
    ("/usr/local/bin/standing", "standing"),
    ("C:\\venv\\Scripts\\standing.exe".replace("\\", "/"), "standing"),
    ("/work/game/__main__.py", "python -m game"),
    ("", "python -m game"),
])
def test_program_name(argv0: str, prog: str) -> None:
    assert cli.program_name(argv0) == prog


@pytest.mark.parametrize(("argv0", "prog"), [
    ("/usr/bin/standing", "standing"), ("/x/game/__main__.py", "python -m game")])
def test_new_and_import_hints_name_the_program_typed(tmp_path: Path, monkeypatch, capsys,
                                                     argv0: str, prog: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [argv0])
    assert cli.main(["new", "mine"]) == 0
    out = capsys.readouterr().out
    assert f"next: {prog} play mine.yaml" in out and f"{prog} check mine.yaml" in out
    assert f"#   {prog} check mine.yaml" in (tmp_path / "mine.yaml").read_text(encoding="utf-8")
    other = "python -m game" if prog == "standing" else "standing "
    assert other not in out
    (tmp_path / "t.twee").write_text(":: Start\nHi [[End]]\n\n:: End\nBye\n", encoding="utf-8")
    assert cli.main(["import", "t.twee"]) == 0
    out = capsys.readouterr().out
    assert f"next: {prog} check --strict t.yaml" in out and other not in out
