"""Privacy controls: the first-run notice, retention, and wiping a class.

Everything a class keeps is in its folder (one record file per session and a
small settings file), plus one entry on each player's own computer naming the
codename it used, so a player coming back continues their own session. Records
older than the class's retention period are deleted by ``class retention``,
when ``class serve`` starts and when a player joins from a terminal, never by a
report; ``class wipe`` deletes everything at once. Both delete only in a folder
Standing marked as a class folder (its ``class.json``), only files Standing
wrote (record files with a valid header, served players' saves), never
following a link, and say what they deleted.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from game.classroom.lines import written_by_standing
from game.classroom.records import (
    CLASS_FILE,
    CLASS_FORMAT,
    DEFAULT_RETENTION_DAYS,
    SUFFIX,
    RecordError,
    class_folder,
    default_base,
    is_class_folder,
    mark_class_folder,
)
from game.files import write_atomic
from game.safetext import clean

SETTINGS = CLASS_FILE
"""The class folder's settings file (its retention period); it also marks the folder
as a class folder (see ``records.is_class_folder``)."""
STUDENTS = "students"
"""In the class folder: each served player's saves and hashed resume code (``class serve``)."""
CONTROL = "pacing.json"
"""In the class folder: the dashboard's pacing and reveal controls."""
MEMORY = "class-codenames.json"
"""Beside the class folders on a player's computer: the codename used per class and story."""
DAY = 86400
STUDENTS_FILES = (".attempts.json", ".attempts.lock", ".*.tmp")
"""What Standing writes in ``students/`` itself: ``class serve``'s count of failed resume
codes per codename (``seat.ATTEMPTS_FILE``), its lock, an atomic write's leftover."""
STUDENT_FILES = ("*.json", "playing.lock", ".*.tmp")
"""What Standing writes in a served player's folder: saves, the resume code, the seat
lock, and an atomic write's leftover. Nothing else there is ever deleted."""


def notice(folder: Path | None, code: str) -> str:
    """The two sentences a player reads before joining a class.

    ``folder`` is where the records go when the player can look there (a terminal on
    their own computer, or a shared drive); ``None`` for a served class, whose folder is
    on the teacher's computer: its path would mean nothing to a student and would show
    them the teacher's user name.
    """
    where = ("on your teacher's computer for the class report" if folder is None
             else f"in {folder} for your teacher's class report")
    return (
        f"Class {code} records your codename, the choices you make, what the story's "
        "system records about you, your poll answers and your ending, in order; never "
        "your name, your computer's user name, an address, anything you type yourself "
        f"or the time. They are saved {where}, and deleted after the class's retention "
        "period, or sooner if your teacher deletes the class's records."
    )


MAX_RETENTION_DAYS = 3650
"""The longest retention period a class may set, ten years (to keep records longer, 0
keeps them until the class is wiped)."""


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
    # A hand-edited file may hold any number: past ten years it is read as ten years (the
    # date arithmetic of a number of days beyond any calendar failed with a traceback).
    return ClassSettings(retention_days=min(days, MAX_RETENTION_DAYS))


def set_retention(folder: Path, days: int) -> ClassSettings:
    """Keep a class's records ``days`` days after their last line (0: until wiped)."""
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise RecordError(f"class retention: DAYS must be from 0 to {MAX_RETENTION_DAYS:,} "
                          f"(ten years), not {_said(days)}; 0 keeps the records until the "
                          "class is wiped")
    settings = ClassSettings(retention_days=days)
    if (folder / SETTINGS).exists() and not is_class_folder(folder):
        raise RecordError(f"{folder / SETTINGS} is not Standing's class file: {folder} is not "
                          "a class folder, so its retention was not set")
    try:
        write_atomic(folder / SETTINGS, json.dumps(
            {"format": CLASS_FORMAT, "retention_days": days}, indent=1) + "\n")
    except OSError as exc:
        raise RecordError(f"cannot write {folder / SETTINGS}: {exc.strerror or exc}") from None
    return settings


def _said(number: int) -> str:
    """A number as an error quotes it: a 23-digit one shortened (it is not read anyway)."""
    text = str(number)
    return text if len(text) <= 12 else f"{text[:6]}… ({len(text.lstrip('-'))} digits)"


def session_files(folder: Path) -> list[Path]:
    """The record files Standing wrote in a class folder (links and other files left out)."""
    try:
        candidates = sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX))
    except OSError:
        return []
    return [p for p in candidates if written_by_standing(p)]


@dataclass(frozen=True, slots=True)
class Expired:
    """What applying a class's retention period deleted, and what it left."""

    folder: Path
    days: int
    class_folder: bool
    """False: not a Standing class folder, so nothing was even looked at."""
    records: tuple[str, ...] = ()
    """Record files deleted."""
    students: tuple[str, ...] = ()
    """Served players whose saves and resume code were deleted with their record."""
    problems: tuple[str, ...] = ()
    """What could not be deleted, and why."""

    def lines(self, quiet: bool = False, names: bool = True) -> list[str]:
        """What to tell the teacher (with ``quiet``, nothing when nothing was deleted;
        without ``names``, counts only: a student joining sees no one's codename)."""
        if not self.class_folder:
            return [] if quiet else [f"{self.folder} is not a Standing class folder (it has no "
                                     f"{SETTINGS} of Standing's): nothing was deleted."]
        said = []
        if self.records:
            listed = f": {', '.join(self.records)}" if names else ""
            said.append(f"Deleted {_plural(len(self.records), 'session record')} older than "
                        f"{self.days} days from {self.folder}{listed}.")
        if self.students:
            listed = f": {', '.join(self.students)}" if names else ""
            said.append(f"Deleted the saves and resume codes of "
                        f"{_plural(len(self.students), 'served player')} whose records had "
                        f"expired{listed}.")
        said += [f"Could not delete {problem}." for problem in self.problems]
        if not said and not quiet:
            said.append("Nothing was deleted." if self.days == 0 else
                        f"No record in {self.folder} is older than {self.days} days.")
        return said


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def expire(folder: Path, now: float | None = None) -> Expired:
    """Delete the record files whose last line is older than the retention period,
    and the saves of served players whose record is gone and who are as old.

    Only in a class folder (``records.is_class_folder``), only files Standing
    wrote (``lines.written_by_standing``), never through a link; nothing here
    ever deletes a folder that is not empty.
    """
    days = read_settings(folder).retention_days
    if not is_class_folder(folder):
        return Expired(folder, days, False)
    if days == 0:
        return Expired(folder, days, True)
    limit = (time.time() if now is None else now) - days * DAY
    gone: list[str] = []
    problems: list[str] = []
    for path in session_files(folder):
        try:
            if path.lstat().st_mtime < limit:
                path.unlink()
                gone.append(path.name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    students = _expire_students(folder, limit, problems)
    return Expired(folder, days, True, tuple(gone), tuple(students), tuple(problems))


def _student_folders(folder: Path) -> list[Path]:
    """The served players' folders (real folders only, never a link)."""
    try:
        return sorted(p for p in (folder / STUDENTS).iterdir()
                      if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def _standing_files(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    """The regular files (never links) in ``folder`` whose names match ``patterns``."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        for path in folder.glob(pattern):
            if not path.is_symlink() and path.is_file():
                found[path] = None
    return sorted(found)


def _student_files(student: Path) -> list[Path]:
    """The files Standing writes in a served player's folder."""
    return _standing_files(student, STUDENT_FILES)


def _remove_student(student: Path, problems: list[str]) -> bool:
    """Delete what Standing wrote in a player's folder, then the folder if now empty."""
    for path in _student_files(student):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    try:
        student.rmdir()
    except FileNotFoundError:
        pass
    except OSError:
        return False  # something Standing did not write is in it: left in place
    return True


def _expire_students(folder: Path, limit: float, problems: list[str]) -> list[str]:
    """Delete served players' saves whose record is gone and that are older than ``limit``."""
    gone = []
    for student in _student_folders(folder):
        try:
            if (folder / f"{student.name}{SUFFIX}").exists():
                continue
            newest = max((p.lstat().st_mtime for p in student.iterdir()),
                         default=student.lstat().st_mtime)
        except OSError:
            continue
        if newest < limit and _remove_student(student, problems):
            gone.append(student.name)
    return gone


def wipe(folder: Path, code: str) -> tuple[int, list[str]]:
    """Delete a class's records, settings, pacing, served players' saves and resume codes,
    and this computer's codename for it.

    Only what Standing wrote, and only in a class folder; anything else is left
    in place and named in the problems. Returns (record files deleted, problems).
    """
    deleted, problems = 0, []
    forget(code)
    if not folder.exists():
        return 0, []
    if not is_class_folder(folder):
        return 0, [f"{folder}: not a Standing class folder (it has no {SETTINGS} of "
                   "Standing's), nothing deleted"]
    for path in session_files(folder):
        try:
            path.unlink()
            deleted += 1
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror or exc}")
    for student in _student_folders(folder):  # served players' saves and resume codes
        _remove_student(student, problems)
    students = folder / STUDENTS
    if students.is_dir() and not students.is_symlink():
        for path in _standing_files(students, STUDENTS_FILES):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                problems.append(f"{path}: {exc.strerror or exc}")
        try:
            students.rmdir()
        except OSError:
            pass  # something Standing did not write is in it: left in place
    for extra in (CONTROL, SETTINGS):  # the marker last: a wipe cut short can be run again
        try:
            (folder / extra).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            problems.append(f"{folder / extra}: {exc.strerror or exc}")
    try:
        folder.rmdir()  # only if nothing else is left in it
    except OSError:
        pass
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
    if folder.exists() and not is_class_folder(folder):
        out.write(f"{folder} is not a Standing class folder (it has no {SETTINGS} of "
                  "Standing's): nothing was deleted.\n")
        return 1
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
        out.write(clean(f"could not delete {problem}") + "\n")
    out.write(f"Deleted {deleted} session record{'s' * (deleted != 1)} of class {code}.\n")
    return 1 if problems else 0


def run_retention(code: str, base: Path | None, days: int | None, out: TextIO) -> int:
    """``class retention CODE [DAYS]``: set (with DAYS) and apply how long records are kept.

    Applying it deletes what is older (only in a class folder, only what
    Standing wrote) and says, file by file, what was deleted.
    """
    folder = class_folder(code, base)
    problems = False
    if days is not None:
        set_retention(folder, days)
    elif folder.is_dir() and not is_class_folder(folder) and session_files(folder):
        # A class folder from before folders were marked: its Standing records show
        # what it is, and the teacher named it; from now on it is marked.
        mark_class_folder(folder)
    if not folder.exists():
        out.write(f"Class {folder.name} has no records yet.\n")
    else:
        expired = expire(folder)
        for line in expired.lines():
            out.write(clean(line) + "\n")  # file names come from the folder
        if not expired.class_folder:
            return 1
        if expired.problems:
            problems = True
    kept = read_settings(folder).retention_days
    what = ("until the class is wiped" if kept == 0 else
            f"for {kept} day{'s' * (kept != 1)} after a session's last line")
    out.write(f"Class {folder.name} keeps its records {what} ({folder}).\n")
    return 1 if problems else 0
