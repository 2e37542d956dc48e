"""The terminal player in a served class: join, play at the class's pace, see the class.

``class serve`` runs one of these per browser (``game.launch.serve_student``
builds it with the classroom's seat). It is the ordinary player with three
additions: the join screen first, a waiting screen when the teacher holds the
class at a chapter boundary, and the reveal on the debrief.
"""

from __future__ import annotations

import os

from textual import events, work

from game.engine.engine import Engine
from game.engine.saves import SaveStore
from game.story.model import Story
from game.ui.app import StandingApp
from game.engine.classmode import Pacing, Seat
from game.ui.screens.join import JoinScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.waiting import WaitingScreen
from game.ui.settings import Settings

PACING_SECONDS = 1.0
"""How often the teacher's controls are read (a hold takes effect within this)."""


class ClassApp(StandingApp):
    """One student's player in a served class."""

    def __init__(self, seat: Seat, story: Story, settings: Settings | None = None) -> None:
        # Settings are not kept: every student shares the teacher's account.
        super().__init__(settings=settings or Settings(), on_engine=seat.follow)
        self.seat = seat
        self.story = story
        self.pacing: Pacing | None = None
        """The teacher's controls, as last read."""
        self.parent_pid = os.getppid()
        """The server that started this player: when it is gone, so is the browser."""

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not StandingApp's: no title screen, the join screen first
        self.push_screen(JoinScreen(self.seat, self.story.title))
        self.set_interval(PACING_SECONDS, self._look)

    def on_join_screen_joined(self, message: JoinScreen.Joined) -> None:
        """The student has a seat: read the pacing, then play."""
        self._start_playing(message.engine, message.store, message.note)

    @work(thread=True, exclusive=True, group="join")
    def _start_playing(self, engine: Engine, store: SaveStore, note: str | None) -> None:
        pacing = self.seat.pacing()
        self.call_from_thread(self._play_now, engine, store, note, pacing)

    def _play_now(self, engine: Engine, store: SaveStore, note: str | None,
                  pacing: Pacing) -> None:
        self.pacing = pacing
        self.engine = engine
        self.switch_screen(self._play(engine, store, note))

    def _play(self, engine: Engine, store: SaveStore, resumed: str | None) -> PlayScreen:
        screen = super()._play(engine, store, resumed)
        seat = self.seat
        badge = f"{seat.codename}" if seat.codename else ""
        if seat.resume_code:
            badge += f" (resume code {seat.resume_code})"
        screen.badge = badge
        screen.pacing = self.pacing
        screen.class_choices = seat.class_choices
        return screen

    # -- pacing ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="pacing")
    def _look(self) -> None:
        if os.getppid() != self.parent_pid:
            # The server stopped without closing us (killed, crashed): save and end,
            # freeing the seat for when the student comes back.
            self.call_from_thread(self.exit, 0)
            return
        pacing = self.seat.pacing()
        self.call_from_thread(self.paced, pacing)

    def paced(self, pacing: Pacing) -> None:
        """New controls from the teacher: release a waiting student when their chapter opens."""
        self.pacing = pacing
        for screen in self.screen_stack:
            if isinstance(screen, PlayScreen):
                screen.pacing = pacing
        top = self.screen
        if isinstance(top, WaitingScreen) and not pacing.holds(top.chapter_index):
            top.dismiss(None)
