"""Issue 16: the unit is six lessons comparing systems, with a grid, the law and a letter home."""

from __future__ import annotations

import io
import re
import shutil
from html.parser import HTMLParser

import pytest

from game.classroom.records import DEFAULT_RETENTION_DAYS
from game.story.catalog import bundled_ids
from game.teaching import commands
from game.teaching.commands import missing_stories, run_sync, sync_guides
from game.teaching.data import TeachingDataError, load_unit_data
from game.teaching.html import Element
from game.teaching.handouts import comparison_grid_sheet, law_sheet, write_unit_handouts
from teaching_helpers import ROOT

GUIDE = ROOT / "docs" / "teachers" / "unit.md"
IN_PARALLEL = {"the_letter", "results_day"}
"""The democracy stories, written beside this unit (their guides are linked by name)."""


def rendered(element: Element) -> str:
    """An element's HTML."""
    out: list[str] = []
    element.render(out)
    return "".join(out)


def test_the_unit_runs_in_the_issues_order_with_a_four_lesson_short_version():
    unit = load_unit_data()
    assert [lesson.stories for lesson in unit.lessons] == [
        ("tutorial",), ("green_channel",), ("half_a_star",), ("good_citizen", "the_operator"),
        ("the_letter", "results_day"), ()]
    assert [lesson.number for lesson in unit.short] == [2, 3, 5, 6]
    assert unit.warmup == "tutorial"
    for lesson in unit.lessons:
        assert lesson.steps[0].start == 0 and lesson.steps[-1].end == unit.lesson_minutes
        assert lesson.moves and lesson.exit_ticket and lesson.aim
    # The comparison lesson comes last and the democracy story is in the short version.
    assert unit.lessons[-1].stories == () and unit.lessons[4].short


def test_the_guide_links_every_story_and_lesson_of_the_unit():
    unit = load_unit_data()
    text = GUIDE.read_text(encoding="utf-8")
    for lesson in unit.lessons:
        assert f"### Lesson {lesson.number}: {lesson.title}" in text
        for story_id in lesson.stories:
            assert f"]({story_id}.md)" in text, story_id
    positions = [text.index(f"### Lesson {n}:") for n in range(1, 7)]
    assert positions == sorted(positions)
    assert text.index("### Lesson 6:") < text.index("## The comparison grid") < text.index(
        "## The last word: what some societies decided to forbid")


class Grid(HTMLParser):
    """The comparison grid: its column heads and, per row, the question and the cells."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.heads: list[str] = []
        self.rows: list[list[str]] = []
        self._where = ""
        self._in_grid = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("class") == "grid":
            self._in_grid = True
        if not self._in_grid:
            return
        if tag == "thead":
            self._where = "head"
        elif tag == "tbody":
            self._where = "body"
        elif tag == "tr" and self._where == "body":
            self.rows.append([])
        elif tag in ("th", "td"):
            (self.heads if self._where == "head" else self.rows[-1]).append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_grid = False

    def handle_data(self, data):
        if not self._in_grid:
            return
        cells = self.heads if self._where == "head" else (self.rows[-1] if self.rows else None)
        if cells:
            cells[-1] += data


def test_the_grid_asks_the_same_six_questions_of_every_system():
    unit = load_unit_data()
    questions = [q.question for q in unit.grid]
    assert questions == ["Who keeps the score?", "What data feeds it?", "Can you see it?",
                         "Can you appeal?", "Who is harmed by an error?",
                         "What law limits it?"]
    grid = Grid(rendered(comparison_grid_sheet(unit)))
    systems = [lesson.system for lesson in unit.lessons if lesson.stories and lesson.number > 1]
    assert grid.heads == ["Question", *systems, unit.own_column]
    assert len(grid.rows) == 6
    for row, question in zip(grid.rows, unit.grid):
        assert row[0] == question.question + question.hint
        assert row[1:] == [""] * len(unit.systems)  # a box per system, to write in
    text = GUIDE.read_text(encoding="utf-8")
    assert all(f"**{q}**" in text for q in questions)


def test_the_law_is_cited_and_dated_on_the_handout_and_in_the_guide():
    unit = load_unit_data()
    references = [law.reference for law in unit.law]
    assert references == ["Regulation (EU) 2024/1689, Article 5(1)(c)",
                          "Regulation (EU) 2016/679, Article 22"]
    act, gdpr = unit.law
    assert "2 February 2025" in act.applies and "25 May 2018" in gdpr.applies
    for needle in ("social", "unrelated", "out of proportion"):
        assert needle in act.says
    for needle in ("only by automated processing", "legal effects", "contest"):
        assert needle in gdpr.says
    sheet = rendered(law_sheet(unit))
    text = GUIDE.read_text(encoding="utf-8")
    for law in unit.law:
        assert law.reference in sheet and law.says in sheet
        assert f"({law.reference})" in text


def test_the_letter_home_says_truthfully_what_class_mode_keeps(load, tmp_path):
    letter = " ".join(load_unit_data().letter_home)
    assert f"{DEFAULT_RETENTION_DAYS} days" in letter
    for needle in ("codename", "no names", "no dates or times", "nothing students type",
                   "only totals", "delete a class's records", "six questions",
                   "does not single out any country", "Dutch family", "England",
                   "not be asked to explain why"):
        assert needle in letter, needle
    records = (ROOT / "docs" / "classroom-records.md").read_text(encoding="utf-8")
    assert f"**{DEFAULT_RETENTION_DAYS} days**" in records
    html = write_unit_handouts(load, tmp_path, runs=2).path.read_text(encoding="utf-8")
    part = html[html.index('data-handout="letter-home"'):]
    assert "Dutch family whose childcare benefit" in part


def test_a_story_the_unit_names_but_this_copy_lacks_is_said_not_hidden(load, tmp_path):
    """The unit may name a story a copy does not bundle: its row says so, nothing breaks."""
    lacking = lambda story_id: story_id in bundled_ids() - {"half_a_star"}  # noqa: E731
    syncs = {s.path.name: s for s in sync_guides(load, runs=2, present=lacking)}
    assert "half_a_star.md" not in syncs and "green_channel.md" in syncs
    assert re.search(r"\| 3 \| Half A Star \| not in this copy of Standing \|",
                     syncs["unit.md"].new)
    html = write_unit_handouts(load, tmp_path, runs=2, present=lacking).path.read_text(
        encoding="utf-8")
    assert 'data-story="half_a_star" data-words="missing"' in html
    assert 'data-story="green_channel" data-words="' in html


def test_sync_names_the_stories_this_copy_lacks(load, monkeypatch):
    monkeypatch.setattr(commands, "sync_guides", lambda load: [])
    monkeypatch.setattr(commands, "missing_stories", lambda: ["the_letter"])
    out = io.StringIO()
    assert run_sync(load, check=True, out=out) == 0
    assert "the unit names 'the_letter', which this copy of Standing does not bundle" in (
        out.getvalue())


def test_only_the_stories_written_beside_the_unit_may_be_missing():
    """A misspelt story id in unit.yaml would otherwise read as "not in this copy"."""
    assert set(missing_stories()) <= IN_PARALLEL
    for story_id in load_unit_data().stories:
        if story_id in bundled_ids():
            assert (ROOT / "docs" / "teachers" / f"{story_id}.md").is_file()
            assert (ROOT / "docs" / "teachers" / "data" / f"{story_id}.yaml").is_file()


def test_the_picker_lists_the_units_stories_in_the_units_order():
    order = (ROOT / "stories" / "order.txt").read_text(encoding="utf-8").split()
    unit = load_unit_data().stories
    listed = [story_id for story_id in order if story_id in unit]
    assert listed == [story_id for story_id in unit if story_id in order]
    assert set(unit) & bundled_ids() <= set(order)


@pytest.fixture
def unit_yaml(tmp_path):
    """A copy of the teaching data, to break."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "docs" / "teachers" / "data", folder)
    return folder / "unit.yaml"


@pytest.mark.parametrize("old, new, message", [
    ("      - minutes: [8, 11]\n", "      - minutes: [9, 11]\n",
     r"lessons\[0\]\.steps\[1\]\.minutes: should start at 8"),
    ("      - minutes: [45, 50]\n", "      - minutes: [45, 49]\n",
     r"lessons\[0\]\.steps: end at minute 49; a lesson here lasts 50"),
    ("      - minutes: [0, 8]\n", "      - minutes: [0, eight]\n",
     r"lessons\[0\]\.steps\[0\]\.minutes: should be \[START, END\]"),
    ("    stories: [tutorial]\n", "    stories: [tutorial, green_channel, half_a_star]\n",
     r"lessons\[0\]\.stories: should be a list of one story id, two"),
    ("    stories: [tutorial]\n", "    stories: [Tutorial!]\n",
     r"lessons\[0\]\.stories\[0\]: should be a story id"),
    ("    stories: [good_citizen, the_operator]\n", "    stories: [good_citizen, good_citizen]\n",
     r"lessons\[3\]\.stories: names the same story twice"),
    ("    short: false\n", "    short: maybe\n", r"lessons\[0\]\.short: should be true or false"),
    ("    - question: Can you appeal?\n", "    - question: ''\n",
     r"comparison\.questions\[3\]\.question: should be non-empty text"),
    ("      reference: \"Regulation (EU) 2016/679, Article 22\"\n", "",
     r"comparison\.law\[1\]\.reference: missing"),
    ("warmup: tutorial\n", "warmup: 7\n", r"warmup: should be a story id"),
])
def test_bad_lesson_data_names_the_field(unit_yaml, old, new, message):
    text = unit_yaml.read_text(encoding="utf-8")
    assert old in text
    unit_yaml.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TeachingDataError, match=message):
        load_unit_data(unit_yaml.parent)


def test_a_unit_without_a_short_version_is_refused(unit_yaml):
    text = unit_yaml.read_text(encoding="utf-8").replace("short: true", "short: false")
    unit_yaml.write_text(text, encoding="utf-8")
    with pytest.raises(TeachingDataError, match=r"lessons: no lesson is marked short: true"):
        load_unit_data(unit_yaml.parent)


def test_readme_and_the_class_guide_follow_the_unit():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    running = (ROOT / "docs" / "teachers" / "running-a-class.md").read_text(encoding="utf-8")
    assert "four-lesson unit" not in readme
    assert "[the six-lesson unit](docs/teachers/unit.md)" in readme
    order = " ".join(readme[readme.index("[the six-lesson unit]"):].split())
    names = ["the tutorial", "*Green Channel*", "*Half a Star*",
             "*Good Citizen* or *The Operator*", "*The Letter* or *Results Day*",
             "a comparison lesson", "short version keeps lessons 2, 3, 5 and 6"]
    positions = [order.index(name) for name in names]
    assert positions == sorted(positions)
    assert "comparison grid" in running and "letter home" in running
    assert "*Good Citizen* or *The Operator*" in " ".join(running.split())


def test_the_readme_says_each_storys_own_minutes_and_the_unit_as_it_is(capsys):
    """The README's table said 30 minutes for two stories whose title cards (and `list`)
    say 25, and `handouts --help` still offered "the four-lesson unit"."""
    import re

    from game.cli import main, resolve_story
    from game.story.loader import load_story

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| [^|]+ \| `(\w+)` \| (\d+) \|", readme, re.M)
    assert len(rows) >= 8
    for story_id, minutes in rows:
        assert load_story(resolve_story(story_id, [])).minutes == int(minutes), story_id
    with pytest.raises(SystemExit):
        main(["handouts", "--help"])
    assert "four-lesson unit" not in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("prog", ["standing", "python -m game"])
def test_a_guide_that_differs_names_the_program_as_started(load, monkeypatch, tmp_path, prog):
    from game.teaching.guides import Sync

    guide = tmp_path / "unit.md"
    monkeypatch.setattr(commands, "sync_guides", lambda load: [Sync(guide, "old", "new")])
    monkeypatch.setattr(commands, "missing_stories", lambda: [])
    out = io.StringIO()
    assert run_sync(load, check=True, out=out, prog=prog) == 1
    assert out.getvalue() == (f"{guide}: differs from its teaching data (run: {prog} "
                              "handouts --sync-guides)\n")
