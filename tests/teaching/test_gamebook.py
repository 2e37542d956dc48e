"""The paper gamebook: the printed book, walked as a graph, is the story's graph."""

from __future__ import annotations

import typing
from html.parser import HTMLParser

import pytest

from game.story import model as m
from game.teaching.gamebook import CONTINUE, build_gamebook, section_numbers
from game.teaching.paper import EFFECT_HANDLERS, Paper
from teaching_helpers import STORIES, story

ALL = tuple(STORIES)


class Book(HTMLParser):
    """Sections (number -> scene) and every "turn to" link with the section it is in."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[int, str] = {}
        self.links: list[dict[str, str]] = []
        self.text_conditions: set[tuple[str, str]] = set()
        self._section: str | None = None
        self._link: dict[str, str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "section":
            self._section = a.get("data-scene")
            if self._section is not None:
                assert a["id"].startswith("s")
                number = int(a["id"][1:])
                assert number not in self.sections, f"section {number} twice"
                self.sections[number] = self._section
        if tag == "a":
            self._link = {**a, "from": self._section or "", "text": ""}
            self.links.append(self._link)
        if tag == "p" and "data-condition" in a:
            self.text_conditions.add((self._section or "", a["data-condition"]))

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data


def story_edges(s: m.Story) -> set[tuple[str, str, str, str, str, str]]:
    """Every way on from every scene, with the conditions that guard it."""
    edges = set()
    for scene in s.scenes.values():
        if scene.ending is not None:
            continue
        if scene.goto is not None:
            edges.add((scene.id, CONTINUE, scene.goto, "", "", ""))
        for c in scene.choices:
            edges.add((scene.id, c.id, c.goto, c.condition.source if c.condition else "",
                       c.requires.source if c.requires else "", c.service or ""))
    return edges


def reachable(start: str, edges) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for edge in edges:
            if edge[0] == here and edge[2] not in seen:
                seen.add(edge[2])
                todo.append(edge[2])
    return seen


@pytest.mark.parametrize("story_id", ALL)
def test_the_book_walked_as_a_graph_is_the_story_graph(story_id):
    s = story(story_id)
    book = Book(build_gamebook(s, seed=7).document.html())
    # Every scene is a section, numbered 1..N, the start first.
    assert sorted(book.sections) == list(range(1, len(s.scenes) + 1))
    assert set(book.sections.values()) == set(s.scenes)
    assert book.sections[1] == s.start
    edges = set()
    for link in book.links:
        assert link["href"].startswith("#s"), link
        number = int(link["href"][2:])
        # Every "turn to" names a section that exists, and says the number it links to.
        assert number in book.sections, f"turn to {number}: no such section"
        assert book.sections[number] == link["data-scene"]
        assert link["text"] == f"Turn to {number}."
        edges.add((link["from"], link["data-choice"], book.sections[number],
                   link["data-condition"], link["data-requires"], link["data-service"]))
    assert edges == story_edges(s)
    assert reachable(s.start, edges) == reachable(s.start, story_edges(s))
    # Conditional paragraphs keep their conditions too.
    wanted = {(sc.id, b.condition.source) for sc in s.scenes.values() for b in sc.text
              if b.condition is not None}
    assert book.text_conditions == wanted


@pytest.mark.parametrize("story_id", ALL)
def test_conditions_and_locks_are_written_out_for_the_reader(story_id):
    s = story(story_id)
    html = build_gamebook(s).document.html()
    choices = [c for sc in s.scenes.values() for c in sc.choices]
    rating = s.rating
    locks = sum((c.requires is not None)
                + bool(c.service and rating and rating.services[c.service].requires is not None)
                for c in choices)
    assert html.count("Only if ") == sum(c.condition is not None for c in choices)
    assert html.count("Locked unless ") == locks
    assert "the computer checks" not in html  # every expression was put into words


def test_a_condition_becomes_a_question_about_the_score_sheet():
    s = story("green_channel")
    paper = Paper(s, section_numbers(s, 0))
    rail = s.rating.services["rail"].requires
    assert paper.condition(rail) == "box L1 is not ticked"  # scores do not stop trains; lists do
    demo = story("demo")
    paper = Paper(demo, section_numbers(demo, 0))
    # An announced list is named (the player is told), even where reasons are hidden.
    assert paper.condition(demo.rating.services["lift"].requires) == \
        "your grade is ok (Resident) or better and the box “Building nuisance list” is not ticked"
    assert paper.condition(demo.rating.services["parcel_room"].requires) == \
        "your Resident Score is at least 110"


def test_every_effect_kind_of_the_story_model_has_a_paper_instruction():
    assert set(typing.get_args(m.Effect)) == set(EFFECT_HANDLERS)


@pytest.mark.parametrize("story_id", ALL)
def test_no_effect_is_dropped(story_id):
    s = story(story_id)
    paper = Paper(s, section_numbers(s, 0))
    effects = [e for sc in s.scenes.values()
               for e in (*sc.effects, *(x for c in sc.choices for x in c.effects))]
    for effect in effects:
        steps = paper.steps((effect,))
        assert len(steps) >= 1 and all(step.text for step in steps), effect


def test_hidden_reasons_are_codes_explained_upside_down_at_the_back():
    s = story("green_channel")
    html = build_gamebook(s).document.html()
    back = html[html.index('data-handout="debrief"'):]
    assert 'class="upside"' in back and "rotate(180deg)" in html
    hidden = {r.label for r in s.rating.rules.values() if not r.explain}
    used = {e.rule for sc in s.scenes.values()
            for e in m.walk((*sc.effects, *(x for c in sc.choices for x in c.effects)))
            if type(e) is m.Record}
    for rule in used:
        label = s.rating.rules[rule].label
        if label in hidden:
            assert label in back
            # ... and nowhere before the back page.
            assert label not in html[:html.index('data-handout="debrief"')], label
    # The unannounced debtors' list is a box with a code until the back page.
    label = s.rating.lists["debtors"].label
    assert label not in html[:html.index('data-handout="debrief"')] and label in back
    assert "box L1" in html


def test_the_seed_shuffles_the_sections_and_the_start_stays_first():
    s = story("green_channel")
    one, two = section_numbers(s, 1), section_numbers(s, 2)
    assert one[s.start] == two[s.start] == 1
    assert one != two
    assert section_numbers(s, 1) == one


def test_what_paper_cannot_do_is_said_in_the_front_matter():
    book = build_gamebook(story("demo"))  # random draws and people's ratings
    assert any("Random draws" in w for w in book.warnings)
    html = book.document.html()
    front = html[:html.index('data-handout="score-sheet"')]
    for warning in book.warnings:
        assert warning.replace("'", "&#x27;") in front or warning in front
    assert build_gamebook(story("tutorial")).warnings == ()


def test_a_rating_model_paper_does_not_know_is_said_not_guessed():
    import dataclasses

    s = story("demo")
    formula = dataclasses.replace(s, rating=dataclasses.replace(s.rating, model="risk"))
    paper = Paper(formula, section_numbers(formula, 0))
    record = next(e for sc in s.scenes.values() for c in sc.choices for e in m.walk(c.effects)
                  if type(e) is m.Record)
    (step,) = paper.steps((record,))
    assert step.text.startswith("Ask your teacher for your new Resident Score.")
    assert "model" in paper.gaps


def test_a_risk_score_sheet_says_a_formula_works_it_out() -> None:
    """Issue 15: a risk score has no start a paper player could add to."""
    from pathlib import Path

    from game.story.loader import load_story

    fixture = Path(__file__).parents[1] / "engine" / "fixtures" / "risk.yaml"
    html = build_gamebook(load_story(fixture)).document.html()
    assert "Risk score is worked out by a formula on the computer" in html
    assert "Risk score starts at" not in html


def test_a_link_planted_as_the_temporary_is_never_written_through(tmp_path):
    """Handouts and gamebooks went through a fixed NAME.tmp: a link of that name in a shared
    folder made them overwrite whatever it pointed to."""
    from game.teaching.html import write_text

    victim = tmp_path / "victim.txt"
    victim.write_text("the teacher's own file", encoding="utf-8")
    target = tmp_path / "book.html"
    (tmp_path / "book.html.tmp").symlink_to(victim)
    write_text(target, "<p>the book</p>")
    assert victim.read_text(encoding="utf-8") == "the teacher's own file"
    assert target.read_text(encoding="utf-8") == "<p>the book</p>" and not target.is_symlink()
    assert target.stat().st_mode & 0o644 == 0o644  # readable by a web server, as before
