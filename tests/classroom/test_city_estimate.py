"""`city` from a class: weights from records, the command, its errors, the report section."""

from __future__ import annotations

import json
import math
from html import unescape
from pathlib import Path

import pytest

from game.classroom.city import (
    class_weights,
    city_estimate,
    people,
    people_range,
    sessions_of,
)
from game.classroom.records import mark_class_folder
from game.classroom.render import write_report
from game.classroom.sessions import ChoiceRecord, Session, read_class
from game.cli import main
from game.story.loader import load_story
from class_helpers import record_paths

ROOT = Path(__file__).resolve().parents[2]
KNOWN = ROOT / "tests" / "engine" / "fixtures" / "known_shares.yaml"
# Who chose what: three paid late and took the first door, one refused and walked.
PATHS = {"ann": ("x", "p"), "ben": ("x", "p"), "cy": ("x", "p"), "dee": ("y", "walk")}


@pytest.fixture(scope="module")
def known_class(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("records") / "8c"
    mark_class_folder(folder)
    return record_paths(folder, load_story(KNOWN), PATHS)


def test_weights_are_the_class_counts_per_scene(known_class: Path) -> None:
    story = load_story(KNOWN)
    sessions = sessions_of(read_class(known_class), story)
    assert class_weights(sessions, story) == {
        "fork": {"x": 3, "y": 1}, "three": {"p": 3}, "station": {"walk": 1}}


def test_where_nobody_came_back_the_estimate_is_the_one_of_the_counts(
        known_class: Path) -> None:
    """Fractions of one are whole counts: a class that never revisited a scene samples the
    very same lives as the counts of its choices did."""
    story = load_story(KNOWN)
    sessions = sessions_of(read_class(known_class), story)
    counts = {"fork": {"x": 3, "y": 1}, "three": {"p": 3}, "station": {"walk": 1}}
    assert (city_estimate(story, lives=1_500, seed=3, sessions=sessions)
            == city_estimate(story, lives=1_500, seed=3, weights=counts))


def choice_line(seq: int, scene: str, choice: str) -> str:
    """One record line of a choice (as a hand-edited record would hold it)."""
    return json.dumps({"seq": seq, "type": "choice", "step": seq, "scene": scene,
                       "choice": choice, "text": None, "tags": []}) + "\n"


def test_one_long_record_weighs_at_a_scene_what_one_student_does(
        tmp_path: Path, known_class: Path) -> None:
    """A hand-edited record of 150,000 lines of one choice outweighed the whole class (every
    visit counted): now it moves the weights exactly as one student choosing it does."""
    import shutil

    story = load_story(KNOWN)
    hostile, ordinary = tmp_path / "hostile", tmp_path / "ordinary"
    shutil.copytree(known_class, hostile)
    shutil.copytree(known_class, ordinary)
    header = (known_class / "dee.jsonl").read_text(encoding="utf-8").splitlines()[0]
    header = header.replace('"codename":"dee"', '"codename":"mal"') + "\n"
    with (hostile / "mal.jsonl").open("w", encoding="utf-8") as handle:
        handle.write(header)
        handle.writelines(choice_line(seq, "fork", "y") for seq in range(1, 150_001))
    (ordinary / "eve.jsonl").write_text(header + choice_line(1, "fork", "y"), encoding="utf-8")
    records = read_class(hostile)
    assert records.skipped_lines == 0 and len(records.sessions) == 5
    weights = class_weights(sessions_of(records, story), story)
    assert weights == class_weights(sessions_of(read_class(ordinary), story), story)
    assert weights["fork"] == {"x": 3, "y": 2}
    assert class_weights(sessions_of(read_class(known_class), story), story)["fork"] == {
        "x": 3, "y": 1}


def session_choosing(name: str, *picks: tuple[str, str]) -> Session:
    """A session of known_shares that took ``picks`` ((scene, choice), in order)."""
    choices = tuple(ChoiceRecord(n, scene, choice, None, ())
                    for n, (scene, choice) in enumerate(picks, 1))
    return Session(file=f"{name}.jsonl", codename=name, story="known_shares",
                   story_version=None, content_hash=None, schema=1, choices=choices,
                   ledger=(), polls=(), chapters=(), ending=None, lines=len(picks) + 1,
                   skipped=0)


def test_a_student_back_at_a_scene_counts_as_fractions_summing_to_one() -> None:
    story = load_story(KNOWN)
    back = session_choosing("ann", ("fork", "x"), ("fork", "x"), ("fork", "y"),
                            ("three", "p"), ("three", "gone"), ("nowhere", "p"))
    once = session_choosing("ben", ("fork", "y"), ("station", "walk"))
    weights = class_weights([back, once], story)
    assert weights == {"fork": {"x": 2 / 3, "y": 1 / 3 + 1}, "three": {"p": 1},
                       "station": {"walk": 1}}
    # A choice the story no longer has is left out before the fractions: p weighs 1.
    assert math.fsum(weights["fork"].values()) == 2


def test_the_weights_do_not_depend_on_the_order_of_the_sessions() -> None:
    """Floats added in another order can round differently: the sum must not."""
    story = load_story(KNOWN)
    picks = [("x",) * 2 + ("y",), ("x",) * 6 + ("y",), ("y",) * 9 + ("x",), ("x", "y"),
             ("x",) * 4 + ("y",) * 3, ("y",) * 4 + ("x",) * 6]
    sessions = [session_choosing(f"p{i}", *(("fork", c) for c in chosen))
                for i, chosen in enumerate(picks * 5)]
    first = class_weights(sessions, story)
    assert class_weights(reversed(sessions), story) == first
    assert class_weights(sessions[1::2] + sessions[::2], story) == first
    assert math.fsum(first["fork"].values()) == len(sessions)


def test_the_estimate_follows_the_class(known_class: Path) -> None:
    story = load_story(KNOWN)
    sessions = sessions_of(read_class(known_class), story)
    est = city_estimate(story, lives=4_000, seed=5, sessions=sessions)
    by_id = {s.id: s for s in est.endings}
    assert by_id["end_one"].low <= 0.75 <= by_id["end_one"].high
    assert by_id["end_two"].hits == 0 and by_id["end_three"].hits == 0
    assert est.weighted and est.population == 1_000_000


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["city", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_city_json_has_the_contract_fields(capsys, known_class: Path) -> None:
    code, out, _ = run(capsys, KNOWN, "--runs", 1500, "--class", known_class, "--json",
                       "--jobs", 1)
    assert code == 0
    doc = json.loads(out)
    assert {"story", "runs", "population", "endings", "tiers", "lists", "refused"} <= set(doc)
    assert doc["story"] == "known_shares" and doc["runs"] == 1500
    assert doc["population"] == 1_000_000
    for section in ("endings", "tiers", "lists", "refused"):
        for value in doc[section].values():
            assert set(value) == {"share", "low", "high", "count"}
            assert value["low"] <= value["share"] <= value["high"]
    assert set(doc["refused"]) == {"rail"} and set(doc["lists"]) == {"debtors"}


def test_city_with_jobs_prints_what_one_job_prints(capsys) -> None:
    one = run(capsys, KNOWN, "--runs", 4_500, "--seed", 7, "--json", "--jobs", 1)
    two = run(capsys, KNOWN, "--runs", 4_500, "--seed", 7, "--json", "--jobs", 2)
    assert one == two and one[0] == 0


def test_city_table_and_chart(capsys, tmp_path: Path) -> None:
    chart = tmp_path / "city.svg"
    code, out, _ = run(capsys, KNOWN, "--runs", 600, "--population", 2_000, "--out", chart)
    assert code == 0
    assert "600 sampled lives (uniform at every scene)" in out
    assert "scaled to 2,000 people" in out and "Walked" in out
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Walked" in svg
    page = tmp_path / "city.html"
    assert run(capsys, KNOWN, "--runs", 600, "--out", page)[0] == 0
    assert "If Testville's 1 million chose at random:" in unescape(page.read_text("utf-8"))
    # The table's people are said as the chart and the sentences say them ("~990,000"),
    # not to the person ("987,567"): the estimate is not that precise.
    import re

    cells = re.findall(r"<td>([^<]*)</td>", page.read_text("utf-8"))
    assert not [c for c in cells if re.fullmatch(r"\d{1,3}(,\d{3})+", c)], cells
    assert any(re.fullmatch(r"~\d+(\.\d)? million|~\d{1,3}(,000)+|~\d+", c) for c in cells)


@pytest.mark.parametrize("args, says", [
    (["--runs", "0"], "--runs must be"),
    (["--population", "0"], "--population must be"),
    (["--jobs", "0"], "--jobs must be"),
    (["--variant", "no_cameras"], "--variant no_cameras: the story 'known_shares' has no "
                                  "variants"),
    (["--out", "city.png"], "write the chart as .html or .svg"),
    (["--class", "/nonexistent/class/dir"], "no such class folder"),
])
def test_bad_arguments_are_one_line_and_exit_2(capsys, args: list[str], says: str) -> None:
    code, out, err = run(capsys, KNOWN, "--runs", 10, *args) if args[0] != "--runs" else run(
        capsys, KNOWN, *args)
    assert code == 2, err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_story_without_population_needs_the_option(capsys, tmp_path: Path) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(KNOWN.read_text(encoding="utf-8").replace(
        "population: {count: 1000000, label: Testville residents}\n", ""), encoding="utf-8")
    code, _, err = run(capsys, story, "--runs", 10)
    assert code == 2 and "has no population: give --population N" in err
    code, out, _ = run(capsys, story, "--runs", 10, "--population", 500, "--json")
    assert code == 0 and json.loads(out)["population"] == 500


def test_a_bad_population_in_the_story_is_a_load_error(capsys, tmp_path: Path) -> None:
    story = tmp_path / "s.yaml"
    story.write_text(KNOWN.read_text(encoding="utf-8").replace(
        "count: 1000000", "count: -3"), encoding="utf-8")
    code, _, err = run(capsys, story, "--runs", 10)
    assert code == 2
    assert f"{story}:6:21: population count should be a whole number" in err


def test_the_class_without_sessions_of_the_story(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    mark_class_folder(folder)
    code, _, err = run(capsys, KNOWN, "--class", folder, "--runs", 10)
    assert code == 2 and "no session of 'known_shares'" in err


def test_people_are_said_as_a_sentence_says_them() -> None:
    assert people(1_912_345) == "1.9 million" and people(21_700_000) == "21.7 million"
    assert people(1_000_000) == "1 million" and people(651_234) == "650,000" and people(42) == "42"
    assert people_range(1_700_000, 2_100_000) == "1.7–2.1 M"
    assert people_range(600_000, 700_000) == "600,000–700,000"
    # An interval across a million, or one narrower than a decimal of a million, once
    # read "1.0–1.0 M" beside "~990,000" (Green Channel's "The Green Channel" ending).
    assert people_range(954_000, 1_026_000) == "950,000–1,000,000"
    assert people_range(21_581_000, 21_634_000) == "21.58–21.63 M"
    assert people_range(21_600_100, 21_600_200) == "21.600–21.600 M"


def test_the_report_is_scaled_to_the_city(known_class: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    write_report(known_class, out, [], KNOWN)
    text = out.read_text(encoding="utf-8")
    assert "## Scaled to the city" in text
    assert "If Testville's 1 million chose as this class did:" in text
    assert "refused The train at least once" in text
    assert "| Refused at least once: The train |" in text
    assert "everyone in the city chooses as this class did" in text
    html = tmp_path / "report.html"
    write_report(known_class, html, [], KNOWN)
    assert 'id="city"' in html.read_text(encoding="utf-8")


def test_the_report_leaves_the_city_out_for_fewer_than_three_players(
        known_class: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    mark_class_folder(small)
    for name in ("ann", "dee"):
        (small / f"{name}.jsonl").write_bytes((known_class / f"{name}.jsonl").read_bytes())
    out = tmp_path / "report.md"
    said = write_report(small, out, [], KNOWN)
    assert "## Scaled to the city" not in out.read_text(encoding="utf-8")
    assert any("at least 3 sessions" in line for line in said)


def test_the_live_numbers_carry_the_city_and_reuse_it(known_class: Path) -> None:
    """The dashboard reads every second: the same choices give the very same section."""
    from game.classroom.live import live_numbers

    story = load_story(KNOWN)
    records = read_class(known_class)
    first = live_numbers(records, story, story.id).report.city
    assert first is not None and first.headline.startswith(
        "If Testville's 1 million chose as this class did:")
    assert live_numbers(records, story, story.id).report.city is first


async def test_the_dashboard_shows_the_city(known_class: Path) -> None:
    from textual.widgets import Static

    from game.classroom.desk import FolderDesk
    from game.ui.dashboard import DashboardApp

    app = DashboardApp(FolderDesk(known_class, load_story(KNOWN)), poll_seconds=0.1)
    async with app.run_test(size=(120, 60)) as pilot:
        for _ in range(400):  # the first read plays 2,000 lives in a worker
            text = str(app.query_one("#city", Static).render())
            if app.numbers is not None and text:
                break
            await pilot.pause(0.05)
        assert "If Testville's 1 million chose as this class did:" in text
        assert "chooses as this class did" in text


def test_a_match_rule_brings_the_base_rate_exhibit(known_class: Path, tmp_path: Path) -> None:
    """A rule about a (face) match: its share of lives, and the strangers one search of the
    whole population puts above the line (1,000,000 / 100,000 = 10), in the report and
    beside the debrief question about false matches."""
    story = tmp_path / "known_shares.yaml"
    story.write_text(KNOWN.read_text(encoding="utf-8").replace(
        "label: Paid late", "label: Auto-listed on a face match").replace(
        "scenes:\n", "debrief:\n  - How many false matches does one search give?\nscenes:\n", 1),
        encoding="utf-8")
    out = tmp_path / "report.md"
    write_report(known_class, out, [], story)
    text = out.read_text(encoding="utf-8")
    assert "### Base rate at city scale" in text
    assert "Auto-listed on a face match: in 75 %" in text  # 3 of the 4 paid late
    assert "Testville residents puts \\~10 strangers above the line" in text
    question = text[text.index("How many false matches"):text.index("## How the class chose")]
    assert "\\~10 strangers above the line" in question
    plain = tmp_path / "plain.md"
    write_report(known_class, plain, [], KNOWN)
    assert "Base rate" not in plain.read_text(encoding="utf-8")


def test_city_under_a_variant_plays_the_variants_rating(capsys) -> None:
    """`--variant ID` samples the same lives under the variant's rating: Green Channel
    without the street cameras refuses the flight and the loan less often."""
    green = ROOT / "stories" / "green_channel"
    code, out, _ = run(capsys, green, "--runs", 1500, "--json", "--jobs", 1)
    assert code == 0
    written = json.loads(out)["refused"]
    code, out, _ = run(capsys, green, "--runs", 1500, "--json", "--jobs", 1,
                       "--variant", "no_cameras")
    assert code == 0
    cameras_off = json.loads(out)["refused"]
    assert cameras_off["loan"]["high"] < written["loan"]["low"]
    code, _, err = run(capsys, green, "--runs", 10, "--variant", "nope")
    assert code == 2 and "its variants are: " in err and "no_cameras" in err


def test_the_csv_report_has_the_city_rows_with_their_intervals(known_class: Path,
                                                               tmp_path: Path) -> None:
    """The CSV carries "Scaled to the city" as the Markdown and HTML do: every outcome's
    estimate and both bounds of its 95 % interval, as numbers, and how it was made."""
    import csv

    md, sheet = tmp_path / "report.md", tmp_path / "report.csv"
    write_report(known_class, md, [], KNOWN)
    write_report(known_class, sheet, [], KNOWN)
    with sheet.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["section"] == "city"]
    made = {r["item"]: r for r in rows if r["where"] == ""}
    assert (made["population"]["label"], made["population"]["count"]) == (
        "Testville residents", "1000000")
    assert (made["lives"]["count"], made["sessions"]["count"], made["seed"]["count"]) == (
        "10000", "4", "0")
    # The Markdown's table, row by row: outcome, share, interval.
    text = md.read_text(encoding="utf-8")
    section = text[text.index("| Outcome | Share | 95 % interval |"):].split("\n\n")[0]
    table = [line.split(" | ") for line in section.splitlines()[2:]]
    assert len(table) >= 3
    by = {(r["where"], r["label"]): r for r in rows}
    for label, share, interval, *_ in table:
        label = label.removeprefix("| ")
        low, high = interval.removesuffix(" %").split("–")
        for where, shown in (("estimate", share.removesuffix(" %")), ("low_95", low),
                             ("high_95", high)):
            row = by[(where, label)]
            assert f"{100 * float(row['share']):.1f}" == shown, (label, where)
            assert row["n"] == "1000000"
            assert abs(int(row["count"]) - float(row["share"]) * 1_000_000) <= 50
        assert float(by[("low_95", label)]["share"]) <= float(by[("estimate", label)]["share"]) \
            <= float(by[("high_95", label)]["share"])
    train = by[("estimate", "Refused at least once: The train")]
    assert train["item"] == "refused:rail"
    notes = [r["label"] for r in rows if r["where"] == "note"]
    assert notes[0].startswith("If Testville's 1 million chose as this class did:")
    assert any("everyone in the city chooses as this class did" in n for n in notes)


# --- bounds: nothing runs for hours, nothing is computed for an --out that cannot be written ---

LOOP = """\
title: Round and round
id: loop
population: {count: 1000, label: people}
scenes:
  a:
    text: Round.
    choices:
      - {id: again, text: Again, goto: b}
      - {id: stay, text: Stay, goto: a}
  b:
    text: And round.
    choices:
      - {id: back, text: Back, goto: a}
      - {id: out, text: Out, goto: end, if: "false"}
  end:
    text: End.
    ending: {title: End, kind: good}
"""


@pytest.fixture
def no_sampling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the lives are sampled (the command must refuse before)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the lives were sampled before the argument was refused")

    monkeypatch.setattr("game.classroom.city.sample_lives", refuse)


def test_a_story_whose_lives_never_end_is_refused_with_the_runs_that_fit(
        capsys, tmp_path: Path, no_sampling) -> None:
    """Every life runs to the 2,000-step cap: 100,000 of them were 200 million steps (an
    hour of a core) to say "no ending"; the first 100 lives judge it, the same everywhere."""
    story = tmp_path / "loop.yaml"
    story.write_text(LOOP, encoding="utf-8")
    code, out, err = run(capsys, story)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert ("--runs 100,000: the first 100 sampled lives took 2,000 steps each; 100 of them "
            "reached no ending") in err
    assert err.rstrip().endswith("give --runs 50,000 or fewer")


def test_runs_that_fit_the_step_budget_play(capsys, tmp_path: Path) -> None:
    story = tmp_path / "loop.yaml"
    story.write_text(LOOP, encoding="utf-8")
    code, out, _ = run(capsys, story, "--runs", 150, "--json", "--jobs", 1)
    assert code == 0 and json.loads(out)["unfinished"] == 150


@pytest.mark.parametrize("runs", [1_000_001, 10**12])
def test_runs_past_a_million_are_refused(capsys, runs: int) -> None:
    code, _, err = run(capsys, KNOWN, "--runs", runs)
    assert code == 2 and "--runs must be from 1 to 1,000,000" in err


@pytest.mark.parametrize("where, says", [
    ("a_folder.html", "is a folder"),
    ("a_file.yaml/city.svg", "is not a folder"),
])
def test_an_out_that_cannot_be_written_is_refused_before_any_life(
        capsys, tmp_path: Path, no_sampling, where: str, says: str) -> None:
    (tmp_path / "a_folder.html").mkdir()
    (tmp_path / "a_file.yaml").write_text("x")
    code, out, err = run(capsys, KNOWN, "--runs", 600, "--out", tmp_path / where)
    assert code == 2 and out == "" and says in err and err.count("\n") == 1, err


def test_jobs_beyond_the_cores_use_the_cores(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 10000 forked one process per chunk of 1,000 lives (100 for the default)."""
    import game.classroom.city as city

    asked: list[int] = []
    real = city.sample_lives

    def spy(story, lives, seed, weights, jobs):
        asked.append(jobs)
        return real(story, lives, seed, weights, 1)

    monkeypatch.setattr(city, "sample_lives", spy)
    monkeypatch.setattr(city.os, "cpu_count", lambda: 3)
    assert run(capsys, KNOWN, "--runs", 50, "--jobs", 10_000)[0] == 0
    assert asked == [3]


def test_the_class_line_says_whose_choices_weighed_and_what_was_left_out(
        capsys, tmp_path: Path, known_class: Path) -> None:
    """Damaged and hand-edited records were left out of the weights without a word."""
    import shutil

    folder = tmp_path / "8c"
    shutil.copytree(known_class, folder)
    with (folder / "ann.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"seq": 99, "type": "choice", "step": "one"}\n{"cut sh\n')
    (folder / "junk.jsonl").write_text("not json\n", encoding="utf-8")
    code, out, _ = run(capsys, KNOWN, "--class", folder, "--runs", 50)
    assert code == 0
    assert out.splitlines()[-1] == (f"Weighted by the choices of 4 sessions in {folder} "
                                    "(1 file could not be read, 3 damaged lines skipped: "
                                    "`report` lists them).")
    code, out, _ = run(capsys, KNOWN, "--class", folder, "--runs", 50, "--json")
    assert json.loads(out)["class_sessions"] == 4
    code, out, _ = run(capsys, KNOWN, "--runs", 50, "--json")
    assert "class_sessions" not in json.loads(out)


def test_the_report_leaves_the_city_out_when_lives_loop(tmp_path: Path, no_sampling) -> None:
    """The dashboard makes the section again at every new choice: 2,000 lives of 2,000 steps
    each kept the teacher's laptop busy all lesson; the first lives say so, and it is left
    out with the reason."""
    from game.classroom.city import city_section

    path = tmp_path / "loop.yaml"
    path.write_text(LOOP, encoding="utf-8")
    story = load_story(path)
    folder = tmp_path / "records" / "9x"
    mark_class_folder(folder)
    record_paths(folder, story, {name: ("again", "back", "stay") for name in ("ann", "ben", "cy")})
    sessions = sessions_of(read_class(folder), story)
    section, why = city_section(sessions, story, lives=2_000)
    assert section is None
    assert why == ("Scaled to the city is left out: sampled lives of this story take 2,000 "
                   "steps each (100 of 100 reached no ending); `python -m game city` can "
                   "still sample fewer lives.")


def test_an_out_in_a_folder_that_cannot_be_written_is_refused_before_any_life(
        capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sampling) -> None:
    import game.classroom.city as city

    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(city.os, "access", lambda path, mode: Path(path) != locked)
    code, out, err = run(capsys, KNOWN, "--runs", 600, "--out", locked / "new" / "c.svg")
    assert code == 2 and out == ""
    assert err == f"error: --out {locked / 'new' / 'c.svg'}: cannot write in {locked} " \
                  "(permission denied)\n"


def test_no_probe_when_even_lives_at_the_step_cap_fit(capsys, tmp_path: Path,
                                                       monkeypatch) -> None:
    """1,000 lives of at most 2,000 steps cannot pass the budget: nothing is played twice."""
    def probe(*args, **kwargs):
        raise AssertionError("a probe was played for lives that fit whatever they do")

    monkeypatch.setattr("game.classroom.city.play_chunk", probe)
    story = tmp_path / "loop.yaml"
    story.write_text(LOOP, encoding="utf-8")
    code, out, _ = run(capsys, story, "--runs", 1000, "--json", "--jobs", 1)
    assert code == 0 and json.loads(out)["unfinished"] == 1000
