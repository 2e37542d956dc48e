"""The guides' teaching data: glossary, card sort, worksheet, exit ticket, curriculum.

One YAML file per story beside the guides (``docs/teachers/data/STORY.yaml``) and one
for the unit (``unit.yaml``: its lessons, timed step by step, the comparison grid's
questions, the laws that answer them, the letter home). Both the Markdown guides (``--sync-guides``) and the
printed handouts read them, so the two never drift. Loaded with ``yaml.safe_load``
and validated into frozen dataclasses; a mistake is one line naming the file and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from game.errors import StandingError


_STORY_ID = re.compile(r"[a-z][a-z0-9_]*")


class TeachingDataError(StandingError):
    """A teaching-data file is missing or wrong (one line: the file and the field)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry: a term the story uses, defined by the guide."""

    term: str
    definition: str


@dataclass(frozen=True, slots=True)
class Card:
    """One row of the fact-or-fiction table (one card of the card sort)."""

    mechanic: str
    status: str
    note: str
    """The source or note ("" when the guide leaves it blank)."""


@dataclass(frozen=True, slots=True)
class Link:
    """A curriculum objective and one line on how the lesson meets it."""

    code: str
    how: str


@dataclass(frozen=True, slots=True)
class Objective:
    """A named objective of a curriculum framework."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Framework:
    """A curriculum framework (England, C3, IB MYP) and its objectives."""

    id: str
    name: str
    objectives: tuple[Objective, ...]


@dataclass(frozen=True, slots=True)
class Worksheet:
    """Questions in the debrief's order: describe, analyse, apply."""

    describe: tuple[str, ...]
    analyse: tuple[str, ...]
    apply: tuple[str, ...]


STAGES = ("describe", "analyse", "apply")


@dataclass(frozen=True, slots=True)
class StoryData:
    """One story's teaching data."""

    story: str
    path: Path
    glossary: tuple[Term, ...]
    fact_or_fiction: tuple[Card, ...]
    worksheet: Worksheet
    exit_ticket: tuple[str, ...]
    extension: str
    curriculum: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Criterion:
    """A rubric row: a criterion and its four level descriptors."""

    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """A timed step of a lesson: from ``start`` to ``end`` minutes, what the class does."""

    start: int
    end: int
    what: str


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson of the unit, in the unit's order."""

    number: int
    title: str
    stories: tuple[str, ...]
    """The story played: one, a choice of two (the teacher picks), or none."""
    short: bool
    """Whether the short version of the unit keeps this lesson."""
    system: str
    """The scoring system the lesson meets, as the comparison grid names its column
    ("" when the lesson adds no column)."""
    aim: str
    steps: tuple[Step, ...]
    moves: tuple[str, ...]
    """Discussion moves: what the teacher asks or does when the talk needs it."""
    exit_ticket: str


@dataclass(frozen=True, slots=True)
class Question:
    """A question of the comparison grid, asked of every system, with a hint of what counts."""

    question: str
    hint: str


@dataclass(frozen=True, slots=True)
class Law:
    """A law that answers the comparison: its reference, what it says (in our words), since when."""

    name: str
    reference: str
    says: str
    applies: str
    source: str


@dataclass(frozen=True, slots=True)
class UnitData:
    """The unit's teaching data."""

    path: Path
    title: str
    lessons: tuple[Lesson, ...]
    warmup: str
    """The story a short-version class plays before its first lesson (homework or a spare
    five minutes)."""
    lesson_minutes: int
    setup_minutes: int
    debrief_minutes: int
    frameworks: tuple[Framework, ...]
    curriculum: tuple[Link, ...]
    differentiation: tuple[tuple[str, str], ...]
    sentence_starters: Worksheet
    summative_title: str
    summative_task: str
    rubric_levels: tuple[str, ...]
    rubric: tuple[Criterion, ...]
    letter_home: tuple[str, ...]
    care: tuple[tuple[str, str], ...] = ()
    """Teaching the unit with care: (heading, text) for the guide and the lesson plan."""
    grid: tuple[Question, ...] = ()
    """The comparison grid's questions, asked of every system."""
    own_column: str = ""
    """The grid's last column: a score the student lives with."""
    law: tuple[Law, ...] = ()
    """What some societies decided to forbid: the comparison lesson's last word."""

    @property
    def stories(self) -> tuple[str, ...]:
        """Every story the unit names, in lesson order, the warm-up first, each once."""
        seen: dict[str, None] = {self.warmup: None}
        for lesson in self.lessons:
            seen.update(dict.fromkeys(lesson.stories))
        return tuple(seen)

    @property
    def short(self) -> tuple[Lesson, ...]:
        """The lessons of the short version."""
        return tuple(lesson for lesson in self.lessons if lesson.short)

    @property
    def systems(self) -> tuple[str, ...]:
        """The comparison grid's columns: each lesson's system, then the student's own."""
        return (*(lesson.system for lesson in self.lessons if lesson.system), self.own_column)

    def objective(self, code: str) -> tuple[Framework, Objective] | None:
        """The framework and objective with this code."""
        for framework in self.frameworks:
            for objective in framework.objectives:
                if objective.code == code:
                    return framework, objective
        return None


def unbundled_title(story_id: str) -> str:
    """A title for a story the unit names but this copy lacks, from its id (the_letter:
    The Letter); the guide and the lesson plan say it is missing."""
    return story_id.replace("_", " ").title()


def data_folder() -> Path:
    """The teaching data: inside an installed wheel, or the checkout's docs/teachers/data."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "_teaching_data"
    return inside if inside.is_dir() else package.parent / "docs" / "teachers" / "data"


class _Reader:
    """Reads fields of a parsed file, naming the field in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise TeachingDataError(f"{path}: cannot read it ({exc.strerror})") from None
        try:
            self.root = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or "not valid YAML"
            raise TeachingDataError(f"{path}{where}: {problem}") from None
        if not isinstance(self.root, dict):
            raise TeachingDataError(f"{path}: should be a mapping of fields")

    def fail(self, field: str, message: str) -> TeachingDataError:
        return TeachingDataError(f"{self.path}: {field}: {message}")

    def get(self, node: Any, key: str, field: str) -> Any:
        if not isinstance(node, dict) or key not in node:
            raise self.fail(field, "missing")
        return node[key]

    def text(self, node: Any, key: str, field: str) -> str:
        value = self.get(node, key, f"{field}.{key}" if field else key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{field}.{key}" if field else key, "should be non-empty text")
        return value.strip()

    def optional(self, node: Any, key: str, field: str) -> str:
        value = node.get(key, "") if isinstance(node, dict) else None
        if not isinstance(value, str):
            raise self.fail(f"{field}.{key}", "should be text (or left out)")
        return value.strip()

    def number(self, node: Any, key: str) -> int:
        value = self.get(node, key, key)
        if type(value) is not int or value < 0:
            raise self.fail(key, "should be a whole number, 0 or more")
        return value

    def items(self, node: Any, key: str, field: str = "") -> list:
        name = f"{field}.{key}" if field else key
        value = self.get(node, key, name)
        if not isinstance(value, list) or not value:
            raise self.fail(name, "should be a non-empty list")
        return value

    def texts(self, node: Any, key: str, field: str = "") -> tuple[str, ...]:
        name = f"{field}.{key}" if field else key
        out = []
        for index, value in enumerate(self.items(node, key, field)):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{name}[{index}]", "should be non-empty text")
            out.append(value.strip())
        return tuple(out)

    def links(self, node: Any, key: str) -> tuple[Link, ...]:
        return tuple(Link(self.text(item, "code", f"{key}[{i}]"),
                          self.text(item, "how", f"{key}[{i}]"))
                     for i, item in enumerate(self.items(node, key)))

    def flag(self, node: Any, key: str, field: str) -> bool:
        value = self.get(node, key, f"{field}.{key}")
        if type(value) is not bool:
            raise self.fail(f"{field}.{key}", "should be true or false")
        return value

    def story_ids(self, node: Any, key: str, field: str) -> tuple[str, ...]:
        name = f"{field}.{key}"
        value = self.get(node, key, name)
        if not isinstance(value, list) or len(value) > 2:
            raise self.fail(name, "should be a list of one story id, two (the teacher picks "
                                  "one), or none")
        for index, story_id in enumerate(value):
            if not isinstance(story_id, str) or not _STORY_ID.fullmatch(story_id):
                raise self.fail(f"{name}[{index}]", "should be a story id (lower-case "
                                                    "letters, digits and _)")
        if len(set(value)) != len(value):
            raise self.fail(name, "names the same story twice")
        return tuple(value)

    def lesson(self, node: Any, number: int, minutes: int) -> Lesson:
        field = f"lessons[{number - 1}]"
        steps = []
        at = 0
        for j, item in enumerate(self.items(node, "steps", field)):
            where = f"{field}.steps[{j}]"
            span = self.get(item, "minutes", f"{where}.minutes")
            if (not isinstance(span, list) or len(span) != 2
                    or any(type(m) is not int for m in span)):
                raise self.fail(f"{where}.minutes", "should be [START, END] in whole minutes")
            start, end = span
            if start != at or end <= start:
                raise self.fail(f"{where}.minutes", f"should start at {at} (where the step "
                                                    "before ends) and end after it starts")
            steps.append(Step(start, end, self.text(item, "do", where)))
            at = end
        if at != minutes:
            raise self.fail(f"{field}.steps", f"end at minute {at}; a lesson here lasts "
                                              f"{minutes} (lesson_minutes)")
        return Lesson(number, self.text(node, "title", field),
                      self.story_ids(node, "stories", field), self.flag(node, "short", field),
                      self.optional(node, "system", field), self.text(node, "aim", field),
                      tuple(steps), self.texts(node, "moves", field),
                      self.text(node, "exit_ticket", field))

    def stages(self, node: Any, key: str) -> Worksheet:
        part = self.get(node, key, key)
        return Worksheet(*(self.texts(part, stage, key) for stage in STAGES))


def load_story_data(story_id: str, folder: Path | None = None) -> StoryData:
    """The teaching data of one story (``FOLDER/STORY.yaml``)."""
    path = (folder or data_folder()) / f"{story_id}.yaml"
    if not path.is_file():
        raise TeachingDataError(
            f"{path}: no teaching data for story '{story_id}' (write it beside the guides)")
    r = _Reader(path)
    root = r.root
    if r.text(root, "story", "") != story_id:
        raise r.fail("story", f"should be '{story_id}', the file's name")
    glossary = tuple(Term(r.text(item, "term", f"glossary[{i}]"),
                          r.text(item, "definition", f"glossary[{i}]"))
                     for i, item in enumerate(r.items(root, "glossary")))
    cards = tuple(Card(r.text(item, "mechanic", f"fact_or_fiction[{i}]"),
                       r.text(item, "status", f"fact_or_fiction[{i}]"),
                       r.optional(item, "note", f"fact_or_fiction[{i}]"))
                  for i, item in enumerate(r.items(root, "fact_or_fiction")))
    seen: set[str] = set()
    for i, term in enumerate(glossary):
        if term.term.lower() in seen:
            raise r.fail(f"glossary[{i}].term", f"'{term.term}' is defined twice")
        seen.add(term.term.lower())
    return StoryData(story_id, path, glossary, cards, r.stages(root, "worksheet"),
                     r.texts(root, "exit_ticket"), r.text(root, "extension", ""),
                     r.links(root, "curriculum"))


def load_unit_data(folder: Path | None = None) -> UnitData:
    """The unit's teaching data (``FOLDER/unit.yaml``), its links checked against its frameworks."""
    path = (folder or data_folder()) / "unit.yaml"
    r = _Reader(path)
    root = r.root
    frameworks = []
    for i, item in enumerate(r.items(root, "frameworks")):
        field = f"frameworks[{i}]"
        objectives = tuple(Objective(r.text(o, "code", f"{field}.objectives[{j}]"),
                                     r.text(o, "name", f"{field}.objectives[{j}]"))
                           for j, o in enumerate(r.items(item, "objectives", field)))
        frameworks.append(Framework(r.text(item, "id", field), r.text(item, "name", field),
                                    objectives))
    summative = r.get(root, "summative", "summative")
    rubric = r.get(summative, "rubric", "summative.rubric")
    levels = r.texts(rubric, "levels", "summative.rubric")
    criteria = []
    for i, item in enumerate(r.items(rubric, "criteria", "summative.rubric")):
        field = f"summative.rubric.criteria[{i}]"
        described = r.texts(item, "levels", field)
        if len(described) != len(levels):
            raise r.fail(f"{field}.levels", f"should describe all {len(levels)} levels")
        criteria.append(Criterion(r.text(item, "name", field), described))
    if len(levels) != 4:
        raise r.fail("summative.rubric.levels", "a rubric here has four levels")
    diff = r.get(root, "differentiation", "differentiation")
    minutes = r.number(root, "lesson_minutes")
    lessons = tuple(r.lesson(item, i, minutes)
                    for i, item in enumerate(r.items(root, "lessons"), 1))
    comparison = r.get(root, "comparison", "comparison")
    grid = tuple(Question(r.text(item, "question", f"comparison.questions[{i}]"),
                          r.text(item, "hint", f"comparison.questions[{i}]"))
                 for i, item in enumerate(r.items(comparison, "questions", "comparison")))
    law = tuple(Law(*(r.text(item, key, f"comparison.law[{i}]")
                      for key in ("name", "reference", "says", "applies", "source")))
                for i, item in enumerate(r.items(comparison, "law", "comparison")))
    warmup = r.get(root, "warmup", "warmup")
    if not isinstance(warmup, str) or not _STORY_ID.fullmatch(warmup):
        raise r.fail("warmup", "should be a story id (lower-case letters, digits and _)")
    unit = UnitData(
        path, r.text(root, "title", ""), lessons, warmup,
        minutes, r.number(root, "setup_minutes"),
        r.number(root, "debrief_minutes"), tuple(frameworks), r.links(root, "curriculum"),
        tuple((key, r.text(diff, key, "differentiation"))
              for key in ("english_learners", "scaffolds", "extension")),
        r.stages(root, "sentence_starters"), r.text(summative, "title", "summative"),
        r.text(summative, "task", "summative"), levels, tuple(criteria),
        r.texts(root, "letter_home"),
        tuple((r.text(item, "heading", f"care[{i}]"), r.text(item, "text", f"care[{i}]"))
              for i, item in enumerate(r.items(root, "care"))),
        grid, r.text(comparison, "own_column", "comparison"), law)
    if not unit.short:
        raise r.fail("lessons", "no lesson is marked short: true (the short version's lessons)")
    for i, link in enumerate(unit.curriculum):
        if unit.objective(link.code) is None:
            raise r.fail(f"curriculum[{i}].code", f"'{link.code}' is not an objective of "
                         "any framework in unit.yaml")
    return unit


def check_links(data: StoryData, unit: UnitData) -> None:
    """Every curriculum code of a story names an objective of the unit's frameworks."""
    for i, link in enumerate(data.curriculum):
        if unit.objective(link.code) is None:
            raise TeachingDataError(f"{data.path}: curriculum[{i}].code: '{link.code}' is not "
                                    "an objective of any framework in unit.yaml")
