"""Class records: one JSON Lines file per player session, written as play happens.

The writer listens to the engine's events (the launcher subscribes it; the
engine knows nothing of records) and appends one line per thing worth
keeping, each written and fsynced at once, so a closed laptop loses at most
the line in flight. A folder that fills up or stops being writable never
stops play: the writer warns once, keeps trying, and when a line can be
written again it writes the whole game so far as a fresh block, so the
report is right again. Every line is one of ``lines.py``'s frozen dataclasses,
encoded by the same module that parses it back; its shape is documented, and
versioned, in docs/classroom-records.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterable

from game.classroom.codenames import normalise_class_code
from game.classroom.lines import (
    SCHEMA,
    ChapterLine,
    ChoiceRecord,
    EndingRecord,
    Header,
    Line,
    PollRecord,
    Undo,
    encode,
)
from game.engine import events as ev
from game.engine.engine import CONTINUE, Engine
from game.errors import StandingError
from game.story.catalog import source_kind


SUFFIX = ".jsonl"


class RecordError(StandingError):
    """A class record problem the user must act on (not a full disk: that only warns)."""


class CodenameTaken(RecordError):
    """Another player in the class already has this codename."""


def default_base() -> Path:
    """Where class folders live: $STANDING_DATA_DIR/classes, else the user data directory."""
    base = os.environ.get("STANDING_DATA_DIR")
    if base:
        return Path(base) / "classes"
    from platformdirs import user_data_dir

    return Path(user_data_dir("standing", appauthor=False)) / "classes"


def class_folder(code: str, base: Path | None = None) -> Path:
    """The folder of a class: BASE/CODE (``--records DIR`` gives BASE)."""
    return (base if base is not None else default_base()) / normalise_class_code(code)


def class_codes(base: Path | None = None) -> list[str]:
    """The codes of the classes in BASE (the default place without it), sorted."""
    root = base if base is not None else default_base()
    try:
        return sorted(p.name for p in root.iterdir() if p.is_dir() and is_class_folder(p))
    except OSError:
        return []


def classes_there(base: Path, most: int = 12) -> str:
    """For a class that is not there: the classes that are ("9b, 9c and 9d"), in words."""
    codes = class_codes(base)
    if not codes:
        return f"there is no class in {base} yet"
    shown = ", ".join(codes[:most]) + (f" and {len(codes) - most} more" if len(codes) > most
                                       else "")
    return f"the classes in {base} are: {shown}"


CLASS_FILE = "class.json"
"""The class folder's own file: it marks the folder as a Standing class folder
(``"format": "standing-class"``) and holds its settings (the retention period)."""
CLASS_FORMAT = "standing-class"
DEFAULT_RETENTION_DAYS = 30
"""How long records are kept unless the teacher says otherwise (0: until wiped)."""


def is_class_folder(folder: Path) -> bool:
    """Whether Standing made this folder a class folder (its ``class.json`` says so).

    Retention and ``class wipe`` delete nothing in a folder that is not one.
    """
    path = folder / CLASS_FILE
    try:
        if path.is_symlink() or not path.is_file():
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == CLASS_FORMAT


def mark_class_folder(folder: Path) -> bool:
    """Make ``folder`` (made if missing, in a parent that exists) a class folder:
    create its ``class.json``.

    Called wherever Standing starts writing a class (a player joining, ``class
    serve``). A ``class.json`` already there is never replaced: if it is not
    Standing's, the folder stays unmarked and retention leaves it alone.
    Returns whether the folder is a class folder now.
    """
    if is_class_folder(folder):
        return True
    data = json.dumps({"format": CLASS_FORMAT, "retention_days": DEFAULT_RETENTION_DAYS},
                      indent=1) + "\n"
    try:
        # Never parents=True: an unmounted shared drive must not be recreated locally.
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / CLASS_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError:
        return False
    try:
        os.write(fd, data.encode("utf-8"))
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
    _sync_folder(folder)
    return is_class_folder(folder)


def session_file(folder: Path, codename: str) -> Path:
    """The record file of one player's session."""
    return folder / f"{codename}{SUFFIX}"


def taken_codenames(folder: Path) -> set[str]:
    """The codenames already used in a class folder (empty if it cannot be read)."""
    try:
        return {p.name[: -len(SUFFIX)] for p in folder.iterdir() if p.name.endswith(SUFFIX)}
    except OSError:
        return set()


Warn = Callable[[str], None]


class RecordWriter:
    """Appends one player's session to its record file, a line per event."""

    def __init__(self, path: Path, codename: str, class_code: str,
                 warn: Warn | None = None) -> None:
        self.path = path
        self.codename = codename
        self.class_code = class_code
        self.warnings: list[str] = []
        """Warnings for the player or teacher (when no ``warn`` callback was given)."""
        self._warn_to = warn or self.warnings.append
        self._fd: int | None = None
        self._seq = 0
        self._claimed = False
        """True once this writer created (or reopened) its file: it may append to it."""
        self._behind = False
        """A line could not be written: the next success rewrites the whole game."""
        self._warned = False
        self._cut = False
        """The file may end in a line cut short: the next line starts with a newline."""
        self._engine: Engine | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._lost = False
        """Another player claimed this codename: nothing more is recorded."""
        self.source: str | None = None
        """The story's source kind for the header when its path cannot tell (an export's
        story has no path on this computer); None: ``source_kind`` of the story."""

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def create(cls, folder: Path, codename: str, class_code: str,
               warn: Warn | None = None) -> RecordWriter:
        """Claim a codename by creating its file; CodenameTaken if it exists.

        A folder that cannot be written is not an error: the writer warns and
        keeps trying while the game goes on.
        """
        writer = cls(session_file(folder, codename), codename, class_code, warn)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            mark_class_folder(folder)
            writer._open(exclusive=True)
        except FileExistsError:
            raise CodenameTaken(
                f"the codename '{codename}' is already taken in class {class_code}: "
                "choose another one") from None
        except OSError as exc:
            writer._failed(exc)
        return writer

    @classmethod
    def reopen(cls, folder: Path, codename: str, class_code: str,
               warn: Warn | None = None) -> RecordWriter:
        """Continue a session's existing file (the same player coming back)."""
        writer = cls(session_file(folder, codename), codename, class_code, warn)
        writer._claimed = True
        try:
            writer._seq, writer._cut = _next_seq(writer.path)
            writer._open(exclusive=False)
        except OSError as exc:
            writer._failed(exc)
        return writer

    def _open(self, exclusive: bool) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | (os.O_EXCL if exclusive else 0)
        # 0o666 less the umask, like any file the user makes: on a shared drive the
        # teacher's account must be able to read what a student's account wrote.
        self._fd = os.open(self.path, flags, 0o666)
        self._claimed = True
        _sync_folder(self.path.parent)

    # -- wiring -------------------------------------------------------------------------

    def attach(self, engine: Engine, resumed: bool = False) -> None:
        """Write a block restating the game (``joined``, or ``resumed``), then listen.

        From then on every step, poll answer and undo of ``engine`` is recorded.
        """
        self._engine = engine
        if not self._snapshot("resumed" if resumed else "joined"):
            self._behind = True
        self._unsubscribe = engine.subscribe(self.on_events)

    def follow(self, engine: Engine) -> None:
        """Record another game from now on (a save slot was loaded): a ``resumed``
        block restates it, so the record's last block is the game being played."""
        if self._lost:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.attach(engine, resumed=True)

    def close(self) -> None:
        """Stop listening and close the file."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    def on_events(self, events: list[ev.Event]) -> None:
        """Record a step's events (the engine calls this after each step)."""
        if self._engine is None:
            return
        if self._behind:
            # The listener runs after the step, so a fresh block already holds it.
            if self._snapshot("resumed"):
                self._behind = False
                self._warn_to(f"class records are being written again to {self.path.parent}")
                self._warned = False
            return
        for line in self._lines(events):
            if not self._write(line):
                self._behind = True
                return

    # -- lines ------------------------------------------------------------------------

    def _header(self, kind: str) -> Header:
        engine = self._engine
        assert engine is not None
        story = engine.story
        version = story.version
        return Header(kind, self.codename, self.class_code, story.id, story.title,
                      None if version is None else str(version), story.content_hash, SCHEMA,
                      self.source or source_kind(story),  # bundled or other: never a path
                      engine.step if kind == "resumed" else None,
                      engine.seed)  # so the report replays the path the player had

    def _lines(self, events: Iterable[ev.Event]) -> Iterable[Line]:
        engine = self._engine
        assert engine is not None
        entries: set[int] = set()
        for event in events:
            kind = type(event)
            if kind is ev.ChoiceTaken:
                yield ChoiceRecord(event.step, event.scene, event.choice, event.text,
                                   tuple(event.tags))
            elif kind in (ev.ScoreChanged, ev.ListChanged, ev.RatedByPerson, ev.PersonRated):
                if id(event.entry) not in entries:  # a peer rating comes with two events
                    entries.add(id(event.entry))
                    yield event.entry
            elif kind is ev.PollAnswered:
                yield PollRecord(event.step, event.poll, event.scene, event.option, event.text)
            elif kind is ev.SceneEntered and event.chapter:
                yield ChapterLine(engine.step, event.scene, event.chapter)
            elif kind is ev.Rewound:
                yield Undo(event.step)
            elif kind is ev.Ended:
                yield self._ending(event.scene, event.title, event.kind)

    def _ending(self, scene: str, title: str, kind: str) -> EndingRecord:
        engine = self._engine
        assert engine is not None
        view = engine.view()
        return EndingRecord(engine.step, scene, title, kind, view.score, view.tier,
                            view.tier_label, tuple(view.lists))

    def _snapshot(self, kind: str) -> bool:
        """Write a header and the whole game so far (its final path, nothing undone)."""
        engine = self._engine
        assert engine is not None
        story, path = engine.story, engine.path
        lines: list[Line] = [self._header(kind)]
        scenes = [scene for scene, _ in path] + [engine.state.scene]
        for step, scene_id in enumerate(scenes):
            chapter = story.scenes[scene_id].chapter if scene_id in story.scenes else None
            if chapter:
                lines.append(ChapterLine(step, scene_id, chapter))
        for step, (scene_id, choice_id) in enumerate(path, start=1):
            if choice_id == CONTINUE:
                continue
            choice = story.scenes[scene_id].choice(choice_id)
            lines.append(ChoiceRecord(step, scene_id, choice_id,
                                      choice.text.source if choice else None,
                                      tuple(choice.tags) if choice else ()))
        lines.extend(engine.ledger)
        for step, poll, scene_id, option in engine.answers:
            options = story.scenes[scene_id].poll.options
            lines.append(PollRecord(step, poll, scene_id, option, options[option]))
        if engine.ended:
            view = engine.view()
            lines.append(self._ending(view.scene, view.ending.title, view.ending.kind))
        return all(self._write(line) for line in lines)

    # -- writing --------------------------------------------------------------------------

    def _write(self, line: Line) -> bool:
        """Append one line, written and fsynced; False (and a warning) if it could not be."""
        seq = self._seq
        self._seq += 1
        data = json.dumps({"seq": seq, **encode(line)}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8") + b"\n"
        try:
            if self._fd is None:
                # Never parents=True here: an unmounted shared drive must not be
                # recreated as empty folders on the local disk.
                self.path.parent.mkdir(exist_ok=True)
                mark_class_folder(self.path.parent)
                self._open(exclusive=not self._claimed)
            if self._cut:
                data = b"\n" + data  # end the line a failed write (or a crash) cut short
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
            self._cut = False
        except FileExistsError:
            self._lost_claim()
            return False
        except (OSError, ValueError) as exc:
            self._failed(exc)
            return False
        return True

    def _failed(self, exc: Exception) -> None:
        self._cut = self._claimed
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if not self._warned:
            self._warned = True
            reason = getattr(exc, "strerror", None) or str(exc)
            self._warn_to(
                f"cannot write class records to {self.path.parent} ({reason}); play goes "
                "on, and the records catch up when the folder can be written again")

    def _lost_claim(self) -> None:
        self._claimed = True  # never try to claim again: this file is someone else's
        self._lost = True
        self._fd = None
        self._engine = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._warn_to(
            f"the codename '{self.codename}' was taken in class {self.class_code} while its "
            "folder could not be written; this session is not recorded")


def ledger_line(entry: ev.LedgerEntry) -> dict:
    """A ledger entry as a record line."""
    return encode(entry)


def _next_seq(path: Path) -> tuple[int, bool]:
    """The sequence number after the last whole line of a record file (0 if none),
    and whether the file ends in a line cut short."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 65536))
            tail = handle.read()
    except FileNotFoundError:
        return 0, False
    cut = bool(tail) and not tail.endswith(b"\n")
    for raw in reversed(tail.split(b"\n")):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("seq"), int):
            return data["seq"] + 1, cut
    return 0, cut


def _sync_folder(folder: Path) -> None:
    """fsync a folder so a file just created in it survives a crash (where supported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
