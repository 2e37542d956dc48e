"""A paper gamebook of a story, for a lesson without computers.

Each scene is a numbered section (the start is section 1, the rest shuffled by a
seed); each choice ends "Turn to N". Conditions, locks and effects become
instructions on a score sheet (``paper.Paper``). Hidden rules and lists are written
as codes whose meaning is printed upside-down at the back, with the debrief, on a
page the teacher can hold back. What paper cannot do exactly is said in the front
matter and returned as warnings.

Every link carries ``data-`` attributes naming the scene, choice and conditions it
stands for, so a test can walk the printed book as a graph against the story's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from game.engine.emphasis import spans
from game.story import model as m
from game.story.models import spec_of
from game.story.expressions import format_value
from game.teaching.html import Document, Element, h, write_text
from game.teaching.paper import Paper, Step

CONTINUE = "continue"
"""The ``data-choice`` of a scene's single "turn to" (a ``goto``)."""

CSS = """
.section { break-inside: auto; margin: 0 0 5mm; padding-top: 2mm; border-top: 1px solid #999; }
.section h2 { font-size: 16pt; margin: 0 0 1mm; }
.chapter { font-variant: small-caps; font-size: 9pt; }
.instr { font-size: 10pt; background: #f1f1f1; border-left: 3px solid #000; padding: 1mm 2mm;
         margin: 1mm 0; }
.instr ul { margin: 0.5mm 0 0.5mm 4mm; padding-left: 3mm; }
ol.choices { padding-left: 6mm; }
.turn { font-weight: bold; white-space: nowrap; }
.lock { font-style: italic; }
.ending { font-weight: bold; font-size: 13pt; border: 2px solid #000; padding: 2mm; }
.upside { transform: rotate(180deg); }
a { color: #000; text-decoration: none; }
"""


@dataclass(frozen=True, slots=True)
class Gamebook:
    """A built gamebook: its document, the scene of each section, and what paper changes."""

    document: Document
    numbers: dict[str, int]
    warnings: tuple[str, ...]


def section_numbers(story: m.Story, seed: int) -> dict[str, int]:
    """Section 1 is the start; the other scenes get 2..N in an order shuffled by ``seed``."""
    others = [sid for sid in story.scenes if sid != story.start]
    random.Random(seed).shuffle(others)
    numbers = {story.start: 1}
    for index, sid in enumerate(others, 2):
        numbers[sid] = index
    return numbers


def styled(text: str) -> list[Element | str]:
    """Story text with its emphasis (the engine's ``spans``) as <em>/<strong>, text escaped."""
    out: list[Element | str] = []
    for style, piece in spans(text):
        node: Element | str = piece
        if "italic" in style:
            node = h("em", node)
        if "bold" in style:
            node = h("strong", node)
        out.append(node)
    return out


def _steps(steps: tuple[Step, ...]) -> list[Element]:
    out = []
    for step in steps:
        if step.branch:
            out.append(h("li", step.text, h("ul", _steps(step.then)) if step.then else
                         h("ul", h("li", "nothing happens.")),
                         [h("br"), "Otherwise:", h("ul", _steps(step.otherwise))]
                         if step.otherwise else None))
        else:
            out.append(h("li", styled(step.text)))
    return out


def _instructions(steps: tuple[Step, ...]) -> Element | None:
    if not steps:
        return None
    return h("div", h("ul", _steps(steps)), class_="instr")


def _turn(numbers: dict[str, int], target: str, choice: str, condition: str = "",
          requires: str = "", service: str = "") -> Element:
    number = numbers[target]
    return h("a", f"Turn to {number}.", href=f"#s{number}", class_="turn", data_scene=target,
             data_choice=choice, data_condition=condition, data_requires=requires,
             data_service=service)


def _choice(paper: Paper, scene: m.Scene, choice: m.Choice, numbers: dict[str, int],
            once_boxes: dict[tuple[str, str], str]) -> Element:
    rating = paper.story.rating
    notes: list[Element | str] = []
    if choice.condition is not None:
        notes.append(h("p", h("em", "Only if "), paper.condition(choice.condition),
                       ". Otherwise skip this choice.", class_="small"))
    if choice.once:
        box = once_boxes.setdefault((scene.id, choice.id), f"O{len(once_boxes) + 1}")
        notes.append(h("p", f"Once only: if box {box} on your sheet is ticked, skip this "
                            f"choice; when you take it, tick box {box}.", class_="small"))
    lock: list[str] = []
    service = rating.services.get(choice.service) if (rating and choice.service) else None
    if service is not None and service.requires is not None:
        reason = paper.text(service.refusal) if service.refusal else \
            f"{service.label} is closed to you."
        lock.append(f"Locked unless {paper.condition(service.requires)}: “{reason}”")
    if choice.requires is not None:
        reason = paper.text(choice.locked) if choice.locked else "Locked."
        lock.append(f"Locked unless {paper.condition(choice.requires)}: “{reason}”")
    lock_el = [h("p", text + " You can read this choice but not take it.", class_="lock small")
               for text in lock]
    return h("li", h("p", styled(paper.text(choice.text))), notes, lock_el,
             _instructions(paper.steps(choice.effects)),
             _turn(numbers, choice.goto, choice.id,
                   choice.condition.source if choice.condition else "",
                   choice.requires.source if choice.requires else "",
                   choice.service or ""),
             class_="choice", data_choice=choice.id)


def _section(paper: Paper, scene: m.Scene, numbers: dict[str, int],
             once_boxes: dict[tuple[str, str], str]) -> Element:
    number = numbers[scene.id]
    body: list = []
    if scene.id in paper.tallied:
        body.append(h("div", h("ul", h("li", f"Make a tally mark in box T{number} on your "
                                             "sheet.")), class_="instr"))
    body.append(_instructions(paper.steps(scene.effects)))
    for block in scene.text:
        if block.condition is None:
            body.append(h("p", styled(paper.text(block.text))))
        else:
            body.append(h("p", h("em", f"If {paper.condition(block.condition)}, read: "),
                          styled(paper.text(block.text)), data_condition=block.condition.source))
    if scene.poll is not None:
        body.append(h("div", h("p", h("strong", "Answer for yourself: "), scene.poll.question),
                      h("p", [[h("span", class_="box"), option, "   "]
                              for option in scene.poll.options]), class_="keep"))
    if scene.ending is not None:
        body.append(h("p", f"THE END: {paper.text(scene.ending.title)} ",
                      f"({scene.ending.kind} ending)", class_="ending"))
        body.append(h("p", "Finish your ledger, then ask your teacher for the debrief page.",
                      class_="small"))
    elif scene.goto is not None:
        body.append(h("p", _turn(numbers, scene.goto, CONTINUE)))
    else:
        body.append(h("ol", [_choice(paper, scene, c, numbers, once_boxes)
                             for c in scene.choices], class_="choices"))
    return h("section", h("h2", str(number)),
             h("div", scene.chapter, class_="chapter") if scene.chapter else None,
             body, id=f"s{number}", class_="section", data_scene=scene.id)


def _score_sheet(paper: Paper, once_boxes: dict[tuple[str, str], str]) -> Element:
    story = paper.story
    rating = story.rating
    parts: list = [h("h1", f"{story.title}: score sheet"),
                   h("p", "Name or codename: ", "_" * 30, class_="meta")]
    if rating is not None:
        if spec_of(rating).by_hand == "averages":
            parts.append(h("p", f"Your {rating.name} starts at {format_value(rating.start)}. "
                                f"Keep a ratings column: your {rating.name} is the average of "
                                f"your last {rating.memory} ratings (the starting "
                                f"{format_value(rating.start)} counts as the first), plus "
                                "your adjustment box."
                                + (" Weighted: multiply each rating by its weight (the "
                                   "rater's rating), add them up, and divide by the sum of "
                                   "the weights." if rating.weight == "rater" else "")))
            parts.append(h("table", h("tr", h("th", "Ratings you received (stars, weight)"),
                                      h("th", "Adjustment box")),
                           h("tr", h("td", _space(8)), h("td", "0"))))
        elif spec_of(rating).by_hand == "formula":
            parts.append(h("p", f"Your {rating.name} is worked out by a formula on the "
                                "computer: your teacher tells you your score when it changes."))
        else:
            parts.append(h("p", f"Your {rating.name} starts at {format_value(rating.start)}"
                                + paper._bounds() + "."))
        if rating.tiers:
            parts.append(h("p", "Your grade: ", "; ".join(
                f"{t.id} ({t.label}) from {format_value(t.min)}" for t in rating.tiers) + "."))
        lists = [paper.list_name(lid) for lid in rating.lists]
        if lists:
            parts.append(h("p", [[h("span", class_="box"),
                                  name if name.startswith("box ") else f"“{name}”", "   "]
                                 for name in lists]))
    parts.append(h("p", "Day: ", h("span", class_="box"), " (starts at 1)"))
    if story.vars:
        rows = [h("tr", h("td", f"“{var}”"), h("td", _start(value)), h("td", ""))
                for var, value in story.vars.items()]
        parts.append(h("table", h("thead", h("tr", h("th", "Box"), h("th", "Starts at"),
                                            h("th", "Now (pencil)"))), h("tbody", rows),
                       class_="small"))
    if story.people:
        rows = [h("tr", h("td", p.name), h("td", _start(p.rating) if p.rating is not None
                                           else "none"),
                      h("td", str(p.ratings)), h("td", ""))
                for p in story.people.values()]
        parts.append(h("div", h("h3", "People table"),
                       h("p", "A person's rating is the average of their starting rating "
                              "(counted as many times as the ratings column says) and the "
                              "stars you give them.", class_="small"),
                       h("table", h("thead", h("tr", h("th", "Person"), h("th", "Rating"),
                                                   h("th", "From ratings"),
                                                   h("th", "Stars you gave"))),
                         h("tbody", rows), class_="small"), class_="keep"))
    marks = [f"T{paper.numbers[s]}" for s in sorted(paper.tallied, key=paper.numbers.get)]
    boxes = sorted(once_boxes.values(), key=lambda b: int(b[1:]))
    if marks or boxes:
        parts.append(h("p", "Tally and tick boxes: ",
                       [[h("span", f"{name} "), h("span", class_="box"), "  "]
                        for name in marks + boxes]))
    ledger = h("table", h("thead", h("tr", h("th", "Section"), h("th", "What (or code)"),
                                       h("th", "Change"), h("th", "Source"))),
               h("tbody", [h("tr", [h("td", "") for _ in range(4)]) for _ in range(10)]),
               class_="tall")
    parts.append(h("div", h("h3", "Ledger"), ledger, class_="keep"))
    return h("section", parts, class_="sheet", data_handout="score-sheet")


def _space(lines: int) -> list[Element]:
    return [h("div", class_="write") for _ in range(lines)]


def _start(value: object) -> str:
    if isinstance(value, bool):
        return "ticked" if value else "empty"
    return format_value(value)  # type: ignore[arg-type]


def _front(paper: Paper, count: int) -> Element:
    story = paper.story
    gaps = [h("li", gap.message) for gap in paper.gaps.values()]
    return h("section",
             h("h1", f"{story.title}: a paper gamebook"),
             h("p", story.summary) if story.summary else None,
             h("p", f"This book has {count} numbered sections, in a shuffled order. Start at "
                    "section 1. At the end of each section, choose, follow the instructions in "
                    "the grey boxes on your score sheet, and turn to the section named. A "
                    "locked choice shows its reason: you may read it but not take it, unless "
                    "your sheet says it is open."),
             h("p", "You need: this book, the score sheet, a pencil, and for chance "
                    "(if listed below) numbered slips or a die."),
             h("h2", "Where paper differs from the screen"),
             h("ul", gaps) if gaps else h("p", "Nothing: every rule of this story works the "
                                                "same on paper."),
             h("p", "Codes such as R1 or L1 on your sheet stand for reasons the system does not "
                    "tell you. They are explained at the back, on a page your teacher keeps "
                    "until the debrief.", class_="small"),
             class_="sheet", data_handout="front")


BACK_ROWS = 16
"""Codes per upside-down page: a rotated block must fit on one page (rotating a block
that breaks across pages scrambles it)."""


def _back(paper: Paper) -> list[Element]:
    """The hidden reasons and the debrief questions, upside-down, one page each."""
    story = paper.story
    rating = story.rating
    rows = []
    for key, code in paper.codes.items():
        kind, ident = key.split(":", 1)
        if kind == "rule":
            rule = rating.rules[ident]
            source = rating.sources.get(rule.source or "", rule.source or "")
            sign = "+" if rule.change >= 0 else "−"
            rows.append(h("tr", h("td", code), h("td", rule.label),
                          h("td", f"{sign}{format_value(abs(rule.change))}"), h("td", source)))
        else:
            rows.append(h("tr", h("td", code), h("td", rating.lists[ident].label), h("td", "list"),
                          h("td", "")))
    head = h("thead", h("tr", h("th", "Code"), h("th", "Reason"), h("th", "Change"),
                        h("th", "Source")))
    pages = []
    chunks = [rows[i:i + BACK_ROWS] for i in range(0, len(rows), BACK_ROWS)] or [[]]
    for index, chunk in enumerate(chunks):
        title = "For the debrief: what the system did not tell you"
        if len(chunks) > 1:
            title += f" ({index + 1} of {len(chunks)})"
        pages.append(h("section", h("div",
            h("h1", title),
            h("p", "Teacher: hold this page back until everyone has reached an ending. It "
                   "prints upside down so that it cannot be read by accident.", class_="small"),
            h("table", head, h("tbody", chunk)) if chunk else
            h("p", "This story hides no reasons."),
            class_="upside"), class_="sheet", data_handout="debrief"))
    if story.debrief:
        pages.append(h("section", h("div", h("h1", "Debrief questions"),
                                    h("ol", [h("li", q) for q in story.debrief]),
                                    class_="upside"),
                       class_="sheet", data_handout="debrief-questions"))
    return pages


def build_gamebook(story: m.Story, seed: int = 0) -> Gamebook:
    """The whole book: front matter, score sheet, sections 1..N, the debrief at the back."""
    numbers = section_numbers(story, seed)
    paper = Paper(story, numbers)
    once_boxes: dict[tuple[str, str], str] = {}
    by_number = sorted(story.scenes.values(), key=lambda s: numbers[s.id])
    # Sections first: writing them finds the tallies, codes and gaps the sheet lists.
    sections = [_section(paper, scene, numbers, once_boxes) for scene in by_number]
    # Tallies found after a scene's section was written need that section again.
    if paper.tallied:
        sections = [_section(paper, scene, numbers, once_boxes) for scene in by_number]
    body = [_front(paper, len(sections)), _score_sheet(paper, once_boxes),
            h("div", sections, class_="sheet sections"), *_back(paper)]
    document = Document(f"{story.title}: a paper gamebook", tuple(body), CSS)
    return Gamebook(document, numbers, tuple(gap.message for gap in paper.gaps.values()))


def write_gamebook(story: m.Story, out: Path, seed: int = 0) -> Gamebook:
    """Write the book to ``out`` (whole, via a temporary file) and return it."""
    book = build_gamebook(story, seed)
    write_text(out, book.document.html())
    return book
