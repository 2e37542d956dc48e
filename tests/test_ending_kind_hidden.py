"""Ending kinds (good/mixed/bad) are for the teacher: no student front end shows them.

The teacher's side (``run --json``, class records and the report) keeps them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game import cli

CITY = Path(__file__).resolve().parent / "engine" / "fixtures" / "city.yaml"
GO_HOME = "13"  # city.yaml: "Go home" ends at "Home" (kind: mixed)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def _main(monkeypatch, capsys, args: list[str], stdin: str = "") -> tuple[int, str]:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    return code, capsys.readouterr().out


def test_the_story_text_never_says_mixed() -> None:
    """The checks below can only fail on the kind itself."""
    text = CITY.read_text(encoding="utf-8")
    assert text.count("mixed") == text.count("kind: mixed")


def test_plain_mode_names_the_ending_not_its_kind(monkeypatch, capsys) -> None:
    code, out = _main(monkeypatch, capsys, ["play", str(CITY), "--plain", "--new"],
                      f"{GO_HOME}\n\n\n\nq\n")
    assert code == 0
    assert "THE END: Home" in out and "Ending: Home" in out
    assert "mixed" not in out


def test_run_text_hides_the_kind_and_run_json_keeps_it(monkeypatch, capsys) -> None:
    code, out = _main(monkeypatch, capsys, ["run", str(CITY), "--choices", GO_HOME])
    assert code == 0 and "Ending: Home" in out and "mixed" not in out
    code, out = _main(monkeypatch, capsys, ["run", str(CITY), "--choices", GO_HOME, "--json"])
    assert code == 0 and json.loads(out)["ending_kind"] == "mixed"
