"""Saving off the UI thread without ever letting an older save win.

The save document is taken on the UI thread (the engine is only touched
there); writing it (with its fsync) happens in a thread worker. Each document
carries a sequence number and a writer skips anything older than what is
already on disk, so the newest step always wins however the threads race.
"""

from __future__ import annotations

import threading

from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE, SaveStore, save_document


class Saver:
    """Ordered saves of one game into a SaveStore."""

    def __init__(self, store: SaveStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._taken = 0
        self._written: dict[str, int] = {}

    def snapshot(self, engine: Engine, slot: str = AUTOSAVE) -> tuple[int, str, dict]:
        """The numbered save document of the game as it is now (UI thread)."""
        self._taken += 1
        return self._taken, slot, save_document(engine)

    def write(self, job: tuple[int, str, dict]) -> bool:
        """Write a snapshot unless a newer one reached the slot first (any thread)."""
        number, slot, document = job
        with self._lock:
            if self._written.get(slot, 0) >= number:
                return True
            if not self.store.write(document, slot):
                return False
            self._written[slot] = number
            return True

    def save_now(self, engine: Engine, slot: str = AUTOSAVE) -> bool:
        """Snapshot and write at once (quitting, named slots)."""
        return self.write(self.snapshot(engine, slot))
