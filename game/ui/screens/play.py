"""The play screen: the story pane, the choices, the rating HUD; autosave after every step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._toast import ToastRack

from game.engine import events as ev
from game.engine.chapters import waits
from game.engine.classmode import ClassSplit, Pacing
from game.engine.engine import CONTINUE, Engine
from game.engine.view import View
from game.errors import ChoiceError, StoryRuntimeError
from game.ui.autosave import Saver
from game.engine.history import decision, decisions, passage, replay
from game.ui.notices import Notice, notices
from game.ui.screens.saving import Saving
from game.ui.text import literal
from game.ui.widgets.choices import ChoiceList
from game.ui.widgets.hud import Hud
from game.ui.widgets.keyline import KeyLine
from game.ui.widgets.reader import Reader
from game.ui.widgets.transcript import Transcript

TOAST_SECONDS = 6.0
TOAST_LINES = 3
TOAST_ROOM = 4
"""Fewest free rows under the HUD's content for toasts to show (a title and two lines)."""
SEVERITY_RANK = ["information", "warning", "error"]


class PlayScreen(Saving, Screen[None]):
    """One story being played: read, choose, feel the rating, undo, save."""

    NARROW = 64
    """Below this many columns the HUD moves above the story."""
    AUTO_FOCUS = "#choices"
    """The choices take the focus at once (not the story pane first, then the choices)."""

    BINDINGS = [
        *[Binding(str(n), f"choose({n})", f"Choice {n}", show=False) for n in range(1, 10)],
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("r", "record", "Record"),
        Binding("s", "saves", "Saves"),
        Binding("escape", "leave", "Title", show=False),
    ]

    @dataclass
    class LeaveRequested(Message):
        """Escape with no title screen beneath (``play STORY``): the app decides where to."""

        screen: PlayScreen

    @dataclass
    class EngineChanged(Message):
        """Another game is played from now on (a loaded save): class records follow it."""

        engine: Engine

    def __init__(self, engine: Engine, saver: Saver, resumed: str | None = None,
                 reduced_motion: bool = False, title_card: bool = False) -> None:
        super().__init__()
        self.engine = engine
        """The game; the screen changes it only through the engine's public methods."""
        self.saver = saver
        self.resumed = resumed
        self.reduced_motion = reduced_motion
        """Set by the app from the settings: no flashes, no animated scrolling."""
        self.title_card = title_card
        """Show the story's title card first; the opening's poll (or a class's hold)
        waits until it is closed, never drawn over it."""
        self.view_now: View | None = None
        """The moment on screen (None after a story error in the scene's text)."""
        self._bar = ""
        self._polled: set[tuple[int, str]] = set()
        self._error: StoryRuntimeError | None = None
        self._opening: list[Notice] = []
        self._toast_room = -1
        self.badge = ""
        """Class mode: the codename (and resume code) at the end of the top bar."""
        self.pacing: Pacing | None = None
        """Class mode: the teacher's controls, kept up to date by the app."""
        self.class_choices: Callable[[], dict[str, ClassSplit] | None] | None = None
        """Class mode: reads how the class chose, for the debrief's reveal."""

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Everything is built showing the current moment, so nothing restyles after mount.
        engine = self.engine
        try:
            moments = replay(engine)
            view: View | None = engine.view()
        except StoryRuntimeError as exc:
            moments, view, self._error = [], None, exc
        self.view_now = view
        opening = (notices(engine.story, engine.opening)
                   if engine.step == 0 and not self.resumed else [])
        self._bar = self._bar_text(view)
        yield Static(literal(self._bar), id="bar", markup=False)
        with Horizontal(id="body"):
            with Reader(id="main"):
                yield Transcript(moments, id="transcript")
                yield ChoiceList(view, id="choices")
            hud = Hud(engine.story.rating, view, list(engine.state.history), opening, id="hud")
            hud.reduced_motion = self.reduced_motion
            yield hud
        yield KeyLine()
        self._opening = opening

    def on_mount(self) -> None:
        # Every layout (a HUD line added, a list shown, the terminal resized) refits the
        # toasts' room, so a toast placed before the HUD grew never covers what it shows.
        self.screen_layout_refresh_signal.subscribe(self, self._laid_out)
        if self._error is not None:
            self._story_error(self._error)
        self._toasts(self._opening)
        if self.resumed:
            self.notify(self.resumed, title="Welcome back", markup=False)
        self._warnings()
        self.query_one(ChoiceList).focus()
        if self.title_card:
            from game.ui.screens.titlecard import TitleCard

            self.app.push_screen(TitleCard(self.engine.story), lambda _closed: self._begin())
            return
        self._begin()

    def _begin(self) -> None:
        """The story's first moment is the player's: a class's hold, then the scene's poll."""
        if self._wait_for_class():
            return
        if self.view_now is not None and self.view_now.poll is not None:
            if self.view_now.poll.answer is None:
                self._ask_poll(self.view_now)

    def on_resize(self, event: events.Resize) -> None:
        # A class only when narrow: a class on the screen restyles everything below it,
        # which a start at the usual sizes then never pays for.
        self.set_class(event.size.width < self.NARROW, "-narrow")

    def _laid_out(self, screen: Screen) -> None:
        self._fit_toasts()

    def _fit_toasts(self) -> None:
        """Toasts take only the HUD's free rows below what it shows (never over "Closed to you").

        With no room (a full HUD on a small terminal, or the HUD above the story when
        narrow), toasts are not shown on this screen: the story pane and the HUD
        already say what happened, and a locked choice shows its reason in the list.
        """
        hud = self.query_one(Hud)
        room = 0
        if not self.has_class("-narrow") and hud.region.height:
            used = [w.region.bottom for w in hud.children if w.display and w.region.height]
            room = max(0, hud.region.bottom - max(used, default=hud.region.y) - 1)
            room = room if room >= TOAST_ROOM else 0  # a toast cut to a line says nothing
        if room != self._toast_room:
            self._toast_room = room
            for rack in self.query(ToastRack):  # none when notifications are off
                rack.styles.max_height = room

    def set_reduced_motion(self, reduced: bool) -> None:
        """Apply the player's motion setting."""
        self.reduced_motion = reduced
        self.query_one(Hud).reduced_motion = reduced

    # -- showing the moment ------------------------------------------------------------

    def _rebuild(self) -> None:
        """Redraw the whole transcript from the game's path (resume, undo, rewind)."""
        try:
            moments = replay(self.engine)
        except StoryRuntimeError as exc:
            moments = []
            self.query_one(Transcript).error(str(exc))
        self.query_one(Transcript).show(moments)
        self.query_one(Hud).flash([])
        self._show_moment()

    def _show_moment(self) -> None:
        engine = self.engine
        try:
            view = engine.view()
        except StoryRuntimeError as exc:
            self.view_now = None
            self._story_error(exc)
            self.query_one(ChoiceList).show_view(None)
            return
        self.view_now = view
        self.query_one(Hud).show_view(view, list(engine.state.history))
        self.query_one(ChoiceList).show_view(view)
        if self._wait_for_class():
            return
        if view.poll is not None and view.poll.answer is None:
            self._ask_poll(view)
        text = self._bar_text(view)
        if text != self._bar:
            self._bar = text
            self.query_one("#bar", Static).update(literal(text))

    def _wait_for_class(self) -> bool:
        """Class mode: cover a chapter the teacher holds, until they release it."""
        chapter = waits(self.engine, self.pacing)
        if chapter is None:
            return False
        from game.ui.screens.waiting import WaitingScreen

        if not any(isinstance(s, WaitingScreen) for s in self.app.screen_stack):
            title = self.view_now.chapter if self.view_now is not None else None
            self.app.push_screen(WaitingScreen(chapter, title), self._after_wait)
        return True

    def _after_wait(self, _: None = None) -> None:
        view = self.view_now
        if view is not None and view.poll is not None and view.poll.answer is None:
            self._ask_poll(view)

    def _ask_poll(self, view: View) -> None:
        """Ask a scene's poll once per moment (Escape skips it)."""
        moment = (view.step, view.scene)
        if moment in self._polled:
            return
        self._polled.add(moment)
        from game.ui.screens.poll import PollDialog

        self.app.push_screen(PollDialog(view.poll), self._answered)

    def _answered(self, option: int | None) -> None:
        if option is None:
            return
        try:
            self.engine.answer_poll(option)
        except ChoiceError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.notify("Answer noted. It has no effect on your score.", markup=False, timeout=3)
        self.autosave()

    def _bar_text(self, view: View | None) -> str:
        """Title, chapter and progress for the top bar."""
        bar = [self.engine.story.title]
        if view is not None and view.chapter:
            progress = (f" ({view.chapter_index} of {view.chapter_count})"
                        if view.chapter_count > 1 else "")
            bar.append(f"{view.chapter}{progress}")
        if view is not None:
            bar.append("The end" if view.ending else f"step {view.step + 1}")
        if self.badge:
            bar.append(self.badge)
        return "  ·  ".join(bar)

    def _story_error(self, exc: StoryRuntimeError) -> None:
        self.query_one(Transcript).error(str(exc))
        self.notify(str(exc), title="Story error", severity="error", markup=False)

    def _toasts(self, notices: list[Notice]) -> None:
        """Buzz like a phone; the last step's toasts make way (the transcript keeps them).

        Many notices of one kind (six ratings overnight) make one toast, not six.
        """
        self.app.clear_notifications()
        groups: dict[str, list[Notice]] = {}
        for notice in notices:
            if notice.toast:
                groups.setdefault(notice.toast, []).append(notice)
        for title, group in groups.items():
            lines = [n.text for n in group[:TOAST_LINES]]
            if len(group) > TOAST_LINES:
                lines.append(f"…and {len(group) - TOAST_LINES} more")
            severity = max((n.severity for n in group), key=SEVERITY_RANK.index)
            self.notify("\n".join(lines), title=title, severity=severity,
                        timeout=TOAST_SECONDS, markup=False)

    # -- acting ------------------------------------------------------------------------

    def _act(self, step: Callable[[], list[ev.Event]]) -> None:
        """Take one step through the engine and show what followed."""
        before = self.view_now.chapter if self.view_now else None
        try:
            events = step()
        except ChoiceError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        except StoryRuntimeError as exc:
            self._story_error(exc)
            return
        engine = self.engine
        made = decision(engine, engine.step, events)
        moments: list = [made]
        try:
            moments.append(passage(engine.view(), before))
        except StoryRuntimeError:
            pass  # _show_moment reports it
        with self.app.batch_update():
            self.query_one(Transcript).append(moments, animate=not self.reduced_motion)
            self.query_one(Hud).flash(list(made.notices))
            self._toasts(list(made.notices))
            self._show_moment()
        self.autosave()

    def action_choose(self, number: int) -> None:
        """Take choice ``number`` (1 also continues; a locked one says why)."""
        view = self.view_now
        if view is None:
            return
        if view.ending is not None or view.continues:
            if number == 1:
                self._pick("debrief" if view.ending else "continue", 0)
            return
        if number > len(view.choices):
            return
        choice = view.choices[number - 1]
        if choice.locked is not None:
            self._refuse(choice.locked, choice.gaps)
            return
        self._pick("choose", number)

    # -- reading (the paging itself is the Reader's) ------------------------------------

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        # The wheel over the choices or the HUD (which do not scroll) scrolls the story.
        self.query_one(Transcript).scroll_down(animate=False)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.query_one(Transcript).scroll_up(animate=False)

    def _refuse(self, reason: str, gaps: tuple[str, ...]) -> None:
        gap = f" ({'; '.join(gaps)})" if gaps else ""
        self.app.bell()  # heard even when there is no room for the toast
        self.notify(f"{reason}{gap}", title="Locked", severity="error", markup=False)

    @on(ChoiceList.Picked)
    def _picked(self, message: ChoiceList.Picked) -> None:
        view = self.view_now
        if (message.action == "choose" and view is not None
                and 0 < message.number <= len(view.choices)):
            choice = view.choices[message.number - 1]
            if choice.locked is not None:
                self._refuse(choice.locked, choice.gaps)
                return
        self._pick(message.action, message.number)

    def _pick(self, action: str, number: int) -> None:
        if action == "debrief":
            self.action_debrief()
        elif action == "continue":
            self._act(self.engine.proceed)
        else:
            self._act(lambda: self.engine.choose(number))

    def action_undo(self) -> None:
        """Take back the last decision (and the Continue pages read since)."""
        if self.engine.step == 0:
            self.notify("There is nothing to undo.", markup=False)
            return
        try:
            self.engine.undo_decision()
        except (ChoiceError, StoryRuntimeError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._rebuild()
        self.autosave()
        where = "your last decision" if self.engine.step else "the start"
        self.notify(f"Undone: you are back at {where}.", markup=False, timeout=3)

    # -- other screens ---------------------------------------------------------------

    def action_debrief(self) -> None:
        """Open the debrief (at an ending)."""
        if not self.engine.ended:
            return
        from game.engine.debrief import build_debrief
        from game.ui.screens.debrief import DebriefScreen

        debrief = build_debrief(self.engine)
        picks = decisions(replay(self.engine))
        rating = self.engine.story.rating
        show = rating.show if rating is not None else None
        mine = [(scene, choice) for scene, choice in self.engine.path if choice != CONTINUE]
        self.app.push_screen(DebriefScreen(debrief, picks, self.engine.story.title, show,
                                           reveal=self.class_choices, mine=mine),
                             self._after_debrief)

    def _after_debrief(self, result: int | str | None) -> None:
        from game.ui.screens.debrief import AGAIN

        if result == AGAIN:
            self.engine.restart()
        elif isinstance(result, int):
            self.engine.rewind(result)
        else:
            return
        self._rebuild()
        self.autosave()

    def action_record(self) -> None:
        """Show what the system lets the player see of their record."""
        from game.engine.debrief import record_lines
        from game.ui.screens.record import RecordScreen

        self.app.push_screen(RecordScreen(record_lines(self.engine), self.engine.story,
                                          self.view_now))

    def replace_engine(self, engine: Engine) -> None:
        """Play another game from now on (a loaded save, a reloaded story); autosave it."""
        self.engine = engine
        self.saver.store.story = engine.story
        self.post_message(self.EngineChanged(engine))
        self._rebuild()
        self.autosave()

    def action_leave(self) -> None:
        """Save and go back to the title screen (the app opens one if there is none)."""
        self.save_now()
        if len(self.app.screen_stack) > 2:
            self.dismiss(None)
        else:
            self.post_message(self.LeaveRequested(self))

    def show_broken(self, line: str | None, full: str = "") -> None:
        """``--watch``: keep a bar saying the story on disk is broken (None: it loads again)."""
        from game.ui.widgets.broken import BrokenBar

        bars = self.query(BrokenBar)
        if line is None:
            bars.remove()
        elif bars:
            bars.first().show(line, full)
        else:
            self.mount(BrokenBar(line, full, id="broken"), after="#bar")
