"""Plain mode: golden transcripts of whole playthroughs, commands, bad input, saves.

Golden transcripts live in tests/golden/. After an intended change of wording,
regenerate them with::

    STANDING_UPDATE_GOLDEN=1 python -m pytest tests/test_plain.py tests/test_headless.py

and read the diff before committing it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game import cli
from game.engine.engine import Engine
from game.engine.saves import SaveStore
from game.plain import PlainPlayer, play_plain, use_color
from game.story.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "engine" / "fixtures"
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"
GOLDEN = ROOT / "tests" / "golden"
ESC = "\x1b"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Saves go to a fresh folder; colour and dumb-terminal settings are cleared."""
    folder = tmp_path / "data"
    monkeypatch.setenv("STANDING_DATA_DIR", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    return folder


def play(monkeypatch, capsys, story: Path, lines: list[str], *args: str) -> tuple[int, str, str]:
    """``python -m game play STORY --plain ARGS`` in-process, with piped input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = cli.main(["play", str(story), "--plain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME.txt exactly (or rewrite it when asked)."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("STANDING_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run with STANDING_UPDATE_GOLDEN=1")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"plain transcript differs from {path.relative_to(ROOT)}; "
        "if the change is intended, rerun with STANDING_UPDATE_GOLDEN=1")


# -- golden transcripts of whole playthroughs -------------------------------------------------

PLAYTHROUGHS = {
    # help, the goto scene, a once choice looping back, garbage, the ending and debrief
    "plain_contract_volunteer": (CONTRACT, ["h", "2", "", "3", "what?", "2"]),
    # the jaywalker: a hidden reason, a rail ticket bought
    "plain_contract_train": (CONTRACT, ["1", "1"]),
    # locked choices, out of range, record, undo, list, save, notify, chapters, an ending
    "plain_city_commands": (FIXTURES / "city.yaml", [
        "hello", "0", "1", "4", "r", "u", "r", "1", "2", "6", "s", "s bad name!", "9",
        "12", "", "13"]),
    # the peer model shown as stars, a person rated, a hidden rule
    "plain_stars_peer": (FIXTURES / "stars.yaml", ["7", "4", "1", "6", "5", "r", "1", "7"]),
}


@pytest.mark.parametrize("name", PLAYTHROUGHS)
def test_golden_playthrough(monkeypatch, capsys, name):
    story, lines = PLAYTHROUGHS[name]
    code, out, err = play(monkeypatch, capsys, story, lines, "--seed", "7")
    assert (code, err) == (0, "")
    assert "THE END" in out and ESC not in out
    check_golden(name, out)


def test_the_debrief_reveals_every_hidden_reason_and_source(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, *PLAYTHROUGHS["plain_city_commands"])
    debrief = out[out.index("=== Debrief ==="):]
    assert ("  -10  Crossed against the light — reported by Traffic cameras"
            "  [you were not told]\n") in debrief
    assert "+40  Charitable donation: gave 10 yuan — reported by People's Bank\n" in debrief
    # the listing was announced: "[you were not told]" only where it is true
    assert "  Put on the list: Dishonest debtors\n" in debrief
    assert "Lists you were put on: Dishonest debtors\n" in debrief
    assert "Rules you were never shown: Crossed against the light" in debrief
    assert "Questions to discuss:\n  1. Who decided what a jaywalk costs?" in debrief
    # while playing, the hidden reason was not shown
    playing = out[:out.index("=== Debrief ===")]
    assert "Crossed against the light" not in playing
    assert "Day 1: -10  reason not disclosed" in playing


def test_the_opening_tells_nothing_and_content_notes_come_first(monkeypatch, capsys):
    """Issue 13, items 4 and 12: Half a Star opens on its story, not on eleven log lines."""
    _, out, _ = play(monkeypatch, capsys, ROOT / "stories" / "half_a_star.yaml", [], "--new")
    lines = out.splitlines()
    assert lines[0] == "Half a Star"
    assert lines[1].startswith("Everyone rates everyone")  # the title card's summary
    assert "Glow is invented: no country runs it." in lines[1]
    assert lines[2].startswith("Content notes: public humiliation and online pile-ons, ")
    assert lines[3] == "Type h for help. Choose by number."
    before_story = out[:out.index("Your phone wakes you")]
    assert "rated you" not in before_story and "tier went" not in before_story
    assert "[Phone]" not in before_story


def test_a_resumed_game_does_not_show_the_title_card_again(monkeypatch, capsys):
    story = ROOT / "stories" / "half_a_star.yaml"
    play(monkeypatch, capsys, story, ["1"], "--new")
    _, out, _ = play(monkeypatch, capsys, story, [])
    assert "Resumed your saved game" in out
    assert "Everyone rates everyone" not in out and "Content notes" not in out


def test_the_debrief_tells_the_score_history_in_a_sentence(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, *PLAYTHROUGHS["plain_city_commands"])
    debrief = out[out.index("=== Debrief ==="):]
    assert ("Civic Score went from 50 to 80 over 7 steps: lowest 40 (step 1), highest 80 "
            "(step 2).\n") in debrief
    assert "Score over the story" not in debrief


def test_the_debrief_shows_reflect_and_debrief_questions(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, *PLAYTHROUGHS["plain_contract_volunteer"])
    assert ('You chose "Spend the weekend at the community centre". Did you volunteer '
            "because you wanted to, or for the points?") in out
    assert "  1. Who decided that crossing the road costs ten points?" in out
    assert "  2. Which source reported most about you?" in out
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["1", "1"], "--new")
    assert "Think back on your choices" not in out  # took no choice with a reflect


def test_the_debrief_has_a_what_if_panel_replayed_from_the_players_path(monkeypatch, capsys):
    """Issue 17: the player's own path under each variant, one line each, in plain mode."""
    story = Path(__file__).parent / "fixtures" / "variants.yaml"
    code, out, _ = play(monkeypatch, capsys, story, ["1", "", "2", "2", ""])
    assert code == 0
    panel = out[out.index("What if: your own choices under another system"):]
    panel = panel[:panel.index("What the system recorded")]
    assert panel.splitlines()[1:4] == [
        "  If every rule were announced: same score, but you would have been told why: "
        "Crossed against the light",
        "  Without the street cameras: 1000 instead of 850, tier Trusted (not Dishonest) — "
        "The train would have been open to you",
        "  If the railway refused debtors: nothing changes for your path (same score, "
        "same doors)",
    ]


def test_locked_choices_are_marked_and_explained(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, FIXTURES / "city.yaml", ["1"])
    assert "4. [locked] Take the train — Ticket refused, Warning citizen.\n" in out
    assert ("5. [locked] Ask for a loan — Bank loan is closed to you. "
            "(needs Civic Score 70 or more, you have 50)") in out


# -- commands and bad input ---------------------------------------------------------------


@pytest.mark.parametrize("garbage", [
    "hello", "-1", "1.5", "1,2", "²", "٣٣", "9" * 5000, "1 2", "\x00", "uu", "s/../x",
], ids=lambda text: ascii(text)[:20])
def test_garbage_asks_again(monkeypatch, capsys, garbage):
    code, out, err = play(monkeypatch, capsys, CONTRACT, [garbage, "2"])
    assert (code, err) == (0, "")
    assert "Traceback" not in out
    after = out[out.index("> "):]
    assert ("I did not understand that" in after or "there is no choice" in after
            or "not a slot name" in after)
    assert "You are ten minutes late." in after  # then '2' still worked


def test_a_number_in_a_scene_that_continues_and_enter_at_a_choice(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["", "2", "2", ""])
    assert "I did not understand that: type a number from 1 to 2, or h for help." in out
    assert "This scene goes on by itself: press Enter (or 1)." in out
    assert out.count("Your manager calls you in.") == 1


def test_one_continues_as_in_the_terminal_player(monkeypatch, capsys):
    """A piped list of numbers plays through pages that go on by themselves."""
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["2", "1"])
    assert "This scene goes on by itself" not in out
    assert out.count("Your manager calls you in.") == 1


def test_help_lists_the_commands(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["h"])
    for command in ("u ", "r ", "s [NAME]", "h ", "q ", "Enter"):
        assert command in out


def test_undo_at_the_start_and_after_a_step(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["u", "1", "u", "2"])
    assert "there is nothing to undo" in out
    assert "Undone: you are back at the start." in out
    assert "You are ten minutes late." in out


def test_undo_goes_back_one_decision_past_continue_pages(monkeypatch, capsys):
    """Issue 13, item 3, as in the terminal: not to the Continue page first."""
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["2", "", "u", "1"], "--new")
    after = out[out.index("Undone"):]
    assert after.splitlines()[0] == "Undone: you are back at the start."
    assert after.index("Your phone wakes you") < after.index("> 1")  # at the alarm again
    assert "You are ten minutes late." not in after
    assert "Run across the road" in after


def save_file(data_dir: Path, slot: str = "autosave") -> Path:
    """Where the contract story's save in ``slot`` is kept."""
    return SaveStore(data_dir / "saves", load_story(CONTRACT)).file(slot)


def test_quit_saves_and_the_next_play_resumes(monkeypatch, capsys, data_dir):
    code, out, _ = play(monkeypatch, capsys, CONTRACT, ["2", "", "q"], "--seed", "3")
    assert code == 0 and out.rstrip().endswith("Your game is saved. Bye.")
    saved = json.loads(save_file(data_dir).read_text())
    assert saved["path"] == [["alarm", "wait_for_the_green_light"], ["late", "continue"]]
    assert saved["seed"] == 3
    code, out, _ = play(monkeypatch, capsys, CONTRACT, ["2"])
    assert "Resumed your saved game after 2 steps." in out
    assert "THE END: A model citizen\n" in out


def test_end_of_input_mid_story_autosaves_and_resumes(monkeypatch, capsys, data_dir):
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["1"])
    assert out.rstrip().endswith("End of input: your game is saved. Bye.")
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["3", "2"])
    assert "Resumed your saved game after 1 steps." in out
    assert "She has a printout of your score in her hand." in out
    assert "THE END: A model citizen" in out
    # a finished game is not resumed: the next play starts over
    _, out, _ = play(monkeypatch, capsys, CONTRACT, [])
    assert "Resumed" not in out and "Your phone wakes you at six." in out


def test_new_ignores_the_autosave(monkeypatch, capsys):
    play(monkeypatch, capsys, CONTRACT, ["1"])
    _, out, _ = play(monkeypatch, capsys, CONTRACT, [], "--new")
    assert "Resumed" not in out


def test_save_to_a_slot_and_load_it(monkeypatch, capsys):
    _, out, _ = play(monkeypatch, capsys, CONTRACT, ["2", "s mine", "s", "s Bad!"])
    assert "Saved to slot 'mine'." in out and "Saved to slot 'manual'." in out
    assert "'bad!' is not a slot name" in out
    _, out, _ = play(monkeypatch, capsys, CONTRACT, [""], "--slot", "mine")
    assert "Resumed slot 'mine' after 1 steps." in out
    assert "Your manager calls you in." in out


def test_loading_a_missing_or_damaged_slot_is_one_line(monkeypatch, capsys, data_dir):
    code, out, err = play(monkeypatch, capsys, CONTRACT, [], "--slot", "nothing")
    assert code == 2 and err == "error: there is no save in slot 'nothing'\n"
    (data_dir / "saves").mkdir(parents=True)
    save_file(data_dir, "broken").write_text("{", encoding="utf-8")
    code, out, err = play(monkeypatch, capsys, CONTRACT, [], "--slot", "broken")
    assert code == 2 and "damaged (not valid JSON" in err and "moved aside" in err
    assert err.count("\n") == 1


def test_a_corrupt_autosave_is_reported_moved_aside_and_play_starts_over(
        monkeypatch, capsys, data_dir):
    saves = data_dir / "saves"
    saves.mkdir(parents=True)
    save_file(data_dir).write_text('{"format": "standing-sa', encoding="utf-8")
    code, out, _ = play(monkeypatch, capsys, CONTRACT, ["1"])
    assert code == 0
    assert out.count("Warning: ") == 1 and "moved aside" in out
    (aside,) = saves.glob(f"{save_file(data_dir).name}.corrupt-*")
    assert aside.read_text(encoding="utf-8") == '{"format": "standing-sa'
    assert json.loads(save_file(data_dir).read_text())["path"]


def test_a_save_from_a_changed_story_says_what_was_replayed(monkeypatch, capsys, tmp_path):
    story = tmp_path / "contract_example.yaml"
    text = CONTRACT.read_text(encoding="utf-8")
    story.write_text(text, encoding="utf-8")
    play(monkeypatch, capsys, story, ["2", ""])
    late = "    goto: office                      # no choices: a single Continue\n"
    assert late in text
    story.write_text(text.replace(late, "    choices:\n      - {text: Go on, goto: office}\n"),
                     encoding="utf-8")
    code, out, _ = play(monkeypatch, capsys, story, [])
    assert code == 0
    assert "but the story has changed" in out and "1 of 2 steps were replayed" in out


def test_save_folder_not_writable_warns_once_and_play_goes_on(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("STANDING_DATA_DIR", str(blocker))
    code, out, err = play(monkeypatch, capsys, CONTRACT, ["2", "", "s", "2"])
    assert (code, err) == (0, "")
    assert out.count("Warning: cannot save to") == 1
    assert "THE END: A model citizen" in out


def test_a_runtime_error_is_one_located_line_and_play_goes_on(monkeypatch, capsys):
    code, out, err = play(monkeypatch, capsys, FIXTURES / "faults.yaml", ["1"])
    assert code == 0 and "Traceback" not in out + err
    line = [x for x in out.splitlines() if x.startswith("The story has an error here: ")]
    assert len(line) == 1
    assert "faults.yaml:22:22: division by zero in scene 'start' (in `10 / zero`)" in line[0]


# -- no escape codes ---------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_player(story: Path, lines: list[str], out: io.StringIO) -> str:
    engine = Engine(load_story(story), seed=1)
    play_plain(engine, None, io.StringIO("".join(x + "\n" for x in lines)), out)
    return out.getvalue()


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    assert use_color(io.StringIO()) is False
    assert use_color(FakeTerminal()) is True
    assert ESC in run_player(CONTRACT, ["1"], FakeTerminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(FakeTerminal()) is False
    assert ESC not in run_player(CONTRACT, ["1"], FakeTerminal())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert ESC not in run_player(CONTRACT, ["1"], FakeTerminal())


def test_escape_codes_in_a_story_never_reach_the_output(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = run_player(FIXTURES / "escape.yaml", ["1"], io.StringIO())
    assert ESC not in out and "\a" not in out
    assert "Before red after." in out and "1. Go  on" in out
    assert "THE END: The end\n" in out


def test_piped_process_has_no_escape_codes_and_resumes(tmp_path):
    """The real process boundary: stdin and stdout are pipes."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env["STANDING_DATA_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "game", "play", str(CONTRACT), "--plain", "--seed", "5"]
    first = subprocess.run(command, input="1\n", capture_output=True, text=True, env=env,
                           cwd=ROOT, timeout=60)
    assert first.returncode == 0 and first.stderr == ""
    assert ESC not in first.stdout
    assert first.stdout.rstrip().endswith("End of input: your game is saved. Bye.")
    env["NO_COLOR"] = "1"
    second = subprocess.run(command, input="2\n", capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=60)
    assert second.returncode == 0 and ESC not in second.stdout
    assert "Resumed your saved game after 1 steps." in second.stdout
    assert "THE END: A model citizen\n" in second.stdout


def test_plain_player_without_a_store_still_plays():
    out = io.StringIO()
    engine = Engine(load_story(CONTRACT), seed=1)
    player = PlainPlayer(engine, None, io.StringIO("s\nq\n"), out)
    assert player.run(engine.opening) == 0
    assert "Bye." in out.getvalue()


def test_a_broken_pipe_is_not_a_traceback(tmp_path):
    """``standing play STORY | head``: the reader goes away mid-output."""
    story = tmp_path / "long.yaml"
    # 97,500 characters: more than a pipe holds, under the story format's size caps.
    block = "      - |\n" + "        All work and no play.\n" * 1300
    story.write_text("title: Long\nscenes:\n  a:\n    text:\n" + block * 3
                     + "    ending: {title: E, kind: good}\n", encoding="utf-8")
    env = dict(os.environ, STANDING_DATA_DIR=str(tmp_path))
    command = f"'{sys.executable}' -m game play '{story}' --plain < /dev/null | head -c 10"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.stdout == "Long\nType "
    assert done.stderr == "", done.stderr


def test_store_is_wired_to_the_data_dir(data_dir, monkeypatch, capsys):
    play(monkeypatch, capsys, CONTRACT, ["1"])
    store = SaveStore(data_dir / "saves", load_story(CONTRACT))
    assert [s.slot for s in store.slots()] == ["autosave"]


@pytest.mark.parametrize("show, hud, change", [
    ("number", "[Score: 40 | tier Low | day 1]", "Score -10"),
    ("stars", "[Score: 40 stars | tier Low | day 1]", "Score -10"),
    ("tier", "[tier Low | day 1]", None),
    ("hidden", "[day 1]", None),
])
def test_the_hud_and_changes_follow_show(tmp_path, show, hud, change):
    story = tmp_path / "show.yaml"
    story.write_text(
        "title: Show\nrating:\n  start: 50\n  show: " + show + "\n  tiers:\n"
        "    - {id: H, label: High, min: 50}\n    - {id: L, label: Low, min: 0}\n"
        "  rules:\n    slip: {change: -10}\nscenes:\n  a:\n    choices:\n"
        "      - {text: Slip, do: [{record: slip}], goto: a}\n", encoding="utf-8")
    out = run_player(story, ["1"], io.StringIO())
    assert hud in out
    assert ("Your tier went down: Low." in out) is (show != "hidden")
    if change:
        assert change in out
    else:
        assert "-10" not in out  # the change itself is not shown


def test_a_story_error_in_plain_mode_is_reported_and_play_goes_on(tmp_path, monkeypatch) -> None:
    """The engine rolls the step back, so the player can choose again instead of being thrown out."""
    import io

    from game.engine.engine import Engine
    from game.plain import play_plain
    from game.story.loader import load_story

    fixture = Path(__file__).parent / "engine" / "fixtures" / "faults.yaml"
    engine = Engine(load_story(fixture), seed=1)
    out = io.StringIO()
    code = play_plain(engine, None, io.StringIO("1\nq\n"), out)
    text = out.getvalue()
    assert code == 0
    assert "The story has an error here:" in text and "division by zero" in text
    assert "Nothing happened; choose again" in text
    assert engine.state.path == []


# -- after the end: what the terminal's debrief offers -----------------------------------


def test_after_the_end_go_back_to_a_decision_and_end_elsewhere(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = run_player(CONTRACT, ["1", "1", "b", "1", "2", "", "2"], io.StringIO())
    assert "THE END: Home for the weekend" in out
    assert "  1. Step 1: Run across the road to catch the bus" in out
    assert "  2. Step 2: Buy a train ticket home for the weekend" in out
    assert "Back to before step 1: choose again." in out
    assert "THE END: A model citizen" in out  # the other ending, from the rewound step
    assert out.index("Home for the weekend") < out.index("A model citizen")


def test_after_the_end_play_again_and_bad_answers(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = run_player(CONTRACT, ["1", "1", "x", "b", "9", "a", "1", "1"], io.StringIO())
    assert "Type b, a or q." in out
    assert "Staying at the end." in out  # 9 is no decision
    assert "From the beginning." in out
    assert out.count("THE END: Home for the weekend") == 2
    assert out.rstrip().endswith(">")  # the end of input stops quietly at the menu


def test_after_the_end_q_stops(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = run_player(CONTRACT, ["1", "1", "q", "1"], io.StringIO())
    assert out.count("THE END") == 1 and "From the beginning." not in out
