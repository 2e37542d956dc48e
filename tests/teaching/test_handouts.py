"""Handouts: glossary terms are the story's, the card sort is the guide's table, timings measured."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from game.story.catalog import bundled_ids
from game.story.model import Notify, walk
from game.teaching.data import load_story_data, load_unit_data
from game.teaching.handouts import Taught, story_handouts, unit_handouts, write_unit_handouts
from game.teaching.words import path_length
from teaching_helpers import ROOT, TAUGHT, story


def story_text(story_id: str) -> str:
    """Everything a player can read in a story, through the story model."""
    s = story(story_id)
    out = [s.title, *s.debrief]
    for scene in s.scenes.values():
        out += [b.text.source for b in scene.text]
        effects = [*scene.effects]
        for c in scene.choices:
            out.append(c.text.source)
            out += [c.locked.source] if c.locked else []
            effects += c.effects
        out += [e.text.source for e in walk(tuple(effects)) if type(e) is Notify]
        if scene.ending:
            out.append(scene.ending.title.source)
    if s.rating:
        r = s.rating
        out += [x.label for x in r.rules.values()] + [x.label for x in r.lists.values()]
        out += [x.label for x in r.services.values()] + list(r.sources.values())
        out += [x.refusal.source for x in r.services.values() if x.refusal]
    return "\n".join(out).lower()


@pytest.mark.parametrize("story_id", TAUGHT)
def test_every_glossary_term_appears_in_its_story(story_id):
    text = story_text(story_id)
    for term in load_story_data(story_id).glossary:
        assert term.term.lower() in text, f"{story_id}: '{term.term}' is not in the story"


class Cards(HTMLParser):
    """The card sort's cards and the answer key's rows: their cells' text, by card number."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: dict[str, list[str]] = {}
        self.key: dict[str, list[str]] = {}
        self._cells: list[str] | None = None
        self._depth = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._cells is not None:
            self._depth += 1
            self._cells.append("")  # each child (div, td, th) is a cell
        elif "data-card" in a:
            self._cells = (self.cards if tag == "div" else self.key).setdefault(
                a["data-card"], [])
            self._depth = 0

    def handle_endtag(self, tag):
        if self._cells is None:
            return
        if self._depth == 0:
            self._cells = None
        else:
            self._depth -= 1

    def handle_data(self, data):
        if self._cells is not None and self._cells:
            self._cells[-1] += data


def guide_table(story_id: str) -> list[tuple[str, str, str]]:
    """The guide's fact-or-fiction table, read from the Markdown."""
    text = (ROOT / "docs" / "teachers" / f"{story_id}.md").read_text(encoding="utf-8")
    section = text[text.index("## Fact or fiction"):]
    rows = []
    for line in section.splitlines():
        if line.startswith("| Mechanic") or line.startswith("|---"):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            cells = [re.sub(r"\\(.)", r"\1", c) for c in cells]
            rows.append((cells[0], cells[1].removeprefix("**").removesuffix("**"), cells[2]))
        elif rows and line.startswith("### "):
            break
    return rows


@pytest.mark.parametrize("story_id", TAUGHT)
def test_the_card_sort_is_the_guides_table(story_id):
    html = story_handouts(story(story_id), load_story_data(story_id), load_unit_data()).html()
    cards = Cards(html)
    table = guide_table(story_id)
    assert len(table) >= 2
    numbers = [str(n) for n in range(1, len(table) + 1)]
    assert sorted(cards.cards, key=int) == sorted(cards.key, key=int) == numbers
    assert [cards.cards[n][1] for n in numbers] == [row[0] for row in table]
    assert [tuple(cards.key[n][1:]) for n in numbers] == table


@pytest.mark.parametrize("story_id", TAUGHT)
def test_each_story_pack_has_every_handout(story_id):
    html = story_handouts(story(story_id), load_story_data(story_id), load_unit_data()).html()
    for handout in ("glossary", "card-sort", "card-sort-key", "worksheet", "exit-ticket",
                    "my-ledger"):
        assert f'data-handout="{handout}"' in html
    # describe -> analyse -> apply, in that order, with sentence starters
    positions = [html.index(stage) for stage in ("1. Describe", "2. Analyse", "3. Apply")]
    assert positions == sorted(positions)
    assert html.count("Sentence starters: ") == 3
    for prompt in load_story_data(story_id).exit_ticket:
        assert html.count(prompt) == 3


def test_the_lesson_plan_times_the_measured_paths(load, tmp_path):
    written = write_unit_handouts(load, tmp_path, runs=30)
    html = written.path.read_text(encoding="utf-8")
    unit = load_unit_data()
    for lesson in unit.lessons:
        assert f'data-lesson="{lesson.number}"' in html
        for story_id in lesson.stories:
            if story_id not in bundled_ids():
                assert f'data-story="{story_id}" data-words="missing"' in html
                continue
            words = path_length(story(story_id), 30).median
            assert words > (500 if story_id == unit.warmup else 1000)
            assert f'data-story="{story_id}" data-words="{words}"' in html
    for handout in ("lesson-plan", "comparison-grid", "law", "curriculum", "summative",
                    "letter-home"):
        assert f'data-handout="{handout}"' in html
    for level in unit.rubric_levels:
        assert level in html
    for code in ("D2.Civ.10", "D2.Civ.14", "Criterion A", "KS3"):
        assert code in html


def test_path_length_is_reproducible_and_its_minutes_follow_the_speed():
    s = story("tutorial")
    one, two = path_length(s, 20, seed=3), path_length(s, 20, seed=3)
    assert one == two
    assert one.low <= one.median <= one.high
    assert one.minutes(150) > one.minutes(200)


def test_a_unit_pack_checks_each_lessons_curriculum_codes(load):
    unit = load_unit_data()
    data = load_story_data("tutorial")
    bad = type(data)(**{**{f: getattr(data, f) for f in data.__slots__},
                        "curriculum": (type(data.curriculum[0])("KS9 nonsense", "x"),)})
    from game.teaching.data import TeachingDataError
    with pytest.raises(TeachingDataError, match="KS9 nonsense"):
        unit_handouts(unit, {"tutorial": Taught(story("tutorial"), bad,
                                                path_length(story("tutorial"), 2))})
