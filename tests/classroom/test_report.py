"""The class report: the numbers, small counts hidden, and the three formats."""

from __future__ import annotations

import csv
import re
import io
import shutil
import sys
from pathlib import Path

import pytest

from class_helpers import FIXTURES, LESSON, lesson, play_session
from game.classroom.render import to_csv, to_html, to_markdown, write_report
from game.classroom.report import build_report, gini
from game.classroom.sessions import read_class
from game.cli import main

# Nine players: who chose what, and their fair-poll answers before and after.
CLASS = [
    ("ant", "late", "cross", 0, 2), ("bee", "late", "cross", 0, 2),
    ("cat", "late", "cross", 1, 1), ("dog", "late", "cross", 2, 2),
    ("eel", "borrow", "help", 0, 0), ("fox", "borrow", "help", 0, 0),
    ("gnu", "borrow", "help", 1, 0), ("hen", "borrow", "wait", 0, 1),
    ("ibis", "late", None, 0, None),
]


@pytest.fixture(scope="module")
def recorded_class(tmp_path_factory) -> Path:
    """The class played once per module (each line is fsynced: it takes a moment)."""
    folder = tmp_path_factory.mktemp("records") / "7b"
    folder.mkdir()
    for name, bill, street, before, after in CLASS:
        play_session(folder, name, bill=bill, street=street, before=before, after=after)
    return folder


@pytest.fixture
def lesson_class(recorded_class: Path, tmp_path: Path) -> Path:
    """A fresh copy of the recorded class for one test."""
    folder = tmp_path / "copy" / "7b"
    shutil.copytree(recorded_class, folder)
    return folder


def report_of(folder: Path, **options):
    records = read_class(folder)
    return build_report(records, lesson(), "lesson", **options)


def test_gini() -> None:
    assert gini([5, 5, 5]) == 0
    assert gini([0, 0, 1]) == pytest.approx(0.6667, abs=1e-4)
    assert gini([]) is None and gini([-1, 2]) is None and gini([0, 0]) == 0


def test_each_decision_has_its_split_with_n(lesson_class: Path) -> None:
    report = report_of(lesson_class)
    assert report.sessions == 9 and report.finished == 8
    bill, street = report.decisions
    assert (bill.scene, bill.n, bill.players, bill.chapter) == ("bill", 9, 9, "Monday")
    assert [(o.key, o.count) for o in bill.options] == [("late", 5), ("borrow", 4)]
    assert bill.options[0].label == "Pay it late" and bill.options[0].detail == "resist"
    assert bill.prompt == "A bill arrives the day before payday."
    assert [(o.key, o.count) for o in street.options] == [("cross", 4), ("help", 3),
                                                          ("wait", 1)]
    assert street.n == 8 and street.chapter == "Tuesday"
    assert {t.key: t.count for t in report.tags} == {"resist": 5, "comply": 4}


def test_endings_scores_and_tiers(lesson_class: Path) -> None:
    report = report_of(lesson_class)
    assert [(e.label, e.count) for e in report.endings] == [("The week ends", 8),
                                                            ("Not finished", 1)]
    scores = report.scores
    assert sorted(scores.values) == [20, 20, 20, 20, 100, 110, 110, 110]
    assert scores.median == 60 and scores.low == 20 and scores.high == 110
    assert scores.gini == gini([20, 20, 20, 20, 100, 110, 110, 110])
    assert [(t.key, t.count) for t in scores.tiers] == [("A", 4), ("B", 0), ("C", 4)]


def test_still_on_a_list_is_a_count_hidden_under_3_in_every_format(lesson_class: Path) -> None:
    """"(2 still on it at the end)" beside a hidden "<3 listed" gave the count away."""
    for name in ("cat", "dog", "ibis"):  # two listed players remain: ant and bee
        (lesson_class / f"{name}.jsonl").unlink()
    report = report_of(lesson_class)
    (listed,) = report.listed
    assert listed.count == 2 and report.hidden(listed.count)
    assert listed.detail == "<3 still on it at the end"
    for text in (to_markdown(report), to_csv(report), to_html(report)):
        assert "2 still on it" not in text
    assert "<3 still on it" in to_markdown(report)
    (shown,) = report_of(lesson_class, show_small=True).listed
    assert shown.detail == "2 still on it at the end"


def test_listings_name_the_rule_the_source_and_the_mistake(lesson_class: Path) -> None:
    report = report_of(lesson_class)
    (listing,) = report.listings
    assert listing.list_label == "Debtors' list"
    assert listing.scene == "A bill arrives the day before payday."  # its words, not its id
    assert listing.rules == "Paid a bill late" and listing.source == "Credit record"
    assert listing.mistake and listing.players == 5
    (listed,) = report.listed
    assert listed.count == 5 and listed.detail == "5 still on it at the end"
    rules = {r.label: r for r in report.rules}
    assert rules["Crossed on red"].mistakes == 4 and rules["Crossed on red"].hidden
    assert rules["Helped a neighbour"].players == 3 and not rules["Helped a neighbour"].hidden
    assert rules["Paid a bill late"].total == -100
    assert report.sources[0].label == "Credit record"


def test_polls_before_and_after_with_changes(lesson_class: Path) -> None:
    report = report_of(lesson_class)
    (fair,) = report.polls
    before, after = fair.asks
    assert (before.scene, after.scene) == ("before", "after")
    assert [o.count for o in before.options] == [6, 2, 1] and before.n == 9
    assert [o.count for o in after.options] == [3, 2, 3] and after.n == 8
    assert fair.both == 8
    changed = sum(1 for _, _, _, b, a in CLASS if a is not None and a != b)
    assert fair.changed == changed


def test_debrief_questions_sit_beside_their_numbers(lesson_class: Path) -> None:
    report = report_of(lesson_class)
    source, mistake, crossing, opinion = report.debrief
    assert any("Credit record" in f for f in source.facts)
    assert any("by the system's mistake: 5" in f for f in mistake.facts)
    assert any("Closest split" in f for f in crossing.facts)
    assert any("changed their answer" in f for f in opinion.facts)


def test_small_counts_are_hidden_unless_asked(lesson_class: Path) -> None:
    report = report_of(lesson_class)
    md = to_markdown(report)
    assert "| Wait | <3 |" in md
    assert "| Not finished | still playing or left | <3 |" in md
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    wait = next(r for r in rows if r["section"] == "decision" and r["item"] == "wait")
    assert wait["count"] == "<3" and wait["share"] == ""
    # Each decision's scene id is said in words once (what the Markdown titles it).
    for d in report.decisions:
        named = [r for r in rows if r["section"] == "decision" and r["where"] == d.scene
                 and r["item"] == "scene"]
        where = f"{d.chapter} · " if d.chapter else ""
        assert [r["label"] for r in named] == [where + d.prompt] and d.prompt, d.scene
        assert f"### {where + d.prompt}" in md
    assert report.polls
    for poll in report.polls:
        for a in poll.asks:
            asked = [r["label"] for r in rows if r["section"] == "poll"
                     and r["where"] == f"{poll.id}@{a.scene}" and r["item"] == "question"]
            assert asked == [a.question], (poll.id, a.scene)
    shown = report_of(lesson_class, show_small=True)
    assert "| Wait | 1 | 12 % |" in to_markdown(shown)


def test_codenames_appear_only_with_per_player(lesson_class: Path) -> None:
    plain = report_of(lesson_class)
    for text in (to_markdown(plain), to_csv(plain), to_html(plain)):
        assert "ibis" not in text and "gnu" not in text
    each = report_of(lesson_class, per_player=True)
    assert {p.codename for p in each.players} == {c[0] for c in CLASS}
    ibis = next(p for p in each.players if p.codename == "ibis")
    assert ibis.ending is None and ibis.lists == ("Debtors' list",)
    for text in (to_markdown(each), to_csv(each), to_html(each)):
        assert "ibis" in text


def test_the_html_is_self_contained_and_prints(lesson_class: Path) -> None:
    html = to_html(report_of(lesson_class))
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 4
    assert "@media print" in html
    lowered = html.lower()
    for fetch in ("<script", "src=", "@import", "url(http", "url('http", '<link',
                  'href="http', "xlink:href=\"http"):
        assert fetch not in lowered
    assert "The week ends" in html and "Debtors&#x27; list" in html


def test_the_html_is_the_same_file_each_time(lesson_class: Path) -> None:
    assert to_html(report_of(lesson_class)) == to_html(report_of(lesson_class))


def test_damaged_records_are_counted_in_the_report(lesson_class: Path) -> None:
    with (lesson_class / "ant.jsonl").open("a") as handle:
        handle.write('{"seq": 99, "type": "cho')
    (lesson_class / "zzz.jsonl").write_text("garbage\n")
    report = report_of(lesson_class)
    assert report.skipped_lines == 2 and report.sessions == 9
    md = to_markdown(report)
    assert "2 damaged or cut-short record lines were skipped." in md
    assert "Not used: zzz.jsonl: holds no session." in md


def test_without_the_story_the_report_still_works(lesson_class: Path) -> None:
    records = read_class(lesson_class)
    report = build_report(records, None, "lesson")
    assert report.debrief == () and "was not found" in report.notes[0]
    assert [(o.key, o.count) for o in report.decisions[0].options] == [("late", 5),
                                                                       ("borrow", 4)]
    assert report.polls[0].asks[0].options[0].label == "Yes"
    to_markdown(report), to_csv(report), to_html(report)


def test_an_empty_class_renders(tmp_path: Path) -> None:
    empty = tmp_path / "7c"
    empty.mkdir()
    report = build_report(read_class(empty), lesson(), "lesson")
    assert report.sessions == 0
    for render in (to_markdown, to_csv, to_html):
        assert render(report)


@pytest.mark.parametrize("suffix", [".html", ".md", ".csv"])
def test_the_report_command_writes_each_format(lesson_class: Path, tmp_path: Path,
                                               suffix: str, capsys) -> None:
    out = tmp_path / f"report{suffix}"
    code = main(["--stories", str(FIXTURES), "report", str(lesson_class), "--out", str(out)])
    assert code == 0 and out.stat().st_size > 500
    said = capsys.readouterr().out
    assert f"Wrote {out}: 9 sessions, 8 finished." in said


def test_the_report_command_takes_the_story_by_path(lesson_class: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    assert main(["report", str(lesson_class), "--out", str(out), "--story", str(LESSON),
                 "--per-player", "--show-small"]) == 0
    text = out.read_text()
    assert "## Per codename" in text and "Which source reported most about you?" in text


def test_report_mistakes_are_one_line(lesson_class: Path, tmp_path: Path, capsys) -> None:
    assert main(["report", str(lesson_class), "--out", str(tmp_path / "r.pdf")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'r.pdf'}: write the report " \
        "as .html, .md or .csv"
    assert main(["report", str(tmp_path / "nope"), "--out", str(tmp_path / "r.md")]) == 2
    assert "no such class folder" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty), "--out", str(tmp_path / "r.md")]) == 2
    assert "no session records" in capsys.readouterr().err


def test_without_matplotlib_the_html_report_names_the_install(lesson_class: Path,
                                                              tmp_path: Path, monkeypatch,
                                                              capsys) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["report", str(lesson_class), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err.strip()
    # The Python running Standing installs it (Standing comes from its folder, not an
    # index: 'pip install standing[report]' would fetch some other package of that name).
    assert f"{sys.executable} -m pip install 'matplotlib>=3.5,<4'" in err and "\n" not in err
    assert "standing[" not in err
    assert main(["--stories", str(FIXTURES), "report", str(lesson_class), "--out",
                 str(tmp_path / "r.md")]) == 0  # Markdown and CSV need no matplotlib


def test_a_folder_of_two_stories_reports_the_commoner(lesson_class: Path, tmp_path: Path) -> None:
    other = lesson_class / "zed.jsonl"
    other.write_text('{"seq":0,"type":"joined","format":"standing-record","schema":1,'
                     '"codename":"zed","class":"7b","story":"other","story_title":"O",'
                     '"story_version":null,"content_hash":null}\n')
    lines = write_report(lesson_class, tmp_path / "r.md", [FIXTURES])
    assert "Sessions of other stories are not in this report: other (1)." in " ".join(lines)


def test_report_takes_a_class_code_for_the_default_place(lesson_class: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    """`report 7b` finds the class where `play --class 7b` and `class serve` write it."""
    data = tmp_path / "data"
    shutil.copytree(lesson_class, data / "classes" / "7b")
    monkeypatch.setenv("STANDING_DATA_DIR", str(data))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.md"
    assert main(["report", "7b", "--out", str(out), "--story", str(LESSON)]) == 0
    assert out.read_text(encoding="utf-8").strip()


def test_the_report_shows_words_not_story_markup_or_ids(lesson_class: Path) -> None:
    from dataclasses import replace

    from game.classroom import sections
    from game.classroom.questions import _facts
    from game.classroom.formatting import number_text

    story = lesson()
    assert sections.words(story.scenes["after"].text[0].text) == "Your score is …."
    report = report_of(lesson_class)
    facts = [f for item in report.debrief for f in item.facts]
    split = next(f for f in facts if f.startswith("Closest split"))
    assert split.startswith("Closest split (A bill arrives the day before payday.): ")
    assert not any("(street)" in f or "(bill)" in f or "'fair'" in f for f in facts)
    odd = replace(report, scores=replace(report.scores, median=4.11384, low=-2.5, high=4.1))
    scores_fact = _facts(odd)["scores"][0]  # the lesson asks no question about scores
    assert "median 4.11, from -2.5 to 4.1" in scores_fact
    assert [number_text(v) for v in (4.11384, 4.10, 80.0, -20, None, 2.0**53)] == [
        "4.11", "4.1", "80", "-20", "–", "9007199254740992"]
    md, html = to_markdown(report), to_html(report)
    for text in (md, html):
        assert "Before (n = " in text or ">Before<" in text
        assert "in before" not in text and "{score}" not in text
    assert "### Monday · A bill arrives the day before payday." in md


def test_the_report_command_counts_one_session_in_the_singular(lesson_class: Path,
                                                                tmp_path: Path, capsys) -> None:
    """"Wrote r.md: 1 sessions, 1 finished." read wrong for a class of one."""
    one = tmp_path / "one" / "7b"
    one.mkdir(parents=True)
    (ant,) = [r for r in lesson_class.glob("*.jsonl") if r.name.startswith("ant")]
    shutil.copy(ant, one)  # ant played to an ending
    out = tmp_path / "r.md"
    assert main(["--stories", str(FIXTURES), "report", str(one), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"Wrote {out}: 1 session, 1 finished." in said


def test_one_ending_reached_is_said_in_the_singular(lesson_class: Path) -> None:
    """"1 different endings reached; the most common: …" read wrong when the whole class
    met one ending (the lesson has only one)."""
    from dataclasses import replace

    from game.classroom.questions import _facts

    report = report_of(lesson_class)
    (reached,) = [e for e in report.endings if e.key and e.count]
    assert _facts(report)["endings"] == [f"1 ending reached: {reached.label} (8 of 9, 89 %)."]
    other = replace(reached, key="other", label="Another", count=3)
    two = replace(report, endings=(reached, other))
    assert _facts(two)["endings"][0].startswith(
        f"2 different endings reached; the most common: {reached.label} (8 of 9")


def test_a_share_of_players_reads_as_a_sentence(lesson_class: Path) -> None:
    """"28 of 28, 100 % players" put the noun after the percentage."""
    report = report_of(lesson_class)
    facts = [f for item in report.debrief for f in item.facts]
    assert not [f for f in facts if re.search(r"% players", f)]
    assert any(re.search(r"\b\d+ of \d+ players, \d+ %", f) for f in facts)


def test_a_question_with_if_says_how_many_it_was_asked_of(lesson_class: Path,
                                                           tmp_path: Path) -> None:
    """Questions with `if:` were listed as if everyone had been asked them; each now
    says how many finished players' paths fit its condition (replayed from the records)."""
    from game.story.loader import load_story

    text = LESSON.read_text(encoding="utf-8").replace(
        "  - Did your opinion change?\n",
        "  - Did your opinion change?\n"
        "  - text: You were put on the list. How could you get off it?\n"
        "    if: \"listed('debtors')\"\n"
        "  - text: You helped. Would you have without the points?\n"
        "    if: \"recorded('helped') >= 1\"\n")
    assert "How could you get off it" in text
    story_file = tmp_path / "lesson.yaml"
    story_file.write_text(text, encoding="utf-8")
    report = build_report(read_class(lesson_class), load_story(story_file), "lesson")
    *everyone, listed, helped = report.debrief
    assert all(item.asked is None for item in everyone)
    # Finished: ant, bee, cat, dog paid late (listed); eel, fox, gnu helped; hen waited.
    assert (listed.asked, listed.of) == (4, 8) and (helped.asked, helped.of) == (3, 8)
    md = to_markdown(report)
    assert "*Asked of 4 of 8 finished players (those whose path fits its condition).*" in md
    assert "Asked of 3 of 8 finished players" in to_html(report)
    hidden = build_report(read_class(lesson_class), load_story(story_file), "lesson",
                          show_small=False)
    assert hidden.debrief[-1].asked == 3  # 3 is not a small count (under 3 is)


def test_options_with_the_same_words_are_told_apart_by_where_they_lead() -> None:
    """Green Channel's gate offers "Walk through to the platform" on two paths (to two
    endings): the report showed two rows of the same words, one 0 % and one 100 %."""
    from game.classroom.sections import told_apart
    from game.classroom.summary import Count
    from game.cli import resolve_story
    from game.story.loader import load_story

    story = load_story(resolve_story("green_channel", []))
    scene = next(s for s in story.scenes.values()
                 if any(c.id == "gate_opens" for c in s.choices))
    options = [Count(c.id, "Walk through to the platform" if c.id.startswith("gate_opens")
                     else "Go to window 9", 1, 3) for c in scene.choices]
    labels = [o.label for o in told_apart(options, scene.id, story)]
    assert len(set(labels)) == len(labels) == 3
    assert labels[2] == "Go to window 9"  # an option of its own words is left alone
    assert all(label.startswith("Walk through to the platform (then: ") for label in labels[:2])
    same = [Count("a", "Go", 1, 2), Count("b", "Go", 1, 2)]  # no story: nothing to tell by
    assert told_apart(same, "s", None) == same


def test_a_decision_caption_says_one_choice() -> None:
    from game.classroom.formatting import decision_caption
    from game.classroom.summary import Decision

    one = Decision("s", None, "", (), 1, 1)
    assert decision_caption(None, one) == "n = 1 choice"
    assert decision_caption(None, Decision("s", None, "", (), 3, 1)) == "n = 3 choices by 1 player"


def test_a_mistyped_class_code_names_the_classes_there(capsys) -> None:
    """`report 9z`, `city STORY --class 9z` and `class dashboard 9z` said only that there
    was no such folder: a teacher who typed the code wrong was not told the right ones."""
    from game.classroom.records import class_folder

    for code in ("9b", "9d"):
        play_session(class_folder(code), "amber-otter")
    (class_folder("x").parent / "notes").mkdir()  # not a class: not offered
    for args in (["report", "9z", "--out", "r.md"], ["city", str(LESSON), "--class", "9z"],
                 ["class", "dashboard", "9z"]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "there is no class 9z" in err, err
        assert err.rstrip().endswith(f"the classes in {class_folder('x').parent} are: 9b, 9d")\
            or err.rstrip().endswith("are: 9b, 9d)"), err


def test_the_mean_reads_at_one_decimal_more_than_the_scores(lesson_class: Path) -> None:
    """Whole scores gave a mean of "63.75" (and "938.57" in a class): one decimal more
    than the story's scores is what a teacher reads, in every format but CSV, whose
    numbers keep their precision for a spreadsheet."""
    for name in ("ant", "eel", "ibis"):  # 20, 20, 20, 100, 110, 110: mean 63.33...
        (lesson_class / f"{name}.jsonl").unlink()
    report = report_of(lesson_class)
    scores = report.scores
    assert scores.decimals == 0 and scores.mean == pytest.approx(380 / 6)
    assert "| 6 | 63.3 | 60 | 20 | 110 |" in to_markdown(report)
    html = to_html(report)
    assert ">63.3<" in html and "63.33" not in html
    mean = next(r for r in csv.DictReader(io.StringIO(to_csv(report)))
                if r["section"] == "score" and r["item"] == "mean")
    assert mean["count"] == "63.3333"


def test_without_the_story_the_mean_follows_the_scores_precision(lesson_class: Path) -> None:
    from game.classroom.sections import decimals_of
    assert decimals_of((20, 110.0)) == 0 and decimals_of((4.5, 3)) == 1
    assert decimals_of((4.25, 1.123)) == 2 and decimals_of(()) == 0
    for name in ("ant", "eel", "ibis"):
        (lesson_class / f"{name}.jsonl").unlink()
    report = build_report(read_class(lesson_class), None, "lesson")
    assert report.scores.decimals == 0 and "| 63.3 |" in to_markdown(report)


def test_a_half_star_story_shows_its_mean_at_two_decimals() -> None:
    from game.classroom.formatting import score_cells
    from game.classroom.summary import Scores
    stars = Scores("Stars", (4.5, 4.1, 3.9), 12.5 / 3, 4.1, 3.9, 4.5, 0.03, (), decimals=1)
    assert score_cells(stars) == ["3", "4.17", "4.1", "3.9", "4.5", "0.03"]
    whole = Scores("Score", (938, 939), 938.57142, 938.5, 938, 939, None, (), decimals=0)
    assert score_cells(whole) == ["2", "938.6", "938.5", "938", "939", "–"]


def test_every_unfinished_player_shows_no_score(lesson_class: Path, tmp_path: Path) -> None:
    """One unfinished player (a rule had moved their score) showed it, another (no rule
    yet) showed "–": every unfinished row now reads the same, in every format."""
    play_session(lesson_class, "jay", bill=None)  # stops before any rule applies
    report = report_of(lesson_class, per_player=True)
    rows = {p.codename: p for p in report.players}
    assert rows["ibis"].ending is None and rows["ibis"].lists  # a rule listed ibis
    assert rows["jay"].ending is None and not rows["jay"].lists
    assert rows["ibis"].score is None and rows["jay"].score is None
    assert rows["ant"].score == 20
    md = to_markdown(report)
    for name in ("ibis", "jay"):
        line = next(l for l in md.splitlines() if l.startswith(f"| {name} |"))
        assert line.split(" | ")[1:3] == ["not finished", "–"], line
    players = [r for r in csv.reader(io.StringIO(to_csv(report))) if r[0] == "player"
               and r[2] == "score"]
    assert {r[1]: r[4] for r in players if r[1] in ("ibis", "jay")} == {"ibis": "", "jay": ""}
    html = to_html(report)
    for name in ("ibis", "jay"):
        assert f'<td>{name}</td><td>not finished</td><td class="num">–</td>' in html
