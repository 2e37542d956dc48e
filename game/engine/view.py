"""What a front end shows for the current moment: text, choices, HUD facts."""

from __future__ import annotations

from dataclasses import field
from typing import NamedTuple

from game.engine.events import value_class


@value_class
class ChoiceView:
    """One choice as the player sees it."""

    number: int
    """1-based position among the visible choices (locked ones included)."""
    id: str
    text: str
    locked: str | None
    """Why the choice cannot be taken, or None when it can."""
    gaps: tuple[str, ...]
    """What the player lacks, e.g. "needs tier B (Adequate), you are C (Warning)"."""
    tags: tuple[str, ...]

    def to_json(self) -> dict:
        """The ``run --json`` shape: locked is the reason or false."""
        reason: str | bool = False
        if self.locked is not None:
            reason = self.locked + (f" ({'; '.join(self.gaps)})" if self.gaps else "")
        return {"number": self.number, "id": self.id, "text": self.text, "locked": reason}


@value_class
class EndingView:
    """The ending reached."""

    scene: str
    title: str
    kind: str


@value_class
class ServiceView:
    """A service and whether it is open to the player."""

    id: str
    label: str
    open: bool
    secret: bool = False
    """Closed only by a list that does not announce (``announce: false``), and the
    player has not yet seen it refuse them: not shown as closed."""


@value_class
class PollView:
    """The current scene's poll: a question with no effect on the rating."""

    id: str
    question: str
    options: tuple[str, ...]
    answer: int | None
    """The option (from 0) the player chose at this moment, or None."""


@value_class
class View:
    """The current moment of the story."""

    scene: str
    chapter: str | None
    """The chapter the scene belongs to (the last chapter started on the path)."""
    chapter_index: int
    chapter_count: int
    paragraphs: tuple[str, ...]
    options: tuple[Option, ...]
    """The choices as the engine evaluated them (``choices`` numbers them for players)."""
    continues: bool
    """True when the scene goes on by itself (a single Continue)."""
    ending: EndingView | None
    score: float | None
    tier: str | None
    tier_label: str | None
    day: int
    lists: tuple[str, ...]
    list_labels: tuple[str, ...]
    services: tuple[ServiceView, ...]
    step: int
    poll: PollView | None = None
    """The scene's poll, asked before its choices (and at an ending, before the debrief)."""
    _choices: tuple[ChoiceView, ...] | None = field(default=None, init=False, repr=False,
                                                    compare=False)

    @property
    def choices(self) -> tuple[ChoiceView, ...]:
        """The choices as the player sees them, numbered (locked ones included).

        Made on first use: a bot stepping through the engine often never asks.
        """
        made = self._choices
        if made is None:
            numbered = []
            for number, (choice, text, locked, gaps, tags) in enumerate(self.options, 1):
                numbered.append(ChoiceView(number, choice, text, locked, gaps, tags))
            made = self._choices = tuple(numbered)
        return made

    @property
    def closed_services(self) -> tuple[ServiceView, ...]:
        """Services the player knows are closed to them (a service closed only by a
        secret list is left out until it refused them where they saw it)."""
        return tuple([s for s in self.services if not s.open and not s.secret])

    @property
    def open_choices(self) -> tuple[ChoiceView, ...]:
        """Choices that can be taken now."""
        return tuple([c for c in self.choices if c.locked is None])


class Option(NamedTuple):
    """A visible choice, lean: what ``Engine.options()`` returns for bots and playtests."""

    id: str
    text: str
    locked: str | None
    """Why the choice cannot be taken, or None when it can."""
    gaps: tuple[str, ...] | None
    """What the player lacks (as ``ChoiceView.gaps``); None only from
    ``Engine.options(explain=False)``, for a lock it did not explain."""
    tags: tuple[str, ...]
