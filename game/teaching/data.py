"""The guides' teaching data: glossary, card sort, worksheet, exit ticket, curriculum.

One YAML file per story beside the guides (``docs/teachers/data/STORY.yaml``) and one
for the unit (``unit.yaml``). Both the Markdown guides (``--sync-guides``) and the
printed handouts read them, so the two never drift. Loaded with ``yaml.safe_load``
and validated into frozen dataclasses; a mistake is one line naming the file and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from game.errors import StandingError


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
class UnitData:
    """The unit's teaching data."""

    path: Path
    title: str
    lessons: tuple[str, ...]
    warmup: str
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

    def objective(self, code: str) -> tuple[Framework, Objective] | None:
        """The framework and objective with this code."""
        for framework in self.frameworks:
            for objective in framework.objectives:
                if objective.code == code:
                    return framework, objective
        return None


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
    unit = UnitData(
        path, r.text(root, "title", ""), r.texts(root, "lessons"), r.text(root, "warmup", ""),
        r.number(root, "lesson_minutes"), r.number(root, "setup_minutes"),
        r.number(root, "debrief_minutes"), tuple(frameworks), r.links(root, "curriculum"),
        tuple((key, r.text(diff, key, "differentiation"))
              for key in ("english_learners", "scaffolds", "extension")),
        r.stages(root, "sentence_starters"), r.text(summative, "title", "summative"),
        r.text(summative, "task", "summative"), levels, tuple(criteria),
        r.texts(root, "letter_home"),
        tuple((r.text(item, "heading", f"care[{i}]"), r.text(item, "text", f"care[{i}]"))
              for i, item in enumerate(r.items(root, "care"))))
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
