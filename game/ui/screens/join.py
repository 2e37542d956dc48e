"""Joining a served class: the notice, a codename, and the resume code to come back with."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from game.engine.engine import Engine
from game.engine.saves import SaveStore
from game.errors import StandingError
from game.engine.classmode import Seat
from game.ui.text import joined, literal
from game.ui.widgets.keyline import KeyLine


class JoinScreen(Screen[None]):
    """Choose a codename (a random one offered), or come back with codename and resume code."""

    @dataclass
    class Joined(Message):
        """The player has a seat: play ``engine``, saving into ``store``."""

        engine: Engine
        store: SaveStore
        note: str | None

    def __init__(self, seat: Seat, story_title: str) -> None:
        super().__init__()
        self.seat = seat
        self.story_title = story_title
        self.offered_code = ""
        """The resume code this player gets if they join as new."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="join-body"):
            with Vertical(id="join-box"):
                yield Static(joined(("Join class ", "bold"), literal(self.seat.class_code, "bold"),
                                    ("  ·  ", "$text-muted"), literal(self.story_title)),
                             classes="dialog-title")
                yield Static("", id="join-notice", markup=False)
                yield Static("", id="resume-line")
                yield Static("Your codename (not your real name):", classes="join-label")
                yield Input(id="codename", max_length=32, disabled=True)
                yield Static("Coming back? Type your codename above and your resume code here:",
                             classes="join-label")
                yield Input(id="resume-code", placeholder="resume code (leave empty if new)",
                            max_length=12)
                yield Static("", id="join-error", markup=False)
                with Horizontal(classes="dialog-buttons"):
                    yield Button("Join", id="join", variant="primary", compact=True,
                                 disabled=True)
        yield KeyLine()

    def on_mount(self) -> None:
        self._offer()

    @work(thread=True, exclusive=True, group="offer")
    def _offer(self) -> None:
        codename, code = self.seat.offer()
        self.app.call_from_thread(self._offered, codename, code)

    def _offered(self, codename: str, code: str) -> None:
        self.offered_code = code
        self.query_one("#join-notice", Static).update(literal(self.seat.notice(code)))
        self.query_one("#resume-line", Static).update(joined(
            "Your resume code: ", (code, "bold $text-accent"),
            ("   write it down to come back to your game", "$text-muted")))
        name = self.query_one("#codename", Input)
        name.value = codename
        name.disabled = False
        self.query_one("#join", Button).disabled = False
        name.focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#join")
    def _submit(self) -> None:
        if not self.offered_code:
            return
        codename = self.query_one("#codename", Input).value
        resume = self.query_one("#resume-code", Input).value
        self.query_one("#join", Button).disabled = True
        self._join(codename, resume, self.offered_code)

    @work(thread=True, exclusive=True, group="join")
    def _join(self, codename: str, resume: str, offered: str) -> None:
        try:
            engine, store, note = self.seat.join(codename, resume, offered)
        except StandingError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self.post_message, self.Joined(engine, store, note))

    def _refused(self, reason: str) -> None:
        self.query_one("#join-error", Static).update(literal(f"Sorry: {reason}."))
        self.query_one("#join", Button).disabled = False
        self.query_one("#codename", Input).focus()
