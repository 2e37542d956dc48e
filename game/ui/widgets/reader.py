"""The reading column: the story pane above the choices, read like a pager.

While part of the current scene is still below the view (the transcript says
so with ``Transcript.Paged``), the choices wait, dimmed under a "▼ more"
marker; Enter and Space show the next page, and only once the end has been
shown do they take the highlighted choice. Number keys (on the play screen)
always choose at once. PgUp, PgDn, Home and End scroll the story whichever of
the two has the focus.
"""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.containers import Vertical

from game.ui.widgets.choices import ChoiceList
from game.ui.widgets.transcript import Transcript


class Reader(Vertical):
    """Holds a ``Transcript`` and a ``ChoiceList`` (composed by the screen) and pages between them."""

    # Priority: they reach the reader before the focused child's own bindings (the
    # choices' Enter, PgDn, Home and End would otherwise move the highlight instead).
    BINDINGS = [
        Binding("enter,space", "read_on", "Read on", show=False, priority=True),
        Binding("pagedown", "page_down", "Page down", show=False, priority=True),
        Binding("pageup", "page_up", "Page up", show=False, priority=True),
        Binding("home", "scene_start", "Scene start", show=False, priority=True),
        Binding("end", "scene_end", "Scene end", show=False, priority=True),
    ]

    @on(Transcript.Paged)
    def _paged(self, message: Transcript.Paged) -> None:
        self.query_one(ChoiceList).hold(message.more)

    @on(ChoiceList.Picked)
    def _picked(self, message: ChoiceList.Picked) -> None:
        transcript = self.query_one(Transcript)
        if transcript.more:  # a click on a choice still waiting: read on first
            message.stop()
            transcript.page_down()

    def action_read_on(self, waited: bool = False) -> None:
        """Enter or Space: the next page of the scene; at its end, the highlighted choice.

        In the instant a new scene is shown, before it is laid out, whether it has
        more is not known yet: the key waits for that (once), so a double press
        never takes a choice of a scene not yet seen.
        """
        transcript = self.query_one(Transcript)
        if transcript.settling:
            if not waited:
                self.call_after_refresh(self.action_read_on, True)
            return
        if transcript.more:
            transcript.page_down()
        else:
            self.query_one(ChoiceList).action_select()

    def action_page_down(self) -> None:
        """Scroll the story a page down (never past the end of the scene)."""
        self.query_one(Transcript).page_down()

    def action_page_up(self) -> None:
        """Scroll the story a page up."""
        self.query_one(Transcript).page_up()

    def action_scene_start(self) -> None:
        """To the top of the scene; again, to the start of the story."""
        self.query_one(Transcript).scene_start()

    def action_scene_end(self) -> None:
        """To the end of the scene."""
        self.query_one(Transcript).scene_end()
