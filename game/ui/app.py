"""The terminal player's App: built by constructor injection, run by the CLI's launcher.

``StandingApp(engine=..., store=...)`` opens a story directly;
``StandingApp(folders=[...])`` opens the title screen. Tests build it the same way.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE, SaveStore, default_folder
from game.safetext import clean
from game.story.model import Story
from game.ui.autosave import Saver
from game.ui.screens.play import PlayScreen
from game.ui.settings import (
    HIGH_CONTRAST,
    Settings,
    load_settings,
    motion_reduced,
    save_settings,
    settings_file,
)
from game.ui.themes import HIGH_CONTRAST_THEME, choose_theme, usable

if TYPE_CHECKING:  # the other screens are imported when first needed: a faster start
    from game.ui.screens.title import Shelf, TitleScreen

StoreFactory = Callable[[Story], SaveStore]

_frozen = False


def freeze_loaded() -> None:
    """Hide what is loaded so far from the garbage collector, once per process.

    The modules, the story and the engine live as long as the player does. Left
    in the collector's sight, the full collection that building the first screen
    triggers walks them all (~20 ms of a ~0.4 s start, measured); frozen, it
    walks only what was made since.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


def default_store(story: Story) -> SaveStore:
    """The saves of a story in the user's data folder ($STANDING_DATA_DIR honoured)."""
    return SaveStore(default_folder(), story)


def read_shelf(folders: list[Path], make_store: StoreFactory = default_store) -> Shelf:
    """The stories in ``folders`` and their autosaves that have not ended (reads files)."""
    from game.story.catalog import catalog
    from game.ui.screens.title import InProgress, Shelf

    entries = catalog(folders)
    in_progress: dict[str, InProgress] = {}
    for entry in entries:
        story = entry.story
        if story is None:
            continue
        for info in make_store(story).slots():
            if info.slot != AUTOSAVE or info.problem or not info.steps:
                continue
            scene = story.scenes.get(story.resolve(info.scene or "") or "")
            if scene is not None and scene.ending is None:
                try:
                    mtime = info.path.stat().st_mtime
                except OSError:
                    continue
                in_progress[story.path] = InProgress(story, info.steps, mtime)
    return Shelf(entries, in_progress)


class StandingApp(App[int]):
    """Standing in the terminal: title, play, record, saves, settings, debrief."""

    CSS_PATH = "standing.tcss"
    TITLE = "Standing"
    ENABLE_COMMAND_PALETTE = False  # the palette could pick ansi-* themes under NO_COLOR

    BINDINGS = [
        Binding("question_mark,f1,h", "help", "Help"),
        Binding("t", "settings", "Settings"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, engine: Engine | None = None, store: SaveStore | None = None, *,
                 settings: Settings | None = None, settings_path: Path | None = None,
                 folders: list[Path] | None = None, seed: int = 0,
                 resumed: str | None = None, make_store: StoreFactory = default_store,
                 watch: Path | None = None,
                 on_engine: Callable[[Engine], None] | None = None,
                 title_card: bool = False) -> None:
        """Build the app.

        Args:
            engine: a game to open directly (``play STORY``); None opens the title screen.
            store: the saves of ``engine``'s story (made with ``make_store`` when None).
            settings: the player's settings; ``settings_path`` is where changes are kept
                (None: not kept, as in tests).
            folders: where the title screen looks for stories.
            seed: the seed of games started from the title screen.
            resumed: a message saying the game was resumed from a save.
            make_store: makes the SaveStore of a story picked on the title screen.
            watch: the story's path, to reload it when its files change (``--watch``).
            on_engine: told of each new game played in place of the first (a loaded
                save, a reloaded story), so a class record writer can follow it.
            title_card: show the story's title card over its first scene (``play
                STORY`` on a new game: the title screen's picker shows it otherwise).
        """
        super().__init__()
        self.engine = engine
        self.store = store
        self.settings = settings or Settings()
        self.settings_path = settings_path
        self.folders = list(folders or [])
        self.seed = seed
        self.resumed = resumed
        self.make_store = make_store
        self.on_engine = on_engine
        self.title_card = title_card
        self.watcher = None
        if watch is not None and engine is not None:
            from game.ui.watch import StoryWatcher

            self.watcher = StoryWatcher(watch, engine.story)
        self.register_theme(HIGH_CONTRAST_THEME)
        self.theme = choose_theme(self.settings.theme, self.available_themes, self.no_color)
        if motion_reduced(self.settings):
            self.animation_level = "none"
        freeze_loaded()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """A toast, its text cleaned (it may quote a story, a save or a file name)."""
        super().notify(clean(message), title=clean(title), severity=severity,
                       timeout=timeout, markup=markup)

    def on_mount(self) -> None:
        if self.watcher is not None:
            self.set_interval(0.5, self.check_story)
        if self.engine is not None:
            store = self.store or self.make_store(self.engine.story)
            card = self.title_card and self.resumed is None and self.engine.step == 0
            self.push_screen(self._play(self.engine, store, self.resumed, card))
        else:
            from game.ui.screens.title import TitleScreen

            self.push_screen(TitleScreen(self.folders,
                                         lambda folders: read_shelf(folders, self.make_store)))

    def _play(self, engine: Engine, store: SaveStore, resumed: str | None,
              title_card: bool = False) -> PlayScreen:
        return PlayScreen(engine, Saver(store), resumed, motion_reduced(self.settings),
                          title_card)

    # -- from the title screen ---------------------------------------------------------

    def on_title_screen_open(self, message: TitleScreen.Open) -> None:
        """The player picked a story on the title screen."""
        self._start(message.story, message.resume)

    @work(thread=True, exclusive=True, group="open")
    def _start(self, story: Story, resume: bool) -> None:
        from game.story.catalog import shared_id_notice

        store = self.make_store(story)
        notice = shared_id_notice(story)
        if notice is not None:
            store.warnings.append(notice)
        engine, note = None, None
        if resume:
            loaded = store.load(AUTOSAVE)
            if loaded is not None:
                engine, report = loaded
                note = (f"Resumed your game after {report.applied} steps." if report.complete
                        else f"Resumed your game, but the story has changed: {report.problem}. "
                             f"{report.applied} of {report.total} steps were replayed.")
        else:
            store.start_over(AUTOSAVE)  # "Start over": the old autosave is replaced unread
        if engine is None:
            engine = Engine(story, seed=self.seed)
        self.call_from_thread(self.push_screen, self._play(engine, store, note))

    def on_play_screen_leave_requested(self, message: PlayScreen.LeaveRequested) -> None:
        """Escape on a game opened by ``play STORY``: the title screen takes its place."""
        if self.on_engine is not None:
            # A class record follows this game only: another one would go unrecorded.
            self.notify("This game is recorded for your class: q saves and quits.",
                        markup=False)
            return
        from game.ui.screens.title import TitleScreen

        folders = self.folders or self._title_folders(message)
        self.switch_screen(TitleScreen(folders,
                                       lambda folders: read_shelf(folders, self.make_store)))

    @staticmethod
    def _title_folders(message: PlayScreen.LeaveRequested) -> list[Path]:
        """The bundled stories, and the one being played when it is not one of them."""
        from game.story.catalog import bundled_folder

        bundled = bundled_folder().resolve()
        screen = message.screen
        folders = [bundled]
        if screen.engine.story.files:
            main = Path(screen.engine.story.files[0]).resolve()
            story = main.parent if main.name == "story.yaml" else main
            if not story.is_relative_to(bundled):
                folders.append(story)
        return folders

    def on_play_screen_engine_changed(self, message: PlayScreen.EngineChanged) -> None:
        """Another game is played from now on: the class record, if any, follows it."""
        if self.on_engine is not None:
            self.on_engine(message.engine)

    # -- live reload (--watch) ---------------------------------------------------------------

    def check_story(self) -> None:
        """Reload the story if its files changed on disk (``--watch``)."""
        if self.watcher is not None and self.watcher.changed():
            # Only a game of the watched story (the player may have opened another one).
            watched = self.watcher.story_id
            screen = next((s for s in reversed(self.screen_stack)
                           if isinstance(s, PlayScreen) and s.engine.story.id == watched),
                          None)
            if screen is not None:
                self._reload(screen)

    @work(thread=True, exclusive=True, group="watch")
    def _reload(self, screen: PlayScreen) -> None:
        result = self.watcher.reload(screen.engine)
        self.call_from_thread(self._reloaded, screen, result)

    def _reloaded(self, screen: PlayScreen, result) -> None:
        from game.ui.watch import Broken

        if isinstance(result, Broken):
            screen.show_broken(result.line, result.message)
            self.notify(result.message, title="The story has errors", severity="error",
                        timeout=12, markup=False)
            return
        screen.show_broken(None)
        screen.replace_engine(result.engine)
        self.engine = result.engine
        self.notify(result.message, title="Story reloaded", markup=False,
                    severity="information" if result.report.complete else "warning")

    # -- everywhere ------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        from game.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        """Change the theme or reduced motion."""
        from game.ui.screens.settings import SettingsScreen

        if isinstance(self.screen, SettingsScreen):
            return
        others = sorted(name for name in self.available_themes
                        if usable(name, self.no_color) and name != HIGH_CONTRAST)
        themes = [HIGH_CONTRAST, *others]
        self.push_screen(SettingsScreen(self.settings, themes), self._apply_settings)

    def _apply_settings(self, settings: Settings | None) -> None:
        if settings is None:
            return
        self.settings = settings
        self.theme = choose_theme(settings.theme, self.available_themes, self.no_color)
        reduced = motion_reduced(settings)
        self.animation_level = "none" if reduced else "full"
        for screen in self.screen_stack:
            if isinstance(screen, PlayScreen):
                screen.set_reduced_motion(reduced)
        self._keep_settings(settings)

    @work(thread=True, group="settings")
    def _keep_settings(self, settings: Settings) -> None:
        problem = save_settings(self.settings_path, settings)
        if problem:
            self.call_from_thread(self.notify, problem, severity="warning", markup=False)

    async def action_quit(self) -> None:
        """Save every game open, then quit: quitting never loses progress."""
        for screen in self.screen_stack:
            if isinstance(screen, PlayScreen):
                screen.save_now()
        self.exit(0)


def run_app(engine: Engine, store: SaveStore, resumed: str | None = None,
            watch: Path | None = None,
            on_engine: Callable[[Engine], None] | None = None) -> int:
    """Play one story in the terminal player (``python -m game play STORY [--watch]``)."""
    path = settings_file()
    app = StandingApp(engine, store, settings=load_settings(path), settings_path=path,
                      resumed=resumed, watch=watch, on_engine=on_engine, title_card=True)
    app.run()
    return app.return_code or 0


def run_title(folders: list[Path], seed: int) -> int:
    """The title screen with the story picker (``python -m game``)."""
    path = settings_file()
    app = StandingApp(settings=load_settings(path), settings_path=path, folders=folders,
                      seed=seed)
    app.run()
    return app.return_code or 0
