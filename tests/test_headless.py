"""``python -m game run``: the contract's "Headless play" section, exactly.

Exit codes and "never a traceback" are checked across the real process
boundary; the rest runs in-process through the same ``cli.main``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from game import cli
from game.errors import ChoiceError
from game.headless import parse_choices

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "engine" / "fixtures"
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"
GOLDEN = ROOT / "tests" / "golden"
LOCATION = re.compile(r"^(?P<file>[^:\n]+\.yaml):(?P<line>\d+):(?P<col>\d+): ")


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))


def run(capsys, story: Path, choices: str | None = None, *extra: str) -> tuple[int, str, str]:
    args = ["run", str(story), *extra]
    if choices is not None:
        args += ["--choices", choices]
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, story: Path, choices: str | None = None, *extra: str) -> dict:
    code, out, err = run(capsys, story, choices, "--json", *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


def subprocess_run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, STANDING_DATA_DIR=os.devnull + "-unused")
    return subprocess.run([sys.executable, "-m", "game", "run", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


# -- the JSON document ---------------------------------------------------------------------


def test_json_document_has_every_contract_key_across_the_process_boundary():
    done = subprocess_run(str(CONTRACT), "--choices", "1,2", "--seed", "4", "--json")
    assert done.returncode == 0 and done.stderr == ""
    data = json.loads(done.stdout)
    assert {"story", "scene", "ending", "score", "tier", "vars", "lists", "day", "ledger",
            "choices"} <= set(data)
    assert data["story"] == "contract_example"
    assert (data["scene"], data["ending"]) == ("weekend_end", "weekend_end")
    assert (data["score"], data["tier"], data["day"]) == (995, "A", 1)
    assert data["vars"] == {"money": 300, "trust": 60}
    assert data["lists"] == [] and data["choices"] == []
    first, second = data["ledger"]
    assert {"rule", "change", "source", "scene", "explained"} <= set(first)
    assert (first["rule"], first["change"], first["source"], first["scene"],
            first["explained"]) == ("jaywalking", -10, "camera", "alarm", False)
    assert (second["rule"], second["change"], second["source"], second["scene"],
            second["explained"]) == ("volunteering", 5, "committee", "office", True)


def test_no_choices_gives_the_opening_moment(capsys):
    data = run_json(capsys, CONTRACT)
    assert (data["scene"], data["ending"], data["score"], data["tier"]) == (
        "alarm", None, 1000, "A")
    assert data["ledger"] == []
    assert data["choices"] == [
        {"number": 1, "id": "run_across_the_road_to_catch_the_bus",
         "text": "Run across the road to catch the bus", "locked": False},
        {"number": 2, "id": "wait_for_the_green_light", "text": "Wait for the green light",
         "locked": False},
    ]


def test_goto_scenes_continue_by_themselves_and_take_no_number(capsys):
    data = run_json(capsys, CONTRACT, "2")
    assert data["scene"] == "office"  # through 'late' without a number
    assert [c["id"] for c in data["choices"]] == [
        "buy_a_train_ticket_home_for_the_weekend",
        "spend_the_weekend_at_the_community_centre", "ask_how_the_score_is_calculated"]
    data = run_json(capsys, CONTRACT, "2,3,2")  # 'once' loops back; the choice is gone
    assert data["ending"] == "weekend_end" and data["score"] == 1005


def test_numbers_count_locked_choices_and_locked_is_the_reason(capsys):
    data = run_json(capsys, FIXTURES / "city.yaml", "1")
    by_id = {c["id"]: c for c in data["choices"]}
    assert by_id["train"]["locked"] == "Ticket refused, Warning citizen."  # the author's words
    assert by_id["loan"]["locked"] == (
        "Bank loan is closed to you. (needs Civic Score 70 or more, you have 40)")
    assert by_id["jaywalk"]["locked"] is False
    assert [c["number"] for c in data["choices"]] == list(range(1, 14))
    data = run_json(capsys, FIXTURES / "city.yaml", "1,12,13")  # 13 counts the locked ones
    assert data["ending"] == "home" and data["vars"]["money"] == 15


def test_lists_people_and_non_rule_ledger_entries(capsys):
    data = run_json(capsys, FIXTURES / "city.yaml", "6,7")
    assert data["lists"] == ["debtors"]
    listed, rated = data["ledger"]
    assert (listed["kind"], listed["rule"], listed["change"], listed["explained"]) == (
        "list", None, 0, False)
    assert (rated["kind"], rated["subject"], rated["change"]) == ("rate", "mei", -1)
    assert data["people"] == {"mei": 3}


def test_seed_changes_random_and_the_same_seed_repeats(capsys):
    rolls = {}
    for seed in ("1", "2", "1"):
        data = run_json(capsys, FIXTURES / "city.yaml", "10,10,10,10", "--seed", seed)
        rolls.setdefault(seed, []).append((data["vars"]["die"], data["ledger"]))
    assert rolls["1"][0] == rolls["1"][1]
    dice = [run_json(capsys, FIXTURES / "city.yaml", "10", "--seed", str(s))["vars"]["die"]
            for s in range(12)]
    assert len(set(dice)) > 1


def test_it_stops_at_an_ending_even_with_numbers_left(capsys):
    data = run_json(capsys, CONTRACT, "1,1,2,2,2")
    assert data["ending"] == "home" and data["choices"] == []


def test_peer_scores_in_json(capsys):
    data = run_json(capsys, FIXTURES / "stars.yaml", "1,2")
    assert data["score"] == 3.53 and data["tier"] == "fine"
    assert [e["change"] for e in data["ledger"]] == [1.2, -0.67]


# -- errors: exit 2, one line, never a traceback ----------------------------------------------


@pytest.mark.parametrize("choices, message", [
    ("1,1,99", "step 3: there is no choice 99 in scene 'gate' (it offers 1 to 13)"),
    ("0", "step 1: there is no choice 0 in scene 'gate' (it offers 1 to 13)"),
    ("1,4", "step 2: choice 4 in scene 'gate' is locked: Ticket refused, Warning citizen."),
    ("1,x", "--choices: 'x' is not a choice number (write e.g. 1,2,1)"),
    ("1,-1", "--choices: '-1' is not a choice number"),
    ("²", "--choices: '²' is not a choice number"),
    ("9" * 5000, "is not a choice number"),
    ("1,,2", "--choices: '' is not a choice number"),
])
def test_bad_choices_exit_2_naming_the_step(capsys, choices, message):
    code, out, err = run(capsys, FIXTURES / "city.yaml", choices, "--json")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("choices, needle, scene", [
    ("1", "10 / zero", "start"),        # in a choice's effects
    ("4", "1 // zero", "bad_room"),     # on entering a scene
    ("5", "n / zero", "bad_text"),      # in the text of the next scene
    ("2", "add: {n: word}", "start"),   # str + int in an add
])
def test_runtime_error_exit_2_with_file_line_column_and_scene(capsys, choices, needle, scene):
    if choices == "1":  # once across the real process boundary
        done = subprocess_run(str(FIXTURES / "faults.yaml"), "--choices", choices, "--json")
        code, out, err = done.returncode, done.stdout, done.stderr
    else:
        code, out, err = run(capsys, FIXTURES / "faults.yaml", choices, "--json")
    assert code == 2 and out == ""
    assert "Traceback" not in err
    (line,) = err.splitlines()
    text = (FIXTURES / "faults.yaml").read_text(encoding="utf-8").splitlines()
    number = next(i for i, t in enumerate(text, 1) if needle in t)
    column = text[number - 1].index(needle) + 1
    assert line.startswith(f"error: {FIXTURES / 'faults.yaml'}:{number}:{column}: ")
    assert f"in scene '{scene}'" in line


def test_a_story_error_exits_2_with_file_line_column(tmp_path):
    story = tmp_path / "broken.yaml"
    story.write_text("title: Broken\nscenes:\n  a:\n    text: hi\n    goto: nowhere\n",
                     encoding="utf-8")
    done = subprocess_run(str(story), "--choices", "1", "--json")
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    match = LOCATION.match(first)
    assert match and match["file"] == str(story) and (match["line"], match["col"]) == ("5", "11")
    assert "goto names no scene: 'nowhere'" in first


def test_a_missing_story_file_is_a_story_error(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path / "nope.yaml", "1")
    assert code == 2 and out == ""
    assert err.startswith(f"{tmp_path / 'nope.yaml'}:1:1: ")


# -- the transcript ---------------------------------------------------------------------------


def test_without_json_it_prints_the_transcript(capsys):
    code, out, err = run(capsys, CONTRACT, "1,2")
    assert (code, err) == (0, "")
    assert not out.lstrip().startswith("{")
    path = GOLDEN / "run_contract_transcript.txt"
    if os.environ.get("STANDING_UPDATE_GOLDEN") == "1":
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), (
        "run transcript differs from tests/golden; rerun with STANDING_UPDATE_GOLDEN=1 "
        "if the change is intended")


def test_transcript_marks_locked_choices_with_their_gap(capsys):
    _, out, _ = run(capsys, FIXTURES / "city.yaml", "1")
    # an author's refusal replaces the generated reason; a generated one names labels only
    assert "4. Take the train [locked: Ticket refused, Warning citizen.]" in out
    assert ("5. Ask for a loan [locked: Bank loan is closed to you. "
            "(needs Civic Score 70 or more, you have 40)]") in out


def test_parse_choices():
    assert parse_choices(None) == [] and parse_choices(" ") == []
    assert parse_choices("1, 2 ,3") == [1, 2, 3]
    with pytest.raises(ChoiceError):
        parse_choices("1;2")


def test_transcript_never_carries_escape_codes_from_the_story(capsys):
    code, out, _ = run(capsys, FIXTURES / "escape.yaml", "1")
    assert code == 0 and "\x1b" not in out and "\a" not in out
    assert "Before red after." in out


def test_a_goto_loop_is_an_error_not_a_hang(capsys, tmp_path):
    story = tmp_path / "loop.yaml"
    story.write_text("title: Loop\nscenes:\n  a:\n    choices:\n      - {text: Go, goto: b}\n"
                     "  b:\n    goto: c\n  c:\n    goto: b\n", encoding="utf-8")
    code, out, err = run(capsys, story, "1", "--json")
    assert code == 2 and out == ""
    assert err == "error: step 1: scenes go on by themselves forever (goto loop at 'c')\n"
