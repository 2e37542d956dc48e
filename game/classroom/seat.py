"""A student's seat in a served class: codename, resume code, records, saves, pacing, reveal.

``class serve`` runs one player process per browser, all on the teacher's
computer under the teacher's account, so "the same computer" cannot tell
students apart. Each new player gets a short **resume code** with their
codename instead; a browser that closes comes back with both and continues
the same game and the same record. A player's saves, resume code (hashed)
and a lock live in ``CLASS/students/CODENAME/``; the lock stops a second
window from playing the same seat at once.

The terminal player reaches this only through the ``Seat`` protocol of
``game.ui.classmode``; ``game.launch`` wires the two together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import secrets
import shutil
from pathlib import Path

from game.classroom.codenames import normalise_codename, random_codename
from game.classroom.live import ClassWatch, class_choices
from game.classroom.pacing import Pacing, read_pacing
from game.classroom.privacy import STUDENTS, notice
from game.classroom.records import (
    CodenameTaken,
    RecordError,
    RecordWriter,
    session_file,
    taken_codenames,
)
from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE, SaveStore, write_atomic
from game.story.model import Story

try:  # a second window on the same seat is refused where the system can lock files
    import fcntl
except ImportError:  # Windows: no lock, two windows may play one seat
    fcntl = None  # type: ignore[assignment]

RESUME_FILE = "resume.json"
LOCK_FILE = "playing.lock"
RESUME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i)."""
RESUME_LENGTH = 4


class SeatError(RecordError):
    """A join the student must correct (taken codename, wrong resume code...)."""


def new_resume_code(rng: random.Random | None = None) -> str:
    """A short code a student writes down to come back to their game."""
    pick = (rng or secrets.SystemRandom()).choice
    return "".join(pick(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))


def normalise_resume_code(text: str) -> str:
    """A typed resume code in its stored form (case, spaces and hyphens ignored)."""
    return "".join(text.lower().split()).replace("-", "")


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def write_resume_code(student: Path, code: str) -> None:
    """Keep a player's resume code, hashed (OSError when it cannot be written)."""
    salt = secrets.token_hex(8)
    write_atomic(student / RESUME_FILE, json.dumps(
        {"format": "standing-resume", "salt": salt, "sha256": _digest(code, salt)}) + "\n")


def check_resume_code(student: Path, code: str) -> bool | None:
    """Whether ``code`` is the player's resume code (None: they have none kept)."""
    try:
        data = json.loads((student / RESUME_FILE).read_text(encoding="utf-8"))
        salt, digest = data["salt"], data["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if type(salt) is not str or type(digest) is not str:
        return None
    return hmac.compare_digest(_digest(normalise_resume_code(code), salt), digest)


def student_folder(folder: Path, codename: str) -> Path:
    """Where a served player's saves and resume code are kept."""
    return folder / STUDENTS / codename


def forget_student(folder: Path, codename: str) -> None:
    """Delete a served player's saves and resume code (retention, wipe)."""
    shutil.rmtree(student_folder(folder, codename), ignore_errors=True)


class ClassSeat:
    """One browser's player in a served class (implements ``game.ui.classmode.Seat``)."""

    def __init__(self, story: Story, folder: Path, seed: int | None = None) -> None:
        self.story = story
        self.folder = folder
        self.class_code = folder.name
        self.seed = seed
        self.codename: str | None = None
        """Set once joined."""
        self.resume_code: str | None = None
        """Set once joined as a new player (a returning player typed theirs)."""
        self.writer: RecordWriter | None = None
        self._lock_fd: int | None = None
        self._watch = ClassWatch(folder)

    # -- joining -----------------------------------------------------------------------

    def notice(self, resume_code: str) -> str:
        """What is recorded and where, and what the resume code is for."""
        return (notice(self.folder, self.class_code) + " Your resume code is "
                f"{resume_code}: write it down. If your browser closes, come back with your "
                "codename and this code to continue your game.")

    def offer(self) -> tuple[str, str]:
        """A random codename not taken in the class, and a new resume code (reads files)."""
        return random_codename(taken=taken_codenames(self.folder)), new_resume_code()

    def join(self, codename: str, resume_code: str, offered_code: str,
             ) -> tuple[Engine, SaveStore, str | None]:
        """Take a seat: a new player (no resume code typed) or one coming back.

        Returns the game, its saves and a message for the player; raises
        SeatError (or CodenameError) saying what to correct.
        """
        name = normalise_codename(codename)
        typed = normalise_resume_code(resume_code)
        student = student_folder(self.folder, name)
        code = self.class_code
        if typed:
            kept = check_resume_code(student, typed)
            if kept is None or not session_file(self.folder, name).exists():
                raise SeatError(f"there is no game of '{name}' to continue in class {code}: "
                                "check the codename, or leave the resume code empty to join "
                                "as a new player")
            if not kept:
                raise SeatError(f"that resume code is not the one of '{name}': check it, or "
                                "leave it empty and choose a new codename")
            self._lock(student, name)
            store = SaveStore(student, self.story)
            engine, note = self._resume(store, name)
            self.writer = RecordWriter.reopen(self.folder, name, code, store.warnings.append)
            self.writer.attach(engine, resumed=True)
        else:
            store = SaveStore(student, self.story)
            try:
                self.writer = RecordWriter.create(self.folder, name, code, store.warnings.append)
            except CodenameTaken:
                raise SeatError(f"the codename '{name}' is already taken in class {code}: "
                                "choose another one (if it is yours, type your resume code "
                                "too)") from None
            try:
                write_resume_code(student, offered_code)
            except OSError as exc:
                store.warnings.append(
                    f"cannot keep your resume code ({exc.strerror or exc}): if your browser "
                    "closes, you will have to start again under a new codename")
            self._lock(student, name)
            self.resume_code = offered_code
            engine = Engine(self.story, seed=self.seed if self.seed is not None
                            else secrets.randbelow(2**31))
            note = None
            self.writer.attach(engine)
        self.codename = name
        return engine, store, note

    def _resume(self, store: SaveStore, name: str) -> tuple[Engine, str]:
        loaded = store.load(AUTOSAVE)
        if loaded is None:
            engine = Engine(self.story, seed=secrets.randbelow(2**31))
            return engine, f"Welcome back, {name}. Your saved game was not found, so the " \
                           "story starts again."
        engine, report = loaded
        if report.complete:
            return engine, f"Welcome back, {name}: your game continues after " \
                           f"{report.applied} steps."
        return engine, (f"Welcome back, {name}. The story has changed: {report.problem}. "
                        f"{report.applied} of {report.total} steps were replayed.")

    def _lock(self, student: Path, name: str) -> None:
        """Hold the seat for this process (released when it ends, however it ends)."""
        if fcntl is None:
            return
        try:
            student.mkdir(parents=True, exist_ok=True)
            fd = os.open(student / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return  # an unwritable folder: play goes on without the lock
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SeatError(f"'{name}' is playing in another window: close that window "
                            "first, then try again in a few seconds") from None
        self._lock_fd = fd

    # -- playing ---------------------------------------------------------------------------

    def follow(self, engine: Engine) -> None:
        """Record another game from now on (the player loaded a save slot)."""
        if self.writer is not None:
            self.writer.follow(engine)

    def pacing(self) -> Pacing:
        """The teacher's controls now (reads the control file)."""
        return read_pacing(self.folder)

    def class_choices(self) -> dict[str, tuple[str, int, tuple]] | None:
        """How the class chose, when the teacher reveals it (reads the class folder)."""
        pacing = read_pacing(self.folder)
        if not pacing.reveal:
            return None
        return class_choices(self._watch.read(), self.story, pacing.show_small)

    def leave(self) -> None:
        """Close the record and free the seat."""
        if self.writer is not None:
            self.writer.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
