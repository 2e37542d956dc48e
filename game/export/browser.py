"""What runs in the browser: one student's game behind the web reader's pages.

The page's script (``boot.js``) calls ``Book.get`` and ``Book.post`` where the
server would answer a request, and keeps ``Book.saved()`` in the browser's
storage after every step; nothing here touches the network. The story comes
as compiled JSON (``game.story.cache.load_compiled``): no YAML parser is
imported. Saves and the class record live in Pyodide's in-memory file system,
written by the same ``SaveStore`` and ``RecordWriter`` as on a laptop.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any, Callable

from game.classroom.codenames import normalise_codename, random_codename
from game.classroom.records import RecordWriter, session_file
from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE, SaveStore
from game.errors import SaveError
from game.story.cache import load_compiled
from game.story.catalog import BUNDLED, OTHER
from game.web.debrief import debrief_page
from game.web.pages import message_page, play_page, record_page
from game.web.player import Player

HOME = Path("/home/pyodide/standing")
"""Where the game's files live in Pyodide's memory (restored from the browser's storage)."""
CLASS_CODE = "export"
"""The class code in the record's header (the teacher's report groups by folder, not by it)."""
STATE_VERSION = 1
"""The shape of ``Book.saved()``'s JSON (kept in the browser's storage)."""


class Book:
    """One browser's game of an exported story."""

    def __init__(self, story_json: str, saved: str | None = None, home: Path = HOME,
                 seed: int | None = None, source: str | None = None) -> None:
        """``source``: the story's source kind as the exporter saw it (bundled or other),
        for the record's header; ``seed`` for tests (else a random one)."""
        self.story = load_compiled(story_json, "story.json")
        self.home = home
        self.problem: str | None = None
        state = _state(saved)
        name = state.get("codename")
        self.codename = (normalise_codename(name) if isinstance(name, str) and name
                         else random_codename())
        saves = home / "saves"
        records = home / "records"
        saves.mkdir(parents=True, exist_ok=True)
        records.mkdir(parents=True, exist_ok=True)
        self.store = SaveStore(saves, self.story)
        record = session_file(records, self.codename)
        if isinstance(state.get("autosave"), str):
            self.store.file(AUTOSAVE).write_text(state["autosave"], encoding="utf-8")
        if isinstance(state.get("record"), str):
            record.write_text(state["record"], encoding="utf-8")
        engine, note = self._open(seed)
        if record.exists():
            self.writer = RecordWriter.reopen(records, self.codename, CLASS_CODE,
                                              self.store.warnings.append)
            self.writer.source = _source(source)
            self.writer.attach(engine, resumed=True)
        else:
            self.writer = RecordWriter.create(records, self.codename, CLASS_CODE,
                                              self.store.warnings.append)
            self.writer.source = _source(source)
            self.writer.attach(engine)
        self.player = Player(engine, self.store, None, note)
        try:
            self.store.save(engine)  # the first page's game is kept before any step
        except SaveError as exc:
            self.store.warnings.append(str(exc))

    def _open(self, seed: int | None) -> tuple[Engine, str | None]:
        loaded = None
        try:
            loaded = self.store.load(AUTOSAVE)
        except SaveError as exc:
            self.store.warnings.append(str(exc))
        if loaded is None:
            return Engine(self.story, seed=seed if seed is not None
                          else secrets.randbelow(2**31)), None
        engine, report = loaded
        if report.complete:
            return engine, f"Welcome back: your game continues after {report.applied} steps."
        return engine, (f"Welcome back. The story has changed: {report.problem}. "
                        f"{report.applied} of {report.total} steps were replayed.")

    # -- pages ---------------------------------------------------------------------------

    def get(self, path: str) -> str:
        """The page at ``path`` (the web reader's addresses: /, /record, /debrief)."""
        path = path.split("#", 1)[0].split("?", 1)[0] or "/"
        player = self.player
        if path == "/record":
            return record_page(player)
        if path == "/debrief" and player.engine.ended:
            return debrief_page(player.engine, None, False, player.decisions())
        if path in ("/", "/welcome", "/debrief"):
            return play_page(player)
        return message_page(self.story.title, "Page not found",
                            "There is no such page in this story.", ("Back to the story", "/#now"))

    def post(self, path: str, form: dict[str, str] | Any) -> str:
        """Take an action (the web reader's forms), then the story page."""
        fields = _fields(form)
        actions: dict[str, Callable[[], None]] = {
            "/choose": lambda: self._choose(_number(fields.get("n", ""))),
            "/continue": self.player.proceed,
            "/undo": self.player.undo,
            "/again": self.player.restart,
            "/rewind": lambda: self.player.rewind(_number(fields.get("step", ""))),
            "/poll": lambda: self.player.answer(_number(fields.get("option", ""))),
        }
        action = actions.get(path)
        if action is None:
            return self.get(path)
        action()
        return play_page(self.player)

    def _choose(self, number: int | None) -> None:
        if number is None:
            self.player.note = "Choose one of the choices."
        else:
            self.player.choose(number)

    # -- what the browser keeps ------------------------------------------------------------

    def saved(self) -> str:
        """The game's state for the browser's storage (the autosave and the record, as text)."""
        return json.dumps({"version": STATE_VERSION, "story": self.story.content_hash,
                           "codename": self.codename,
                           "autosave": _read(self.store.file(AUTOSAVE)),
                           "record": self.record_text()})

    def record_text(self) -> str:
        """The class record so far, as the teacher's ``report`` reads it."""
        return _read(self.writer.path) or ""

    def record_name(self) -> str:
        """The record's file name (the teacher puts it in a class folder)."""
        return self.writer.path.name

    def ended(self) -> bool:
        """Whether the game is at an ending."""
        return self.player.engine.ended


def _state(saved: str | None) -> dict:
    """The browser's stored state, or {} when there is none or it cannot be used."""
    if not saved:
        return {}
    try:
        data = json.loads(saved)
    except ValueError:
        return {}
    return data if isinstance(data, dict) and data.get("version") == STATE_VERSION else {}


def _source(kind: str | None) -> str:
    return kind if kind in (BUNDLED, OTHER) else OTHER


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _fields(form: Any) -> dict[str, str]:
    """A form's fields as text (a JS object converted, or a dict in the tests)."""
    if hasattr(form, "to_py"):
        form = form.to_py()
    if not isinstance(form, dict):
        return {}
    return {str(k): str(v)[:200] for k, v in form.items()}


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 6 else None

