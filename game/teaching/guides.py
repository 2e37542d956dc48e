"""The teacher guides' generated blocks: tables written from the teaching data.

A guide keeps its prose; the parts that the handouts also print (the fact-or-fiction
table, the exit ticket, the glossary, curriculum links and differentiation, and in
the unit the lessons' timed steps, the comparison grid and its laws, the measured
timings and the rubric) sit between markers and are rewritten
by ``python -m game handouts --sync-guides`` from ``docs/teachers/data``. A test
checks that every guide equals what its data generates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from game.story.model import Story
from game.teaching.data import (
    Lesson, StoryData, TeachingDataError, UnitData, unbundled_title,
)
from game.teaching.words import PathLength

HINT = "generated from docs/teachers/data; edit there, then run: python -m game handouts --sync-guides"
BEGIN = "<!-- BEGIN {name} ({hint}) -->"
END = "<!-- END {name} -->"
_BLOCK = re.compile(r"<!-- BEGIN (?P<name>[a-z-]+) \([^)]*\) -->\n.*?<!-- END (?P=name) -->",
                    re.S)


def md(text: str) -> str:
    """Plain text made literal in Markdown (emphasis, tables and HTML characters escaped)."""
    text = text.replace("\\", "\\\\")
    for char in "*_`[]|<>#":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def fact_or_fiction(data: StoryData) -> list[str]:
    """The fact or fiction table."""
    return _table(("Mechanic in the story", "Status", "Source / note"),
                  [(md(c.mechanic), f"**{md(c.status)}**", md(c.note)) for c in data.fact_or_fiction])


def exit_ticket(data: StoryData) -> list[str]:
    """The exit ticket's prompts, as the debrief plan quotes them."""
    return [f"> *{md(prompt)}:* ..." for prompt in data.exit_ticket]


def teaching(data: StoryData, unit: UnitData) -> list[str]:
    """Glossary, curriculum links and differentiation for one story."""
    lines = ["## Glossary, curriculum links and differentiation", "",
             "Printed as handouts by `python -m game handouts " + data.story + " --out DIR` "
             "(see [running a class](running-a-class.md#printing-handouts-and-a-paper-gamebook)).",
             "", "### Glossary", ""]
    lines += _table(("Term", "What it means"),
                    [(f"**{md(t.term)}**", md(t.definition)) for t in data.glossary])
    lines += ["", "### Curriculum links", ""]
    rows = []
    for link in data.curriculum:
        found = unit.objective(link.code)
        if found is None:
            raise TeachingDataError(f"{data.path}: curriculum: unknown objective '{link.code}'")
        framework, objective = found
        rows.append((md(objective.name), md(framework.name), md(link.how)))
    lines += _table(("Objective", "Framework", "How this lesson meets it"), rows)
    labels = dict(unit.differentiation)
    lines += ["", "### Differentiation", "",
              f"- **English learners:** {md(labels['english_learners'])}",
              f"- **Sentence starters:** {md(labels['scaffolds'])}",
              f"- **Extension for fast readers:** {md(data.extension)}"]
    return lines


def unit_care(unit: UnitData) -> list[str]:
    """Teaching the unit with care: one paragraph per group of students, and disclosures."""
    lines = ["## Teaching the unit with care", "",
             "Read this before lesson 1; the printed lesson plan carries it too."]
    for heading, text in unit.care:
        lines += ["", f"**{md(heading)}.** {md(text)}"]
    return lines


def story_title(story_id: str, stories: Mapping[str, tuple[Story, PathLength]]) -> str:
    """A story's title, or one made from its id when this copy does not bundle it."""
    if story_id in stories:
        return stories[story_id][0].title
    return unbundled_title(story_id)


def _stories_line(lesson: Lesson, stories: Mapping[str, tuple[Story, PathLength]]) -> str:
    links = [f"[{md(story_title(s, stories))}]({s}.md)" for s in lesson.stories]
    if not links:
        return "**Story:** none; the class works from its comparison grids."
    if len(links) == 1:
        return f"**Story:** {links[0]}."
    return f"**Story, one of:** {' or '.join(links)} (pick one for the class)."


def unit_lessons(unit: UnitData, stories: Mapping[str, tuple[Story, PathLength]]) -> list[str]:
    """The lessons, in order: the story, the aim, timed steps, discussion moves, exit ticket."""
    full = len(unit.lessons)
    short = unit.short
    numbers = ", ".join(str(lesson.number) for lesson in short)
    lines = ["## The lessons", "",
             f"The full unit is {full} lessons of {unit.lesson_minutes} minutes. The short "
             f"version is {len(short)} lessons: {numbers}, with "
             f"[{md(story_title(unit.warmup, stories))}]({unit.warmup}.md) played before the "
             "first (homework, or five minutes at the end of an earlier lesson). "
             "The printed lesson plan (`python -m game handouts unit`) carries the same "
             "steps.", ""]
    glance = []
    for lesson in unit.lessons:
        played = " or ".join(f"[{md(story_title(s, stories))}]({s}.md)" for s in lesson.stories)
        glance.append((str(lesson.number), md(lesson.title), played or "none",
                       "yes" if lesson.short else "no"))
    lines += _table(("Lesson", "Title", "Story", "Short version"), glance)
    for lesson in unit.lessons:
        where = "full unit and short version" if lesson.short else "full unit only"
        lines += ["", f"### Lesson {lesson.number}: {md(lesson.title)} ({where})", "",
                  _stories_line(lesson, stories), "", md(lesson.aim), ""]
        lines += _table(("Minutes", "What happens"),
                        [(f"{step.start}–{step.end}", md(step.what)) for step in lesson.steps])
        lines += ["", "**Discussion moves.**", ""]
        lines += [f"- {md(move)}" for move in lesson.moves]
        lines += ["", f"**Exit ticket.** {md(lesson.exit_ticket)}"]
    return lines


def unit_comparison(unit: UnitData) -> list[str]:
    """The comparison grid's questions and columns, and the laws that answer them."""
    lines = ["## The comparison grid", "",
             "Printed by `python -m game handouts unit` (one grid per student, kept all "
             "unit). One row per question, one column per system; students fill a column "
             "at the end of each story lesson and the last column in lesson 6.", ""]
    lines += _table(("Question", "What counts as an answer"),
                    [(f"**{md(q.question)}**", md(q.hint)) for q in unit.grid])
    lines += ["", "Columns: " + "; ".join(md(system) for system in unit.systems) + ".", "",
              "## The last word: what some societies decided to forbid", "",
              "Our summaries, not the legal text: quote the Regulation itself (EUR-Lex) "
              "if students need the exact wording."]
    for law in unit.law:
        lines += ["", f"**{md(law.name)}** ({md(law.reference)}). {md(law.says)} "
                      f"*{md(law.applies)}* Source: {md(law.source)}."]
    return lines


def unit_teaching(unit: UnitData, timings: Mapping[str, tuple[Story, PathLength]]) -> list[str]:
    """The unit's measured timings, curriculum links, differentiation and rubric."""
    play = unit.lesson_minutes - unit.setup_minutes - unit.debrief_minutes
    runs = next(iter(timings.values()))[1].runs if timings else 0
    lines = ["## Timings, assessment and curriculum links", "",
             "Printed, with the comparison grid and a letter home, by "
             "`python -m game handouts unit --out DIR`.", "",
             "### Timings", "",
             f"Words on one path, measured over {runs} random playthroughs of each story "
             "(median, with the 10th–90th percentile, to the nearest 100; the phone's "
             "messages and the choices included, so a little more than `test --words`, "
             "which counts story text only). The printed lesson plan gives the exact "
             "counts. Each "
             f"{unit.lesson_minutes}-minute story lesson has {unit.setup_minutes} minutes' "
             f"set-up, {play} minutes' play and {unit.debrief_minutes} minutes' debrief.", ""]
    rows = []
    for lesson in unit.lessons:
        for story_id in lesson.stories:
            if story_id not in timings:
                rows.append((str(lesson.number), md(story_title(story_id, timings)),
                             "not in this copy of Standing", "", ""))
                continue
            story, length = timings[story_id]
            # Rounded to 100 words: an edit to a sentence should not make the guide stale.
            rows.append((str(lesson.number), md(story.title),
                         f"~{_hundreds(length.median)} "
                         f"({_hundreds(length.low)}–{_hundreds(length.high)})",
                         f"{length.minutes(200):.0f}", f"{length.minutes(150):.0f}"))
    lines += _table(("Lesson", "Story", "Words on a path", "Minutes at 200 wpm",
                     "Minutes at 150 wpm"), rows)
    lines += ["", "### Curriculum links", ""]
    for framework in unit.frameworks:
        lines += [f"**{md(framework.name)}**", ""]
        for objective in framework.objectives:
            hows = [link.how for link in unit.curriculum if link.code == objective.code]
            if hows:
                lines.append(f"- {md(objective.name)}: {md(' '.join(hows))}")
        lines.append("")
    labels = {"english_learners": "English learners (glossary first)",
              "scaffolds": "Sentence starters", "extension": "Extension for fast readers"}
    lines += ["### Differentiation", ""]
    lines += [f"- **{labels[key]}:** {md(text)}" for key, text in unit.differentiation]
    lines += ["", f"### Summative task: {md(unit.summative_title)}", "", md(unit.summative_task),
              ""]
    lines += _table(("Criterion", *(md(level) for level in unit.rubric_levels)),
                    [(f"**{md(c.name)}**", *(md(text) for text in c.levels))
                     for c in unit.rubric])
    return lines


def _hundreds(words: int) -> str:
    return f"{round(words, -2):,}"


@dataclass(frozen=True, slots=True)
class Sync:
    """One guide: its path and its text with every block regenerated."""

    path: Path
    old: str
    new: str

    @property
    def changed(self) -> bool:
        """Whether the guide differs from its data."""
        return self.old != self.new


def regenerate(path: Path, blocks: dict[str, Callable[[], list[str]]]) -> Sync:
    """The guide with each named block rewritten; every block must have its markers."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TeachingDataError(f"{path}: cannot read it ({exc.strerror})") from None
    found = {match.group("name") for match in _BLOCK.finditer(old)}
    missing = sorted(set(blocks) - found)
    if missing:
        raise TeachingDataError(
            f"{path}: no generated block '{missing[0]}': add the line "
            f"'{BEGIN.format(name=missing[0], hint=HINT)}' and '{END.format(name=missing[0])}' "
            "where it belongs")

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in blocks:
            return match.group(0)
        return "\n".join([BEGIN.format(name=name, hint=HINT), "", *blocks[name](), "",
                          END.format(name=name)])

    return Sync(path, old, _BLOCK.sub(replace, old))


def story_blocks(data: StoryData, unit: UnitData) -> dict[str, Callable[[], list[str]]]:
    """The blocks of a story's guide."""
    return {"fact-or-fiction": lambda: fact_or_fiction(data),
            "exit-ticket": lambda: exit_ticket(data),
            "teaching": lambda: teaching(data, unit)}
