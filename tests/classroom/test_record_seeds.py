"""Class records keep the game's seed, and every replay of a record uses it.

A story that draws random numbers can open a choice for one seed and not for
another: a path replayed with the wrong seed breaks, or ends elsewhere, and the
report's "Under other systems" and "Asked of N of M" would misstate the class.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from class_helpers import FIXTURES, lesson, play_session, record_one
from game.classroom import lines
from game.classroom.records import RecordWriter
from game.classroom.render import to_markdown
from game.classroom.report import build_report
from game.classroom.sessions import NO_SEED, read_class, read_session
from game.cli import main
from game.engine.engine import Engine
from game.engine.saves import SEED_RANGE
from game.engine.whatif import drew, replayed
from game.story.loader import load_story

LUCK = FIXTURES / "luck.yaml"
STORIES = Path(__file__).resolve().parents[2] / "stories"
# codename: (the game's seed, the choice the coin left open). The coin is random(1, 2):
# seeds 1 and 2 draw 1 (stopped, and listed), seeds 0 and 3 draw 2 (waved through).
PLAYERS = {"ada": (1, "stopped"), "bo": (2, "stopped"), "cy": (3, "waved"), "di": (0, "waved")}


@pytest.fixture(scope="module")
def luck():
    return load_story(LUCK)


def record(folder: Path, story, name: str, seed: int, choices: tuple[str, ...]) -> Engine:
    """One player's whole game, recorded as a class records it."""
    return record_one(folder, story, name, choices, seed, proceed=True)


@pytest.fixture(scope="module")
def played(tmp_path_factory, luck) -> Path:
    folder = tmp_path_factory.mktemp("luck") / "8a"
    folder.mkdir()
    for name, (seed, choice) in PLAYERS.items():
        record(folder, luck, name, seed, (choice,))
    return folder


def without_seeds(path: Path) -> None:
    """Make a record file look written by a Standing from before records kept the seed."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        data.pop("seed", None)
        out.append(json.dumps(data))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_the_fixture_really_depends_on_the_seed(luck) -> None:
    for seed, choice in PLAYERS.values():
        open_ = [c.id for c in Engine(luck, seed=seed).view().open_choices]
        assert open_ == [choice]
    assert NO_SEED == 0 and Engine(luck, seed=NO_SEED).view().open_choices[0].id == "waved"


def test_every_header_keeps_the_seed_of_the_game_it_records(played: Path, luck,
                                                            tmp_path: Path) -> None:
    for name, (seed, _) in PLAYERS.items():
        header = json.loads((played / f"{name}.jsonl").read_text().splitlines()[0])
        assert header["type"] == "joined" and header["seed"] == seed
        assert read_session(played / f"{name}.jsonl")[0].seed == seed
    # A save slot loaded mid-session is another game: its block says its own seed.
    folder = tmp_path / "8b"
    writer = RecordWriter.create(folder, "eve", "8b")
    writer.attach(Engine(luck, seed=5))
    writer.follow(Engine(luck, seed=2))
    writer.close()
    headers = [json.loads(line) for line in (folder / "eve.jsonl").read_text().splitlines()
               if '"joined"' in line or '"resumed"' in line]
    assert [(h["type"], h["seed"]) for h in headers] == [("joined", 5), ("resumed", 2)]
    assert read_session(folder / "eve.jsonl")[0].seed == 2


def test_under_other_systems_replays_each_path_with_its_own_seed(played: Path, luck) -> None:
    report = build_report(read_class(played), luck, "luck", show_small=True)
    written, no_stops = report.variants
    # With seed 0 for all, the two stopped paths broke (the coin kept that door shut).
    assert (written.n, written.broke, written.listed) == (4, 0, 2)
    assert [(t.key, t.count) for t in written.tiers] == [("A", 2), ("C", 2)]
    assert (no_stops.broke, [(t.key, t.count) for t in no_stops.tiers]) == (0, [("A", 4),
                                                                                ("C", 0)])
    assert "seed" not in " ".join(report.notes)  # every path had its own
    assert "| Path breaks (a choice closed) | 0 (0 %) | 0 (0 %) |" in to_markdown(report)


def test_asked_of_counts_the_paths_replayed_with_their_seeds(played: Path, luck) -> None:
    report = build_report(read_class(played), luck, "luck", show_small=True)
    everyone, listed = report.debrief
    assert (everyone.asked, everyone.of) == (None, 4)
    assert (listed.asked, listed.of) == (2, 4)  # with seed 0: 0 of the 2 that replayed
    assert "Asked of 2 of 4 finished players" in to_markdown(report)


def test_an_old_record_without_a_seed_still_loads_and_the_report_says_so(
        played: Path, luck, tmp_path: Path) -> None:
    folder = tmp_path / "8a"
    folder.mkdir()
    for name in PLAYERS:
        (folder / f"{name}.jsonl").write_bytes((played / f"{name}.jsonl").read_bytes())
    without_seeds(folder / "cy.jsonl")  # seed 3: drew 2, as seed 0 does
    without_seeds(folder / "ada.jsonl")  # seed 1: drew 1, seed 0 does not
    records = read_class(folder)
    assert len(records.sessions) == 4 and records.skipped_lines == 0
    by_name = {s.codename: s for s in records.sessions}
    assert (by_name["cy"].seed, by_name["cy"].replay_seed) == (None, NO_SEED)
    report = build_report(records, luck, "luck", show_small=True)
    assert report.variants[0].broke == 1  # ada's path, replayed with seed 0
    note = ("2 finished paths were recorded by an older Standing, without the game's seed, "
            "and drew random numbers: replayed with seed 0, their counts under other systems "
            "and which debrief questions they were asked may not be what those players had.")
    assert note in report.notes and note in to_markdown(report)


def test_no_note_when_the_seedless_paths_drew_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "7b"
    for name in ("ant", "bee", "cat"):
        play_session(folder, name)
        without_seeds(folder / f"{name}.jsonl")
    records = read_class(folder)
    assert {s.seed for s in records.sessions} == {None}
    report = build_report(records, lesson(), "lesson")
    assert not any("seed" in note for note in report.notes)


def test_drew_says_whether_a_replay_drew_random_numbers(luck) -> None:
    assert drew(replayed(luck, ["stopped"], 1)[1])
    assert not drew(replayed(lesson(), ["late", "cross"], 1)[1])


BAD_SEEDS = {"text": "12", "a float": 1.5, "true": True, "a list": [1],
             "above 64 bits": SEED_RANGE.stop, "below 64 bits": SEED_RANGE.start - 1}


@pytest.mark.parametrize("name", sorted(BAD_SEEDS))
def test_a_record_with_a_bad_seed_is_refused_with_its_line_and_field(
        name: str, played: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "8a"
    folder.mkdir()
    for codename in PLAYERS:
        (folder / f"{codename}.jsonl").write_bytes((played / f"{codename}.jsonl").read_bytes())
    path = folder / "ada.jsonl"
    text = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(text[0])
    header["seed"] = BAD_SEEDS[name]
    path.write_text("\n".join([json.dumps(header), *text[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(lines.BadSeed):
        lines.parse(json.dumps(header))
    assert lines.written_by_standing(path)  # still Standing's: retention may delete it
    session, _, why = read_session(path)
    assert session is None
    assert why == (f"line 1: 'seed' is not a whole number from {SEED_RANGE.start} to "
                   f"{SEED_RANGE.stop - 1}, so its path cannot be replayed")
    out = tmp_path / "r.md"
    assert main(["--stories", str(FIXTURES), "report", str(folder), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"Not used: ada.jsonl: {why}." in said and "3 sessions" in said
    assert f"Not used: ada.jsonl: {why}." in out.read_text(encoding="utf-8")
    # A folder holding only refused records: exit 2, one line naming the file, line, field.
    for codename in ("bo", "cy", "di"):
        (folder / f"{codename}.jsonl").unlink()
    assert main(["--stories", str(FIXTURES), "report", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {folder}: no session record could be used: ada.jsonl: {why}\n"


def test_a_null_seed_reads_as_none_and_every_seed_in_range_round_trips() -> None:
    base = {"seq": 0, "type": "joined", "format": "standing-record", "schema": 1,
            "codename": "ada", "class": "8a", "story": "luck", "story_title": None,
            "story_version": None, "content_hash": None}
    assert lines.parse(json.dumps({**base, "seed": None})).seed is None
    for seed in (SEED_RANGE.start, -1, 0, 2**31, SEED_RANGE.stop - 1):
        header = lines.parse(json.dumps({**base, "seed": seed}))
        assert header.seed == seed
        assert lines.parse(json.dumps({"seq": 0, **lines.encode(header)})) == header


# A path of a bundled story that breaks when replayed with seed 0: Good Citizen draws
# whether the inspection audits the desk (random(1, 3)); with seed 3 this player took the
# envelope and was not audited, so "say_no" was open to them; with seed 0 it is not.
GOOD_CITIZEN = (3, ("open_app", "lake", "hold_bag", "walk_past", "take_it", "say_no",
                    "find_staff", "forms", "fixer", "pay_pan", "object", "find_them",
                    "come_with_me", "check_fast", "wait_green", "say_nothing", "wait_evening",
                    "city_college"))


def test_a_bundled_story_path_that_needs_its_seed_is_counted_as_played(tmp_path: Path) -> None:
    story = load_story(STORIES / "good_citizen.yaml")
    seed, path = GOOD_CITIZEN
    assert replayed(story, path, NO_SEED)[0].broke_at is not None  # the trap, still there
    folder = tmp_path / "9a"
    engine = record(folder, story, "ada", seed, path)
    assert engine.ended
    report = build_report(read_class(folder), story, story.id, show_small=True)
    assert report.finished == 1
    assert [c.broke for c in report.variants] == [0] * len(report.variants)
    written = report.variants[0]
    assert [e.key for e in written.endings if e.count] == [engine.state.ending]
    asked = [item for item in report.debrief if item.asked is not None]
    assert asked and all(item.of == 1 for item in asked)  # with seed 0: of 0


def test_the_terminal_player_in_class_mode_records_its_seed(luck, tmp_path: Path) -> None:
    from game.launch import play

    out = io.StringIO()
    # Enter takes the offered codename; "1" takes the one choice the coin left open.
    assert play(LUCK, seed=2, plain=True, inp=io.StringIO("\n1\n"), out=out,
                class_code="8a", records=tmp_path) == 0
    (path,) = (tmp_path / "8a").glob("*.jsonl")
    session = read_session(path)[0]
    assert session.seed == 2 and [c.choice for c in session.choices] == ["stopped"]
    report = build_report(read_class(tmp_path / "8a"), luck, "luck", show_small=True)
    assert report.variants[0].broke == 0 and report.variants[0].listed == 1


def test_a_served_seat_records_the_random_seed_its_game_got(luck, tmp_path: Path) -> None:
    from game.classroom.seat import ClassSeat

    folder = tmp_path / "8a"
    folder.mkdir()
    seat = ClassSeat(luck, folder)  # no seed given: each game gets a random one
    engine, _, _ = seat.join("ada", "", "K7PM-X3QA")
    engine.take(engine.view().open_choices[0].id)
    seat.leave()
    assert read_session(folder / "ada.jsonl")[0].seed == engine.seed


def test_the_live_dashboard_replays_with_the_seeds_too(played: Path, luck) -> None:
    from game.classroom.live import ClassWatch, live_numbers

    numbers = live_numbers(ClassWatch(played).read(), luck, "luck")
    written = numbers.report.variants[0]
    assert (written.broke, written.listed) == (0, 2)
