"""The ledger and the typed events the engine emits for each step.

Every front end (terminal player, plain player, headless run, classroom
records) consumes these same events; none of them recomputes a rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, Union

LedgerKind = Literal["rule", "list", "unlist", "rated", "rate", "model"]

value_class = dataclass(slots=True, unsafe_hash=True)
"""The decorator of the engine's per-step values (events, ledger entries, views).

They compare and hash by value like frozen dataclasses, and nothing may change
one after it is made, but they are not declared ``frozen``: a frozen
dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
measured ~110 ns a field here against ~20 ns, and the engine makes several
of them (a 14-field ledger entry among them) on every step."""


@value_class
class LedgerEntry:
    """One thing the system recorded about the player, and why."""

    step: int
    """The number of decisions taken before this entry (0 = before the first)."""
    day: int
    scene: str
    kind: LedgerKind
    """rule: a behaviour was recorded; list/unlist: a blacklist changed;
    rated: someone rated the player; rate: the player rated someone; model: a
    recomputing model (risk) worked the score out again."""
    subject: str
    """The rule id, list id, or person id (rater for ``rated``, rated person for ``rate``)."""
    label: str
    """The rule's or list's label, or the person's name."""
    asked: float
    """The change the rule asked for (or the stars given)."""
    applied: float
    """How much the score (or the person's rating) actually moved, after clamping."""
    score: float
    """The player's score after this entry."""
    source: str | None
    """Which linked database reported it (a source id), if any."""
    source_label: str | None
    explained: bool
    """Whether the player was shown the reason at the time."""
    note: str | None = None
    mistake: bool = False
    """The story marks this entry as the system's mistake (a wrong listing, a misread camera)."""
    moved: tuple = ()
    """``model`` entries: each feature whose value changed, as (id, label, old value,
    new value, contribution = weight × new value, explained)."""

    @property
    def rule(self) -> str | None:
        """The rule id for ``rule`` entries."""
        return self.subject if self.kind == "rule" else None

    def to_json(self) -> dict:
        """A JSON-ready dict (the ``run --json`` and class-record shape)."""
        data = asdict(self)
        data["rule"] = self.rule
        data["change"] = self.applied
        if self.moved:
            data["features"] = [
                {"id": f, "label": label, "old": old, "new": new, "contribution": part,
                 "explained": told} for f, label, old, new, part, told in self.moved]
        del data["moved"]
        return data


@value_class
class ScoreChanged:
    """The player's score moved; ``entry`` says why."""

    old: float
    new: float
    entry: LedgerEntry


@value_class
class TierChanged:
    """The score crossed a tier line."""

    old: str | None
    new: str
    old_label: str | None
    new_label: str
    up: bool


@value_class
class ListChanged:
    """The player was put on, or taken off, a list."""

    list: str
    label: str
    on: bool
    entry: LedgerEntry
    announced: bool = True
    """False for a list that does not tell the player (``announce: false``)."""


@value_class
class RatedByPerson:
    """A person rated the player."""

    person: str
    name: str
    stars: float
    entry: LedgerEntry


@value_class
class PersonRated:
    """The player rated a person; their rating moved."""

    person: str
    name: str
    stars: float
    old: float
    new: float
    entry: LedgerEntry


@value_class
class Notified:
    """A phone notification."""

    text: str


@value_class
class DayAdvanced:
    """Time passed."""

    days: int
    day: int


@value_class
class SceneEntered:
    """The player arrived in a scene (``chapter`` set when one starts here)."""

    scene: str
    chapter: str | None
    visits: int


@value_class
class Ended:
    """The story reached an ending."""

    scene: str
    title: str
    kind: str


@value_class
class ChoiceTaken:
    """The player took a choice (what the class records keep)."""

    scene: str
    choice: str
    text: str
    tags: tuple[str, ...]
    step: int


@value_class
class PollAnswered:
    """The player answered the current scene's poll (no effect on the rating)."""

    poll: str
    """The poll's id (the scene id unless the story names it)."""
    scene: str
    option: int
    """The option chosen, counted from 0 in the story's order."""
    text: str
    step: int
    """The moment it was asked: the number of steps taken before it."""


@value_class
class Rewound:
    """The game went back to the moment after ``step`` steps (undo, rewind, restart).

    Everything that happened after that moment is taken back; poll answers given
    at that moment are kept.
    """

    step: int


Event = Union[
    ScoreChanged, TierChanged, ListChanged, RatedByPerson, PersonRated, Notified,
    DayAdvanced, SceneEntered, Ended, ChoiceTaken, PollAnswered, Rewound,
]
