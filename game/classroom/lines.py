"""One class-record line, parsed and checked: the record schema as code.

A record file is untrusted input (a student may edit it, a disk may damage
it), so every line is read with bounds (``MAX_LINE`` bytes, files up to
``MAX_FILE`` bytes) and checked field by field against the schema of
docs/classroom-records.md: the right types, finite numbers within
``MAX_NUMBER``, steps and options in range, text where text is expected and
no longer than ``MAX_TEXT``, its escape sequences and control characters removed
(``safetext.clean``: every report, chart and terminal that shows it gets inert text).
A line that fails is a ``BadLine``: readers skip
it and count it. What passes becomes a frozen dataclass, so nothing past this
module ever sees a raw dict; the writer builds the same dataclasses and
``encode`` turns them into JSON, so one module holds the line format both ways.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

from game.engine.events import LedgerEntry
from game.engine.saves import SEED_RANGE
from game.safetext import clean

FORMAT = "standing-record"
SCHEMA = 1
"""The record schema version this Standing writes (and the newest it reads)."""

MAX_LINE = 256 * 1024
"""Bytes in one record line; a longer line is skipped (the writer's are a few hundred bytes)."""
MAX_FILE = 20 * 1024 * 1024
"""Bytes in one record file; a bigger file is not read at all."""
MAX_TEXT = 10_000
"""Characters in one text field (a choice's text, a label, a title, a note, an id): the
expression language's cap on a text value."""
MAX_ITEMS = 1000
"""Entries in a list field (a choice's tags, the lists at an ending)."""
MAX_NUMBER = 2.0**53
"""The largest score, change or star count a record may hold (the expression language's)."""
MAX_STEP = 10**9
"""The largest step, day or undo target."""
MAX_OPTIONS = 1000
"""Poll options are numbered from 0 to below this."""
LEDGER_KINDS = frozenset({"rule", "list", "unlist", "rated", "rate", "model"})
STORY_SOURCES = ("bundled", "other")
"""What a header's optional ``story_source`` may say (anything else reads as unknown)."""


class BadLine(ValueError):
    """A line that is not a valid record line (skipped and counted)."""


class NewerSchema(BadLine):
    """A header of a record schema newer than this Standing reads."""


class BadSeed(BadLine):
    """A header whose ``seed`` is not a seed: the whole file is refused (its paths
    cannot be replayed as they were played, and a guess would misstate them)."""


class TooBig(OSError):
    """A record file over ``MAX_FILE`` bytes (not read)."""


# -- the lines --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """A ``joined`` or ``resumed`` line: a block begins, restating the game so far."""

    kind: str
    codename: str
    class_code: str | None
    story: str
    story_title: str | None
    story_version: str | None
    content_hash: str | None
    schema: int
    story_source: str | None = None
    """Where the story came from: "bundled", "other", or None (older records, or a
    value this Standing does not know)."""
    step: int | None = None
    """For ``resumed``: the steps taken when the block begins."""
    seed: int | None = None
    """The seed of the game the block records (None: a record from before seeds were kept)."""


@dataclass(frozen=True, slots=True)
class ChapterLine:
    """A chapter started at ``step``."""

    step: int
    scene: str
    chapter: str


@dataclass(frozen=True, slots=True)
class ChoiceRecord:
    """A choice the player took."""

    step: int
    scene: str
    choice: str
    text: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PollRecord:
    """A poll answer."""

    step: int
    poll: str
    scene: str
    option: int
    text: str | None


@dataclass(frozen=True, slots=True)
class Undo:
    """The game went back to the moment after ``to`` steps."""

    to: int


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


Line = Union[Header, ChapterLine, ChoiceRecord, LedgerEntry, PollRecord, Undo, EndingRecord]
"""Any valid record line (a ledger line is the engine's own ``LedgerEntry``)."""


# -- field checks -------------------------------------------------------------------------


def _text(data: dict, key: str, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if type(value) is not str:
        raise BadLine(f"'{key}' is not text")
    if len(value) > MAX_TEXT:
        raise BadLine(f"'{key}' is longer than {MAX_TEXT} characters")
    return clean(value)


def _req_text(data: dict, key: str) -> str:
    value = _text(data, key)
    assert value is not None
    return value


def _int(data: dict, key: str, low: int = 0, high: int = MAX_STEP) -> int:
    value = data.get(key)
    if type(value) is not int or not low <= value <= high:
        raise BadLine(f"'{key}' is not a whole number from {low} to {high}")
    return value


def _number(data: dict, key: str, optional: bool = False) -> float | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if (type(value) not in (int, float) or abs(value) > MAX_NUMBER  # before isfinite: 10**400
            or not math.isfinite(value)):
        raise BadLine(f"'{key}' is not a finite number within ±{MAX_NUMBER:g}")
    return value


def _moved(data: dict) -> tuple:
    """A ``model`` entry's features that moved: [id, label, old, new, contribution, told]."""
    value = data.get("features", [])
    if type(value) is not list or len(value) > MAX_ITEMS:
        raise BadLine("'features' is not a list of features")
    out = []
    for item in value:
        if type(item) is not list or len(item) != 6:
            raise BadLine("a feature is not [id, label, old, new, contribution, explained]")
        fields = dict(zip(("id", "label", "old", "new", "part", "told"), item))
        out.append((_req_text(fields, "id"), _req_text(fields, "label"),
                    _number(fields, "old"), _number(fields, "new"), _number(fields, "part"),
                    _bool(fields, "told")))
    return tuple(out)


def _bool(data: dict, key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if type(value) is not bool:
        raise BadLine(f"'{key}' is not true or false")
    return value


def _texts(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        value = []
    if type(value) is not list or len(value) > MAX_ITEMS:
        raise BadLine(f"'{key}' is not a list of at most {MAX_ITEMS} texts")
    for item in value:
        if type(item) is not str or len(item) > MAX_TEXT:
            raise BadLine(f"'{key}' holds something that is not a short text")
    return tuple(clean(item) for item in value)


def _seed(data: dict) -> int | None:
    """A header's optional ``seed``: a whole number a save could hold (absent or null: none)."""
    value = data.get("seed")
    if value is None:
        return None
    if type(value) is not int or value not in SEED_RANGE:
        raise BadSeed(f"'seed' is not a whole number from {SEED_RANGE.start} to "
                      f"{SEED_RANGE.stop - 1}")
    return value


def _version(data: dict) -> str | None:
    value = data.get("story_version")
    if value is None:
        return None
    if type(value) is str and len(value) <= MAX_TEXT:
        return clean(value)
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return str(value)  # a YAML `version: 2` written by an older writer
    raise BadLine("'story_version' is not text")


# -- parsing ----------------------------------------------------------------------------


def _refuse_constant(name: str) -> float:
    raise BadLine(f"{name} is not a number a record may hold")


def parse(raw: bytes | str) -> Line:
    """One line of a record file as its dataclass; BadLine if it is not a valid line."""
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except BadLine:
        raise
    except (ValueError, RecursionError) as exc:  # bad JSON, a 5,000-digit number, deep nesting
        raise BadLine("not a JSON line") from exc
    if type(data) is not dict:
        raise BadLine("not a JSON object")
    _int(data, "seq", high=2**62)
    kind = data.get("type")
    if kind == "joined" or kind == "resumed":
        if data.get("format") != FORMAT:
            raise BadLine("not a Standing record header")
        schema = _int(data, "schema", low=1, high=2**31)
        if schema > SCHEMA:
            raise NewerSchema(f"record schema {schema} is newer than {SCHEMA}")
        source = data.get("story_source")
        return Header(kind, _req_text(data, "codename"), _text(data, "class", optional=True),
                      _req_text(data, "story"), _text(data, "story_title", optional=True),
                      _version(data), _text(data, "content_hash", optional=True), schema,
                      source if source in STORY_SOURCES else None,
                      _int(data, "step") if kind == "resumed" and "step" in data else None,
                      _seed(data))
    if kind == "chapter":
        return ChapterLine(_int(data, "step"), _req_text(data, "scene"),
                           _req_text(data, "chapter"))
    if kind == "choice":
        return ChoiceRecord(_int(data, "step"), _req_text(data, "scene"),
                            _req_text(data, "choice"), _text(data, "text", optional=True),
                            _texts(data, "tags"))
    if kind == "ledger":
        entry_kind = data.get("kind")
        if type(entry_kind) is not str or entry_kind not in LEDGER_KINDS:
            raise BadLine("'kind' is not a ledger entry's kind")
        return LedgerEntry(
            step=_int(data, "step"), day=_int(data, "day"), scene=_req_text(data, "scene"),
            kind=entry_kind, subject=_req_text(data, "subject"), label=_req_text(data, "label"),
            asked=_number(data, "asked"), applied=_number(data, "applied"),
            score=_number(data, "score"), source=_text(data, "source", optional=True),
            source_label=_text(data, "source_label", optional=True),
            explained=_bool(data, "explained"), note=_text(data, "note", optional=True),
            mistake=_bool(data, "mistake", default=False), moved=_moved(data))
    if kind == "poll":
        return PollRecord(_int(data, "step"), _req_text(data, "poll"), _req_text(data, "scene"),
                          _int(data, "option", high=MAX_OPTIONS - 1),
                          _text(data, "text", optional=True))
    if kind == "undo":
        return Undo(_int(data, "to"))
    if kind == "ended":
        scene = _req_text(data, "scene")
        return EndingRecord(
            _int(data, "step"), scene, _text(data, "title", optional=True) or scene,
            _text(data, "kind", optional=True) or "", _number(data, "score", optional=True),
            _text(data, "tier", optional=True), _text(data, "tier_label", optional=True),
            _texts(data, "lists"))
    raise BadLine("not a known type of line")


# -- writing ----------------------------------------------------------------------------


def encode(line: Line) -> dict:
    """A line as the JSON object the writer appends (``seq`` is the writer's to add).

    The inverse of ``parse``: ``parse(json.dumps({"seq": n, **encode(x)})) == x``
    for every valid line (the round trip is tested).
    """
    kind = type(line)
    if kind is Header:
        data = {"type": line.kind, "format": FORMAT, "schema": line.schema,
                "codename": line.codename, "class": line.class_code, "story": line.story,
                "story_title": line.story_title, "story_version": line.story_version,
                "content_hash": line.content_hash}
        if line.story_source is not None:
            data["story_source"] = line.story_source
        if line.step is not None:
            data["step"] = line.step
        if line.seed is not None:
            data["seed"] = line.seed
        return data
    if kind is ChapterLine:
        return {"type": "chapter", "step": line.step, "scene": line.scene,
                "chapter": line.chapter}
    if kind is ChoiceRecord:
        return {"type": "choice", "step": line.step, "scene": line.scene,
                "choice": line.choice, "text": line.text, "tags": list(line.tags)}
    if kind is LedgerEntry:
        return {"type": "ledger", "step": line.step, "day": line.day, "scene": line.scene,
                "kind": line.kind, "subject": line.subject, "label": line.label,
                "asked": line.asked, "applied": line.applied, "score": line.score,
                "source": line.source, "source_label": line.source_label,
                "explained": line.explained, "note": line.note, "mistake": line.mistake,
                **({"features": [list(item) for item in line.moved]} if line.moved else {})}
    if kind is PollRecord:
        return {"type": "poll", "step": line.step, "poll": line.poll, "scene": line.scene,
                "option": line.option, "text": line.text}
    if kind is Undo:
        return {"type": "undo", "to": line.to}
    if kind is EndingRecord:
        return {"type": "ended", "step": line.step, "scene": line.scene, "title": line.title,
                "kind": line.kind, "score": line.score, "tier": line.tier,
                "tier_label": line.tier_label, "lists": list(line.lists)}
    raise TypeError(f"not a record line: {kind.__name__}")


# -- reading a file with bounds -----------------------------------------------------------


def size_text(size: int) -> str:
    """A file size in MB with one decimal, rounded up: over a limit never reads as equal."""
    tenths = -(-size * 10 // (1024 * 1024))
    return f"{tenths // 10}.{tenths % 10} MB"


def raw_lines(path: Path) -> Iterator[bytes | None]:
    """The non-blank lines of a record file, each at most ``MAX_LINE`` bytes.

    A longer line is read past in pieces (never held whole) and given as None,
    for the reader to count as skipped. TooBig if the file is over ``MAX_FILE``
    bytes; OSError if it cannot be read.
    """
    return (line for _number, line in numbered_lines(path))


def numbered_lines(path: Path) -> Iterator[tuple[int, bytes | None]]:
    """``raw_lines``, each with its line number in the file (from 1), for messages."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE:
            raise TooBig(f"is {size_text(size)}; record files may be at most "
                         f"{MAX_FILE // (1024 * 1024)} MB")
        budget = MAX_FILE  # a file still being written may grow while it is read
        number = 0
        while budget > 0:
            line = handle.readline(MAX_LINE + 1)
            if not line:
                return
            number += 1
            budget -= len(line)
            if len(line) > MAX_LINE:
                while line and not line.endswith(b"\n") and budget > 0:
                    line = handle.readline(MAX_LINE)
                    budget -= len(line)
                yield number, None
            elif line.strip():
                yield number, line


def written_by_standing(path: Path) -> bool:
    """Whether a file is a record file Standing wrote: a regular file (not a link)
    whose first line is a valid ``joined`` or ``resumed`` line (of any schema)."""
    try:
        if path.is_symlink() or not path.is_file():
            return False
        for raw in raw_lines(path):
            return raw is not None and type(parse(raw)) is Header
    except (NewerSchema, BadSeed):  # Standing's, if not readable here
        return True
    except (OSError, BadLine):
        return False
    return False
