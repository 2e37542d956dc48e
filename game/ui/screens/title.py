"""The title screen: the story picker, and Continue for the last game in progress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.errors import StoryError
from game.story.catalog import Entry
from game.story.model import Story
from game.ui.screens.ask import AskDialog
from game.ui.screens.titlecard import about_parts
from game.ui.text import joined, literal
from game.ui.widgets.keyline import KeyLine

CONTINUE_ID = "continue"


@dataclass(frozen=True, slots=True)
class InProgress:
    """A story's autosave that has not reached an ending."""

    story: Story
    steps: int
    mtime: float


@dataclass(frozen=True, slots=True)
class Shelf:
    """What the title screen shows: the stories, and the games in progress."""

    entries: list[Entry]
    in_progress: dict[str, InProgress]
    """By story path (two stories may share an id; they never share saves)."""

    @property
    def latest(self) -> InProgress | None:
        """The game in progress saved most recently."""
        return max(self.in_progress.values(), key=lambda p: p.mtime, default=None)


def short_error(error: StoryError) -> str:
    """A story error with its file named by its base name (the picker is narrow)."""
    where = error.location
    if where is None:
        return error.message
    return f"{Path(where.file).name}:{where.line}:{where.column}: {error.message}"


class TitleScreen(Screen[None]):
    """Pick a story; its summary, length, language and content notes show beside it."""

    BINDINGS = [Binding("c", "resume", "Continue"), Binding("enter", "open", "Play", show=True)]

    @dataclass
    class Open(Message):
        """The player wants to play ``story``; ``resume`` its autosave or start anew."""

        story: Story
        resume: bool

    def __init__(self, folders: list[Path], shelf_loader) -> None:
        super().__init__()
        self.folders = folders
        self.shelf_loader = shelf_loader
        """Callable(folders) -> Shelf; run off the UI thread (it reads files)."""
        self.shelf: Shelf | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="title-head"):
            yield Static("STANDING", id="logo")
            yield Static("Interactive fiction about scoring societies: live under a rating, "
                         "then question it. Pick a story with ↑ ↓ and Enter.", id="tagline")
        with Horizontal(id="title-body"):
            yield OptionList(id="stories", markup=False)
            with VerticalScroll(id="details"):
                yield Static("Looking for stories…", id="about", markup=False)
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load_shelf()

    def on_screen_resume(self) -> None:
        self.load_shelf()

    @work(thread=True, exclusive=True, group="shelf")
    def load_shelf(self) -> None:
        """Read the stories and the autosaves off the UI thread."""
        shelf = self.shelf_loader(self.folders)
        self.app.call_from_thread(self._show_shelf, shelf)

    def _show_shelf(self, shelf: Shelf) -> None:
        self.shelf = shelf
        stories = self.query_one(OptionList)
        keep = stories.highlighted
        stories.clear_options()
        latest = shelf.latest
        if latest is not None:
            stories.add_option(Option(joined(("▸ Continue: ", "bold $text-accent"),
                                             literal(latest.story.title)), id=CONTINUE_ID))
            stories.add_option(None)
        order = sorted(enumerate(shelf.entries), key=lambda pair: pair[1].story is None)
        for index, entry in order:
            if entry.story is None:
                stories.add_option(Option(joined(literal(entry.path.name + " "),
                                                 ("(does not load)", "$text-error")),
                                          id=f"entry-{index}"))
            else:
                stories.add_option(Option(literal(entry.story.title), id=f"entry-{index}"))
        if not shelf.entries:
            self.query_one("#about", Static).update("No stories found. Give a folder with "
                                                    "--stories DIR.")
        count = stories.option_count
        stories.highlighted = keep if keep is not None and keep < count else (0 if count else None)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Continue is offered only when a game is in progress."""
        if action == "resume":
            return self.shelf is not None and self.shelf.latest is not None
        return True

    def _entry(self, option_id: str | None) -> Entry | None:
        if self.shelf is None or not option_id or not option_id.startswith("entry-"):
            return None
        return self.shelf.entries[int(option_id[6:])]

    @on(OptionList.OptionHighlighted)
    def _describe(self, event: OptionList.OptionHighlighted) -> None:
        about = self.query_one("#about", Static)
        if event.option.id == CONTINUE_ID and self.shelf and self.shelf.latest:
            latest = self.shelf.latest
            about.update(joined(("Continue where you left off\n\n", "bold"),
                                literal(f"{latest.story.title}: {latest.steps} "
                                        f"step{'s' * (latest.steps != 1)} taken.")))
            return
        entry = self._entry(event.option.id)
        if entry is None:
            return
        if entry.story is None:
            errors = entry.errors.errors if entry.errors else []
            lines = "\n".join(short_error(e) for e in errors[:8])
            about.update(joined(("This story does not load:\n\n", "bold $text-error"),
                                literal(lines)))
            return
        about.update(self._about(entry.story))

    def _about(self, story: Story):
        parts = about_parts(story)
        entries = self.shelf.entries if self.shelf else []
        shared = [e.path for e in entries if e.story is not None
                  and e.story.id == story.id and e.story.path != story.path]
        if shared:
            parts.extend([("\n\nSame id as another story: ", "$text-warning bold"),
                          literal(f"{', '.join(str(p) for p in shared)} also has the id "
                                  f"'{story.id}'. Their saves are kept apart.")])
        progress = self.shelf.in_progress.get(story.path) if self.shelf else None
        if progress is not None:
            parts.append((f"\n\nIn progress: {progress.steps} steps. Enter asks whether to "
                          "continue or start over.", "$text-accent"))
        return joined(*parts)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def action_open(self) -> None:
        """Play the highlighted story."""
        stories = self.query_one(OptionList)
        if stories.highlighted is not None:
            self._choose(stories.get_option_at_index(stories.highlighted).id)

    def action_resume(self) -> None:
        """Continue the game saved most recently."""
        if self.shelf is not None and self.shelf.latest is not None:
            self.post_message(self.Open(self.shelf.latest.story, True))
        else:
            self.notify("There is no game in progress.", markup=False)

    def _choose(self, option_id: str | None) -> None:
        if option_id == CONTINUE_ID:
            self.action_resume()
            return
        entry = self._entry(option_id)
        if entry is None:
            return
        if entry.story is None:
            self.notify("This story does not load; its errors are shown beside it.",
                        severity="error", markup=False)
            return
        story = entry.story
        if self.shelf and story.path in self.shelf.in_progress:
            def answered(answer: int | None) -> None:
                if answer is not None:
                    self.post_message(self.Open(story, answer == 0))
            self.app.push_screen(AskDialog(
                f"You have a game of {story.title} in progress.",
                ["Continue it", "Start over"],
                "Starting over replaces its autosave (named save slots are kept)."), answered)
            return
        self.post_message(self.Open(story, False))
