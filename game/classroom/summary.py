"""The class report's numbers: frozen dataclasses, true counts, and the Gini coefficient.

Counts here are true counts: hiding counts under 3 is the renderers' job,
through ``ClassReport.hidden``, so every format hides the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass

SMALL = 3
"""Counts below this are hidden unless the teacher asks (``--show-small``)."""


@dataclass(frozen=True, slots=True)
class Count:
    """How many of ``n`` did one thing."""

    key: str
    label: str
    count: int
    n: int
    detail: str = ""

    @property
    def share(self) -> float:
        """count / n (0 when n is 0)."""
        return self.count / self.n if self.n else 0.0


@dataclass(frozen=True, slots=True)
class Decision:
    """One scene where players chose: the split, with n."""

    scene: str
    chapter: str | None
    prompt: str
    """The scene's first words, to recognise it by."""
    options: tuple[Count, ...]
    n: int
    """Choices taken here (a player who came back counts again)."""
    players: int

    @property
    def balance(self) -> float:
        """How close the top two options are: 1 for a 50/50 split, 0 for unanimity."""
        counts = sorted((o.count for o in self.options), reverse=True)
        if len(counts) < 2 or not self.n:
            return 0.0
        return 1 - (counts[0] - counts[1]) / self.n


@dataclass(frozen=True, slots=True)
class Scores:
    """The distribution of final scores among players who reached an ending."""

    name: str
    values: tuple[float, ...]
    mean: float | None
    median: float | None
    low: float | None
    high: float | None
    gini: float | None
    """Inequality of final scores: 0 all equal, towards 1 very unequal (None if undefined)."""
    tiers: tuple[Count, ...]
    decimals: int = 2
    """The story's precision (``Rating.decimals``; read off the scores when the story is
    not known): lowest and highest are shown at it."""

    @property
    def average_decimals(self) -> int:
        """Decimals a mean or median is shown at: one more than the scores' own, 2 at most
        (whole scores give "938.6", never "938.57")."""
        return max(self.decimals, min(self.decimals + 1, 2))


@dataclass(frozen=True, slots=True)
class Listing:
    """Players put on a list in one way: where, after which rule, by which source."""

    list_label: str
    scene: str
    rules: str
    """The rules recorded in the same step, or a phrase saying there were none."""
    source: str
    mistake: bool
    players: int


@dataclass(frozen=True, slots=True)
class RuleRow:
    """What one rule (or one person's ratings) did across the class."""

    label: str
    source: str
    players: int
    times: int
    total: float
    mistakes: int
    hidden: bool
    """The rule's reason was not shown to players at the time."""


@dataclass(frozen=True, slots=True)
class PollAsk:
    """One moment a poll was asked, and how the class answered."""

    scene: str
    question: str
    options: tuple[Count, ...]
    n: int


@dataclass(frozen=True, slots=True)
class PollResult:
    """A poll, asked once or at several moments (before and after)."""

    id: str
    asks: tuple[PollAsk, ...]
    both: int
    """Players who answered both the first and the last time it was asked."""
    changed: int
    """Of those, how many gave a different answer the last time."""


@dataclass(frozen=True, slots=True)
class DebriefItem:
    """A debrief question with the class numbers that feed it."""

    question: str
    facts: tuple[str, ...]
    asked: int | None = None
    """A question with ``if:``: how many of the finished players' paths it was asked on
    (None: asked of everyone)."""
    of: int = 0
    """The finished players ``asked`` counts among."""


@dataclass(frozen=True, slots=True)
class PlayerRow:
    """One codename's session (only with ``--per-player``)."""

    codename: str
    ending: str | None
    score: float | None
    tier: str | None
    lists: tuple[str, ...]
    choices: int


@dataclass(frozen=True, slots=True)
class CityRow:
    """One outcome scaled to the city: a list, a service refused, an ending."""

    what: str
    """lists, refused or endings."""
    label: str
    share: float
    low: float
    high: float
    people: str
    """About how many people, as a sentence says it (~1.9 million)."""
    people_range: str
    """Their 95 % interval (1.7–2.1 M)."""
    key: str = ""
    """The list's, service's or ending scene's id."""
    count: int = 0
    """About how many people, as a number (share × population, rounded)."""
    low_count: int = 0
    high_count: int = 0
    """The people at the 95 % interval's bounds."""


@dataclass(frozen=True, slots=True)
class CitySection:
    """The report's "Scaled to the city" (game.classroom.city makes it)."""

    headline: str
    """"If Beijing's 21.7 million chose as this class did: ~1.9 million (…) on …"."""
    rows: tuple[CityRow, ...]
    notes: tuple[str, ...]
    """What the estimate assumes, and how it was made."""
    base_rates: tuple[str, ...] = ()
    """The base-rate exhibit, for a story whose rules list people on a (face) match:
    how often the class's choices let a match list someone, and how many strangers
    a search of the whole population puts above the line."""
    population: int = 0
    """How many people the lives are scaled to."""
    population_label: str = ""
    """Who they are ("Beijing residents")."""
    lives: int = 0
    """The sampled lives behind every share."""
    sessions: int = 0
    """The class's sessions whose choices weighted the lives."""
    seed: int = 0


@dataclass(frozen=True, slots=True)
class VariantColumn:
    """The class's finished paths replayed under one variant (or the story as written)."""

    id: str
    """``as_written`` or the variant's id."""
    label: str
    n: int
    """Paths replayed (the finished sessions)."""
    listed: int
    """Paths that end on at least one list (or stand on one where they break)."""
    refused: int
    """Paths on which a service refused the player at least once."""
    broke: int
    """Paths that could not be played to their end: a choice was closed or absent."""
    endings: tuple[Count, ...]
    tiers: tuple[Count, ...]
    lists: tuple[Count, ...]
    """Per list: paths on it at the end."""
    services: tuple[Count, ...] = ()
    """Per service: paths it refused at least once."""


@dataclass(frozen=True, slots=True)
class ClassReport:
    """Everything the class report shows."""

    class_name: str
    story_id: str
    story_title: str
    sessions: int
    finished: int
    files: int
    skipped_lines: int
    unreadable: tuple[str, ...]
    notes: tuple[str, ...]
    decisions: tuple[Decision, ...]
    tags: tuple[Count, ...]
    endings: tuple[Count, ...]
    scores: Scores | None
    listings: tuple[Listing, ...]
    listed: tuple[Count, ...]
    """Per list: players on it at some point (detail: still on it at the end)."""
    rules: tuple[RuleRow, ...]
    sources: tuple[Count, ...]
    polls: tuple[PollResult, ...]
    debrief: tuple[DebriefItem, ...]
    players: tuple[PlayerRow, ...] | None
    show_small: bool = False
    city: CitySection | None = None
    """Scaled to the city (None: not asked for, or the story has no population)."""
    variants: tuple[VariantColumn, ...] = ()
    """The finished paths under the story as written, then under each of its variants
    (empty when the story has none)."""

    def hidden(self, count: int) -> bool:
        """Whether a count is too small to show (under 3, unless asked)."""
        return not self.show_small and 0 < count < SMALL


def gini(values: list[float] | tuple[float, ...]) -> float | None:
    """The Gini coefficient of non-negative values (None if any is negative or none)."""
    if not values or min(values) < 0:
        return None
    ordered = sorted(values)
    total = sum(ordered)
    n = len(ordered)
    if total == 0:
        return 0.0
    weighted = sum(i * x for i, x in enumerate(ordered, start=1))
    return round((2 * weighted) / (n * total) - (n + 1) / n, 4)
