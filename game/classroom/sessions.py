"""Reading class records back: each file becomes the session as it finally stood.

A record file is a sequence of blocks, each opened by a ``joined`` or
``resumed`` line that restates the whole game so far; the last block is the
session. Within a block, an ``undo`` line takes back everything recorded after
the moment it returns to. Lines that are cut short, damaged or of an unknown
shape are skipped and counted, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from game.classroom.lines import (
    SCHEMA,
    BadLine,
    BadSeed,
    ChapterLine,
    ChoiceRecord,
    EndingRecord,
    Header,
    NewerSchema,
    PollRecord,
    TooBig,
    Undo,
    numbered_lines,
    parse,
)
from game.classroom.records import SUFFIX
from game.engine.events import LedgerEntry

__all__ = ["NO_SEED", "ChoiceRecord", "ClassRecords", "EndingRecord", "PollRecord", "Session",
           "read_class", "read_session"]

NO_SEED = 0
"""The seed a path is replayed with when its record keeps none (written by a Standing
from before records kept the game's seed): the report says how many such paths drew."""


@dataclass(frozen=True, slots=True)
class Session:
    """One player's session as it finally stood (undone steps removed)."""

    file: str
    codename: str
    story: str
    story_version: str | None
    content_hash: str | None
    schema: int
    choices: tuple[ChoiceRecord, ...]
    ledger: tuple[LedgerEntry, ...]
    polls: tuple[PollRecord, ...]
    chapters: tuple[tuple[int, str], ...]
    """(step, chapter title) for each chapter reached."""
    ending: EndingRecord | None
    lines: int
    skipped: int
    """Lines that were cut short, damaged or not understood."""
    source: str | None = None
    """Where the story played came from: "bundled", "other", or None (older records)."""
    seed: int | None = None
    """The seed of the game played (None: a record from before seeds were kept)."""

    @property
    def replay_seed(self) -> int:
        """The seed to replay this session's path with: its own, or NO_SEED without one."""
        return NO_SEED if self.seed is None else self.seed

    @property
    def finished(self) -> bool:
        """True when the session reached an ending."""
        return self.ending is not None

    @property
    def score(self) -> float | None:
        """The final score: at the ending, else after the last ledger entry."""
        if self.ending is not None:
            return self.ending.score
        return self.ledger[-1].score if self.ledger else None

    @property
    def chapter(self) -> str | None:
        """The last chapter the player reached."""
        return self.chapters[-1][1] if self.chapters else None


@dataclass(frozen=True, slots=True)
class ClassRecords:
    """Every session file in a class folder, read."""

    folder: Path
    sessions: tuple[Session, ...]
    files: int
    skipped_lines: int
    """Lines skipped across all files (cut short, damaged, unknown)."""
    unreadable: tuple[str, ...] = field(default_factory=tuple)
    """Files that held no usable session, each with the reason."""


class _Block:
    """The session being rebuilt from one block of lines."""

    __slots__ = ("header", "choices", "ledger", "polls", "chapters", "ending")

    def __init__(self, header: Header) -> None:
        self.header = header
        self.choices: list[ChoiceRecord] = []
        self.ledger: list[LedgerEntry] = []
        self.polls: dict[int, PollRecord] = {}
        self.chapters: list[tuple[int, str]] = []
        self.ending: EndingRecord | None = None

    def add(self, line: object) -> None:
        """Apply one (valid) line that is not a header."""
        kind = type(line)
        if kind is ChoiceRecord:
            self.choices.append(line)
        elif kind is LedgerEntry:
            self.ledger.append(line)
        elif kind is PollRecord:
            self.polls[line.step] = line
        elif kind is ChapterLine:
            self.chapters.append((line.step, line.chapter))
        elif kind is Undo:
            self.undo(line.to)
        elif kind is EndingRecord:
            self.ending = line

    def undo(self, to: int) -> None:
        self.choices = [c for c in self.choices if c.step <= to]
        self.ledger = [e for e in self.ledger if e.step <= to]
        self.polls = {s: p for s, p in self.polls.items() if s <= to}
        self.chapters = [c for c in self.chapters if c[0] <= to]
        if self.ending is not None and self.ending.step > to:
            self.ending = None


def read_session(path: Path) -> tuple[Session | None, int, str | None]:
    """Read one record file: (the session or None, lines skipped, why there is none).

    Every line is checked against the record schema (``lines.parse``); a line
    that fails, is over-long, or comes before any header is skipped and counted.
    A header whose seed is not a seed refuses the whole file (its line and field
    say why): the path could not be replayed as it was played.
    """
    skipped = 0
    lines = 0
    block: _Block | None = None
    newer = False
    try:
        for number, raw in numbered_lines(path):
            lines += 1
            if raw is None:
                skipped += 1
                continue
            try:
                line = parse(raw)
            except NewerSchema:
                newer, block = True, None  # what follows belongs to that newer block
                skipped += 1
                continue
            except BadSeed as exc:
                return None, skipped, f"line {number}: {exc}, so its path cannot be replayed"
            except BadLine:
                skipped += 1
                continue
            if type(line) is Header:
                block = _Block(line)
            elif block is None:
                skipped += 1  # lines before any header belong to no session
            else:
                block.add(line)
    except TooBig as exc:
        return None, 0, str(exc)
    except OSError as exc:
        return None, skipped, f"cannot be read ({exc.strerror or exc})"
    if block is None:
        why = ("was made by a newer Standing (record schema above "
               f"{SCHEMA}): update Standing to read it") if newer else "holds no session"
        return None, skipped, why
    header = block.header
    session = Session(
        file=path.name, codename=header.codename, story=header.story,
        story_version=header.story_version, content_hash=header.content_hash,
        schema=header.schema, choices=tuple(block.choices), ledger=tuple(block.ledger),
        polls=tuple(block.polls[s] for s in sorted(block.polls)),
        chapters=tuple(block.chapters), ending=block.ending, lines=lines, skipped=skipped,
        source=header.story_source, seed=header.seed)
    return session, skipped, None


def read_class(folder: Path) -> ClassRecords:
    """Read every record file in a class folder (other files are ignored)."""
    try:
        paths = sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file())
    except OSError:
        paths = []
    sessions: list[Session] = []
    unreadable: list[str] = []
    skipped = 0
    for path in paths:
        session, bad, why = read_session(path)
        skipped += bad
        if session is None:
            unreadable.append(f"{path.name}: {why}")
        else:
            sessions.append(session)
    return ClassRecords(folder, tuple(sessions), len(paths), skipped, tuple(unreadable))
