"""What if: a path replayed under each variant (engine/whatif.py) and the ``whatif`` command."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from game import cli
from game.engine.engine import Engine
from game.engine.whatif import decisions, panel, path_of_numbers, replay, sentence, whatif
from game.errors import ChoiceError
from game.story.loader import load_story

STORY = (Path(__file__).parents[1] / "fixtures" / "variants.yaml").read_text()


@pytest.fixture
def story(tmp_path: Path):
    path = tmp_path / "vt.yaml"
    path.write_text(STORY)
    return load_story(path)


def by_id(outcomes):
    return {o.id: o for o in outcomes}


def test_a_path_under_each_variant(story):
    found = by_id(whatif(story, ("cross", "save", "walk")))
    assert list(found) == ["as_written", "open_book", "no_cameras", "strict_rail"]
    written = found["as_written"]
    assert (written.score, written.tier, written.ending, written.refused) == \
        (850, "D", "home", ("rail",))
    assert found["no_cameras"].to_json() == {
        "id": "no_cameras", "label": "Without the street cameras", "score": 1000, "tier": "A",
        "lists": [], "ending": "home", "refused": [], "broke_at": None}
    assert found["open_book"].score == 850 and found["open_book"].untold == ()
    assert written.untold == ("Crossed against the light",)


def test_broke_at_names_the_step_the_choice_and_why(story):
    found = by_id(whatif(story, ("wait", "borrow", "train")))
    assert found["as_written"].broke_at is None and found["as_written"].ending == "home"
    strict = found["strict_rail"].to_json()
    assert strict["broke_at"] == {"step": 3, "scene": "station", "choice": "train",
                                  "reason": "The gate stays shut."}
    # The replay stops there and reports the state at that step.
    assert (strict["ending"], strict["lists"], strict["refused"]) == (None, ["debtors"], ["rail"])


def test_a_choice_that_does_not_exist_breaks_the_path_with_a_reason(story):
    outcome = replay(story, ("wait", "fly"))
    assert outcome.broke_at.step == 2
    assert outcome.broke_at.reason == "scene 'counter' has no such choice"


def test_sentences_say_what_the_other_system_would_have_done(story):
    found = whatif(story, ("cross", "borrow", "walk"))
    lines = [sentence(found[0], o) for o in found[1:]]
    assert lines == [
        "If every rule were announced: same score, but you would have been told why: "
        "Crossed against the light",
        "Without the street cameras: 1000 instead of 850, tier Trusted (not Dishonest) — The train "
        "would have been open to you",
        "If the railway refused debtors: nothing changes for your path (same score, same doors)",
    ]
    found = whatif(story, ("wait", "borrow", "train"))
    assert sentence(found[0], found[3]) == (
        "If the railway refused debtors: your path breaks at step 3 — “Take the train” would "
        "have been closed (The gate stays shut)")


def test_the_panel_replays_a_finished_game(story):
    engine = Engine(story, seed=3)
    for cid in ("cross", "continue", "save", "walk"):
        engine.take(cid)
    assert decisions(engine.state.path) == ("cross", "save", "walk")
    lines = panel(engine)
    assert len(lines) == 3 and lines[1].text.startswith(
        "Without the street cameras: 1000 instead of 850")
    assert (lines[1].id, lines[1].label, lines[1].broke) == (
        "no_cameras", "Without the street cameras", False)


def test_numbers_become_ids_and_a_locked_number_is_refused(story):
    assert path_of_numbers(story, [1, 2, 2]) == ("cross", "save", "walk")
    assert path_of_numbers(story, ["wait", 1, "train"]) == ("wait", "borrow", "train")
    with pytest.raises(ChoiceError, match="step 3: choice 1 in scene 'station' is locked"):
        path_of_numbers(story, [1, 2, 1])
    with pytest.raises(ChoiceError, match="step 2: scene 'counter' offers no choice 'fly'"):
        path_of_numbers(story, [1, "fly"])


def run(monkeypatch, capsys, args):
    monkeypatch.setattr(sys, "stdin", open("/dev/null"))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_whatif_json_follows_the_contract(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "vt.yaml"
    path.write_text(STORY)
    code, out, err = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1",
                                               "--json"])
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["story"] == "vt" and doc["path"] == ["wait", "borrow", "train"]
    assert [v["id"] for v in doc["variants"]] == ["as_written", "open_book", "no_cameras",
                                                   "strict_rail"]
    for entry in doc["variants"]:
        assert set(entry) == {"id", "label", "score", "tier", "lists", "ending", "refused",
                              "broke_at"}
    assert doc["variants"][3]["broke_at"]["step"] == 3
    assert doc["variants"][3]["broke_at"]["reason"] == "The gate stays shut."
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1",
                                             "--variant", "no_cameras", "--json"])
    assert [v["id"] for v in json.loads(out)["variants"]] == ["as_written", "no_cameras"]
    # Only the story as written (it printed every variant, as without --variant).
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1",
                                             "--variant", "as_written", "--json"])
    assert [v["id"] for v in json.loads(out)["variants"]] == ["as_written"]


def test_whatif_table_names_the_path_and_the_outcomes_in_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "100")
    path = tmp_path / "vt.yaml"
    path.write_text(STORY)
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1"])
    assert code == 0
    lines = out.splitlines()
    assert lines[:7] == ["Variant test — one path, as written and under 3 variants", "",
                         "The path (3 choices):", "    1. Wait", "    2. Borrow",
                         "    3. Take the train", ""]
    table = lines[7:lines.index("What each would have done to this path:")]
    assert table[0].split("  ")[0] == "" and "As written" in table[0]
    assert "If the railway" in table[0] and "refused debtors" in table[1]
    rows = {line[:18].strip(): line[18:].split() for line in table if line[:18].strip()}
    assert rows["Score"] == ["1000"] * 4 and rows["Tier"] == ["Trusted"] * 4
    assert rows["Ending"] == ["Home", "at", "last"] * 3 + ["-"]
    assert rows["Refused"] == ["-", "-", "-", "The", "train"]
    assert rows["Path breaks"] == ["-", "-", "-", "at", "step", "3"]
    assert rows["Lists at the end"] == ["Debtors'", "list"] * 4
    said = " ".join(lines[lines.index("What each would have done to this path:") + 1:])
    assert said.split() == (
        "If every rule were announced: nothing changes for your path (same score, same "
        "doors). Without the street cameras: nothing changes for your path (same score, same "
        "doors). If the railway refused debtors: the path breaks at step 3, “Take the train” "
        "(“The station.”): The gate stays shut.").split()
    # The ids are the author's: none of them is shown to the teacher.
    for key in ("as_written", "open_book", "no_cameras", "strict_rail", "counter",
                "borrow", "wait", "rail", "home"):
        assert not re.search(rf"\b{key}\b", out), key


def test_whatif_ids_shows_every_id_beside_its_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "160")
    path = tmp_path / "vt.yaml"
    path.write_text(STORY)
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1",
                                             "--ids"])
    assert code == 0
    lines = out.splitlines()
    assert lines[3:7] == ["    1. Wait  [street: wait]", "    2. Borrow  [counter: borrow]",
                          "    3. Take the train  [station: train]",
                          "  As ids (for --choices): wait,borrow,train"]
    for shown in ("As written [as_written]", "If the railway refused debtors [strict_rail]",
                  "Trusted [A]", "Debtors' list [debtors]", "Home at last [home]",
                  "The train [rail]", "[station: train]: The gate stays shut."):
        assert shown in out, shown
    # What it prints for --choices plays the same path.
    code, again, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices",
                                               "wait,borrow,train", "--ids"])
    assert again == out


def test_whatif_table_wraps_long_labels_to_the_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "vt.yaml"
    path.write_text(STORY.replace("label: If the railway refused debtors",
                                  "label: If the railway had refused everyone on the "
                                  "debtors' list, as some cities did"))
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1"])
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "as some cities did" in " ".join(out.split())


def test_whatif_table_shows_story_text_as_text(tmp_path, monkeypatch, capsys):
    """Story text is untrusted: no escape sequence and no line of its own reaches the terminal."""
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "vt.yaml"
    path.write_text(STORY.replace("text: Take the train,", 'text: "Take\\nthe \\e[2Jtrain",')
                    .replace("refusal: The gate stays shut.",
                             'refusal: "The gate\\e]0;owned\\a stays shut."')
                    .replace("label: Debtors' list", 'label: "Debtors\\x9b31m list"'))
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "2,1,1"])
    assert code == 0
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "    3. Take the train\n" in out and "The gate stays shut." in " ".join(out.split())
    assert "Debtors list" in out


@pytest.mark.parametrize("args, words", [
    (["--choices", "1,9"], "step 2: there is no choice 9 in scene 'counter'"),
    (["--choices", "1,2,1"], "step 3: choice 1 in scene 'station' is locked"),
    (["--choices", "1,x y"], "--choices: 'x y' is neither a choice number nor a choice id"),
    (["--choices", "1", "--variant", "nope"], "the story has no variant 'nope' (its variants: "
                                              "open_book, no_cameras, strict_rail)"),
    (["--slot", "missing"], "--slot: no save 'missing' for vt"),
    (["--slot", "../../etc/passwd"], "'../../etc/passwd' is not a slot name"),
    (["--slot", "/etc/passwd"], "'/etc/passwd' is not a slot name"),
    (["--choices", ""], "--choices: '' is neither a choice number nor a choice id"),
    (["--choices", "1,,2"], "--choices: '' is neither a choice number nor a choice id"),
    (["--choices", "1", "--variant", "\x1b[2Jx"], "the story has no variant 'x'"),
])
def test_whatif_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "vt.yaml"
    path.write_text(STORY)
    code, out, err = run(monkeypatch, capsys, ["whatif", str(path), *args])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err, err


def test_whatif_reads_a_save_slots_path_and_seed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    from game.engine.saves import SaveStore, default_folder

    path = tmp_path / "vt.yaml"
    path.write_text(STORY)
    story = load_story(path)
    engine = Engine(story, seed=77)
    for cid in ("wait", "continue", "borrow", "train"):
        engine.take(cid)
    assert SaveStore(default_folder(), story).save(engine, "mine")
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--slot", "mine", "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["seed"] == 77 and doc["path"] == ["wait", "borrow", "train"]


def test_a_long_list_of_reasons_names_three_and_counts_the_rest():
    from game.engine.whatif import Outcome

    def outcome(untold):
        return Outcome("x", "X", 1, "1", None, None, (), (), None, None, (), (), untold, None)

    written = outcome(("a", "b", "c", "d", "e"))
    assert sentence(written, outcome(())) == \
        "X: same score, but you would have been told why: a, b, c and 2 more"
    assert sentence(written, outcome(("d", "e"))) == \
        "X: same score, but you would have been told why: a, b and c"


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_risk_story_replayed_without_a_feature_scores_lower(tmp_path):
    """Variants work for a computed (risk) score: the engine recomputes with the
    variant's features."""
    source = (FIXTURES / "risk.yaml").read_text()
    source = source.replace("\nvars:\n", "\nvariants:\n  no_nationality:\n"
                            "    label: Without the nationality feature\n"
                            "    rating: {features: {second_nationality: {weight: 0}}}\n"
                            "\nvars:\n", 1)
    path = tmp_path / "risk.yaml"
    path.write_text(source)
    story = load_story(path)
    engine = Engine(story, seed=0)
    while not engine.ended:
        view = engine.view()
        engine.proceed() if view.continues else engine.take(view.open_choices[0].id)
    written, other = whatif(story, decisions(engine.state.path))
    assert written.score == engine.view().score
    assert other.score < written.score and other.broke_at is None


def test_a_peer_story_replayed_with_equal_weights_and_a_short_memory(tmp_path):
    source = (FIXTURES / "stars.yaml").read_text()
    assert "\nscenes:" in source
    source = source.replace("\nscenes:", "\nvariants:\n  short:\n    label: Short memory\n"
                            "    rating: {memory: 1, weight: equal}\n\nscenes:", 1)
    path = tmp_path / "stars.yaml"
    path.write_text(source)
    story = load_story(path)
    assert (story.variants["short"].rating.memory, story.rating.model) == (1, "peer")
    engine = Engine(story, seed=0)
    for choice in ("mei5", "bob1", "leave"):
        engine.take(choice)
    written, other = whatif(story, decisions(engine.state.path))
    assert written.score == engine.view().score and written.ending == "street"
    assert other.score != written.score and other.ending == "street"


def test_a_choice_the_variant_does_not_offer_is_named_by_its_words(tmp_path, monkeypatch,
                                                                    capsys):
    """Under a variant a choice may be hidden (its ``if:``), not locked: the player never
    read it there, but the debrief and ``whatif`` still name it by the story's text."""
    path = tmp_path / "vt.yaml"
    path.write_text(STORY.replace(
        "      - {id: walk, text: Walk, goto: home}",
        "      - {id: walk, text: Walk, goto: home}\n"
        "      - {id: hitch, text: Hitch a *ride*, if: \"not (tier >= 'A')\", goto: home}"))
    story = load_story(path)
    engine = Engine(story, seed=0)
    for cid in ("cross", "continue", "save", "hitch"):
        engine.take(cid)
    found = by_id(whatif(story, decisions(engine.state.path)))
    broke = found["no_cameras"].broke_at
    assert (broke.step, broke.scene, broke.choice, broke.text, broke.reason) == (
        3, "station", "hitch", "", "the choice was not offered")
    lines = {line.id: line for line in panel(engine)}
    assert lines["no_cameras"].says == (
        "your path breaks at step 3 — “Hitch a ride” would not have been offered to you")
    assert lines["no_cameras"].broke and "'hitch'" not in lines["no_cameras"].text
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "cross,save,hitch"])
    assert code == 0 and "    3. Hitch a ride\n" in out
    assert ("Without the street cameras: the path breaks at step 3, “Hitch a ride” "
            "(“The station.”): the choice would not have been offered.") in out
    assert "hitch" not in out


def test_whatif_on_a_story_without_variants_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "vt.yaml"
    head, rest = STORY.split("variants:\n", 1)
    path.write_text(head + rest[rest.index("scenes:"):])
    code, out, _ = run(monkeypatch, capsys, ["whatif", str(path), "--choices", "1,2,2"])
    assert code == 0
    assert out.startswith("Variant test — one path, as written (the story has no variants)\n")
    assert "What each would have done" not in out and "Home at last" in out
