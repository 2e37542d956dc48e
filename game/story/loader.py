"""Load a story file (or folder) into the validated, immutable story model.

Two passes over the composed YAML: the first collects every id the story
declares (scenes from all included files, vars, lists, services, people,
tiers), so the second can compile each expression once, against the whole
story, and report every problem of the file at once.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from yaml.nodes import MappingNode, Node, ScalarNode

from game.errors import StoryError, StoryErrors
from game.safetext import clean, is_clean
from game.story import model as m
from game.story.expressions import (
    BUILTIN_NAMES,
    MAX_RENDERED,
    Memo,
    Expr,
    Scope,
    Text,
    VAR_FORMATS,
    compile_expr,
    compile_text,
)
from game.story.effects import BRANCH
from game.story.effects import EFFECTS as EFFECT_SPECS
from game.story.expressions import nodes as ex
from game.story.expressions.analysis import calls_random
from game.story.memory import collector_paused
from game.story.models import DEFAULT as DEFAULT_MODEL
from game.story.models import MODELS as MODEL_SPECS
from game.story.models import ModelSpec, model_keys, spec_of
from game.story.variants import read_variants
from game.story.yamlhints import flow_hint
from game.story.yamlread import (
    MAX_ERRORS,
    NULL,
    Reader,
    CUT_BY_COMMENT,
    Source,
    comment_cut,
    kind_of,
    read_file,
    suggest,
)

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "None"})
"""The expression language's keywords."""
RESERVED_NAMES = BUILTIN_NAMES | KEYWORDS
"""Names a story var cannot take: the language's own names and its keywords."""
ID = re.compile(r"[a-z][a-z0-9_]*")
TIER_ID = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")

TOP_KEYS = (
    "title", "id", "author", "language", "version", "summary", "minutes",
    "content_notes", "audience", "start", "rating", "vars", "people", "scenes",
    "debrief", "include", "renamed", "expect", "population", "variants",
)
MAX_POPULATION = 10_000_000_000
"""The most people a ``population:`` may count (more than live on Earth)."""
INCLUDED_KEYS = ("scenes", "people", "vars")
RATING_KEYS = (
    "name", "model", "min", "max", "start", *model_keys(), "show", "explain", "memory",
    "weight", "decimals", "tiers", "sources", "rules", "lists", "services",
)
SCENE_KEYS = ("text", "do", "choices", "goto", "ending", "chapter", "poll", "expect")
CHOICE_KEYS = (
    "text", "goto", "id", "if", "requires", "locked", "service", "do", "once",
    "reflect", "tags",
)
EFFECTS = tuple(EFFECT_SPECS)
"""The keys of the one-key effects under ``do:`` (declared in ``game.story.effects``)."""
POLL_KEYS = ("id", "question", "options")
EXPECT_KEYS = ("that", "says")
DEBRIEF_KEYS = ("text", "if")
NOT_TRUTHS: dict[type[ex.Node], str] = {
    ex.Binary: "a calculation", ex.Neg: "a number", ex.Pos: "a number", ex.Score: "the score",
    ex.Day: "the day", ex.Tier: "the tier", ex.TierLabel: "the tier's label",
    ex.TierRank: "a number", ex.Call: "a number",
}
"""Compiled roots that can never be a truth value, and what they are instead."""
MODELS = tuple(MODEL_SPECS)
SHOWS = ("number", "stars", "tier", "hidden")
WEIGHTS = ("equal", "rater")
ENDING_KINDS = ("good", "bad", "mixed")
MAX_INCLUDES = 100
"""Most files a story may name under ``include:``."""
MAX_SCENE_TEXT = MAX_RENDERED
"""Most characters of text one scene may hold (play checks it again, filled in)."""
MAX_CHOICES = 100
"""Most choices one scene may offer (each is a line on every player's screen)."""
MAX_STORY_BYTES = 50 * 1024 * 1024
"""Most bytes a story's files may hold together (each file: ``yamlread.MAX_BYTES``)."""
CLEANED = ("control characters removed (escape codes, C1 controls, bidirectional "
           "overrides): text may hold newlines and tabs only")
"""The warning for a value that held them (see ``game.safetext``)."""
_ESCAPE = re.compile(r"\\[^ \t\n\"\\/]")
"""A double-quoted scalar's escape that could make a control character (``\\e``,
``\\x1b``, ``\\u202e``...); in other scalars a backslash is only a backslash."""


def story_file(path: Path) -> Path:
    """The YAML file for a story path: the file itself or a folder's story.yaml."""
    return path / "story.yaml" if path.is_dir() else path


def load_story(path: str | os.PathLike[str],
               warnings: list[StoryError] | None = None) -> m.Story:
    """Load and validate a story; raise StoryErrors listing every problem found.

    Every text value is cleaned as it is read (``game.safetext.clean``): a
    value that held escape codes or other control characters loses them, and
    ``warnings`` (when given) gets one entry at its place, for ``check``.

    The garbage collector is paused during the load: composing a large file
    makes millions of objects that are all still alive, and the collector's
    repeated scans of them cost more than the parse itself.
    """
    loader = _Loader(Path(path))
    try:
        with collector_paused():
            return loader.load()
    finally:
        if warnings is not None:
            warnings.extend(loader.warnings)


def slug(text: str) -> str:
    """The default id of a choice: its text in lowercase words joined by _."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = "_".join(words)[:48].rstrip("_") or "choice"
    return out if out[0].isalpha() else "c_" + out


@dataclass
class _File:
    source: Source
    root: MappingNode
    keys: dict[str, tuple[Node, Node]]
    reader: Reader


@dataclass
class _Names:
    """Every id the story declares, gathered in the first pass."""

    scenes: dict[str, tuple[_File, Node, Node]] = field(default_factory=dict)
    vars: dict[str, tuple[_File, Node, Node]] = field(default_factory=dict)
    people: dict[str, tuple[_File, Node, Node]] = field(default_factory=dict)


class _Loader:
    def __init__(self, path: Path) -> None:
        self.given = path
        self.file = story_file(path)
        self.root_dir = self.file.resolve().parent
        self.errors: list[StoryError] = []
        self.warnings: list[StoryError] = []
        """Values that held control characters (removed), one at each place."""
        self.size = 0
        """Bytes read so far, over every file."""
        self.files: list[_File] = []
        self.hash = hashlib.sha256()
        self.memo = Memo()
        self._strays: dict[str, int] = {}
        """Top-level keys that look like scenes that lost their indentation (0-based line)."""
        self._lost_keys: set[str] = set()
        """Scenes whose keys were dedented to the level of scene ids."""
        self._polls: dict[str, tuple[tuple[str, ...], str]] = {}
        """Each poll id's options and the first scene that asks it."""

    # -- driving -------------------------------------------------------------

    def load(self) -> m.Story:
        main = self._open(self.file, str(self.file))
        top = main.reader.mapping(main.root, "the story", TOP_KEYS, required=("title",),
                                  unknown=self._stray_scene)
        if top is None:
            self._fail()
        main.keys = top
        if "include" in top:
            self._includes(main, top["include"][1])
        names = self._collect(self.files)
        rating_node = top.get("rating")
        scope = self._scope(main, names, rating_node[1] if rating_node else None)
        story = self._build(main, names, scope)
        if self.errors:
            self._fail()
        assert story is not None
        return story

    def _fail(self) -> None:
        raise StoryErrors(self.errors[:MAX_ERRORS])

    def _open(self, path: Path, display: str) -> _File:
        try:
            source, root, data = read_file(path, display)
        except StoryError as exc:
            self.errors.append(exc)
            self._fail()
        self.hash.update(data)
        self.size += len(data)
        self._clean(source, root)
        file = _File(source, root, {}, Reader(source, self.errors))
        self.files.append(file)
        return file

    def _includes(self, main: _File, node: Node) -> None:
        r = main.reader
        items = [node] if isinstance(node, ScalarNode) else r.sequence(node, "include")
        if items and len(items) > MAX_INCLUDES:
            r.error(f"{len(items)} files are included; a story may include at most "
                    f"{MAX_INCLUDES}", node)
            return
        for item in items or []:
            name = r.text(item, "an include")
            if name is None:
                continue
            target = (self.file.parent / name)
            resolved = target.resolve()
            if not resolved.is_relative_to(self.root_dir) or os.path.isabs(name):
                r.error(f"include '{name}' is outside the story's folder", item)
                continue
            if not resolved.is_file():
                r.error(f"include '{name}': no such file{self._near(target)}", item)
                continue
            if any(Path(f.source.display).resolve() == resolved for f in self.files):
                r.error(f"include '{name}' is included twice", item)
                continue
            display = os.path.normpath(os.path.join(os.path.dirname(main.source.display), name))
            try:
                source, root, data = read_file(resolved, display)
            except StoryError as exc:
                self.errors.append(exc)
                continue
            self.hash.update(data)
            self.size += len(data)
            if self.size > MAX_STORY_BYTES:
                r.error(f"include '{name}': the story's files hold more than "
                        f"{MAX_STORY_BYTES // (1024 * 1024)} MB together", item)
                return
            self._clean(source, root)
            inc = _File(source, root, {}, Reader(source, self.errors))
            keys = inc.reader.mapping(root, f"included file {name}", INCLUDED_KEYS)
            if keys is None:
                continue
            inc.keys = keys
            self.files.append(inc)

    def _clean(self, source: Source, root: Node) -> None:
        """Remove control characters from every value and key of a file, before
        anything reads them (so errors quoting them are clean too), noting where."""
        text = source.text.replace("\r", "") if "\r" in source.text else source.text
        if is_clean(text) and not _ESCAPE.search(text):
            return  # nothing in the file, and no escape in quotes, can make one
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:  # an alias: its value is cleaned (and noted) once
                continue
            seen.add(id(node))
            if isinstance(node, ScalarNode):
                if not is_clean(node.value):
                    node.value = clean(node.value)
                    self.warnings.append(StoryError(CLEANED, source.at(node)))
            elif isinstance(node, MappingNode):
                for key, value in node.value:
                    stack.append(value)
                    stack.append(key)
            else:
                stack.extend(reversed(node.value))

    def _stray_scene(self, key: Node, value: Node) -> str | None:
        """A top-level key that looks like a scene: it lost its indentation."""
        if not _looks_like_scene(value):
            return None
        name = str(key.value)
        self._strays[name] = key.start_mark.line
        return (f"'{name}:' looks like a scene, but it is not indented, so YAML reads it as "
                "a key of the story; indent it (and what is under it) to line up with the "
                "other scenes under scenes:")

    def _scene_key(self, sid: str) -> Callable[[Node, Node], str | None]:
        """Explain a key of a scene that looks like the next scene, indented too far."""
        def explain(key: Node, value: Node) -> str | None:
            name = str(key.value)
            if not ID.fullmatch(name) or not (value.tag == NULL or _looks_like_scene(value)):
                return None
            return (f"'{name}' is not a key of a scene; if it is a new scene, it is indented "
                    f"too far: line it up with '{sid}:'")
        return explain

    @staticmethod
    def _near(target: Path) -> str:
        folder = target.parent
        if not folder.is_dir():
            return ""
        return suggest(target.name, [p.name for p in folder.iterdir()])

    # -- pass 1: names ---------------------------------------------------------

    def _collect(self, files: list[_File]) -> _Names:
        names = _Names()
        for file in files:
            for section, table in (("scenes", names.scenes), ("vars", names.vars),
                                   ("people", names.people)):
                if section not in file.keys:
                    continue
                node = file.keys[section][1]
                entries = file.reader.mapping(node, section)
                previous = None
                for name, (knode, vnode) in (entries or {}).items():
                    if section == "scenes" and name in SCENE_KEYS and previous is not None \
                            and not _looks_like_scene(vnode):
                        file.reader.error(
                            f"'{name}:' is indented like a scene id, so YAML reads it as a "
                            f"scene called '{name}'; indent it (and what is under it) more, "
                            f"to put it in scene '{previous}'", knode)
                        self._lost_keys.add(previous)
                        continue
                    previous = name
                    if not ID.fullmatch(name):
                        file.reader.error(
                            f"'{name}' is not a valid id in {section}: use lowercase "
                            "letters, digits and _, starting with a letter", knode)
                        continue
                    if name in table:
                        first = table[name]
                        file.reader.error(
                            f"duplicate {section[:-1] if section != 'people' else 'person'} "
                            f"'{name}' (first at {first[0].source.at(first[1])})", knode)
                        continue
                    table[name] = (file, knode, vnode)
        main = files[0]
        if not names.scenes and not self.errors:
            where = main.keys["scenes"][0] if "scenes" in main.keys else main.root
            hint = "" if "scenes" in main.keys else " (add scenes:, or include: files that have them)"
            main.reader.error(f"the story has no scenes{hint}", where)
        for name, (file, knode, _) in names.vars.items():
            if name in RESERVED_NAMES:
                file.reader.error(
                    f"'{name}' is a built-in name of the expression language; "
                    "choose another name for this var", knode)
        return names

    def _scope(self, main: _File, names: _Names, rating: Node | None) -> Scope:
        lists, services, rules, tiers = frozenset(), frozenset(), frozenset(), ()
        if rating is not None and isinstance(rating, MappingNode):
            keys = {k.value: v for k, v in rating.value if isinstance(k, ScalarNode)}
            lists = self._keys_of(keys.get("lists"))
            services = self._keys_of(keys.get("services"))
            rules = self._keys_of(keys.get("rules"))
            tier_node = keys.get("tiers")
            if tier_node is not None and not isinstance(tier_node, ScalarNode):
                found = []
                for item in tier_node.value if isinstance(tier_node.value, list) else []:
                    if isinstance(item, MappingNode):
                        for k, v in item.value:
                            if k.value == "id" and isinstance(v, ScalarNode):
                                found.append(v.value)
                tiers = tuple(found)
        return Scope(
            vars=frozenset(names.vars),
            scenes=frozenset(names.scenes),
            lists=lists,
            people=frozenset(names.people),
            services=services,
            rules=rules,
            tiers=tiers,
            has_rating=rating is not None and rating.tag != NULL,
        )

    @staticmethod
    def _keys_of(node: Node | None) -> frozenset[str]:
        if isinstance(node, MappingNode):
            return frozenset(k.value for k, _ in node.value if isinstance(k, ScalarNode))
        return frozenset()

    # -- pass 2: build -----------------------------------------------------------

    def _build(self, main: _File, names: _Names, scope: Scope) -> m.Story | None:
        r = main.reader
        top = main.keys
        self.scope = scope
        def words(node: Node, what: str) -> str | None:
            return self._words(r, node, what)

        title = self._opt(r, top, "title", words, "title")
        sid = self._opt(r, top, "id", lambda n, w: r.ident(n, w, ID), "story id")
        if sid is None:
            sid = slug(self.file.parent.name if self.file.name == "story.yaml" else self.file.stem)
        language = self._opt(r, top, "language", r.text, "language") or "en"
        if "language" in top and not LANGUAGE.fullmatch(language):
            r.error(f"language '{language}' is not a language tag like en, fr or pt-BR",
                    top["language"][1])
        minutes = self._opt(r, top, "minutes", r.number, "minutes")
        notes = self._strings(r, top.get("content_notes"), "content_notes")
        debrief, debrief_if = self._debrief(r, top["debrief"][1]) if "debrief" in top else ((), ())
        expect = self._expectations(r, top["expect"][1], "expect") if "expect" in top else ()
        population = self._population(r, top["population"][1]) if "population" in top else None
        before = len(self.errors)
        rating = self._rating(r, top["rating"][1]) if "rating" in top else None
        if "rating" in top and top["rating"][1].tag == NULL:
            rating = None
        variants = {}
        if "variants" in top:  # checked against the rating only when it is valid itself
            variants = read_variants(self, r, *top["variants"],
                                     top["rating"][1] if "rating" in top else None,
                                     rating if len(self.errors) == before else None)
        variables, var_formats = self._vars(names)
        people = self._people(names, rating)
        scenes = {}
        for name, (file, _knode, vnode) in names.scenes.items():
            scene = self._scene(file, name, vnode, rating, names)
            if scene is not None:
                scenes[name] = scene
        start = next(iter(names.scenes), None)
        if "start" in top:
            node = top["start"][1]
            wanted = r.text(node, "start")
            if wanted is not None and wanted not in names.scenes:
                r.error(f"start names no scene: '{wanted}'{suggest(wanted, names.scenes)}", node)
            elif wanted is not None:
                start = wanted
        renamed = {}
        if "renamed" in top:
            for old, (knode, vnode) in (r.mapping(top["renamed"][1], "renamed") or {}).items():
                new = r.text(vnode, "renamed")
                if new is None:
                    continue
                if old in names.scenes:
                    r.error(f"renamed: '{old}' is still a scene; list only old ids", knode)
                elif new not in names.scenes:
                    r.error(f"renamed: '{new}' names no scene{suggest(new, names.scenes)}", vnode)
                else:
                    renamed[old] = new
        if self.errors or start is None or title is None:
            return None
        return m.Story(
            id=sid,
            title=title,
            path=str(self.given),
            content_hash=self.hash.hexdigest(),
            start=start,
            scenes=m.frozen_map(scenes),
            rating=rating,
            vars=m.frozen_map(variables),
            var_formats=m.frozen_map(var_formats),
            people=m.frozen_map(people),
            debrief=debrief,
            debrief_if=debrief_if if any(c is not None for c in debrief_if) else (),
            renamed=m.frozen_map(renamed),
            author=self._opt(r, top, "author", words, "author"),
            language=language,
            version=self._opt(r, top, "version", r.text, "version"),
            summary=self._opt(r, top, "summary", words, "summary"),
            minutes=minutes,
            content_notes=notes,
            audience=self._opt(r, top, "audience", r.text, "audience"),
            files=tuple(f.source.display for f in self.files),
            expect=expect,
            population=population,
            variants=m.frozen_map(variants),
        )

    @staticmethod
    def _population(r: Reader, node: Node) -> m.Population | None:
        """``population: {count, label}``: a whole number of people, 1 or more, and who."""
        keys = r.mapping(node, "population", ("count", "label"), required=("count", "label"))
        if keys is None or "count" not in keys or "label" not in keys:
            return None
        count_node = keys["count"][1]
        count = r.number(count_node, "population count")
        label = r.text(keys["label"][1], "population label")
        if count is None or label is None:
            return None
        if isinstance(count, float) and not count.is_integer() or count < 1 \
                or count > MAX_POPULATION:
            r.error(f"population count should be a whole number of people from 1 to "
                    f"{MAX_POPULATION:,}, not {count_node.value}", count_node)
            return None
        if not label.strip():
            r.error("population label should say who they are (e.g. Beijing residents)",
                    keys["label"][1])
            return None
        return m.Population(int(count), label.strip())

    @staticmethod
    def _opt(r: Reader, keys: dict, key: str, read: Callable, what: str):
        return read(keys[key][1], what) if key in keys else None

    def _strings(self, r: Reader, entry: tuple[Node, Node] | None,
                 what: str) -> tuple[str, ...]:
        if entry is None:
            return ()
        node = entry[1]
        if isinstance(node, ScalarNode):
            one = self._words(r, node, what)
            return (one,) if one is not None else ()
        items = r.sequence(node, what) or []
        return tuple(t for t in (self._words(r, i, f"an item of {what}") for i in items)
                     if t is not None)

    def _debrief(self, r: Reader, node: Node) -> tuple[tuple[str, ...], tuple[Expr | None, ...]]:
        """``debrief:``: questions, each a text or ``{text: ..., if: EXPR}``."""
        if isinstance(node, ScalarNode):
            one = self._words(r, node, "debrief")
            return ((one,), (None,)) if one is not None else ((), ())
        texts: list[str] = []
        conds: list[Expr | None] = []
        for item in r.sequence(node, "debrief") or []:
            if isinstance(item, MappingNode):
                sub = r.mapping(item, "a debrief question", DEBRIEF_KEYS, required=("text",))
                if not sub or "text" not in sub:
                    continue
                text = self._words(r, sub["text"][1], "a debrief question")
                cond = self._expr(r, sub["if"][1], "if") if "if" in sub else None
                if text is None or ("if" in sub and cond is None):
                    continue
                texts.append(text)
                conds.append(cond)
            else:
                text = self._words(r, item, "an item of debrief")
                if text is not None:
                    texts.append(text)
                    conds.append(None)
        return tuple(texts), tuple(conds)

    # -- compile helpers ---------------------------------------------------------

    def _expr(self, r: Reader, node: Node, what: str) -> Expr | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            r.error(f"{what} should be an expression, not {kind_of(node)}"
                    f"{flow_hint(r.source.lines, node)}", node)
            return None
        return self._compile(r, node, compile_expr)

    def _text(self, r: Reader, node: Node, what: str) -> Text | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            r.error(f"{what} should be text, not {kind_of(node)}"
                    f"{flow_hint(r.source.lines, node)}", node)
            return None
        self._cut(r, node)
        return self._compile(r, node, compile_text)

    def _words(self, r: Reader, node: Node, what: str) -> str | None:
        """A text-like value the player or teacher reads (a label, a title, a
        question): ``r.text``, warning when a comment cut it short."""
        self._cut(r, node)
        return r.text(node, what)

    def _cut(self, r: Reader, node: Node) -> None:
        """Warn where a plain text is followed by `` #`` on its line (a YAML comment:
        the text stops there). Only text-like values: after an id, a number or a
        condition a comment is the author's note."""
        where = comment_cut(r.source, node)
        if where is not None:
            self.warnings.append(StoryError(CUT_BY_COMMENT, where))

    def _compile(self, r: Reader, node: ScalarNode, compiler: Callable):
        try:
            return compiler(node.value, self.scope, r.source.locator(node), self.memo)
        except StoryError as exc:
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(exc)
            return None

    # -- rating ------------------------------------------------------------------

    def _rating(self, r: Reader, node: Node) -> m.Rating | None:
        if node.tag == NULL:
            return None
        peeked = _peek(node, "model")
        # An unknown model is its own error: no "needs start" beside it.
        known = MODEL_SPECS.get(peeked or DEFAULT_MODEL)
        needs_start = known is not None and known.needs_start
        keys = r.mapping(node, "rating", RATING_KEYS, required=("start",) if needs_start else ())
        if keys is None:
            return None

        def get(key, read, what, default=None):
            return read(keys[key][1], what) if key in keys else default

        # A value that could not be read (None: its error is already said) takes the
        # default: no second error about it, and no crash on it.
        model = _or(get("model", r.text, "rating model", DEFAULT_MODEL), DEFAULT_MODEL)
        if model not in MODEL_SPECS:
            names = ", ".join(MODELS[:-1]) + f" or {MODELS[-1]}"
            r.error(f"rating model '{model}' is unknown; use {names}{suggest(model, MODELS)}",
                    keys["model"][1])
            model = DEFAULT_MODEL
        spec = MODEL_SPECS[model]
        default_min, default_max = spec.default_range
        low = get("min", r.number, "rating min", default_min)
        high = get("max", r.number, "rating max", default_max)
        start = get("start", r.number, "rating start") if spec.needs_start else low
        if low is not None and high is not None and low > high:
            # One of them may be the model's default: point at the one the author wrote.
            r.error(f"rating min ({low}) is above max ({high})",
                    (keys.get("min") or keys["max"])[1])
        elif start is not None and ((low is not None and start < low) or
                                    (high is not None and start > high)):
            r.error(f"rating start ({start}) is outside min..max",
                    (keys.get("start") or keys.get("min") or keys["max"])[1])
        show = _or(get("show", r.text, "rating show", "number"), "number")
        if show not in SHOWS:
            r.error(f"show '{show}' is unknown; use one of {', '.join(SHOWS)}{suggest(show, SHOWS)}",
                    keys["show"][1])
            show = "number"
        weight = _or(get("weight", r.text, "rating weight", "equal"), "equal")
        if weight not in WEIGHTS:
            r.error(f"weight '{weight}' is unknown; use equal or rater", keys["weight"][1])
            weight = "equal"
        memory = get("memory", r.number, "rating memory", 20)
        if memory is not None and (memory != int(memory) or memory < 1):
            r.error("memory should be a whole number of ratings, 1 or more", keys["memory"][1])
            memory = 20
        for other in MODEL_SPECS.values():
            for key in other.keys if other is not spec else ():
                if key in keys:
                    r.error(other.foreign_key(key, model), keys[key][0])
        explain = get("explain", r.boolean, "rating explain", False)
        own = spec.parse(r, keys, self, bool(explain))
        decimals = get("decimals", r.number, "rating decimals", None)
        if decimals is not None and decimals not in (0, 1, 2):
            r.error("decimals should be 0, 1 or 2 (how many decimals the score is kept and "
                    "shown at)", keys["decimals"][1])
            decimals = None
        tiers = self._tiers(r, keys.get("tiers"))
        sources = {}
        if "sources" in keys:
            for sid, (knode, vnode) in (r.mapping(keys["sources"][1], "sources") or {}).items():
                if not ID.fullmatch(sid):
                    r.error(f"'{sid}' is not a valid source id", knode)
                label = self._words(r, vnode, f"source '{sid}'")
                sources[sid] = label or sid
        rules = {}
        if "rules" in keys:
            for rid, (knode, vnode) in (r.mapping(keys["rules"][1], "rules") or {}).items():
                rule = self._rule(r, rid, knode, vnode, sources, bool(explain), spec)
                if rule is not None:
                    rules[rid] = rule
        lists = {}
        if "lists" in keys:
            for lid, (knode, vnode) in (r.mapping(keys["lists"][1], "lists") or {}).items():
                if not ID.fullmatch(lid):
                    r.error(f"'{lid}' is not a valid list id", knode)
                announce = True
                if isinstance(vnode, ScalarNode):
                    label = self._words(r, vnode, f"list '{lid}'")
                else:
                    sub = r.mapping(vnode, f"list '{lid}'", ("label", "announce")) or {}
                    label = self._words(r, sub["label"][1], "label") if "label" in sub else None
                    if "announce" in sub:
                        announce = r.boolean(sub["announce"][1], "announce") is not False
                lists[lid] = m.ListDef(lid, label or _humane(lid), announce)
        services = {}
        if "services" in keys:
            for vid, (knode, vnode) in (r.mapping(keys["services"][1], "services") or {}).items():
                if not ID.fullmatch(vid):
                    r.error(f"'{vid}' is not a valid service id", knode)
                sub = r.mapping(vnode, f"service '{vid}'", ("label", "requires", "refusal"))
                if sub is None:
                    continue
                label = self._words(r, sub["label"][1], "label") if "label" in sub else None
                requires = self._expr(r, sub["requires"][1], "requires") if "requires" in sub else None
                refusal = self._text(r, sub["refusal"][1], "refusal") if "refusal" in sub else None
                services[vid] = m.Service(vid, label or _humane(vid), requires, refusal)
        rating = m.Rating(
            name=get("name", r.text, "rating name", "Score") or "Score",
            model=model,
            min=low,
            max=high,
            start=start if start is not None else 0,
            show=show,
            explain=bool(explain),
            memory=int(memory or 20),
            weight=weight,
            tiers=tiers,
            sources=m.frozen_map(sources),
            rules=m.frozen_map(rules),
            lists=m.frozen_map(lists),
            services=m.frozen_map(services),
            decimals=int(decimals) if decimals is not None else spec.default_decimals(
                (low, high, start, *(t.min for t in tiers),
                 *(u.change for u in rules.values()))),
            **own,
        )
        spec.check(r, keys, rating)
        return rating

    def _tiers(self, r: Reader, entry: tuple[Node, Node] | None) -> tuple[m.Tier, ...]:
        if entry is None:
            return ()
        tiers: list[m.Tier] = []
        seen: set[str] = set()
        for item in r.sequence(entry[1], "tiers") or []:
            sub = r.mapping(item, "a tier", ("id", "label", "min"), required=("id", "min"))
            if not sub or "id" not in sub or "min" not in sub:
                continue
            tid = r.ident(sub["id"][1], "tier id", TIER_ID)
            low = r.number(sub["min"][1], "tier min")
            label = self._words(r, sub["label"][1], "tier label") if "label" in sub else tid
            if tid is None or low is None:
                continue
            if tid in seen:
                r.error(f"duplicate tier '{tid}'", sub["id"][1])
                continue
            if tiers and low >= tiers[-1].min:
                r.error(
                    f"tiers must be listed highest first: '{tid}' (min {low}) comes after "
                    f"'{tiers[-1].id}' (min {tiers[-1].min})", sub["min"][1])
                continue
            seen.add(tid)
            tiers.append(m.Tier(tid, label or tid, low))
        return tuple(tiers)

    def _rule(self, r: Reader, rid: str, knode: Node, vnode: Node, sources: dict,
              explain: bool, spec: ModelSpec) -> m.Rule | None:
        if not ID.fullmatch(rid):
            r.error(f"'{rid}' is not a valid rule id", knode)
        sub = r.mapping(vnode, f"rule '{rid}'", ("change", "source", "label", "explain"),
                        required=("change",) if spec.rule_change else ())
        if sub is None or ("change" not in sub and spec.rule_change):
            return None
        if spec.rule_change:
            change = r.number(sub["change"][1], "change")
        else:
            change = 0
            if "change" in sub:
                r.error(spec.refuse_change(rid), sub["change"][0])
        source = None
        if "source" in sub:
            source = r.text(sub["source"][1], "source")
            if source is not None and source not in sources:
                r.error(f"unknown source '{source}'{suggest(source, sources)}", sub["source"][1])
        label = self._words(r, sub["label"][1], "label") if "label" in sub else None
        own = r.boolean(sub["explain"][1], "explain") if "explain" in sub else None
        if change is None:
            return None
        return m.Rule(rid, change, label or _humane(rid), source,
                      explain if own is None else own, r.at(knode))

    # -- vars and people ---------------------------------------------------------

    def _vars(self, names: _Names) -> tuple[dict, dict]:
        """The vars' starting values, and the ``format:`` of those that say how they read."""
        out, formats = {}, {}
        for name, (file, _k, vnode) in names.vars.items():
            r = file.reader
            if isinstance(vnode, MappingNode):  # {value: 5400, format: thousands}
                sub = r.mapping(vnode, f"var '{name}'", ("value", "format"),
                                required=("value",))
                if sub is None or "value" not in sub:
                    continue
                how = r.text(sub["format"][1], "format") if "format" in sub else None
                if how is not None and how not in VAR_FORMATS:
                    r.error(f"format '{how}' is unknown; use one of {', '.join(VAR_FORMATS)}"
                            f"{suggest(how, VAR_FORMATS)}", sub["format"][1])
                elif how is not None and how != "plain":
                    formats[name] = how
                vnode = sub["value"][1]
            value = r.value(vnode, f"var '{name}'")
            if value is not None:
                out[name] = value
        return out, formats

    def _people(self, names: _Names, rating: m.Rating | None) -> dict:
        out = {}
        for pid, (file, _k, vnode) in names.people.items():
            r = file.reader
            sub = r.mapping(vnode, f"person '{pid}'", ("name", "rating", "ratings"),
                            required=("name",))
            if sub is None or "name" not in sub:
                continue
            name = self._words(r, sub["name"][1], "name")
            stars = r.number(sub["rating"][1], "rating") if "rating" in sub else None
            if stars is not None and rating is not None and spec_of(rating).stars_on_scale and (
                stars < (rating.min or 0) or (rating.max is not None and stars > rating.max)
            ):
                r.error(f"{pid}'s rating {stars} is outside the range "
                        f"{rating.min}..{rating.max}", sub["rating"][1])
            count = r.number(sub["ratings"][1], "ratings") if "ratings" in sub else 1
            if count is not None and (count != int(count) or count < 1):
                r.error("ratings should be a whole number of ratings, 1 or more",
                        sub["ratings"][1])
                count = 1
            if "ratings" in sub and "rating" not in sub:
                r.error(f"person '{pid}' has ratings: but no rating:", sub["ratings"][0])
            if name is not None:
                out[pid] = m.Person(pid, name, stars, int(count or 1))
        return out

    # -- scenes --------------------------------------------------------------------

    def _scene(self, file: _File, sid: str, node: Node, rating: m.Rating | None,
               names: _Names) -> m.Scene | None:
        r = file.reader
        keys = r.mapping(node, f"scene '{sid}'", SCENE_KEYS, unknown=self._scene_key(sid))
        if keys is None:
            return None
        ways = [k for k in ("choices", "goto", "ending") if k in keys]
        if len(ways) != 1 and not (sid in self._lost_keys and not ways):
            what = "none" if not ways else " and ".join(ways)
            r.error(f"scene '{sid}' needs exactly one of choices, goto or ending (it has {what})",
                    node)
        blocks = self._blocks(r, keys["text"][1]) if "text" in keys else ()
        if sum(len(b.text.source) for b in blocks) > MAX_SCENE_TEXT:
            r.error(f"scene '{sid}' has more than {MAX_SCENE_TEXT:,} characters of text; "
                    "split it into scenes", keys["text"][1])
        effects = self._effects(r, keys["do"][1], rating, names) if "do" in keys else ()
        chapter = self._words(r, keys["chapter"][1], "chapter") if "chapter" in keys else None
        goto = None
        if "goto" in keys:
            goto = self._goto(r, keys["goto"][1], names)
        ending = None
        if "ending" in keys:
            sub = r.mapping(keys["ending"][1], "ending", ("title", "kind"), required=("title", "kind"))
            if sub and "title" in sub and "kind" in sub:
                title = self._text(r, sub["title"][1], "ending title")
                kind = r.text(sub["kind"][1], "ending kind")
                if kind not in ENDING_KINDS:
                    r.error(f"ending kind '{kind}' is unknown; use good, bad or mixed"
                            f"{suggest(kind or '', ENDING_KINDS)}", sub["kind"][1])
                elif title is not None:
                    ending = m.Ending(title, kind)
        choices: list[m.Choice] = []
        if "choices" in keys:
            items = r.sequence(keys["choices"][1], "choices")
            if items is not None and not items:
                r.error(f"scene '{sid}' has an empty choices list", keys["choices"][1])
            if items is not None and len(items) > MAX_CHOICES:
                r.error(f"scene '{sid}' has {len(items)} choices; a scene may offer at most "
                        f"{MAX_CHOICES}", keys["choices"][1])
                items = None
            ids: dict[str, Node] = {}
            for item in items or []:
                choice = self._choice(r, item, rating, names)
                if choice is None:
                    continue
                if choice.id in ids:
                    r.error(
                        f"two choices in scene '{sid}' have the id '{choice.id}'; "
                        "give one of them its own id:", item)
                    continue
                ids[choice.id] = item
                choices.append(choice)
        poll = self._poll(r, keys["poll"][1], sid) if "poll" in keys else None
        expect = (self._expectations(r, keys["expect"][1], f"expect in scene '{sid}'")
                  if "expect" in keys else ())
        return m.Scene(sid, blocks, effects, tuple(choices), goto, ending, chapter,
                       r.at(node), poll, expect)

    def _expectations(self, r: Reader, node: Node, what: str) -> tuple[m.Expectation, ...]:
        """``expect:``: a list of ``{that: expression, says: sentence}``."""
        items = r.sequence(node, what)
        out: list[m.Expectation] = []
        for item in items or []:
            sub = r.mapping(item, f"an item of {what}", EXPECT_KEYS, required=EXPECT_KEYS)
            if not sub or "that" not in sub or "says" not in sub:
                continue
            says = self._words(r, sub["says"][1], "says")
            that = self._expr(r, sub["that"][1], "that")
            if that is None or says is None:
                continue
            tree = that.tree
            root = type(tree)
            if isinstance(tree, ex.Const) and type(tree.value) is not bool or isinstance(
                    tree, ex.IdCall) and tree.function in ("visits", "rating", "recorded"):
                r.error(f"that: `{that.source}` is a value, not a truth value: compare it, "
                        "as in `score >= 4.5`", sub["that"][1])
                continue
            if root in NOT_TRUTHS:
                r.error(f"that: `{that.source}` is {NOT_TRUTHS[root]}, not a truth value: "
                        "compare it, as in `score >= 4.5`", sub["that"][1])
                continue
            if that.draws and calls_random(tree):
                r.error("that: random() cannot be used in an expectation: checking it would "
                        "change the game it checks", sub["that"][1])
                continue
            out.append(m.Expectation(that, says, r.at(item)))
        return tuple(out)

    def _goto(self, r: Reader, node: Node, names: _Names) -> str | None:
        target = r.text(node, "goto")
        if target is not None and target not in names.scenes:
            stray = self._strays.get(target)
            hint = (f" ('{target}:' on line {stray + 1} is not indented under scenes:)"
                    if stray is not None else suggest(target, names.scenes))
            r.error(f"goto names no scene: '{target}'{hint}", node)
            return None
        return target

    def _blocks(self, r: Reader, node: Node) -> tuple[m.TextBlock, ...]:
        if isinstance(node, ScalarNode) or (isinstance(node, MappingNode) and node.flow_style):
            text = self._text(r, node, "text")
            return (m.TextBlock(text),) if text is not None else ()
        blocks = []
        for item in r.sequence(node, "text") or []:
            if isinstance(item, MappingNode):
                sub = r.mapping(item, "a text block", ("if", "text"), required=("if", "text"))
                if not sub or "if" not in sub or "text" not in sub:
                    continue
                cond = self._expr(r, sub["if"][1], "if")
                text = self._text(r, sub["text"][1], "text")
                if cond is not None and text is not None:
                    blocks.append(m.TextBlock(text, cond))
            else:
                text = self._text(r, item, "a paragraph of text")
                if text is not None:
                    blocks.append(m.TextBlock(text))
        return tuple(blocks)

    def _choice(self, r: Reader, node: Node, rating: m.Rating | None,
                names: _Names) -> m.Choice | None:
        keys = r.mapping(node, "a choice", CHOICE_KEYS, required=("text", "goto"))
        if keys is None or "text" not in keys:
            return None
        text = self._text(r, keys["text"][1], "choice text")
        raw = keys["text"][1].value if isinstance(keys["text"][1], ScalarNode) else ""
        cid = r.ident(keys["id"][1], "choice id", ID) if "id" in keys else slug(str(raw))
        goto = self._goto(r, keys["goto"][1], names) if "goto" in keys else None
        cond = self._expr(r, keys["if"][1], "if") if "if" in keys else None
        requires = self._expr(r, keys["requires"][1], "requires") if "requires" in keys else None
        locked = self._text(r, keys["locked"][1], "locked") if "locked" in keys else None
        service = None
        if "service" in keys:
            service = r.text(keys["service"][1], "service")
            known = rating.services if rating else {}
            if service is not None and service not in known:
                r.error(f"unknown service '{service}'{suggest(service, known)}", keys["service"][1])
                service = None
        effects = self._effects(r, keys["do"][1], rating, names) if "do" in keys else ()
        once = r.boolean(keys["once"][1], "once") if "once" in keys else False
        reflect = self._words(r, keys["reflect"][1], "reflect") if "reflect" in keys else None
        tags: tuple[str, ...] = ()
        if "tags" in keys:
            tag_nodes = r.sequence(keys["tags"][1], "tags") or []
            tags = tuple(t for t in (r.ident(t, "tag", ID) for t in tag_nodes) if t)
        if text is None or goto is None or cid is None:
            return None
        return m.Choice(cid, text, goto, cond, requires, locked, service, effects,
                        bool(once), reflect, tags, r.at(node))

    def _poll(self, r: Reader, node: Node, sid: str) -> m.Poll | None:
        sub = r.mapping(node, "poll", POLL_KEYS, required=("question", "options"))
        if not sub or "question" not in sub or "options" not in sub:
            return None
        question = self._words(r, sub["question"][1], "poll question")
        pid = r.ident(sub["id"][1], "poll id", ID) if "id" in sub else sid
        items = r.sequence(sub["options"][1], "poll options") or []
        options = tuple(o for o in (self._words(r, i, "a poll option") for i in items) if o is not None)
        if len(options) < 2:
            r.error("a poll needs at least two options", sub["options"][1])
            return None
        if question is None or pid is None:
            return None
        # Polls that share an id are one question asked at several moments (before
        # and after): the class report compares their answers option by option.
        first = self._polls.setdefault(pid, (options, sid))
        if first[0] != options:
            r.error(f"the poll '{pid}' is also asked in scene '{first[1]}' with other options; "
                    "polls that share an id must offer the same options in the same order",
                    sub["options"][1])
            return None
        return m.Poll(question, options, pid)

    # -- effects -------------------------------------------------------------------

    def _effects(self, r: Reader, node: Node, rating: m.Rating | None,
                 names: _Names) -> tuple[m.Effect, ...]:
        build = _EffectBuild(self, r, rating, names)
        return build.effects(node)


class _EffectBuild:
    """What an effect's declaration (``game.story.effects``) may ask of the loader."""

    __slots__ = ("loader", "reader", "rating", "vars", "people")

    def __init__(self, loader: _Loader, r: Reader, rating: m.Rating | None,
                 names: _Names) -> None:
        self.loader = loader
        self.reader = r
        self.rating = rating
        self.vars = names.vars
        self.people = names.people

    def expr(self, node: Node, what: str) -> Expr | None:
        return self.loader._expr(self.reader, node, what)

    def text(self, node: Node, what: str) -> Text | None:
        return self.loader._text(self.reader, node, what)

    def refuse_ratings(self, key: str) -> str | None:
        spec = spec_of(self.rating)
        return None if self.rating is None or spec.ratings else spec.refuse_ratings(key)

    def effects(self, node: Node) -> tuple[m.Effect, ...]:
        """A ``do:`` list: each item a one-key effect, or a branch (a mapping with ``if``)."""
        r = self.reader
        out: list[m.Effect] = []
        branch_key = BRANCH.keys[0]
        for item in r.sequence(node, "do") or []:
            if isinstance(item, MappingNode):
                head = next((k for k, _ in item.value
                             if isinstance(k, ScalarNode) and k.value == branch_key), None)
                if head is not None:
                    effect = BRANCH.parse(self, branch_key, head, item)
                    if effect is not None:
                        out.append(effect)
                    continue
            if not isinstance(item, MappingNode) or len(item.value) != 1:
                r.error("each effect in do: is a one-key mapping, like '- record: jaywalking'",
                        item)
                continue
            knode, vnode = item.value[0]
            kind = knode.value
            spec = EFFECT_SPECS.get(kind)
            if spec is None:
                r.error(f"unknown effect '{kind}'{suggest(str(kind), EFFECTS)}", knode)
                continue
            effect = spec.parse(self, kind, knode, vnode)
            if effect is not None:
                out.append(effect)
        return tuple(out)


def _looks_like_scene(node: Node) -> bool:
    """A mapping with a scene's keys (text, choices, goto, ending)."""
    return isinstance(node, MappingNode) and any(
        isinstance(k, ScalarNode) and k.value in ("text", "choices", "goto", "ending")
        for k, _ in node.value)


def _or(value, default):
    """``value``, or ``default`` when it is None (a value whose error is already said)."""
    return default if value is None else value


def _humane(ident: str) -> str:
    return ident.replace("_", " ").capitalize()


def _peek(node: Node, key: str) -> str | None:
    """A plain scalar's value under ``key`` of a mapping node, read before the mapping is."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key and isinstance(v, ScalarNode):
                return v.value
    return None
