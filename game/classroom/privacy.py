"""Privacy controls: the first-run notice, retention, and wiping a class.

Everything a class keeps is in its folder (one record file per session and a
small settings file), plus one entry on each player's own computer naming the
codename it used, so a player coming back continues their own session. Records
older than the class's retention period are deleted whenever Standing opens
the class to play or to report; ``class wipe`` deletes everything at once.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from game.classroom.records import SUFFIX, RecordError, class_folder, default_base
from game.engine.saves import write_atomic

SETTINGS = "class.json"
"""The class folder's settings file (its retention period)."""
DEFAULT_RETENTION_DAYS = 30
"""How long records are kept unless the teacher says otherwise (0: until wiped)."""
STUDENTS = "students"
"""In the class folder: each served player's saves and hashed resume code (``class serve``)."""
CONTROL = "pacing.json"
"""In the class folder: the dashboard's pacing and reveal controls."""
MEMORY = "class-codenames.json"
"""Beside the class folders on a player's computer: the codename used per class and story."""
DAY = 86400


def notice(folder: Path, code: str) -> str:
    """The two sentences a player reads before joining a class."""
    return (
        f"Class {code} records your codename, the choices you make, what the story's "
        "system records about you, your poll answers and your ending, in order; never "
        "your name, your computer's user name, an address, anything you type yourself "
        "or the time. They are saved in "
        f"{folder} for your teacher's class report, and deleted after the class's "
        "retention period or by `class wipe`."
    )


@dataclass(frozen=True, slots=True)
class ClassSettings:
    """A class's settings."""

    retention_days: int = DEFAULT_RETENTION_DAYS
    """Days a session's records are kept after its last line; 0 keeps them until wiped."""


def read_settings(folder: Path) -> ClassSettings:
    """A class's settings (the defaults when there is no readable settings file)."""
    try:
        data = json.loads((folder / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ClassSettings()
    days = data.get("retention_days") if isinstance(data, dict) else None
    if type(days) is not int or days < 0:
        return ClassSettings()
    return ClassSettings(retention_days=days)


def set_retention(folder: Path, days: int) -> ClassSettings:
    """Keep a class's records ``days`` days after their last line (0: until wiped)."""
    if days < 0:
        raise RecordError("retention is a number of days, 0 or more (0 keeps records "
                          "until the class is wiped)")
    settings = ClassSettings(retention_days=days)
    try:
        write_atomic(folder / SETTINGS, json.dumps(
            {"format": "standing-class", "retention_days": days}, indent=1) + "\n")
    except OSError as exc:
        raise RecordError(f"cannot write {folder / SETTINGS}: {exc.strerror or exc}") from None
    return settings


def session_files(folder: Path) -> list[Path]:
    """The record files in a class folder."""
    try:
        return sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file())
    except OSError:
        return []


def expire(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the record files whose last line is older than the retention period."""
    days = read_settings(folder).retention_days
    if days == 0:
        return []
    limit = (time.time() if now is None else now) - days * DAY
    gone = []
    for path in session_files(folder):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                gone.append(path)
        except OSError:
            continue  # a file we cannot delete stays; wipe reports it
    _expire_students(folder, limit)
    return gone


def _expire_students(folder: Path, limit: float) -> None:
    """Delete served players' saves whose record is gone and that are older than ``limit``."""
    try:
        students = [p for p in (folder / STUDENTS).iterdir() if p.is_dir()]
    except OSError:
        return
    for student in students:
        try:
            if (folder / f"{student.name}{SUFFIX}").exists():
                continue
            if max((p.stat().st_mtime for p in student.iterdir()),
                   default=student.stat().st_mtime) < limit:
                shutil.rmtree(student)
        except OSError:
            continue


def wipe(folder: Path, code: str) -> tuple[int, list[str]]:
    """Delete a class's records, settings, pacing, served players' saves and resume codes,
    and this computer's codename for it.

    Returns (record files deleted, problems: files that could not be deleted).
    """
    deleted, problems = 0, []
    for path in session_files(folder):
        try:
            path.unlink()
            deleted += 1
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    for extra in (SETTINGS, CONTROL):
        try:
            (folder / extra).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            problems.append(f"{folder / extra}: {exc.strerror or exc}")
    try:
        shutil.rmtree(folder / STUDENTS)  # served players' saves and resume codes
    except FileNotFoundError:
        pass
    except OSError as exc:
        problems.append(f"{folder / STUDENTS}: {exc.strerror or exc}")
    try:
        folder.rmdir()  # only if nothing else is left in it
    except OSError:
        pass
    forget(code)
    return deleted, problems


# -- this computer's codenames ------------------------------------------------------------


def _memory_file() -> Path:
    return default_base() / MEMORY


def _memory() -> dict:
    try:
        data = json.loads(_memory_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered(code: str, story_id: str) -> str | None:
    """The codename this computer used in a class for a story, if any."""
    entry = _memory().get(code)
    name = entry.get(story_id) if isinstance(entry, dict) else None
    return name if isinstance(name, str) else None


def remember(code: str, story_id: str, codename: str) -> None:
    """Note the codename this computer uses in a class for a story (best effort)."""
    data = _memory()
    entry = data.get(code) if isinstance(data.get(code), dict) else {}
    entry[story_id] = codename
    data[code] = entry
    try:
        write_atomic(_memory_file(), json.dumps(data, indent=1) + "\n")
    except OSError:
        pass  # without it a returning player is asked for a new codename: no harm done


def forget(code: str) -> None:
    """Forget this computer's codenames in a class."""
    data = _memory()
    if code in data:
        del data[code]
        try:
            if data:
                write_atomic(_memory_file(), json.dumps(data, indent=1) + "\n")
            else:
                os.unlink(_memory_file())
        except OSError:
            pass


# -- the commands -------------------------------------------------------------------------


def run_wipe(code: str, base: Path | None, yes: bool, inp: TextIO, out: TextIO) -> int:
    """``class wipe CODE``: delete a class's records, after confirmation."""
    folder = class_folder(code, base)
    code = folder.name
    files = session_files(folder)
    if not yes:
        if not (hasattr(inp, "isatty") and inp.isatty()):
            raise RecordError(f"class wipe deletes {len(files)} session records in {folder}; "
                              "add --yes to confirm without a terminal")
        out.write(f"This deletes {len(files)} session record{'s' * (len(files) != 1)} of class "
                  f"{code} in {folder}, for good. Type the class code to confirm: ")
        out.flush()
        if inp.readline().strip().lower() != code:
            out.write("Nothing was deleted.\n")
            return 1
    deleted, problems = wipe(folder, code)
    for problem in problems:
        out.write(f"could not delete {problem}\n")
    out.write(f"Deleted {deleted} session record{'s' * (deleted != 1)} of class {code}.\n")
    return 1 if problems else 0


def run_retention(code: str, base: Path | None, days: int | None, out: TextIO) -> int:
    """``class retention CODE [DAYS]``: show or set how long records are kept."""
    folder = class_folder(code, base)
    if days is not None:
        set_retention(folder, days)
        gone = expire(folder)
        if gone:
            out.write(f"Deleted {len(gone)} session record{'s' * (len(gone) != 1)} older than "
                      f"{days} days.\n")
    kept = read_settings(folder).retention_days
    what = ("until the class is wiped" if kept == 0 else
            f"for {kept} day{'s' * (kept != 1)} after a session's last line")
    out.write(f"Class {folder.name} keeps its records {what} ({folder}).\n")
    return 0
