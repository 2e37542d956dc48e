"""The one mutable state object of a game, and the rating models' arithmetic.

``State`` is also the evaluation context of the expression language: compiled
expressions read ``vars``, ``score``, ``tier_rank`` ... straight from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.errors import StoryRuntimeError
from game.story.expressions import Value
from game.story.model import Rating, Story, Tier
from game.story.models import spec_of

MASK64 = (1 << 64) - 1


def next_random(seed: int) -> tuple[int, int]:
    """One step of splitmix64: (new state, 64-bit output). Small state, easy to save."""
    seed = (seed + 0x9E3779B97F4A7C15) & MASK64
    z = seed
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return seed, z ^ (z >> 31)


def weighted_mean(ratings: list[tuple[float, float]], memory: int) -> float:
    """The weighted mean of the last ``memory`` (stars, weight) pairs."""
    recent = ratings[-memory:]
    # Lists, not generators: the same sums, in the same order, in half the time
    # (a peer-rated story works out several means a step).
    total = sum([w for _, w in recent])
    if total <= 0:
        return sum([s for s, _ in recent]) / len(recent)
    return sum([s * w for s, w in recent]) / total


def clamp(value: float, low: float | None, high: float | None) -> float:
    """``value`` kept within low..high (either may be open)."""
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def tidy(value: float) -> float | int:
    """Whole floats as ints, others rounded to hide float noise (4.300000001 -> 4.3)."""
    if type(value) is int:
        return value
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


def kept(value: float, decimals: int) -> float | int:
    """``value`` at the precision a player sees it (whole floats as ints).

    Scores and people's ratings are kept at the rating's ``decimals``, so the
    number shown is the number every comparison reads: 4.49997 is kept as 4.5,
    and ``score >= 4.5`` holds (see docs/story-format.md, "Decimals")."""
    rounded = round(value, decimals)
    return int(rounded) if rounded == int(rounded) else rounded


class TierMemo(dict):
    """Whole score -> ``scored`` (score, tier, tier rank, tidy score), at most ``CAP``
    of them. A dict of its own kind, so ``State.copy`` shares it instead of copying."""

    CAP = 20_000


@dataclass(slots=True)
class State:
    """Everything that changes while a story is played."""

    story: Story
    scene: str
    vars: dict[str, Value]
    score: float = 0
    received: list[tuple[float, float]] = field(default_factory=list)
    """Peer model: the ratings the player received, as (stars, weight)."""
    bonus: float = 0
    """Peer model: the sum of rule changes applied on top of the mean."""
    features: tuple[float, ...] = ()
    """Risk model: each feature's value at the last recompute (empty before the first)."""
    people: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    lists: dict[str, None] = field(default_factory=dict)
    """The lists the player is on, in the order they were put on them."""
    day: int = 1
    visit_counts: dict[str, int] = field(default_factory=dict)
    taken: set[tuple[str, str]] = field(default_factory=set)
    records: dict[str, int] = field(default_factory=dict)
    """How many times each rule was recorded (``recorded('rule')``); rebuilt with the
    path on replay, like the ledger."""
    rng: int = 0
    ledger: list = field(default_factory=list)
    path: list[tuple[str, str]] = field(default_factory=list)
    history: list[float] = field(default_factory=list)
    """The score after each step, starting with the score at the start."""
    ending: str | None = None
    chapter: str | None = None
    """The last chapter started on the path."""
    refused: set[str] = field(default_factory=set)
    """Services the player saw refuse them (a choice of theirs locked by the service
    when they took a step from that screen); rebuilt with the path on replay."""
    answers: list[tuple[int, str, str, int]] = field(default_factory=list)
    """Poll answers as (step, poll id, scene id, option), one per moment: an answer
    belongs to the moment it was given and is taken back with it."""
    scored: tuple = field(default=(None, None, 0, None), repr=False, compare=False)
    """(score, tier, tier rank, tidy score) as of the last ``set_score``: expressions,
    views and ledger entries read these several times a step, and they only change
    with the score. A score set directly is still read right (see ``scored_now``)."""

    tiers: TierMemo = field(default_factory=lambda: TierMemo(), repr=False, compare=False)
    """``scored`` of whole scores already worked out, shared by every game of the story
    (the engine hands each state its plan's; a copy shares it)."""

    def copy(self) -> State:
        """A copy that shares nothing mutable with this state (for exploring branches)."""
        twin = State.__new__(State)
        for name in State.__slots__:  # type: ignore[attr-defined]
            value = getattr(self, name)
            kind = type(value)
            if kind is list or kind is set:
                value = kind(value)
            elif kind is dict:
                value = {k: list(v) if type(v) is list else v for k, v in value.items()}
            object.__setattr__(twin, name, value)
        return twin

    # -- the expression language's context ------------------------------------

    @property
    def rating(self) -> Rating | None:
        """The story's rating system."""
        return self.story.rating

    def set_score(self, score: float) -> tuple[tuple, tuple]:
        """Set the score, and work out its tier once for every reader until the next.

        Returns ``scored`` before and after: (score, tier, tier rank, tidy score).
        """
        before = self.scored
        if before[0] != self.score:
            before = self._tier_of(self.score)
        if type(score) is int:
            after = self.tiers.get(score)  # _tier_of(score)'s usual case, inlined
            if after is None:
                after = self._tier_of(score)
        else:
            if self.story.rating is not None:
                score = kept(score, self.story.rating.decimals)
            after = self._tier_of(score)
        self.score = score
        self.scored = after
        return before, after

    def move_to(self, score: int | float) -> None:
        """``set_score`` for whoever does not need the tiers before and after (a quiet
        game's rule)."""
        if type(score) is int:
            scored = self.tiers.get(score)
            if scored is not None:
                self.score = score
                self.scored = scored
                return
        self.set_score(score)

    def _tier_of(self, score: float) -> tuple:
        """``scored`` for a score: its tier is the first whose ``min`` it reaches."""
        if type(score) is int:  # most scores: looked up once per story
            found = self.tiers.get(score)
            if found is None:
                found = self._work_out_tier(score)
                if len(self.tiers) < TierMemo.CAP:
                    self.tiers[score] = found
            return found
        return self._work_out_tier(score)

    def _work_out_tier(self, score: float) -> tuple:
        rating = self.story.rating
        shown = score if type(score) is int else tidy(score)  # most scores are whole
        if rating is None or not rating.tiers:
            return (score, None, 0, shown)
        tiers = rating.tiers
        for index, tier in enumerate(tiers):
            if score >= tier.min:
                return (score, tier, len(tiers) - index, shown)
        return (score, tiers[-1], 1, shown)

    def scored_now(self) -> tuple:
        """``scored`` if it is for the current score, else worked out now (not kept)."""
        scored = self.scored
        if scored[0] == self.score:
            return scored
        return self._tier_of(self.score)

    @property
    def tier(self) -> Tier | None:
        """The current tier."""
        return self.scored_now()[1]

    @property
    def tier_id(self) -> str:
        """The current tier's id ('' without tiers)."""
        tier = self.tier
        return tier.id if tier else ""

    @property
    def tier_label(self) -> str:
        """The current tier's label."""
        tier = self.tier
        return tier.label if tier else ""

    @property
    def tier_rank(self) -> int:
        """The current tier's rank: higher is better."""
        scored = self.scored  # scored_now() inlined: expressions read this the most
        return scored[2] if scored[0] == self.score else self._tier_of(self.score)[2]

    @property
    def var_formats(self):
        """How the player reads each var in text (``format:``), for the expression language."""
        return self.story.var_formats

    @property
    def score_name(self) -> str:
        """What the story calls its score."""
        return self.story.rating.name if self.story.rating else "score"

    @property
    def secret_lists(self) -> frozenset[str]:
        """Ids of the lists that do not announce (``announce: false``): a lock's
        generated reason never names them (the expression language reads this)."""
        rating = self.story.rating
        if rating is None:
            return frozenset()
        return frozenset(i for i, found in rating.lists.items() if not found.announce)

    def is_listed(self, list_id: str) -> bool:
        """Whether the player is on a list."""
        return list_id in self.lists

    def visits(self, scene_id: str) -> int:
        """How many times the player entered a scene (the current visit counts)."""
        return self.visit_counts.get(scene_id, 0)

    def recorded(self, rule_id: str) -> int:
        """How many times a rule has been recorded so far (0 if never)."""
        return self.records.get(rule_id, 0)

    def rating_of(self, person_id: str) -> float:
        """A person's current rating."""
        ratings = self.people.get(person_id)
        if not ratings:
            return 0
        rating = self.story.rating
        memory = rating.memory if rating else 20
        decimals = spec_of(rating).person_decimals(rating) if rating else 2
        return kept(weighted_mean(ratings, memory), decimals)

    def can(self, service_id: str) -> bool:
        """Whether a service is open to the player now."""
        rating = self.story.rating
        service = rating.services.get(service_id) if rating else None
        if service is None or service.requires is None:
            return True
        return service.requires.test(self)

    def random(self, a: int, b: int) -> int:
        """A whole number from a to b inclusive, from the seeded generator."""
        if isinstance(a, bool) or isinstance(b, bool) or not all(
            isinstance(v, (int, float)) and v == int(v) for v in (a, b)
        ):
            raise StoryRuntimeError("random(a, b) needs two whole numbers")
        a, b = int(a), int(b)
        if a > b:
            raise StoryRuntimeError(f"random({a}, {b}) needs a <= b")
        self.rng, out = next_random(self.rng)
        return a + out % (b - a + 1)

    def tier_label_of(self, tier_id: str) -> str:
        """The label of any tier."""
        rating = self.story.rating
        for tier in rating.tiers if rating else ():
            if tier.id == tier_id:
                return tier.label
        return tier_id

    def list_label(self, list_id: str) -> str:
        """The label of a list."""
        rating = self.story.rating
        found = rating.lists.get(list_id) if rating else None
        return found.label if found else list_id

    def service_label(self, service_id: str) -> str:
        """The label of a service."""
        rating = self.story.rating
        found = rating.services.get(service_id) if rating else None
        return found.label if found else service_id

    def person_name(self, person_id: str) -> str:
        """A person's name."""
        person = self.story.people.get(person_id)
        return person.name if person else person_id

    # -- rating arithmetic ----------------------------------------------------

    def peer_score(self) -> float:
        """The peer model's score: weighted mean of recent ratings plus rule changes."""
        rating = self.story.rating
        assert rating is not None
        return tidy(clamp(weighted_mean(self.received, rating.memory) + self.bonus,
                          rating.min, rating.max))

    def snapshot(self) -> dict:
        """A JSON-ready summary of the state (what ``run --json`` prints)."""
        return {
            "scene": self.scene,
            "score": tidy(self.score) if self.story.rating else None,
            "tier": self.tier_id or None,
            "tier_label": self.tier_label or None,
            "vars": dict(self.vars),
            "lists": list(self.lists),
            "day": self.day,
            "people": {pid: self.rating_of(pid) for pid in self.people},
            "visits": dict(self.visit_counts),
            "recorded": dict(self.records),
        }
