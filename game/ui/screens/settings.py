"""Settings: the theme (our high-contrast one included) and reduced motion."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, OptionList, Static
from textual.widgets.option_list import Option

from game.ui.settings import HIGH_CONTRAST, Settings
from game.ui.text import literal


def motion_label(on: bool) -> str:
    """The checkbox's label says its state in words, short enough for any dialog width."""
    return f"Reduced motion: {'on' if on else 'off'}"


class StateBox(Checkbox):
    """A checkbox whose box is empty when off (Textual's shows an X either way, in colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's class attribute, read per render)
        """X when on, a blank when off: readable without colour (NO_COLOR, projectors)."""
        return "X" if self.value else " "


class SettingsScreen(ModalScreen[Settings | None]):
    """Dismisses with the new settings, or None to keep the old ones."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, settings: Settings, themes: list[str]) -> None:
        super().__init__()
        self.settings = settings
        self.themes = themes
        """The themes that may be offered (no ansi-* under NO_COLOR)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Settings", classes="dialog-title")
            yield Static("Theme (Enter saves)", classes="dialog-help")
            yield OptionList(
                *[Option(literal(name + ("  (high contrast)" if name == HIGH_CONTRAST else "")),
                         id=name) for name in self.themes],
                markup=False, id="themes")
            yield StateBox(motion_label(self.settings.reduced_motion),
                           self.settings.reduced_motion, id="reduced-motion", compact=True)
            yield Static("No flashes, no animated scrolling. Space or a click switches it.",
                         classes="dialog-help", id="motion-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        themes = self.query_one(OptionList)
        if self.settings.theme in self.themes:
            themes.highlighted = self.themes.index(self.settings.theme)
        themes.focus()

    def _chosen(self) -> Settings:
        themes = self.query_one(OptionList)
        theme = self.settings.theme
        if themes.highlighted is not None:
            theme = self.themes[themes.highlighted]
        return Settings(theme=theme, reduced_motion=self.query_one(Checkbox).value)

    @on(Checkbox.Changed)
    def _motion(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = motion_label(event.value)

    @on(OptionList.OptionSelected)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.dismiss(self._chosen())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Keep the settings as they were."""
        self.dismiss(None)
