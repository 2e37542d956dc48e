"""Reading class records back: each file becomes the session as it finally stood.

A record file is a sequence of blocks, each opened by a ``joined`` or
``resumed`` line that restates the whole game so far; the last block is the
session. Within a block, an ``undo`` line takes back everything recorded after
the moment it returns to. Lines that are cut short, damaged or of an unknown
shape are skipped and counted, never fatal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from game.classroom.records import FORMAT, SCHEMA, SUFFIX
from game.engine.events import LedgerEntry

LEDGER_FIELDS = frozenset(LedgerEntry.__slots__)


@dataclass(frozen=True, slots=True)
class ChoiceRecord:
    """A choice the player took, on the final path."""

    step: int
    scene: str
    choice: str
    text: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PollRecord:
    """A poll answer that stood at the end of the session."""

    step: int
    poll: str
    scene: str
    option: int
    text: str | None


@dataclass(frozen=True, slots=True)
class EndingRecord:
    """The ending the session reached."""

    step: int
    scene: str
    title: str
    kind: str
    score: float | None
    tier: str | None
    tier_label: str | None
    lists: tuple[str, ...]


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

    def __init__(self, header: dict) -> None:
        self.header = header
        self.choices: list[ChoiceRecord] = []
        self.ledger: list[LedgerEntry] = []
        self.polls: dict[int, PollRecord] = {}
        self.chapters: list[tuple[int, str]] = []
        self.ending: EndingRecord | None = None

    def undo(self, to: int) -> None:
        self.choices = [c for c in self.choices if c.step <= to]
        self.ledger = [e for e in self.ledger if e.step <= to]
        self.polls = {s: p for s, p in self.polls.items() if s <= to}
        self.chapters = [c for c in self.chapters if c[0] <= to]
        if self.ending is not None and self.ending.step > to:
            self.ending = None


def _is_int(value: object) -> bool:
    return type(value) is int


def _is_num(value: object) -> bool:
    return type(value) in (int, float)


def _opt_str(value: object) -> bool:
    return value is None or type(value) is str


def read_session(path: Path) -> tuple[Session | None, int, str | None]:
    """Read one record file: (the session or None, lines skipped, why there is none)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, 0, f"cannot be read ({exc.strerror or exc})"
    skipped = 0
    lines = 0
    block: _Block | None = None
    newer = False
    loads = json.loads
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        lines += 1
        try:
            data = loads(line)
            kind = data["type"]
            if not _is_int(data["seq"]):
                raise ValueError
            if kind == "joined" or kind == "resumed":
                if data.get("format") != FORMAT or not _is_int(data.get("schema")):
                    raise ValueError
                if data["schema"] > SCHEMA:
                    newer, block = True, None  # what follows belongs to that newer block
                    raise ValueError
                if type(data["codename"]) is not str or type(data["story"]) is not str:
                    raise ValueError
                block = _Block(data)
                continue
            if block is None:
                raise ValueError  # lines before any header belong to no session
            if kind == "choice":
                step, scene, choice, tags = data["step"], data["scene"], data["choice"], data["tags"]
                if not (_is_int(step) and type(scene) is str and type(choice) is str
                        and type(tags) is list and _opt_str(data.get("text"))):
                    raise ValueError
                block.choices.append(ChoiceRecord(step, scene, choice, data.get("text"),
                                                  tuple(str(t) for t in tags)))
            elif kind == "ledger":
                fields = {k: v for k, v in data.items() if k in LEDGER_FIELDS}
                entry = LedgerEntry(**fields)
                if not (_is_int(entry.step) and type(entry.kind) is str and _is_num(entry.score)
                        and _is_num(entry.applied) and type(entry.subject) is str):
                    raise ValueError
                block.ledger.append(entry)
            elif kind == "poll":
                step, option = data["step"], data["option"]
                if not (_is_int(step) and _is_int(option) and type(data["poll"]) is str
                        and type(data["scene"]) is str):
                    raise ValueError
                block.polls[step] = PollRecord(step, data["poll"], data["scene"], option,
                                               data.get("text"))
            elif kind == "chapter":
                if not (_is_int(data["step"]) and type(data["chapter"]) is str):
                    raise ValueError
                block.chapters.append((data["step"], data["chapter"]))
            elif kind == "undo":
                if not _is_int(data["to"]):
                    raise ValueError
                block.undo(data["to"])
            elif kind == "ended":
                score = data.get("score")
                if not (_is_int(data["step"]) and type(data["scene"]) is str
                        and (score is None or _is_num(score))):
                    raise ValueError
                block.ending = EndingRecord(
                    data["step"], data["scene"], str(data.get("title") or data["scene"]),
                    str(data.get("kind") or ""), score, data.get("tier"),
                    data.get("tier_label"), tuple(data.get("lists") or ()))
            else:
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            skipped += 1
    if block is None:
        why = ("was made by a newer Standing (record schema above "
               f"{SCHEMA}): update Standing to read it") if newer else "holds no session"
        return None, skipped, why
    header = block.header
    version = header.get("story_version")
    session = Session(
        file=path.name, codename=header["codename"], story=header["story"],
        story_version=None if version is None else str(version),
        content_hash=header.get("content_hash"), schema=header["schema"],
        choices=tuple(block.choices), ledger=tuple(block.ledger),
        polls=tuple(block.polls[s] for s in sorted(block.polls)),
        chapters=tuple(block.chapters), ending=block.ending, lines=lines, skipped=skipped,
        source=header.get("story_source") if header.get("story_source") in ("bundled", "other")
        else None)
    return session, skipped, None


def read_class(folder: Path) -> ClassRecords:
    """Read every record file in a class folder (other files are ignored)."""
    try:
        paths = sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX))
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
