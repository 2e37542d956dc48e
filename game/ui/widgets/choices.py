"""The choices of the current moment: numbered, locked ones visibly locked with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine.view import View
from game.ui.text import joined, literal, story_text

CONTINUE = "continue"
DEBRIEF = "debrief"


class ChoiceList(OptionList):
    """Numbered choices; arrows + Enter, number keys (on the screen) or the mouse pick one."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 60%;
        border: tall $primary 40%;
        padding: 0 1;
        background: $surface;
        &:focus { border: tall $primary; }
        border-title-align: right;
        border-title-color: $text-accent;
        border-title-style: bold;
        &.-held { text-opacity: 55%; }
    }
    """

    MORE = "▼ more: Space or Enter reads on"
    """The marker over the choices while part of the scene is still below the view."""

    @dataclass
    class Picked(Message):
        """The player picked a choice (``number`` from 1), Continue or the debrief."""

        choice_list: ChoiceList
        number: int
        """1-based choice number; 0 for Continue and for the debrief."""
        action: str
        """``choose``, ``continue`` or ``debrief``."""

        @property
        def control(self) -> ChoiceList:
            """The list that posted the message."""
            return self.choice_list

    def __init__(self, view: View | None = None, *, id: str | None = None) -> None:
        super().__init__(*self._choice_options(view), id=id, markup=False)
        self._initial = view

    def on_mount(self) -> None:
        if self._initial is not None:
            self.highlighted = self._first_open(self._initial)

    def show_view(self, view: View | None) -> None:
        """Offer the choices of ``view`` (None: nothing to choose, after an error)."""
        self.clear_options()
        if view is None:
            return
        self.add_options(self._choice_options(view))
        self.highlighted = self._first_open(view)

    def hold(self, more: bool) -> None:
        """Dim the choices and show the marker while the scene has more to read."""
        self.set_class(more, "-held")
        self.border_title = self.MORE if more else None

    @property
    def held(self) -> bool:
        """The choices wait until the end of the scene has been shown."""
        return self.has_class("-held")

    def _choice_options(self, view: View | None) -> list[Option]:
        if view is None:
            return []
        if view.ending is not None:
            return [Option(joined(("▸ ", "$accent bold"), ("See the debrief", "bold")),
                           id=DEBRIEF)]
        if view.continues:
            return [Option(joined(("▸ ", "$accent bold"), ("Continue", "bold")), id=CONTINUE)]
        return [Option(self._prompt(c), id=f"choice-{c.number}") for c in view.choices]

    @staticmethod
    def _prompt(choice) -> Content:
        number = (f"{choice.number}. ", "$accent bold")
        if choice.locked is None:
            return joined(number, story_text(choice.text))
        gaps = f" ({'; '.join(choice.gaps)})" if choice.gaps else ""
        return joined(
            (f"{choice.number}. ", "$text-muted"),
            ("locked: ", "$text-error bold"),
            story_text(choice.text, "$text-muted strike"),
            "\n   ",
            literal(f"{choice.locked}{gaps}", "$text-error italic"),
        )

    @staticmethod
    def _first_open(view: View) -> int | None:
        if view.ending is not None or view.continues:
            return 0
        for index, choice in enumerate(view.choices):
            if choice.locked is None:
                return index
        return 0 if view.choices else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id == DEBRIEF:
            self.post_message(self.Picked(self, 0, "debrief"))
        elif option_id == CONTINUE:
            self.post_message(self.Picked(self, 0, "continue"))
        elif option_id.startswith("choice-"):
            self.post_message(self.Picked(self, int(option_id[7:]), "choose"))
