"""A compiled cache of loaded stories: JSON keyed by source hash and engine version.

Loading a large story parses YAML, checks every key and compiles every
expression. The cache keeps the result as JSON (never pickle or marshal: a
writable cache file must not become a way to run code) with each distinct
expression stored once as its compiled tree. Scenes are rebuilt on first
use, so a cached load costs little more than ``json.loads``.

Any problem with a cache file (missing, damaged, stale, for another version)
is a miss: the story is loaded from its YAML and the cache rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from game.errors import Location
from game.story import model as m
from game.story.expressions import Expr, Text
from game.story.memory import collector_paused

# The loader (and PyYAML with it) is imported only on a miss: a cached start
# of the player skips ~30-60 ms of imports.


def story_file(path: Path) -> Path:
    """The YAML file for a story path (as ``game.story.loader.story_file``)."""
    return path / "story.yaml" if path.is_dir() else path


def load_story(path: str | os.PathLike[str]) -> m.Story:
    """Load from YAML (imports the loader on first use)."""
    from game.story.loader import load_story as from_yaml

    return from_yaml(path)

CACHE_FORMAT = 5  # 5: debrief questions' if:; 2: poll ids; source, note and mistake on list and record effects
# 3: decimals; 4: expect: on the story and on scenes


def _engine_version() -> str:
    from game import __version__

    return f"{__version__}/{CACHE_FORMAT}"


def cache_folder() -> Path:
    """$STANDING_CACHE_DIR, else the user cache directory."""
    base = os.environ.get("STANDING_CACHE_DIR")
    if base:
        return Path(base)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("standing", appauthor=False))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_story_cached(path: str | os.PathLike[str], folder: Path | None = None) -> m.Story:
    """Load a story through the compiled cache (errors are reported as by load_story)."""
    folder = folder or cache_folder()
    main = story_file(Path(path))
    try:
        data = main.read_bytes()
    except OSError:
        return load_story(path)  # the loader reports the problem
    key = _sha(_engine_version().encode() + b"\0" + str(main.resolve()).encode() + b"\0" + data)
    entry = folder / f"{key}.json"
    story = _read(entry, str(path))
    if story is not None:
        return story
    story = load_story(path)
    try:
        _write(entry, story)
    except OSError:
        pass  # a cache that cannot be written only costs speed
    return story


def _read(entry: Path, given: str) -> m.Story | None:
    try:
        with collector_paused():
            return _restore(entry, given)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError):
        return None


def _restore(entry: Path, given: str) -> m.Story | None:
    doc = json.loads(entry.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("engine") != _engine_version():
        return None
    for _display, real, digest in doc["files"][1:]:
        if _sha(Path(real).read_bytes()) != digest:
            return None
    return _Restorer(doc, given).story()


def _write(entry: Path, story: m.Story) -> None:
    from game.engine.saves import write_atomic  # noqa: PLC0415 - only on a miss

    with collector_paused():
        doc = _Dumper(story).dump()
    # Not fsynced: a cache entry lost in a crash is only a miss next time.
    write_atomic(entry, json.dumps(doc, separators=(",", ":"), ensure_ascii=False),
                 durable=False)


def _unescape(piece: str) -> str:
    return piece.replace("{{", "{").replace("}}", "}")


def _advance(source: str, at: int, literal: str) -> int:
    """The index in ``source`` just past the escaped form of ``literal`` starting at ``at``."""
    return at + len(literal) + literal.count("{") + literal.count("}")


# --- dumping ---------------------------------------------------------------------


class _Dumper:
    def __init__(self, story: m.Story) -> None:
        self.story = story
        self.files: dict[str, int] = {}
        self.exprs: dict[str, int] = {}
        self.table: list[list[Any]] = []

    def dump(self) -> dict:
        s = self.story
        files = []
        for display in s.files:
            self.files[display] = len(files)
            real = Path(display).resolve()
            files.append([display, str(real), _sha(real.read_bytes())])
        scenes = {sid: self.scene(scene) for sid, scene in s.scenes.items()}
        return {
            "engine": _engine_version(),
            "files": files,
            "exprs": self.table,
            "story": {
                "id": s.id, "title": s.title, "path": s.path, "hash": s.content_hash,
                "start": s.start, "rating": self.rating(s.rating), "vars": dict(s.vars),
                "var_formats": dict(s.var_formats),
                "people": [[p.id, p.name, p.rating, p.ratings] for p in s.people.values()],
                "debrief": list(s.debrief), "debrief_if": [self.expr(c) for c in s.debrief_if],
                "renamed": dict(s.renamed), "author": s.author,
                "language": s.language, "version": s.version, "summary": s.summary,
                "minutes": s.minutes, "content_notes": list(s.content_notes),
                "audience": s.audience, "files": list(s.files), "scenes": scenes,
                "expect": self.expectations(s.expect),
            },
        }

    def loc(self, loc: Location) -> list[int]:
        return [self.files.get(loc.file, 0), loc.line, loc.column]

    def expr(self, e: Expr | None) -> list | None:
        if e is None:
            return None
        index = self.exprs.get(e.source)
        if index is None:
            index = self.exprs[e.source] = len(self.table)
            self.table.append([e.source, e.to_json()])
        return [index, *self.loc(e.location)]

    def text(self, t: Text | None) -> list | None:
        if t is None:
            return None
        head = [t.source, *self.loc(t.location)]
        if t.is_static:
            return head
        # Literal pieces are slices of the source, so only each expression's
        # span is stored: [start, end, expr], end being just past its '}'.
        spans, at = [], 0
        for part in t.parts:
            if type(part) is str:
                at = _advance(t.source, at, part)
            else:
                start = t.source.index("{" + part.source + "}", at)
                at = start + len(part.source) + 2
                spans.append([start, at, self.expr(part)])
        return [*head, spans]

    def rating(self, r: m.Rating | None) -> dict | None:
        if r is None:
            return None
        return {
            "name": r.name, "model": r.model, "min": r.min, "max": r.max, "start": r.start,
            "show": r.show, "explain": r.explain, "memory": r.memory, "weight": r.weight,
            "decimals": r.decimals,
            "tiers": [[t.id, t.label, t.min] for t in r.tiers],
            "sources": dict(r.sources),
            "rules": [[u.id, u.change, u.label, u.source, u.explain, *self.loc(u.location)]
                      for u in r.rules.values()],
            "lists": [[x.id, x.label, x.announce] for x in r.lists.values()],
            "services": [[v.id, v.label, self.expr(v.requires), self.text(v.refusal)]
                         for v in r.services.values()],
        }

    def expectations(self, found: tuple[m.Expectation, ...]) -> list:
        return [[self.expr(x.that), x.says, *self.loc(x.location)] for x in found]

    def effect(self, e: m.Effect) -> list:
        loc = self.loc(e.location)
        kind = type(e)
        if kind in (m.SetVars, m.AddVars):
            return ["set" if kind is m.SetVars else "add", loc,
                    [[var, self.expr(x)] for var, x in e.values]]
        if kind is m.Record:
            return ["record", loc, e.rule, self.text(e.note), e.mistake]
        if kind is m.ListChange:
            return ["list", loc, e.list, e.on, e.source, self.text(e.note), e.mistake]
        if kind is m.Rate:
            return ["rate", loc, [[pid, self.expr(x)] for pid, x in e.stars]]
        if kind is m.Rated:
            return ["rated", loc, e.by, self.expr(e.stars)]
        if kind is m.Notify:
            return ["notify", loc, self.text(e.text)]
        if kind is m.Branch:
            return ["if", loc, self.expr(e.condition), [self.effect(x) for x in e.then],
                    [self.effect(x) for x in e.otherwise]]
        return ["advance", loc, self.expr(e.days)]

    def scene(self, s: m.Scene) -> list:
        return [
            [[self.text(b.text), self.expr(b.condition)] for b in s.text],
            [self.effect(e) for e in s.effects],
            [[c.id, self.text(c.text), c.goto, self.expr(c.condition), self.expr(c.requires),
              self.text(c.locked), c.service, [self.effect(e) for e in c.effects], c.once,
              c.reflect, list(c.tags), *self.loc(c.location)] for c in s.choices],
            s.goto,
            [self.text(s.ending.title), s.ending.kind] if s.ending else None,
            s.chapter,
            self.loc(s.location),
            [s.poll.question, list(s.poll.options), s.poll.id] if s.poll else None,
            self.expectations(s.expect),
        ]


# --- restoring ---------------------------------------------------------------------


class _Restorer:
    def __init__(self, doc: dict, given: str) -> None:
        self.files = [f[0] for f in doc["files"]]
        self.table = doc["exprs"]
        # Each distinct expression is rebuilt now, not lazily, so a damaged tree
        # is a cache miss here rather than an error in the middle of play.
        nowhere = Location(self.files[0], 1, 1)
        self.built = [Expr.from_json(tree, source, nowhere) for source, tree in self.table]
        self.doc = doc["story"]
        self.given = given

    def loc(self, f: int, line: int, column: int) -> Location:
        return Location(self.files[f], line, column)

    def expr(self, ref: list | None) -> Expr | None:
        if ref is None:
            return None
        index, f, line, column = ref
        where = Location(self.files[f], line, column)
        return self.built[index].moved(where)

    def text(self, ref: list | None) -> Text | None:
        if ref is None:
            return None
        source, f, line, column = ref[:4]
        where = Location(self.files[f], line, column)
        if len(ref) == 4:
            return Text(source, where, (_unescape(source),))  # {{ and }} stand for braces
        parts: list = []
        at = 0
        for start, end, expr in ref[4]:
            if start > at:
                parts.append(_unescape(source[at:start]))
            parts.append(self.expr(expr))
            at = end
        if at < len(source) or not parts:
            parts.append(_unescape(source[at:]))
        return Text(source, where, tuple(parts))

    def story(self) -> m.Story:
        d = self.doc
        return m.Story(
            id=d["id"], title=d["title"], path=self.given, content_hash=d["hash"],
            start=d["start"], scenes=_LazyScenes(d["scenes"], self.scene),
            rating=self.rating(d["rating"]), vars=m.frozen_map(d["vars"]),
            var_formats=m.frozen_map(d["var_formats"]),
            people=m.frozen_map({p[0]: m.Person(*p) for p in d["people"]}),
            debrief=tuple(d["debrief"]),
            debrief_if=tuple(self.expr(c) for c in d["debrief_if"]),
            renamed=m.frozen_map(d["renamed"]),
            author=d["author"], language=d["language"], version=d["version"],
            summary=d["summary"], minutes=d["minutes"],
            content_notes=tuple(d["content_notes"]), audience=d["audience"],
            files=tuple(d["files"]), expect=self.expectations(d["expect"]),
        )

    def expectations(self, found: list) -> tuple[m.Expectation, ...]:
        return tuple(m.Expectation(self.expr(x[0]), x[1], self.loc(*x[2:5])) for x in found)

    def rating(self, r: dict | None) -> m.Rating | None:
        if r is None:
            return None
        return m.Rating(
            name=r["name"], model=r["model"], min=r["min"], max=r["max"], start=r["start"],
            show=r["show"], explain=r["explain"], memory=r["memory"], weight=r["weight"],
            decimals=r["decimals"],
            tiers=tuple(m.Tier(*t) for t in r["tiers"]),
            sources=m.frozen_map(r["sources"]),
            rules=m.frozen_map({u[0]: m.Rule(*u[:5], self.loc(*u[5:])) for u in r["rules"]}),
            lists=m.frozen_map({x[0]: m.ListDef(*x) for x in r["lists"]}),
            services=m.frozen_map({v[0]: m.Service(v[0], v[1], self.expr(v[2]), self.text(v[3]))
                                   for v in r["services"]}),
        )

    def effect(self, e: list) -> m.Effect:
        kind, loc = e[0], self.loc(*e[1])
        if kind in ("set", "add"):
            values = tuple((var, self.expr(x)) for var, x in e[2])
            return (m.SetVars if kind == "set" else m.AddVars)(values, loc)
        if kind == "record":
            return m.Record(e[2], self.text(e[3]), loc, e[4])
        if kind == "list":
            return m.ListChange(e[2], e[3], loc, e[4], self.text(e[5]), e[6])
        if kind == "rate":
            return m.Rate(tuple((pid, self.expr(x)) for pid, x in e[2]), loc)
        if kind == "rated":
            return m.Rated(e[2], self.expr(e[3]), loc)
        if kind == "notify":
            return m.Notify(self.text(e[2]), loc)
        if kind == "if":
            return m.Branch(self.expr(e[2]), tuple(self.effect(x) for x in e[3]),
                            tuple(self.effect(x) for x in e[4]), loc)
        return m.Advance(self.expr(e[2]), loc)

    def scene(self, sid: str, d: list) -> m.Scene:
        blocks, effects, choices, goto, ending, chapter, loc, poll, expect = d
        return m.Scene(
            id=sid,
            text=tuple(m.TextBlock(self.text(t), self.expr(c)) for t, c in blocks),
            effects=tuple(self.effect(e) for e in effects),
            choices=tuple(
                m.Choice(c[0], self.text(c[1]), c[2], self.expr(c[3]), self.expr(c[4]),
                         self.text(c[5]), c[6], tuple(self.effect(e) for e in c[7]), c[8],
                         c[9], tuple(c[10]), self.loc(*c[11:14]))
                for c in choices),
            goto=goto,
            ending=m.Ending(self.text(ending[0]), ending[1]) if ending else None,
            chapter=chapter,
            location=self.loc(*loc),
            poll=m.Poll(poll[0], tuple(poll[1]), poll[2]) if poll else None,
            expect=self.expectations(expect),
        )


class _LazyScenes(Mapping):
    """Scenes rebuilt from the cache on first use; read-only like the loader's mapping."""

    __slots__ = ("_raw", "_build", "_made")

    def __init__(self, raw: dict[str, list], build) -> None:
        self._raw = raw
        self._build = build
        self._made: dict[str, m.Scene] = {}

    def __getitem__(self, sid: str) -> m.Scene:
        made = self._made.get(sid)
        if made is None:
            made = self._made[sid] = self._build(sid, self._raw[sid])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, sid: object) -> bool:
        return sid in self._raw

    def outline(self) -> tuple[m.SceneOutline, ...]:
        """``Story.outline`` from the cached data, building no scene."""
        return tuple(m.SceneOutline(sid, d[5], d[4] is not None, d[3],
                                     tuple(c[0] for c in d[2]))
                     for sid, d in self._raw.items())
