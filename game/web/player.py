"""One student's game in the web reader: the engine, its saves, its seat, its transcript.

Every action is the engine's public API (choose, proceed, undo, answer_poll,
restart); what the player is told comes from the engine's notice stream.
Actions run in a worker thread (a step appends to the class record and
fsyncs it, and autosaves), one at a time per player.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from game.engine import history
from game.engine.engine import Engine
from game.engine.history import Decision, Moment, Passage  # noqa: F401  (pages use them)
from game.engine.notices import Notice
from game.engine.saves import SaveStore
from game.engine.view import View
from game.errors import ChoiceError, SaveError, StoryRuntimeError
from game.engine.classmode import Seat


def replay(engine: Engine) -> list[Moment]:
    """Every passage and decision of ``engine``'s game so far (the engine's replay; the
    page has no place for the opening's step 0, which tells the player nothing)."""
    return [m for m in history.replay(engine) if not (isinstance(m, Decision) and m.step == 0)]


@dataclass
class Player:
    """One browser's game."""

    engine: Engine
    store: SaveStore | None = None
    seat: Seat | None = None
    note: str | None = None
    """A message for the next page (welcome back, a story error, a refused choice)."""
    moments: list[Moment] = field(default_factory=list)
    told: tuple[Notice, ...] = ()
    """What the last step told the player (shown once, in the live region)."""
    seen: float = field(default_factory=time.monotonic)
    """When the browser last asked for anything."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One action at a time (a browser may send two forms at once)."""
    rendered: dict[int, tuple[Moment, Any]] = field(default_factory=dict)
    """The transcript's HTML by moment index (see ``pages.transcript``)."""
    _skipped: set[int] = field(default_factory=set)
    """Steps whose poll the player skipped."""

    def __post_init__(self) -> None:
        if not self.moments:
            self.moments = replay(self.engine)

    @property
    def codename(self) -> str | None:
        """The player's codename in the class (None outside one)."""
        return self.seat.codename if self.seat is not None else None

    def choose(self, number: int) -> None:
        """Take the choice numbered as the player sees it (refused ones say why)."""
        view = self.engine.view()
        if view.continues:
            self._step(self.engine.proceed)
            return
        if not 1 <= number <= len(view.choices):
            self.note = f"There is no choice {number} here."
            return
        choice = view.choices[number - 1]
        if choice.locked is not None:
            gaps = f" ({'; '.join(choice.gaps)})" if choice.gaps else ""
            self.note = f"That choice is locked: {choice.locked}{gaps}"
            return
        self._step(lambda: self.engine.choose(number))

    def proceed(self) -> None:
        """Continue a scene that goes on by itself."""
        self._step(self.engine.proceed)

    def _step(self, take) -> None:
        engine = self.engine
        chapter = engine.view().chapter
        try:
            events = take()
        except StoryRuntimeError as exc:
            self.note = f"The story has an error here: {exc}. Nothing happened; choose again."
            return
        except ChoiceError as exc:
            self.note = str(exc)
            return
        decision = history.decision(engine, engine.step, events)
        self.moments.append(decision)
        self.moments.append(history.passage(engine.view(), chapter))
        self.told = decision.notices
        self._autosave()

    def undo(self) -> None:
        """Take back the last step."""
        if self.engine.step == 0:
            self.note = "There is nothing to undo."
            return
        self.engine.undo()
        self.moments = replay(self.engine)
        self.told = ()
        self.note = "Undone: you are back before your last step."
        self._autosave()

    def rewind(self, step: int | None) -> None:
        """Go back to just before decision ``step + 1`` (0: the start), free to choose again."""
        if step is None or not 0 <= step < self.engine.step:
            self.note = "There is no such decision to go back to."
            return
        self.engine.rewind(step)
        self.moments = replay(self.engine)
        self.told = ()
        self.note = "You are back just before that decision: choose again."
        self._autosave()

    def decisions(self) -> list[Decision]:
        """The choices taken (Continues left out), for "go back to a decision"."""
        return history.decisions(self.moments)

    def restart(self) -> None:
        """Play again from the start."""
        self.engine.restart()
        self.moments = replay(self.engine)
        self.told = ()
        self._autosave()

    def answer(self, option: int | None) -> None:
        """Answer the scene's poll (option from 0), or skip it (None)."""
        if option is None:
            self._skipped.add(self.engine.step)
            return
        try:
            self.engine.answer_poll(option)
        except ChoiceError as exc:
            self.note = str(exc)
            return
        self.note = "Answer noted. It has no effect on your score."
        self._autosave()

    def poll_open(self, view: View) -> bool:
        """Whether the scene's poll is still to be answered (or skipped) here."""
        return (view.poll is not None and view.poll.answer is None
                and view.step not in self._skipped)

    def _autosave(self) -> None:
        if self.store is None:
            return
        try:
            self.store.save(self.engine)
        except SaveError as exc:
            self.store.warnings.append(str(exc))

    def warnings(self) -> list[str]:
        """Save problems since the last page (then forgotten)."""
        if self.store is None or not self.store.warnings:
            return []
        out = list(self.store.warnings)
        self.store.warnings.clear()
        return out

    def leave(self) -> None:
        """Save, close the record and free the seat."""
        self._autosave()
        if self.seat is not None:
            self.seat.leave()
