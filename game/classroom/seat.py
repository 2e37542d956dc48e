"""A student's seat in a served class: codename, resume code, records, saves, pacing, reveal.

``class serve`` runs one player process per browser, all on the teacher's
computer under the teacher's account, so "the same computer" cannot tell
students apart. Each new player gets a **resume code** (``ABCD-EFGH``) with
their codename instead; a browser that closes comes back with both and
continues the same game and the same record. A player's saves, resume code
(salted and hashed with scrypt) and a lock live in ``CLASS/students/CODENAME/``;
the lock stops a second window from playing the same seat at once. Every
failed resume gets the same answer, and a codename tried with too many wrong
codes must wait (``Attempts``), so a seat cannot be guessed from a browser.

The terminal player reaches this only through the ``Seat`` protocol of
``game.engine.classmode``; ``game.launch`` wires the two together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import random
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from game.engine.saves import AUTOSAVE, SaveStore
from game.files import write_atomic
from game.story.model import Story

try:  # a second window on the same seat is refused where the system can lock files
    import fcntl
except ImportError:  # Windows: no lock, two windows may play one seat
    fcntl = None  # type: ignore[assignment]

RESUME_FILE = "resume.json"
LOCK_FILE = "playing.lock"
ATTEMPTS_FILE = ".attempts.json"
"""Failed resume attempts per codename, in ``CLASS/students/`` (shared by every player)."""
RESUME_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L)."""
RESUME_LENGTH = 8
"""Characters in a resume code: 31**8, about 8.5e11 codes (shown as ABCD-EFGH)."""
RESUME_FORMAT = "standing-resume"
RESUME_VERSION = 2
"""Version 1 (SHA-256 of a 4-character code) is refused: see ``check_resume_code``."""
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""scrypt's cost: 16 MiB and about 40 ms per check on a 2-core machine (measured by
``benchmarks/bench_serve.py --resume-check``); slow for a guesser, unnoticed by a student."""
SCRYPT_LENGTH = 32
SALT_BYTES = 16
FREE_ATTEMPTS = 5
"""Wrong resume codes allowed for one codename before its attempts are slowed down."""
FIRST_WAIT = 30.0
"""Seconds to wait after the FREE_ATTEMPTS-th failure; doubled at each further one."""
LONGEST_WAIT = 30 * 60.0
"""The wait never grows past this (seconds)."""
KEPT_ATTEMPTS = 500
"""At most this many codenames' failures are kept (the oldest are forgotten first)."""
MISMATCH = ("that codename and code do not match a seat in this class: check both, or "
            "leave the code empty to join as a new player")
"""The one answer to every failed resume, so that it tells nothing about who exists."""


class SeatError(RecordError):
    """A join the student must correct (taken codename, wrong resume code...)."""


def new_resume_code(rng: random.Random | None = None) -> str:
    """A code a student writes down to come back to their game (``ABCD-EFGH``)."""
    pick = (rng or secrets.SystemRandom()).choice
    code = "".join(pick(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_resume_code(text: str) -> str:
    """A typed resume code in its stored form (case, spaces and hyphens ignored)."""
    return "".join(text.upper().split()).replace("-", "")


def _scrypt(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode("utf-8"), salt=salt, dklen=SCRYPT_LENGTH, **SCRYPT)


Hashed = tuple[bytes, bytes]
"""A resume code salted and hashed: (salt, scrypt digest), ready to keep."""


def hash_resume_code(code: str) -> Hashed:
    """A new salt and the code's scrypt hash under it (the slow part: ~40 ms of CPU, the GIL
    released; a server runs it off its event loop, ahead of the join when it can)."""
    salt = secrets.token_bytes(SALT_BYTES)
    return salt, _scrypt(normalise_resume_code(code), salt)


def write_resume_code(student: Path, code: str, hashed: Hashed | None = None) -> None:
    """Keep a player's resume code, salted and slowly hashed (OSError when it cannot be written).

    ``hashed``: ``hash_resume_code(code)`` done earlier (the same strength: the same
    salt size, scrypt and cost; only when it ran differs)."""
    salt, digest = hashed if hashed is not None else hash_resume_code(code)
    student.mkdir(parents=True, exist_ok=True)
    write_atomic(student / RESUME_FILE, json.dumps(
        {"format": RESUME_FORMAT, "version": RESUME_VERSION, "kdf": "scrypt", **SCRYPT,
         "salt": salt.hex(), "hash": digest.hex()}) + "\n")


def _kept(student: Path) -> tuple[bytes, bytes] | None:
    """The salt and hash kept for a player, or None (no file, or one this version cannot use)."""
    try:
        data = json.loads((student / RESUME_FILE).read_text(encoding="utf-8"))
        if (data.get("format") != RESUME_FORMAT or data.get("version") != RESUME_VERSION
                or data.get("kdf") != "scrypt"
                or any(data.get(k) != v for k, v in SCRYPT.items())):
            return None
        salt, digest = bytes.fromhex(data["salt"]), bytes.fromhex(data["hash"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if len(salt) != SALT_BYTES or len(digest) != SCRYPT_LENGTH:
        return None
    return salt, digest


def old_resume_file(student: Path) -> bool:
    """True when a player's resume code was kept by an older Standing (format 1)."""
    try:
        data = json.loads((student / RESUME_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "sha256" in data and "version" not in data


def check_resume_code(student: Path, code: str) -> bool | None:
    """Whether ``code`` is the player's resume code (None: they have none this version can use).

    Takes the same time either way: a missing or old file is checked against a
    throwaway hash, so that how long the answer takes does not say whether the
    codename has a seat. Files of format 1 (before the codes had 8 characters)
    are never accepted: those codes were too short to keep a seat safe.
    """
    kept = _kept(student)
    typed = normalise_resume_code(code)
    if kept is None:
        _scrypt(typed, bytes(SALT_BYTES))
        return None
    salt, digest = kept
    return hmac.compare_digest(_scrypt(typed, salt), digest)


class Attempts:
    """Failed resume attempts per codename, shared by every player process of one class.

    After FREE_ATTEMPTS failures for a codename, the next attempt must wait
    FIRST_WAIT seconds, doubled at each further failure (up to LONGEST_WAIT); a
    right code clears the count, and so does the teacher restarting ``class
    serve``. Every codename counts the same, taken or not, so the wait says
    nothing about who exists. ``clock`` is injected by tests.
    """

    def __init__(self, folder: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = folder / STUDENTS / ATTEMPTS_FILE
        self.clock = clock

    def wait(self, codename: str) -> float:
        """Seconds before ``codename`` may be tried again (0: now)."""
        entry = self._read().get(codename)
        if entry is None:
            return 0.0
        failures, last = entry
        if failures < FREE_ATTEMPTS:
            return 0.0
        delay = min(FIRST_WAIT * 2 ** min(failures - FREE_ATTEMPTS, 20), LONGEST_WAIT)
        return max(0.0, min(delay, last + delay - self.clock()))

    def failed(self, codename: str) -> None:
        """Count a wrong code for ``codename``."""
        with self._locked():
            table = self._read()
            failures = table.get(codename, (0, 0.0))[0]
            table[codename] = (failures + 1, self.clock())
            if len(table) > KEPT_ATTEMPTS:
                for name in sorted(table, key=lambda n: table[n][1])[:len(table) - KEPT_ATTEMPTS]:
                    del table[name]
            self._write(table)

    def succeeded(self, codename: str) -> None:
        """Forget the failures of ``codename`` (its owner came back)."""
        with self._locked():
            table = self._read()
            if table.pop(codename, None) is not None:
                self._write(table)

    def clear(self) -> None:
        """Forget every failure (``class serve`` starting)."""
        try:
            self.path.unlink()
        except OSError:
            pass

    def _read(self) -> dict[str, tuple[int, float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        table: dict[str, tuple[int, float]] = {}
        if isinstance(data, dict):
            for name, entry in data.items():
                if (isinstance(entry, list) and len(entry) == 2 and type(entry[0]) is int
                        and type(entry[1]) in (int, float) and math.isfinite(entry[1])):
                    table[name] = (entry[0], float(entry[1]))
        return table

    def _write(self, table: dict[str, tuple[int, float]]) -> None:
        try:
            write_atomic(self.path, json.dumps({n: list(e) for n, e in table.items()}) + "\n")
        except OSError:
            pass  # an unwritable folder: attempts go uncounted, the codes still hold

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the class's attempts lock (two players updating at once lose no count)."""
        fd = None
        if fcntl is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                if fd is not None:
                    os.close(fd)
                fd = None
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)


def waiting_message(codename: str, seconds: float) -> str:
    """What a student told to wait reads (after too many wrong codes)."""
    minutes = max(1, math.ceil(seconds / 60))
    later = "in a minute" if minutes == 1 else f"in {minutes} minutes"
    return (f"too many wrong codes for '{codename}': ask your teacher for help, or try again "
            f"{later}")


def student_folder(folder: Path, codename: str) -> Path:
    """Where a served player's saves and resume code are kept."""
    return folder / STUDENTS / codename


class ClassSeat:
    """One browser's player in a served class (implements ``game.engine.classmode.Seat``)."""

    def __init__(self, story: Story, folder: Path, seed: int | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.story = story
        self.clock = clock
        """The time, for the wait after wrong resume codes (tests inject one)."""
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
        self._keeping: tuple[Path, Callable[[str], None]] | None = None
        """A new player's folder and warning callback until their code is kept."""

    # -- joining -----------------------------------------------------------------------

    def notice(self, resume_code: str) -> str:
        """What is recorded and where, and what the resume code is for."""
        return (notice(None, self.class_code) + " Your resume code is "
                f"{resume_code}: write it down. If your browser closes, come back with your "
                "codename and this code to continue your game.")

    def offer(self) -> tuple[str, str]:
        """A random codename not taken in the class, and a new resume code (reads files)."""
        return random_codename(taken=taken_codenames(self.folder)), new_resume_code()

    def prepare(self, offered_code: str) -> Hashed:
        """The offered resume code, salted and hashed ahead of the join (slow: scrypt)."""
        return hash_resume_code(offered_code)

    def join(self, codename: str, resume_code: str, offered_code: str,
             hashed: Hashed | None = None, later: bool = False,
             ) -> tuple[Engine, SaveStore, str | None]:
        """Take a seat: a new player (no resume code typed) or one coming back.

        A new player's code is kept with ``hashed`` when given (``prepare``'s
        result), else hashed now; with ``later``, it is not kept here at all: the
        caller calls ``keep_code`` before it shows the code. Returns the game, its
        saves and a message for the player; raises SeatError (or CodenameError)
        saying what to correct.
        """
        name = normalise_codename(codename)
        typed = normalise_resume_code(resume_code)
        student = student_folder(self.folder, name)
        code = self.class_code
        if typed:
            attempts = Attempts(self.folder, self.clock)
            wait = attempts.wait(name)
            if wait > 0:
                raise SeatError(waiting_message(name, wait))
            # A seat in use is refused before the code is looked at, so that this
            # answer never confirms a right code while its owner plays.
            if (student / LOCK_FILE).exists():
                self._lock(student, name)
            # One answer for a wrong code, a codename without a seat and a seat whose
            # code was kept by an older Standing: none says which it was.
            if not (check_resume_code(student, typed)
                    and session_file(self.folder, name).exists()):
                self._unlock()
                attempts.failed(name)
                raise SeatError(MISMATCH)
            attempts.succeeded(name)
            if self._lock_fd is None:
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
            self._keeping = (student, store.warnings.append)
            if not later:
                self.keep_code(offered_code, hashed)
            self._lock(student, name)
            self.resume_code = offered_code
            engine = Engine(self.story, seed=self.seed if self.seed is not None
                            else secrets.randbelow(2**31))
            note = None
            self.writer.attach(engine)
        self.codename = name
        return engine, store, note

    def keep_code(self, offered_code: str, hashed: Hashed | None = None) -> None:
        """Keep a new player's resume code (after ``join(..., later=True)``); a folder that
        cannot be written warns the player, as play goes on."""
        if self._keeping is None:
            return
        student, warn = self._keeping
        self._keeping = None
        try:
            write_resume_code(student, offered_code, hashed)
        except OSError as exc:
            warn(f"cannot keep your resume code ({exc.strerror or exc}): if your browser "
                 "closes, you will have to start again under a new codename")

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

    def _unlock(self) -> None:
        """Free the seat's lock, if this process holds it."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

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
        self._unlock()
