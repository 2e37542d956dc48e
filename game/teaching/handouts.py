"""Printable handouts built from a story and its guide's data.

Per story: a glossary, the fact-or-fiction card sort (with an answer key), a worksheet
(describe, analyse, apply, with sentence starters), exit tickets to cut, and a "my
ledger" sheet. Per unit: the lesson plan (each lesson's timed steps, its stories
timed from measured path lengths), the comparison grid students keep all unit, the laws
of the comparison lesson, the curriculum links, differentiation, a summative task with a
four-level rubric and a letter home. Everything is HTML built by ``html.h`` (values escaped, no script).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from game.story.catalog import bundled_ids
from game.story.model import Story
from game.teaching.data import (
    STAGES, Lesson, StoryData, UnitData, check_links, load_story_data, load_unit_data,
    unbundled_title,
)
from game.teaching.html import Document, Element, h, write_text
from game.teaching.pages import share_out, text_height
from game.teaching.words import PathLength, path_length

WPM = (200, 150)
"""Reading speeds of the timing tables: typical, and younger or EAL readers."""

STAGE_TITLES = {
    "describe": "1. Describe: what happened?",
    "analyse": "2. Analyse: why did it happen, and who gained or lost?",
    "apply": "3. Apply: where do you see this in real life?",
}


@dataclass(frozen=True, slots=True)
class Written:
    """A file the pack wrote, what it is, and the document (to print it as PDF too)."""

    path: Path
    what: str
    document: Document


def _lines(count: int) -> list[Element]:
    return [h("div", class_="write") for _ in range(count)]


def _header(story: Story, what: str) -> Element:
    return h("header",
             h("h1", f"{story.title}: {what}"),
             h("p", "Name or codename: ", h("span", "_" * 30), "   Date: ", h("span", "_" * 14),
               class_="meta"))


def glossary_sheet(story: Story, data: StoryData) -> Element:
    """One page: the terms the story uses, defined by the guide."""
    rows = [h("tr", h("th", term.term, scope="row"), h("td", term.definition))
            for term in data.glossary]
    return h("section",
             _header(story, "glossary"),
             h("p", "Words you will meet in the story. Read them before you play, and keep "
                    "this sheet beside you.", class_="small"),
             h("table", h("thead", h("tr", h("th", "Term"),
                                                                 h("th", "What it means"))),
               h("tbody", rows), class_="glossary"),
             class_="sheet", data_handout="glossary")


CARD_COLUMNS = 3
"""Cards side by side on the card sort (each ~60 mm wide: a mechanic is a sentence)."""
CARD_MM = 20
"""The least height of a card's words (room to pick it up and sort it)."""
KEY_WIDTHS_MM = (10, 48, 28, 94)
"""The answer key's columns, padding included: card, mechanic, status, source or note
(180 mm in all, the page's width)."""


def _heading_mm(title: str, intro: str, extra_lines: int = 0) -> float:
    """Room a sheet's heading takes: its title, a small print line or two, an intro."""
    return (text_height(title, 180, 18) + 4 + 8 + text_height(intro, 180, 9) + 6
            + extra_lines * 8)


def card_sort_sheets(story: Story, data: StoryData) -> list[Element]:
    """The cards (mechanics only, cut along the dashed lines) and the teacher's answer key.

    Both can run over a page: they break where ``pages.share_out`` says, so that every
    page of them is about as full as the others on A4 and Letter alike (a last row of
    cards alone on a page is a sheet wasted)."""
    cards = [h("div", h("div", f"Card {n}", class_="small"), h("div", card.mechanic),
               class_="card", data_card=str(n))
             for n, card in enumerate(data.fact_or_fiction, 1)]
    rows = [cards[i:i + CARD_COLUMNS] for i in range(0, len(cards), CARD_COLUMNS)]
    # A card: its number and its words, at least CARD_MM tall, inside 3 mm of padding.
    heights = [7 + max(CARD_MM, 5 + max(text_height(card.mechanic, 180 / CARD_COLUMNS - 7, 10)
                                        for card in data.fact_or_fiction[i:i + CARD_COLUMNS]))
               for i in range(0, len(cards), CARD_COLUMNS)]
    title = f"{story.title}: fact or fiction? A card sort"
    intro = ("Cut along the dashed lines. In groups, sort the cards into piles: which "
             "parts of the story are documented in real systems, which are invented, "
             "and which are somewhere in between? Then check with the answer key.")
    pages = share_out(rows, heights, _heading_mm(title, intro, 1))
    sheet = h("section",
              _header(story, "fact or fiction? A card sort"),
              h("p", intro, class_="small"),
              h("p", "✂ cut along the dashed lines", class_="scissors"),
              [h("div", [card for row in page for card in row],
                 class_="cards" + (" next-page" if n else ""))
               for n, page in enumerate(pages)],
              class_="sheet", data_handout="card-sort")
    statuses = sorted({card.status for card in data.fact_or_fiction})
    key_rows = [h("tr", h("td", str(n)), h("td", card.mechanic), h("th", card.status),
                  h("td", card.note), data_card=str(n))
                for n, card in enumerate(data.fact_or_fiction, 1)]
    key_heights = [4 + max(text_height(text, width - 4, 9.5) for text, width in
                           zip((str(n), card.mechanic, card.status, card.note), KEY_WIDTHS_MM))
                   for n, card in enumerate(data.fact_or_fiction, 1)]
    key_title = f"{story.title}: fact or fiction? Answer key (for the teacher)"
    key_intro = ("Statuses used: " + "; ".join(statuses) + ". From the teacher guide's fact "
                 "or fiction table; check the date attached to each figure before quoting it.")
    head = h("thead", h("tr", h("th", "Card"), h("th", "Mechanic in the story"),
                        h("th", "Status"), h("th", "Source / note")))
    key_pages = share_out(key_rows, [height + 0.5 for height in key_heights],
                          _heading_mm(key_title, key_intro) + 10)
    key = h("section",
            h("h1", key_title),
            h("p", key_intro, class_="small"),
            [h("table", head, h("tbody", page),
               class_="answer-key" + (" next-page" if n else ""))
             for n, page in enumerate(key_pages)],
            class_="sheet", data_handout="card-sort-key")
    return [sheet, key]


def worksheet_sheet(story: Story, data: StoryData, unit: UnitData) -> Element:
    """Describe, analyse, apply: the guide's questions with sentence starters, then an extension."""
    parts: list[Element] = []
    for stage in STAGES:
        questions = getattr(data.worksheet, stage)
        starters = getattr(unit.sentence_starters, stage)
        parts.append(h("h2", STAGE_TITLES[stage]))
        parts.append(h("p", "Sentence starters: ", " / ".join(starters), class_="starter"))
        for question in questions:
            parts.append(h("div", h("p", question), _lines(3), class_="keep"))
    parts.append(h("div", h("h3", "Extension (if you finish early)"), h("p", data.extension),
                   _lines(3), class_="keep"))
    return h("section", _header(story, "worksheet"), parts, class_="sheet",
             data_handout="worksheet")


def exit_ticket_sheet(story: Story, data: StoryData, copies: int = 3) -> Element:
    """Exit tickets, ``copies`` to a page, to cut apart."""
    tickets = []
    for _ in range(copies):
        prompts = [h("div", h("p", h("strong", prompt), " ..."), _lines(2)) for prompt in
                   data.exit_ticket]
        tickets.append(h("div", h("h3", f"Exit ticket: {story.title}"),
                         h("p", "Name or codename: ", "_" * 28, class_="small"), prompts,
                         class_="card keep ticket"))
    return h("section", h("p", "✂ cut along the dashed lines", class_="scissors"), tickets,
             class_="sheet", data_handout="exit-ticket")


def ledger_sheet(story: Story, rows: int = 14) -> Element:
    """A blank ledger the student fills in while playing: every change and who reported it."""
    rating = story.rating
    name = rating.name if rating else "score"
    start = [] if rating is None else [h("p", f"Your {name} starts at ",
                                         _number(rating.start), ".")]
    head = h("tr", h("th", "When (day or chapter)"), h("th", "What happened"),
             h("th", "Change"), h("th", f"{name} after"), h("th", "Who reported it (source)"),
             h("th", "Reason shown?"))
    body = [h("tr", [h("td", "") for _ in range(6)]) for _ in range(rows)]
    return h("section", _header(story, "my ledger"), start,
             h("p", "Each time your number changes, write a line. If the game does not say "
                    "why, write \"not told\" and guess who reported it. Compare with the "
                    "debrief at the end.", class_="small"),
             h("table", h("thead", head), h("tbody", body), class_="tall ledger"),
             h("p", "Lists I was put on: ", "_" * 50),
             class_="sheet", data_handout="my-ledger")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def story_handouts(story: Story, data: StoryData, unit: UnitData) -> Document:
    """The whole per-story pack, one handout per printed page or more."""
    check_links(data, unit)
    sheets = [glossary_sheet(story, data), *card_sort_sheets(story, data),
              worksheet_sheet(story, data, unit), exit_ticket_sheet(story, data),
              ledger_sheet(story)]
    return Document(f"{story.title}: handouts", tuple(sheets), STORY_CSS)


STORY_CSS = f"""
.cards {{ grid-template-columns: repeat({CARD_COLUMNS}, 1fr); }}
.card {{ font-size: 10pt; min-height: {CARD_MM}mm; }}
.answer-key {{ table-layout: fixed; font-size: 9.5pt; }}
""" + "".join(f".answer-key th:nth-child({n}) {{ width: {100 * width / 180:.2f}%; }}\n"
              for n, width in enumerate(KEY_WIDTHS_MM, 1))
"""Three cards to a row; the answer key's columns as ``KEY_WIDTHS_MM`` (its rows are
measured at those widths to share them out between pages)."""


# --- the unit -------------------------------------------------------------------------


def _minutes(value: float) -> str:
    return f"{value:.0f}"


def bundled(story_id: str) -> bool:
    """Whether this copy of Standing bundles the story (the unit may name one it lacks)."""
    return story_id in bundled_ids()


@dataclass(frozen=True, slots=True)
class Taught:
    """A story of the unit as this copy bundles it: the story, its teaching data, its length."""

    story: Story
    data: StoryData
    length: PathLength


def _fits(unit: UnitData, length: PathLength) -> str:
    play_time = unit.lesson_minutes - unit.setup_minutes - unit.debrief_minutes
    fast, slow = (length.minutes(wpm) for wpm in WPM)
    # Whole minutes, as the table shows them: 30.4 minutes fits a 30-minute slot.
    if round(slow) <= play_time:
        return "one lesson"
    if round(fast) <= play_time:
        return "one lesson at 200 wpm; two lessons for slower readers"
    return "two lessons"


def _timing_rows(unit: UnitData, stories: Mapping[str, Taught]) -> list[Element]:
    rows = []
    for lesson in unit.lessons:
        short = "yes" if lesson.short else "no"
        if not lesson.stories:
            rows.append(h("tr", h("td", str(lesson.number)), h("td", lesson.title),
                          h("td", "no story: the comparison grids", colspan="5"),
                          h("td", short)))
        for story_id in lesson.stories:
            taught = stories.get(story_id)
            if taught is None:
                rows.append(h("tr", h("td", str(lesson.number)), h("td", lesson.title),
                              h("td", unbundled_title(story_id)),
                              h("td", "not in this copy of Standing",
                                                    colspan="4"),
                              h("td", short), data_story=story_id, data_words="missing"))
                continue
            length = taught.length
            fast, slow = (length.minutes(wpm) for wpm in WPM)
            rows.append(h("tr", h("td", str(lesson.number)), h("td", lesson.title),
                          h("td", taught.story.title),
                          h("td", f"{length.median:,}", h("br"),
                            h("small", f"({length.low:,}–{length.high:,})")),
                          h("td", _minutes(fast)), h("td", _minutes(slow)),
                          h("td", _fits(unit, length)), h("td", short),
                          data_story=story_id, data_words=str(length.median)))
    return rows


def _lesson(lesson: Lesson, stories: Mapping[str, Taught]) -> Element:
    titles = [stories[s].story.title if s in stories else unbundled_title(s)
              for s in lesson.stories]
    played = ("Story: " + " or ".join(titles) + (" (pick one)" if len(titles) > 1 else "")
              if titles else "No story: the class works from its comparison grids.")
    steps = [h("tr", h("td", f"{step.start}–{step.end}"), h("td", step.what))
             for step in lesson.steps]
    return h("div",
             h("h2", f"Lesson {lesson.number}: {lesson.title}",
               "" if lesson.short else " (full unit only)"),
             h("p", h("strong", played)), h("p", lesson.aim),
             h("table", h("thead", h("tr", h("th", "Minutes"), h("th", "What happens"))),
               h("tbody", steps), class_="steps"),
             h("h3", "Discussion moves"), h("ul", [h("li", move) for move in lesson.moves]),
             h("p", h("strong", "Exit ticket: "), lesson.exit_ticket),
             class_="keep", data_lesson=str(lesson.number))


def lesson_plan_sheet(unit: UnitData, stories: Mapping[str, Taught]) -> Element:
    """The lessons in order, each story timed at 200 and 150 words a minute from its paths."""
    play_time = unit.lesson_minutes - unit.setup_minutes - unit.debrief_minutes
    runs = next((t.length.runs for t in stories.values()), 0)
    short = unit.short
    before = []
    warm = stories.get(unit.warmup)
    if warm is not None:
        length = warm.length
        before.append(h("p", f"Short version: before lesson {short[0].number}, play "
                             f"{warm.story.title} (about {length.median:,} words, "
                             f"{_minutes(length.minutes(200))}–{_minutes(length.minutes(150))}"
                             " minutes), at the end of a previous lesson or as homework."))
    head = h("tr", h("th", "Lesson"), h("th", "Title"), h("th", "Story"),
             h("th", "Words on a path"), h("th", "Minutes at 200 wpm"),
             h("th", "Minutes at 150 wpm"), h("th", "Fits in"), h("th", "Short version"))
    return h("section",
             h("h1", f"{unit.title}: lesson plan"),
             h("p", f"{len(unit.lessons)} lessons of {unit.lesson_minutes} minutes; the short "
                    f"version keeps lessons {', '.join(str(l.number) for l in short)}. A story "
                    f"lesson has {unit.setup_minutes} minutes' set-up, {play_time} minutes' "
                    f"play and {unit.debrief_minutes} minutes' debrief. Words on one path are "
                    f"measured over {runs} random playthroughs of each story (median, with "
                    "the 10th–90th percentile), including the choices' text and the phone's "
                    "messages."),
             before,
             h("table", h("thead", head), h("tbody", _timing_rows(unit, stories)),
               class_="timings"),
             h("p", "The game saves after every choice: a class that reads slowly plays the "
                    "first half in one lesson and the rest, with the full debrief, in the next. "
                    "Each story's guide says where to split it.", class_="small"),
             [_lesson(lesson, stories) for lesson in unit.lessons],
             differentiation(unit),
             care(unit),
             class_="sheet", data_handout="lesson-plan")


def comparison_grid_sheet(unit: UnitData) -> Element:
    """The grid each student keeps all unit: the same questions asked of every system."""
    head = h("tr", h("th", "Question"), [h("th", system) for system in unit.systems])
    rows = [h("tr", h("th", h("strong", q.question), h("br"), h("small", q.hint), scope="row"),
              [h("td", "") for _ in unit.systems], data_question=str(n))
            for n, q in enumerate(unit.grid, 1)]
    return h("section",
             h("header", h("h1", "Comparing systems: the same questions for every score"),
               h("p", "Name or codename: ", h("span", "_" * 30), "   Date: ",
                 h("span", "_" * 14), class_="meta")),
             h("p", "Fill in one column at the end of each story, using your ledger sheet as "
                    "evidence. Write \"not told\" where the story hid the answer. Leave a "
                    "column empty if your class did not play that story. The last column is "
                    "for a score in your own life: you choose which, and it may be made up.",
               class_="small"),
             h("table", h("thead", head), h("tbody", rows), class_="grid"),
             class_="sheet", data_handout="comparison-grid")


def law_sheet(unit: UnitData) -> Element:
    """The comparison lesson's last word: the laws, in our words, and a task per column."""
    laws = [h("div", h("h2", law.name), h("p", h("strong", law.reference)), h("p", law.says),
              h("p", law.applies), h("p", "Source: ", law.source, class_="small"),
              class_="keep", data_law=law.reference)
            for law in unit.law]
    return h("section",
             h("h1", "The last word: what some societies decided to forbid"),
             h("p", "Summaries in plain words, not the legal text.", class_="small"),
             laws,
             h("div", h("h2", "Test your grid"),
               h("p", "For each column: would this system be forbidden in the EU today, "
                      "allowed with duties, or out of these laws' reach? Who made the "
                      "difference in the real cases: a law, a court, journalists, "
                      "parliament, or the people scored?"),
               _lines(6), class_="keep"),
             class_="sheet", data_handout="law")


def care(unit: UnitData) -> Element | None:
    """Teaching the unit with care (the unit guide's section of the same name)."""
    if not unit.care:
        return None
    # Each heading stays with its text; the section itself runs on over a page break
    # (kept whole, it left most of a page empty before it and spilled a few lines after).
    return h("div", h("h2", "Teaching the unit with care"),
             h("dl", [h("div", h("dt", heading), h("dd", text), class_="keep")
                      for heading, text in unit.care]),
             data_part="care")


def curriculum_sheet(unit: UnitData, lessons: list[tuple[Story, StoryData]]) -> Element:
    """Named objectives with one line on how the unit and each lesson meet them."""
    parts: list[Element] = [h("h1", f"{unit.title}: curriculum links")]
    for framework in unit.frameworks:
        rows = []
        for objective in framework.objectives:
            hows = [link.how for link in unit.curriculum if link.code == objective.code]
            per_lesson = [f"{story.title}: {link.how}" for story, data in lessons
                          for link in data.curriculum if link.code == objective.code]
            if not hows and not per_lesson:
                continue
            rows.append(h("tr", h("th", objective.name, scope="row"),
                          h("td", [h("p", text) for text in hows],
                            h("ul", [h("li", text) for text in per_lesson]) if per_lesson
                            else None)))
        parts.append(h("h2", framework.name))
        parts.append(h("table", h("thead", h("tr", h("th", "Objective"),
                                              h("th", "How the unit meets it"))),
                       h("tbody", rows)))
    return h("section", parts, class_="sheet", data_handout="curriculum")


def differentiation(unit: UnitData) -> Element:
    """Glossary first for English learners, sentence starters, an extension task."""
    labels = {"english_learners": "English learners (glossary first)",
              "scaffolds": "Scaffolds (sentence starters)",
              "extension": "Extension (fast readers)"}
    return h("div", h("h2", "Differentiation"),
             h("dl", [h("div", h("dt", labels[key]), h("dd", text), class_="keep")
                      for key, text in unit.differentiation]))


def summative_sheet(unit: UnitData) -> Element:
    """The summative task and its four-level rubric."""
    head = h("tr", h("th", "Criterion"), [h("th", level) for level in unit.rubric_levels])
    rows = [h("tr", h("th", criterion.name, scope="row"),
              [h("td", text) for text in criterion.levels]) for criterion in unit.rubric]
    return h("section", h("h1", unit.summative_title), h("p", unit.summative_task),
             h("h2", "Rubric"),
             h("table", h("thead", head), h("tbody", rows), class_="rubric"),
             class_="sheet", data_handout="summative")


def letter_sheet(unit: UnitData) -> Element:
    """A letter home about the unit."""
    return h("section", [h("p", paragraph) for paragraph in unit.letter_home],
             h("p", "_" * 30), class_="sheet", data_handout="letter-home")


def unit_handouts(unit: UnitData, stories: Mapping[str, Taught]) -> Document:
    """The unit's pack: lesson plan, comparison grid, laws, curriculum links, summative task
    and rubric, letter home. ``stories`` holds the unit's stories this copy bundles."""
    for taught in stories.values():
        check_links(taught.data, unit)
    lessons = [(stories[s].story, stories[s].data) for lesson in unit.lessons
               for s in lesson.stories if s in stories]
    sheets = [lesson_plan_sheet(unit, stories), comparison_grid_sheet(unit), law_sheet(unit),
              curriculum_sheet(unit, lessons), summative_sheet(unit), letter_sheet(unit)]
    return Document(f"{unit.title}: handouts", tuple(sheets), GRID_CSS)


GRID_CSS = """
.grid { table-layout: fixed; }
.grid th, .grid td { font-size: 9pt; }
.grid thead th:first-child { width: 38mm; }
.grid tbody th small { font-size: 8pt; }
.grid tbody td { height: 27mm; }
.steps td:first-child { width: 14mm; white-space: nowrap; }
"""
"""The grid's rows are tall enough to write in; the question column stays narrow."""


def write_story_handouts(story: Story, out: Path, data_folder: Path | None = None) -> Written:
    """Write ``OUT/STORY-handouts.html``."""
    data = load_story_data(story.id, data_folder)
    unit = load_unit_data(data_folder)
    target = out / f"{story.id}-handouts.html"
    document = story_handouts(story, data, unit)
    write_text(target, document.html())
    return Written(target, f"handouts for {story.title}", document)


def write_unit_handouts(load: Callable[[str], Story], out: Path,
                        data_folder: Path | None = None, runs: int = 200,
                        present: Callable[[str], bool] | None = None) -> Written:
    """Write ``OUT/unit-handouts.html``; ``load`` gives a story by its id, ``present`` says
    whether this copy bundles it (a story it lacks is named on the plan, not timed)."""
    present = present or bundled
    unit = load_unit_data(data_folder)
    stories = {}
    for story_id in unit.stories:
        if present(story_id):
            story = load(story_id)
            stories[story_id] = Taught(story, load_story_data(story_id, data_folder),
                                       path_length(story, runs))
    target = out / "unit-handouts.html"
    document = unit_handouts(unit, stories)
    write_text(target, document.html())
    return Written(target, "the unit's lesson plan, comparison grid, laws, curriculum links, "
                           "summative task and letter home", document)
