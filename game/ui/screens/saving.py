"""Saving and loading for the play screen: the autosave after every step, the slots dialog.

A mixin of ``PlayScreen`` (kept apart so the screen's module stays about play):
it expects the screen's ``engine``, ``saver`` and ``replace_engine``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE
from game.errors import SaveError
from game.ui.autosave import Saver

if TYPE_CHECKING:
    from game.ui.screens.saves import SaveRequest


class Saving:
    """Autosave, save now (quitting), and the Save/Load dialog of a play screen."""

    engine: Engine
    saver: Saver

    def replace_engine(self, engine: Engine) -> None:  # pragma: no cover - the screen's
        raise NotImplementedError

    def autosave(self) -> None:
        """Save the game as it is now, writing off the UI thread."""
        self._write(self.saver.snapshot(self.engine))

    def on_unmount(self) -> None:
        # The app is closing however it closes (a browser tab closed under class serve
        # ends the app without action_quit): the last step must not wait on a worker.
        self.save_now()

    def save_now(self) -> bool:
        """Save at once, on this thread (quitting)."""
        saved = self.saver.save_now(self.engine)
        return saved

    @work(thread=True, group="save")
    def _write(self, job: tuple[int, str, dict], announce: bool = False) -> None:
        saved = self.saver.write(job)
        if announce and saved:
            self.app.call_from_thread(self.notify, f"Saved to slot '{job[1]}'.", markup=False)
        if self.saver.store.warnings:
            self.app.call_from_thread(self._warnings)

    def _warnings(self) -> bool:
        store = self.saver.store
        shown = bool(store.warnings)
        for warning in store.warnings:
            self.notify(warning, title="Saves", severity="warning", markup=False, timeout=10)
        store.warnings.clear()
        return shown

    def action_saves(self) -> None:
        """Open the Save/Load dialog (slots are listed off the UI thread)."""
        self._list_slots()

    @work(thread=True, group="slots")
    def _list_slots(self) -> None:
        from game.ui.screens.saves import SavesScreen

        slots = self.saver.store.slots()
        self.app.call_from_thread(
            self.app.push_screen, SavesScreen(slots, self.saver.store.story.rating),
            self._after_saves)

    def _after_saves(self, request: SaveRequest | None) -> None:
        if request is None:
            return
        try:
            self.saver.store.file(request.slot)
        except SaveError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if request.action == "save":
            self._write(self.saver.snapshot(self.engine, request.slot), announce=True)
        else:
            self._load(request.slot)

    @work(thread=True, group="load", exclusive=True)
    def _load(self, slot: str) -> None:
        loaded = self.saver.store.load(slot)
        self.app.call_from_thread(self._loaded, slot, loaded)

    def _loaded(self, slot: str, loaded) -> None:
        if loaded is None:
            self._warnings() or self.notify(f"There is no game in slot '{slot}'.",
                                            severity="warning", markup=False)
            return
        engine, report = loaded
        self.replace_engine(engine)
        where = "the autosave" if slot == AUTOSAVE else f"slot '{slot}'"
        text = (f"Loaded {where}: {report.applied} steps." if report.complete else
                f"Loaded {where}, but the story has changed: {report.problem}.")
        self.notify(text, markup=False)
