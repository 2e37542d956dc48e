"""Saves that survive story edits: a save is the path, replayed on load.

A save document records the story's id, version and content hash, the seed
and the path as (scene id, choice id) pairs. Files are written atomically
(temp file, fsync, rename); a corrupt file is reported, moved aside and never
overwritten unread; an unwritable folder warns once and play goes on.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import stat
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from game.engine.engine import Engine, ReplayReport
from game.errors import SaveError
from game.files import write_atomic
from game.story.catalog import BUNDLED, bundled_ids, source_key
from game.story.model import Story

SAVE_FORMAT = "standing-save"
SAVE_VERSION = 1
AUTOSAVE = "autosave"
SLOT = re.compile(r"[a-z0-9_]{1,32}")


def save_document(engine: Engine) -> dict:
    """The JSON document of a save."""
    story = engine.story
    return {
        "format": SAVE_FORMAT,
        "format_version": SAVE_VERSION,
        "story": story.id,
        "story_title": story.title,
        "story_version": story.version,
        "content_hash": story.content_hash,
        "seed": engine.seed,
        "path": [[scene, choice] for scene, choice in engine.path],
        # Poll answers are not steps; each names the moment it was given.
        "polls": [list(answer) for answer in engine.answers],
        "scene": engine.state.scene,
        "score": engine.view().score,
        "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


MAX_SAVE_BYTES = 16 * 1024 * 1024
"""The largest save file read (a path of ~300,000 steps); a larger one is damaged."""

SEED_RANGE = range(-(2**63), 2**64)
"""The seeds a save may hold: what fits in 64 bits (``--seed`` takes the same)."""

_TEXT_FIELDS = ("story_title", "story_version", "content_hash", "scene", "saved")
"""Optional fields a front end shows or compares: text when present."""

MAX_TEXT_FIELD = 1000
"""The longest of those a save may hold (they are shown on one line)."""

IDENT = re.compile(r"[a-z][a-z0-9_]{0,199}")
"""A story, scene, choice or poll id as the loader makes them (saves name them in messages)."""


def parse_save(text: str | bytes, where: str) -> dict:
    """Check a save document's shape, types and ranges; raise SaveError naming the problem.

    Any text at all gives either a document every field of which has the type
    and range the loader expects, or a one-line SaveError: a file nested too
    deeply, a number too long to read, a field of the wrong type are all
    "damaged", never an exception of another kind.
    """
    if len(text) > MAX_SAVE_BYTES:
        raise SaveError(f"{where}: the save file is damaged (larger than "
                        f"{MAX_SAVE_BYTES // (1024 * 1024)} MB)")
    if not text.strip():
        raise SaveError(f"{where}: the save file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SaveError(
            f"{where}:{exc.lineno}:{exc.colno}: the save file is damaged (not valid JSON: "
            f"{exc.msg})") from None
    except RecursionError:
        raise SaveError(f"{where}: the save file is damaged (nested too deeply)") from None
    except ValueError:  # a number with more digits than Python converts (4,300)
        raise SaveError(f"{where}: the save file is damaged (a number is too long)") from None
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise SaveError(f"{where}: not a Standing save file")
    version = data.get("format_version")
    if type(version) is not int:
        raise SaveError(f"{where}: the save file has no format version")
    if version > SAVE_VERSION:
        raise SaveError(
            f"{where}: the save was made by a newer Standing (save format {version}, "
            f"this one reads {SAVE_VERSION}); update Standing to load it")
    if version < 1:
        raise SaveError(f"{where}: the save file's format version ({version}) is damaged")
    path = data.get("path")
    if not isinstance(path, list) or not all(
        type(p) is list and len(p) == 2 and type(p[0]) is str and type(p[1]) is str
        and IDENT.fullmatch(p[0]) and IDENT.fullmatch(p[1]) for p in path
    ):
        raise SaveError(f"{where}: the save file's path is damaged")
    seed, story = data.get("seed"), data.get("story")
    if type(seed) is not int or type(story) is not str:
        raise SaveError(f"{where}: the save file is missing its seed or story")
    if not IDENT.fullmatch(story):
        raise SaveError(f"{where}: the save file's story id is damaged")
    if seed not in SEED_RANGE:
        raise SaveError(f"{where}: the save file's seed is damaged (not a 64-bit number)")
    polls = data.get("polls", [])
    if not isinstance(polls, list) or not all(
        type(a) is list and len(a) == 4 and type(a[0]) is int and type(a[1]) is str
        and type(a[2]) is str and type(a[3]) is int and IDENT.fullmatch(a[1])
        and IDENT.fullmatch(a[2]) for a in polls
    ):
        raise SaveError(f"{where}: the save file's poll answers are damaged")
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if value is not None and (type(value) is not str or len(value) > MAX_TEXT_FIELD):
            raise SaveError(f"{where}: the save file's {name.replace('_', ' ')} is damaged")
    score = data.get("score")
    if score is not None and (type(score) not in (int, float) or not math.isfinite(score)):
        raise SaveError(f"{where}: the save file's score is damaged")
    return data


def read_regular(path: Path, limit: int) -> bytes:
    """Up to ``limit`` bytes of a regular file; OSError for anything else.

    Opened without blocking, so a named pipe or a device put where a file was
    expected cannot hang the reader.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read(limit)
    finally:
        if fd >= 0:
            os.close(fd)


def read_save(path: Path) -> dict:
    """Read and check a save file (at most MAX_SAVE_BYTES); SaveError for any problem.

    FileNotFoundError and NotADirectoryError pass through: the slot is empty.
    """
    try:
        raw = read_regular(path, MAX_SAVE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError as exc:
        raise SaveError(f"{path}: cannot read the save: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SaveError(f"{path}: cannot read the save: it is not UTF-8 text ({exc.reason} "
                        f"at byte {exc.start})") from None
    return parse_save(text, str(path))


def restore(story: Story, data: dict, where: str = "save") -> tuple[Engine, ReplayReport]:
    """Rebuild a game from a save document by replaying its path."""
    if data["story"] != story.id:
        raise SaveError(
            f"{where}: this save is for the story '{data['story']}', not '{story.id}'")
    engine = Engine(story, seed=data["seed"])
    report = engine.replay([(s, c) for s, c in data["path"]])
    polls = data.get("polls")
    if isinstance(polls, list):
        engine.restore_answers(polls)
    return engine, report


STALE_SECONDS = 60.0
"""A temporary save file older than this was left by a process killed mid-save."""


def sweep_temporaries(path: Path) -> int:
    """Delete the stale temporary files a killed save of ``path`` left behind."""
    removed = 0
    now = time.time()
    try:
        leftovers = list(path.parent.glob(f".{path.name}.*.tmp"))
    except OSError:
        return 0
    for leftover in leftovers:
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
                removed += 1
        except OSError:
            continue  # another process's save in flight, or already gone
    return removed


@dataclass(frozen=True, slots=True)
class SlotInfo:
    """A save slot as the Save/Load screen lists it."""

    slot: str
    path: Path
    scene: str | None
    score: float | None
    steps: int
    saved: str | None
    problem: str | None = None


class SaveStore:
    """The saves of one story in a folder: the autosave plus named slots."""

    def __init__(self, folder: Path, story: Story) -> None:
        self.folder = folder
        self.story = story
        self.warnings: list[str] = []
        """Messages a front end should show the player once (then clear)."""
        self._write_failed = False
        self._checked: set[str] = set()
        """Slots whose file was read (or absent, or moved aside): safe to overwrite."""
        self._kept: set[str] = set()
        """Slots whose unusable file could not be moved aside: never written."""
        self._prefixes: dict[str, str] = {}

    def prefix(self) -> str:
        """What this story's save files are named by: its id, and for a story that is not
        bundled a digest of where it is, so two stories sharing an id never share saves.

        A bundled story keeps the id alone (the name saves had before), so its saves
        stay readable.
        """
        story = self.story
        known = self._prefixes.get(story.path)
        if known is None:
            key = source_key(story)
            known = story.id if key == BUNDLED else (
                f"{story.id}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}")
            self._prefixes[story.path] = known
        return known

    def file(self, slot: str) -> Path:
        """The file of a slot."""
        if not SLOT.fullmatch(slot):
            raise SaveError(f"'{slot}' is not a slot name: use letters, digits and _")
        return self.folder / f"{self.prefix()}.{slot}.json"

    def _adopt(self, slot: str) -> None:
        """Take over a save named by the id alone (before saves named the story's source).

        Such a save belongs to the bundled story of that id when there is one, and
        otherwise to the first story of that id that looks for it.
        """
        prefix = self.prefix()
        if prefix == self.story.id or self.story.id in bundled_ids():
            return
        old = self.folder / f"{self.story.id}.{slot}.json"
        new = self.file(slot)
        try:
            if old.is_file() and not new.exists():
                os.replace(old, new)
        except OSError:
            pass  # it stays where it was, read by no one: never lost

    def read(self, slot: str = AUTOSAVE) -> dict | None:
        """A slot's document, None if there is none; an unusable file is moved aside."""
        path = self.file(slot)
        self._adopt(slot)
        try:
            data = read_save(path)
        except (FileNotFoundError, NotADirectoryError):
            self._checked.add(slot)  # no save (a folder under a file holds none)
            return None
        except SaveError as exc:
            return self._aside(slot, path, exc)
        if data["story"] != self.story.id:
            return self._aside(slot, path, SaveError(
                f"{path}: this save is for the story '{data['story']}', not '{self.story.id}'"))
        self._checked.add(slot)
        return data

    def _aside(self, slot: str, path: Path, exc: SaveError) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        number = 1
        while target.exists():  # two bad files within a second: keep both
            number += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
        try:
            os.replace(path, target)
        except OSError:
            self._kept.add(slot)
            self.warnings.append(f"{exc} — it could not be moved aside, so it will not be "
                                 "overwritten")
            return None
        self._checked.add(slot)
        self.warnings.append(f"{exc} — it was moved aside to {target.name}")
        return None

    def start_over(self, slot: str = AUTOSAVE) -> None:
        """A new game will replace this slot: its old file is never read (``--new``).

        The player chose to start again, so whatever the file holds (a game, or
        damage) is replaced by the first save, unread.
        """
        self.file(slot)  # a bad slot name is still an error
        if slot not in self._checked:
            sweep_temporaries(self.file(slot))
        self._checked.add(slot)
        self._kept.discard(slot)

    def load(self, slot: str = AUTOSAVE) -> tuple[Engine, ReplayReport] | None:
        """Restore a slot's game, or None when the slot is empty or unusable."""
        data = self.read(slot)
        if data is None:
            return None
        try:
            return restore(self.story, data, str(self.file(slot)))
        except SaveError as exc:
            self.warnings.append(str(exc))
            return None

    def save(self, engine: Engine, slot: str = AUTOSAVE) -> bool:
        """Write a slot atomically; on failure warn once and return False."""
        return self.write(save_document(engine), slot)

    def write(self, document: dict, slot: str = AUTOSAVE) -> bool:
        """Write a ``save_document`` to a slot (lets a front end write off its UI thread)."""
        path = self.file(slot)
        if slot not in self._checked and slot not in self._kept:
            sweep_temporaries(path)  # once: what a killed save left
            self.read(slot)  # never overwrite a file unread: a corrupt one goes aside
        if slot in self._kept:
            return False  # unusable and stuck in place: never overwrite it
        try:
            write_atomic(path, json.dumps(document, indent=1))
        except OSError as exc:
            if not self._write_failed:
                self._write_failed = True
                self.warnings.append(
                    f"cannot save to {self.folder} ({exc.strerror or exc}); "
                    "play goes on, but progress will not be kept")
            return False
        self._checked.add(slot)
        return True

    def slots(self) -> list[SlotInfo]:
        """Every slot of this story in the folder, the autosave first."""
        out = []
        if not self.folder.is_dir():
            return out
        if self.prefix() != self.story.id:
            for path in self.folder.glob(f"{self.story.id}.*.json"):
                slot = path.name[len(self.story.id) + 1:-len(".json")]
                if SLOT.fullmatch(slot):
                    self._adopt(slot)
        prefix = f"{self.prefix()}."
        for path in sorted(self.folder.glob(f"{prefix}*.json")):
            slot = path.name[len(prefix):-len(".json")]
            if not SLOT.fullmatch(slot):
                continue
            try:
                data = read_save(path)
                out.append(SlotInfo(slot, path, data.get("scene"), data.get("score"),
                                    len(data["path"]), data.get("saved")))
            except SaveError as exc:
                out.append(SlotInfo(slot, path, None, None, 0, None, str(exc)))
            except OSError:
                continue  # gone since the folder was listed
        out.sort(key=lambda s: (s.slot != AUTOSAVE, s.slot))
        return out


def default_folder() -> Path:
    """Where saves live: $STANDING_DATA_DIR/saves, else the user data directory."""
    base = os.environ.get("STANDING_DATA_DIR")
    if base:
        return Path(base) / "saves"
    from platformdirs import user_data_dir

    return Path(user_data_dir("standing", appauthor=False)) / "saves"
