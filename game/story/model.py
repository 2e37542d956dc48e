"""The immutable story model: what the loader produces and the engine plays.

Every class is a frozen dataclass; mappings are read-only views. Nothing
after the loader sees raw YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, Mapping, NamedTuple, Union

from game.errors import Location
from game.story.expressions import Expr, Text, Value

EMPTY: Mapping = MappingProxyType({})


def frozen_map(items: Mapping | None = None) -> Mapping:
    """A read-only copy of ``items``."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True, slots=True)
class Tier:
    """A band of the score; a score belongs to the first tier whose ``min`` it reaches."""

    id: str
    label: str
    min: float


@dataclass(frozen=True, slots=True)
class Rule:
    """A behaviour the system registers, and what it costs or earns."""

    id: str
    change: float
    label: str
    source: str | None
    explain: bool
    location: Location


@dataclass(frozen=True, slots=True)
class ListDef:
    """A blacklist (or red list) a player can be put on."""

    id: str
    label: str
    announce: bool = True
    """False: the player is not told when put on it; they find out when a door
    stays shut (as people on real blacklists often did), and the debrief reveals it."""


@dataclass(frozen=True, slots=True)
class Service:
    """Something the rating opens or closes: a train ticket, a loan, a flat."""

    id: str
    label: str
    requires: Expr | None
    refusal: Text | None


@dataclass(frozen=True, slots=True)
class Feature:
    """Risk model: one thing the system reads from the player's state, and its weight."""

    id: str
    label: str
    value: Expr
    """Read at the end of every step; ``true`` counts 1, ``false`` 0."""
    weight: float
    explain: bool
    """Whether the player is told about this feature (the rating's ``explain`` unless set)."""
    location: Location


@dataclass(frozen=True, slots=True)
class Rating:
    """The rating system the player lives under."""

    name: str
    model: str
    """A model's name in ``game.story.models.MODELS`` (points, peer, risk)."""
    min: float | None
    max: float | None
    start: float
    show: Literal["number", "stars", "tier", "hidden"]
    explain: bool
    memory: int
    weight: Literal["equal", "rater"]
    tiers: tuple[Tier, ...]
    sources: Mapping[str, str]
    rules: Mapping[str, Rule]
    lists: Mapping[str, ListDef]
    services: Mapping[str, Service]
    decimals: int = 2
    """How many decimals the score is kept, shown and compared at (0, 1 or 2): the
    score is rounded to them after every change, so a number the player sees is the
    number every rule compares (``decimals:`` in the story, or see ``ModelSpec.default_decimals``)."""
    start_ratings: int = 1
    """Peer model: how many ratings the player's ``start`` stands for (a history, like a
    person's ``ratings``: a 3.9 built on twelve ratings moves less with the next one)."""
    features: tuple[Feature, ...] = ()
    """Risk model: what the score is computed from."""
    bias: float = 0
    """Risk model: the constant term of z."""
    link: str = "logistic"
    """Risk model: ``logistic`` or ``linear`` (how z becomes a score)."""

    def tier_for(self, score: float) -> Tier | None:
        """The tier a score belongs to (tiers are highest first)."""
        for tier in self.tiers:
            if score >= tier.min:
                return tier
        return self.tiers[-1] if self.tiers else None

    def tier_rank(self, tier_id: str) -> int:
        """Rank of a tier: higher is better, the lowest tier is 1."""
        for index, tier in enumerate(self.tiers):
            if tier.id == tier_id:
                return len(self.tiers) - index
        return 0


@dataclass(frozen=True, slots=True)
class Variant:
    """The same story under another rating: ``variants:`` overlaid on ``rating:``."""

    id: str
    label: str
    """What the variant changes, said as a condition ("If every rule were announced")."""
    rating: Rating
    """The whole rating under this variant (the story's, with the overlay applied)."""
    location: Location


AS_WRITTEN = "as_written"
"""The id ``whatif`` and the debrief give the story's own rating (no variant may take it)."""


@dataclass(frozen=True, slots=True)
class Person:
    """A character with a rating of their own."""

    id: str
    name: str
    rating: float | None
    ratings: int = 1
    """How many ratings the starting ``rating`` stands for (a history: one new
    rating moves a person rated 4.6 from 40 ratings far less than from one)."""


# --- effects -----------------------------------------------------------------
# Each kind is declared once, with its model class, in game/story/effects/.

from game.story.effects import KINDS, spec_for  # noqa: E402
from game.story.effects.advance import Advance  # noqa: E402,F401 - the model's names
from game.story.effects.assign import AddVars, SetVars  # noqa: E402,F401
from game.story.effects.branch import Branch  # noqa: E402,F401
from game.story.effects.listing import ListChange  # noqa: E402,F401
from game.story.effects.notify import Notify  # noqa: E402,F401
from game.story.effects.record import Record  # noqa: E402,F401
from game.story.effects.stars import Rate, Rated  # noqa: E402,F401

Effect = Union[KINDS]  # type: ignore[valid-type]
"""Any effect: a member of one of the kinds in ``game.story.effects``."""


def walk(effects: tuple[Effect, ...]):
    """Every effect in a list, both sides of each branch included, in order (the
    branches themselves left out)."""
    for effect in effects:
        nested = spec_for(effect).nested(effect)
        if nested:
            for inner in nested:
                yield from walk(inner)
        else:
            yield effect


# --- expectations ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expectation:
    """``expect:`` something that must always hold; checked by ``test``, never in play."""

    that: Expr
    """The condition (a truth value)."""
    says: str
    """What it means, in a sentence (printed when it fails)."""
    location: Location


@dataclass(frozen=True, slots=True)
class Population:
    """``population:`` the people the story's system would reach (for ``city``)."""

    count: int
    """How many people (a whole number, 1 or more)."""
    label: str
    """Who they are, e.g. "Beijing residents"."""


# --- scenes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One paragraph of scene text, shown when its condition holds."""

    text: Text
    condition: Expr | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """An option offered to the player in a scene."""

    id: str
    text: Text
    goto: str
    condition: Expr | None
    requires: Expr | None
    locked: Text | None
    service: str | None
    effects: tuple[Effect, ...]
    once: bool
    reflect: str | None
    tags: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Ending:
    """How a story ends in a scene."""

    title: Text
    kind: Literal["good", "bad", "mixed"]


@dataclass(frozen=True, slots=True)
class Poll:
    """A question asked without effect on the rating."""

    question: str
    options: tuple[str, ...]
    id: str = ""
    """Names the question in records and the report; defaults to the scene id. Two
    scenes whose polls share an id ask the same question (before and after)."""


@dataclass(frozen=True, slots=True)
class Scene:
    """A place in the story: text, effects on entry, and how it goes on."""

    id: str
    text: tuple[TextBlock, ...]
    effects: tuple[Effect, ...]
    choices: tuple[Choice, ...]
    goto: str | None
    ending: Ending | None
    chapter: str | None
    location: Location
    poll: Poll | None = None
    expect: tuple[Expectation, ...] = ()
    """Checked by ``test`` on every arrival in the scene (never in play)."""

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id, if the scene has it."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


class SceneOutline(NamedTuple):
    """What a scene is, in outline (see ``Story.outline``)."""

    id: str
    chapter: str | None
    ending: bool
    goto: str | None
    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Story:
    """A whole, validated story (weakly referable: the engine keeps per-story facts
    beside it for as long as it lives)."""

    id: str
    title: str
    path: str
    content_hash: str
    start: str
    scenes: Mapping[str, Scene]
    rating: Rating | None = None
    vars: Mapping[str, Value] = field(default_factory=lambda: EMPTY)
    var_formats: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    """How the player reads a var in text (its ``format:``): {var: 'thousands'}."""
    people: Mapping[str, Person] = field(default_factory=lambda: EMPTY)
    debrief: tuple[str, ...] = ()
    debrief_if: tuple[Expr | None, ...] = ()
    """Each debrief question's ``if:`` (aligned with ``debrief``; empty when none has
    one): a question whose condition is false at the end is left out of that player's
    debrief. The teacher's report lists every question."""
    renamed: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    author: str | None = None
    language: str = "en"
    version: str | None = None
    summary: str | None = None
    minutes: float | None = None
    content_notes: tuple[str, ...] = ()
    audience: str | None = None
    files: tuple[str, ...] = ()
    expect: tuple[Expectation, ...] = ()
    """Checked by ``test`` after every step (never in play)."""
    population: Population | None = None
    """Who the city estimate scales to (None: only ``--population`` can say)."""
    variants: Mapping[str, Variant] = field(default_factory=lambda: EMPTY)
    """Alternative ratings the same scenes can be played under (``variants:``), in file order."""

    def under(self, variant: str) -> "Story":
        """This story with a variant's rating in place of its own (``as_written``: itself).

        The scenes, vars and text are shared; only the rating differs, so an engine
        started on the result plays the same life under the other system.
        """
        if variant == AS_WRITTEN:
            return self
        return replace(self, rating=self.variants[variant].rating)

    @property
    def chapters(self) -> tuple[str, ...]:
        """Chapter titles in file order."""
        return tuple(o.chapter for o in self.outline() if o.chapter)

    def outline(self) -> tuple[SceneOutline, ...]:
        """Every scene's id, chapter, whether it ends the story and its choice ids, in
        file order, without building scenes the compiled cache has left unbuilt."""
        of = getattr(self.scenes, "outline", None)
        if of is not None:
            return of()
        return tuple(SceneOutline(sid, s.chapter, s.ending is not None, s.goto,
                                  tuple(c.id for c in s.choices))
                     for sid, s in self.scenes.items())

    def resolve(self, scene_id: str) -> str | None:
        """A scene id, following ``renamed:`` (for saves made before a rename)."""
        seen = set()
        while scene_id not in self.scenes and scene_id in self.renamed:
            if scene_id in seen:
                return None
            seen.add(scene_id)
            scene_id = self.renamed[scene_id]
        return scene_id if scene_id in self.scenes else None
