"""The transcript of a game so far, rebuilt by replaying its path on a fresh engine.

The live screen appends to its transcript step by step; after a resume, an
undo or a "go back to a decision" it rebuilds the whole transcript from here,
so the previous scenes stay above the current one in every case.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine import events as ev
from game.engine.engine import Engine
from game.engine.view import View
from game.engine.notices import Notice, notices


@dataclass(frozen=True, slots=True)
class Passage:
    """A scene as the player read it."""

    step: int
    """Decisions taken before it (0 = the opening scene)."""
    chapter: str | None
    """The chapter title when a new chapter starts here."""
    paragraphs: tuple[str, ...]
    ending: str | None = None
    """The ending's title, when the story ends here."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the player chose and what followed."""

    step: int
    """1-based: this was the player's ``step``-th step."""
    text: str | None
    """The choice's text, or None for a Continue."""
    notices: tuple[Notice, ...]


Moment = Passage | Decision


def passage(view: View, previous_chapter: str | None) -> Passage:
    """The passage of the current view, with its chapter when one starts."""
    chapter = view.chapter if view.chapter != previous_chapter else None
    ending = view.ending.title if view.ending is not None else None
    return Passage(view.step, chapter, view.paragraphs, ending)


def decision(engine: Engine, step: int, events: list[ev.Event]) -> Decision:
    """The decision that produced ``events``."""
    text = next((e.text for e in events if isinstance(e, ev.ChoiceTaken)), None)
    return Decision(step, text, tuple(notices(engine.story, events)))


def replay(engine: Engine) -> list[Moment]:
    """Every passage and decision of ``engine``'s game, in order."""
    probe = Engine(engine.story, seed=engine.seed)
    view = probe.view()
    moments: list[Moment] = []
    if probe.opening:
        moments.append(decision(probe, 0, probe.opening))
    moments.append(passage(view, None))
    for _scene, choice_id in engine.path:
        chapter = view.chapter
        events = probe.take(choice_id)
        moments.append(decision(probe, probe.step, events))
        view = probe.view()
        moments.append(passage(view, chapter))
    return moments


def decisions(moments: list[Moment]) -> list[Decision]:
    """The real decisions (Continues left out), for "go back to a decision"."""
    return [m for m in moments if isinstance(m, Decision) and m.step > 0 and m.text is not None]

