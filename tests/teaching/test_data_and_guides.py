"""The teaching data: validated on load, and the guides' generated blocks equal it."""

from __future__ import annotations

import shutil

import pytest

from game.teaching import guides
from game.teaching.commands import sync_guides
from game.teaching.data import TeachingDataError, load_story_data, load_unit_data
from teaching_helpers import ROOT, TAUGHT

DATA = ROOT / "docs" / "teachers" / "data"


def test_every_guide_equals_what_its_data_generates(load):
    stale = [str(s.path) for s in sync_guides(load) if s.changed]
    assert stale == [], "run: python -m game handouts --sync-guides"


@pytest.mark.parametrize("story_id", TAUGHT)
def test_each_taught_story_guide_equals_its_data(story_id):
    """Also the guides of stories the unit does not list yet (a new story's guide is
    written before the unit names it): their tables come from their data too."""
    data = load_story_data(story_id)
    sync = guides.regenerate(ROOT / "docs" / "teachers" / f"{story_id}.md",
                             guides.story_blocks(data, load_unit_data()))
    assert not sync.changed, "run: python -m game handouts --sync-guides"


@pytest.mark.parametrize("story_id", TAUGHT)
def test_every_story_links_to_named_curriculum_objectives(story_id):
    data = load_story_data(story_id)
    unit = load_unit_data()
    assert data.curriculum
    for link in data.curriculum:
        assert unit.objective(link.code) is not None, link.code
    frameworks = {f.id for f in unit.frameworks}
    assert frameworks == {"england", "c3", "ib"}
    codes = {o.code for f in unit.frameworks for o in f.objectives}
    assert {"D2.Civ.10", "D2.Civ.14", "Inquiry arc", "MYP A", "MYP D"} <= codes


@pytest.fixture
def copy(tmp_path):
    """A copy of the guides and their data to change."""
    teachers = tmp_path / "teachers"
    shutil.copytree(ROOT / "docs" / "teachers", teachers)
    return teachers


def test_sync_rewrites_a_guide_from_changed_data(copy, load):
    path = copy / "data" / "tutorial.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Merit, the Merit lane and the camera", "Merit | the *lane*"), encoding="utf-8")
    syncs = {s.path.name: s for s in sync_guides(load, copy / "data", copy, runs=5)}
    assert syncs["tutorial.md"].changed
    assert r"| Merit \| the \*lane\* | **Invented** |" in syncs["tutorial.md"].new
    assert not syncs["green_channel.md"].changed


def test_a_guide_without_its_markers_is_a_one_line_error(copy, load):
    guide = copy / "half_a_star.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("<!-- END exit-ticket -->", ""), encoding="utf-8")
    with pytest.raises(TeachingDataError, match=r"half_a_star.md: no generated block 'exit-ticket'"):
        sync_guides(load, copy / "data", copy, runs=5)


@pytest.mark.parametrize("change, message", [
    (("glossary:", "glossaries:"), r"tutorial.yaml: glossary: missing"),
    (("  - term: Merit\n", "  - term: 12\n"), r"glossary\[0\]\.term: should be non-empty text"),
    (("story: tutorial", "story: [unclosed"), r"tutorial.yaml:\d+:\d+: "),
    (("story: tutorial", "story: green_channel"), r"story: should be 'tutorial'"),
    (("  - term: camera\n", "  - term: merit\n"), r"'merit' is defined twice"),
])
def test_bad_story_data_names_the_file_and_field(copy, change, message):
    path = copy / "data" / "tutorial.yaml"
    old, new = change
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TeachingDataError, match=message):
        load_story_data("tutorial", copy / "data")


def test_bad_unit_data_names_the_field(copy):
    path = copy / "data" / "unit.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - code: MYP D\n    how:", "  - code: MYP Z\n    how:"),
                    encoding="utf-8")
    with pytest.raises(TeachingDataError, match=r"unit.yaml: curriculum\[\d+\]\.code: 'MYP Z'"):
        load_unit_data(copy / "data")
    path.write_text(text.replace('levels: ["Beginning (1)", ', 'levels: ['), encoding="utf-8")
    with pytest.raises(TeachingDataError, match="rubric"):
        load_unit_data(copy / "data")


def test_markdown_escaping_keeps_plain_text_literal():
    assert guides.md("a | b *c* _d_ <e>") == r"a \| b \*c\* \_d\_ \<e\>"


def test_the_unit_says_how_to_teach_it_with_care(load, tmp_path):
    """Issue 18: sensitivity guidance, from the data, in unit.md and on the lesson plan;
    the class guide points to it."""
    from game.teaching.handouts import write_unit_handouts

    unit = load_unit_data()
    headings = [heading for heading, _ in unit.care]
    assert headings == ["Compare systems, never peoples",
                        "Students of Chinese heritage",
                        "Students of Dutch heritage, and families affected by benefit "
                        "investigations",
                        "Students affected by exam grading",
                        "Students whose families live with debt or a court order",
                        "Students who have been wrongly flagged by a system",
                        "If a student tells you something personal"]
    said = " ".join(text for _, text in unit.care)
    for needle in ("not about a people", "26,000 parents", "39.1 %", "safeguarding",
                   "privately", "restriction order", "Never ask a student to explain, defend "
                   "or represent a country", "may play The Letter instead",
                   "let any student play Results Day instead"):
        assert needle in said, needle
    guide = (ROOT / "docs" / "teachers" / "unit.md").read_text(encoding="utf-8")
    assert "## Teaching the unit with care" in guide
    assert all(f"**{heading}.**" in guide for heading in headings)
    running = (ROOT / "docs" / "teachers" / "running-a-class.md").read_text(encoding="utf-8")
    assert "unit.md#teaching-the-unit-with-care" in running
    html = write_unit_handouts(load, tmp_path, runs=2).path.read_text(encoding="utf-8")
    plan = html[html.index('data-handout="lesson-plan"'):html.index('data-handout="curriculum"')]
    assert "Teaching the unit with care" in plan
    assert all(heading in plan for heading in headings)


@pytest.mark.parametrize("story_id", TAUGHT)
def test_a_guide_says_when_its_story_asks_no_polls(load, story_id):
    """Green Channel's guide had the class data "compare predicted and actual" from a
    pre-play poll the story never asks: the report's poll section was empty, and the
    teacher was not told to count the answers by hand."""
    import re

    story = load(story_id)
    guide = (ROOT / "docs" / "teachers" / f"{story_id}.md").read_text(encoding="utf-8")
    asks = any(scene.poll is not None for scene in story.scenes.values())
    leans = re.search(r"(pre-play|prediction) polls?", guide) is not None
    if leans and not asks:
        assert "asks no polls" in " ".join(guide.split()), story_id
