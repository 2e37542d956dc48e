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


def hang(content: Content, indent: int, width: int) -> Content:
    """``content`` wrapped to ``width`` with every line after the first indented by ``indent``.

    With no width yet (0, or too narrow to help) it is left for Textual to wrap.
    """
    if width - indent < 12:
        return content
    lines = content.wrap(width - indent)
    return Content("\n" + " " * indent).join(lines)


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
        self._width = 0
        """The width the prompts were wrapped to (0: not yet known, Textual wraps them)."""
        self._view = view
        super().__init__(*self._choice_options(view), id=id, markup=False)
        self._initial = view

    def on_mount(self) -> None:
        if self._initial is not None:
            self.highlighted = self._first_open(self._initial)

    def show_view(self, view: View | None) -> None:
        """Offer the choices of ``view`` (None: nothing to choose, after an error)."""
        self._view = view
        self.clear_options()
        if view is None:
            return
        self.add_options(self._choice_options(view))
        self.highlighted = self._first_open(view)

    def on_resize(self) -> None:
        # Continuation lines hang under the text, so the prompts are wrapped here, to
        # the width: a new width wraps them again (only when one of them is that long).
        width = self._text_width()
        if width == self._width or self._view is None:
            return
        before, self._width = self._width, width
        if before or self._wraps(self._view, width):
            highlighted = self.highlighted
            self.clear_options()
            self.add_options(self._choice_options(self._view))
            self.highlighted = highlighted

    def _text_width(self) -> int:
        """Columns an option's text may take."""
        return max(0, self.scrollable_content_region.width - self._get_left_gutter_width())

    @staticmethod
    def _wraps(view: View, width: int) -> bool:
        return any(len(c.text) + 12 > width or c.locked is not None for c in view.choices)

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
        return [Option(self._prompt(c, self._width), id=f"choice-{c.number}")
                for c in view.choices]

    @staticmethod
    def _prompt(choice, width: int = 0) -> Content:
        """A choice's line: its number, then its text, continuation lines under the text."""
        number = f"{choice.number}. "
        indent = len(number)
        if choice.locked is None:
            return joined((number, "$accent bold"), hang(story_text(choice.text), indent, width))
        gaps = f" ({'; '.join(choice.gaps)})" if choice.gaps else ""
        text = joined(("locked: ", "$text-error bold"),
                      story_text(choice.text, "$text-muted strike"))
        reason = literal(f"{choice.locked}{gaps}", "$text-error italic")
        return joined((number, "$text-muted"), hang(text, indent, width),
                      "\n" + " " * indent, hang(reason, indent, width))

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
