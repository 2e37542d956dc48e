"""The key line: the current screen's keys in one widget, in place of Textual's Footer.

Textual's Footer builds a widget per key and rebuilds them all whenever the
bindings change (twice while a screen settles); on the play screen that was a
third of the time the first screen took to build. This line is one widget
that renders the same keys as text and repaints only when they change. A
click on a key presses it, as on the Footer's keys.
"""

from __future__ import annotations

from textual import events
from textual.app import RenderResult
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

KEY_STYLE = "bold $footer-key-foreground on $footer-key-background"
"""A key's look, from the theme's footer variables (as Textual's Footer)."""
DESCRIPTION_STYLE = "$footer-description-foreground on $footer-description-background"
"""What a key does, after it."""
HOVER_STYLE = "on $block-hover-background"
"""The key under the mouse."""

Key = tuple[str, str, str, bool]
"""A key shown: (key, its display, description, enabled)."""


class KeyLine(Widget):
    """The keys shown for the focused widget, its screen and the app; click one to press it."""

    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: clip;
        &:hover { pointer: pointer; }
    }
    """

    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: tuple[Key, ...] = ()
        """What is shown, one key per action."""
        self._spans: list[tuple[int, int]] = []
        self._hover: int | None = None
        self._content = Content("")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # Read after the refresh, as Textual's Footer does: the signal may come in
        # the middle of a change of screens, when the bindings are not settled.
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        """Read the screen's active bindings; repaint only when the keys shown change."""
        if not self.is_attached:  # removed while the call waited
            return
        keys = self.current_keys()
        if keys == self.keys:
            return
        self.keys = keys
        self._hover = None
        self._paint()

    def _paint(self) -> None:
        content, spans = self.line(self.keys, self._hover)
        width = self.size.width
        if width and content.cell_length > width:  # too narrow: the keys alone, all of them
            content, spans = self.line(self.keys, self._hover, compact=True)
        self._content, self._spans = content, spans
        self.refresh()  # one line of fixed size: a repaint, never a relayout

    def on_resize(self) -> None:
        self._paint()

    def current_keys(self) -> tuple[Key, ...]:
        """The keys to show now: one per action, the first key bound to it (as the Footer)."""
        shown: dict[str, Key] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding.key, self.app.get_key_display(binding),
                                         binding.description, enabled)
        return tuple(shown.values())

    @staticmethod
    def line(keys: tuple[Key, ...], hover: int | None = None, compact: bool = False
             ) -> tuple[Content, list[tuple[int, int]]]:
        """The keys as one line of text, and the columns each key takes (to click).

        ``compact`` leaves out what each key does (for a terminal too narrow for
        it: every key still shows, and Help lists them all with their meaning).
        """
        parts: list[Content] = []
        spans: list[tuple[int, int]] = []
        column = 0
        for index, (_key, display, description, enabled) in enumerate(keys):
            part = Content.assemble((f" {display} ", KEY_STYLE),
                                    (f"{description} " if description and not compact
                                     else "", DESCRIPTION_STYLE))
            if not enabled:
                part = part.stylize("dim")
            elif index == hover:
                part = part.stylize(HOVER_STYLE)
            parts.append(part)
            spans.append((column, column + part.cell_length))
            column += part.cell_length
        return Content("").join(parts), spans

    def key_at(self, x: int) -> Key | None:
        """The key shown at column ``x``, if any."""
        index = self._index_at(x)
        return self.keys[index] if index is not None else None

    def _index_at(self, x: int) -> int | None:
        for index, (start, end) in enumerate(self._spans):
            if start <= x < end:
                return index
        return None

    def render(self) -> RenderResult:
        return self._content

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key[3]:
            self.app.simulate_key(key[0])
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._index_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self._paint()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self._paint()
