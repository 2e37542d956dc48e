"""A compiled cache of loaded stories: JSON keyed by source hash and engine version.

Loading a large story parses YAML, checks every key and compiles every
expression. The cache keeps the result as JSON (never pickle or marshal: a
writable cache file must not become a way to run code) with each distinct
expression stored once as its compiled tree. The story itself is written by
the generic codec (``game.story.codec``), which reads the model's dataclasses
field by field: a new field or kind of effect is stored without a line here,
and an entry written for other classes (the ``shapes`` it records differ) or
with a field unknown or missing is a miss, never a wrong story. Scenes are
rebuilt on first use, so a cached load costs little more than ``json.loads``.

Any problem with a cache file (missing, damaged, stale, for another version)
is a miss: the story is loaded from its YAML and the cache rewritten.

A cache folder may be shared or writable by others, so an entry is trusted
only when it proves it was written by this user: each entry carries an HMAC
made with a random key kept in the cache folder, readable only by its owner
(a key file another user could have written or read is not used: no cache
then). On top of that, an entry is read only if it is small enough, its
shape and types are right, and every file it names is a regular file inside
the story's folder whose content still has the recorded hash. A scene built
later in play from an entry that somehow still fails is rebuilt from the
story's YAML instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import dataclasses
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from game.errors import Location, StandingError, StoryRuntimeError
from game.story import codec
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

CACHE_FORMAT = 12  # 2: poll ids; source, note and mistake on list and record effects
# 3: decimals; 4: expect: on the story and on scenes;
# 5: text cleaned of control characters at load (older entries may hold them);
# 6: the rating's start_ratings; 7: debrief questions' if:
# 8: the risk model's features, bias and link; 9: population; 10: variants
# 11: the generic codec (game/story/codec.py): every model class by its fields, and their
#    shapes in the entry (an entry for other shapes is a miss, even without a bump here)
# 12: the loader refuses more (at most 12 variants, labels of one line): an entry an older
#    loader made of such a story must not skip the check


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


# Entries are signed since the format after 2: an unsigned entry of an older
# Standing fails the signature check, so it is a miss without a format bump.
MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""A larger cache entry is not read (a story of 20 MB files compiles to far less)."""

MAX_SOURCE_BYTES = 20 * 1024 * 1024
"""A story file larger than this (the loader's cap) is never hashed for the cache."""

KEY_FILE = "cache.key"
"""The cache folder's HMAC key: 32 random bytes, readable by its owner only."""

_MAC_HEAD = b'{"mac":"'
_MAC_LENGTH = len(_MAC_HEAD) + 64 + 2  # '{"mac":"<64 hex>",'


def load_story_cached(path: str | os.PathLike[str], folder: Path | None = None) -> m.Story:
    """Load a story through the compiled cache (errors are reported as by load_story)."""
    folder = folder or cache_folder()
    main = story_file(Path(path))
    try:
        data = main.read_bytes()
        real_main = main.resolve(strict=True)
    except (OSError, RuntimeError):
        return load_story(path)  # the loader reports the problem
    key = _key(folder)
    if key is None:
        return load_story(path)  # no key of our own: no cache to trust
    name = _sha(_engine_version().encode() + b"\0" + str(real_main).encode() + b"\0" + data)
    entry = folder / f"{name}.json"
    story = _read(entry, str(path), key, real_main, _sha(data))
    if story is not None:
        return story
    story = load_story(path)
    try:
        _write(entry, story, key)
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs speed
    return story


_keys: dict[Path, bytes] = {}


def _key(folder: Path) -> bytes | None:
    """This user's HMAC key for ``folder`` (made on first use), None if none can be trusted."""
    known = _keys.get(folder)
    if known is not None:
        return known
    path = folder / KEY_FILE
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
            except FileExistsError:
                continue  # another process made it first: read theirs
            except OSError:
                return None
            try:
                made = secrets.token_bytes(32)
                os.write(fd, made)
            except OSError:
                return None
            finally:
                os.close(fd)
            _keys[folder] = made
            return made
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            mine = not hasattr(os, "getuid") or (
                info.st_uid == os.getuid() and not info.st_mode & 0o077)
            key = os.read(fd, 33) if stat.S_ISREG(info.st_mode) and mine else b""
        except OSError:
            key = b""
        finally:
            os.close(fd)
        if len(key) != 32:
            return None  # another user's, readable by others, or damaged: trust nothing
        _keys[folder] = key
        return key
    return None


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode()


class _Damaged(ValueError):
    """A cache entry that is not what this Standing writes: a miss."""


_DAMAGE = (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError,
           RecursionError, MemoryError)
"""What reading or rebuilding a doubtful entry may raise: each is a miss."""


def _read(entry: Path, given: str, key: bytes, main: Path, digest: str) -> m.Story | None:
    try:
        with collector_paused():
            return _restore(entry, given, key, main, digest)
    except _DAMAGE:
        return None


def _restore(entry: Path, given: str, key: bytes, main: Path, digest: str) -> m.Story | None:
    # Never blocking on open: a named pipe planted under an entry's name must not hang play.
    fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        os.set_blocking(fd, True)
        raw = handle.read(MAX_ENTRY_BYTES + 1)
    head = raw[:_MAC_LENGTH]
    if len(raw) > MAX_ENTRY_BYTES or not head.startswith(_MAC_HEAD) or not head.endswith(b'",'):
        return None
    body = b"{" + raw[_MAC_LENGTH:]
    if not hmac.compare_digest(head[len(_MAC_HEAD):-2], _mac(key, body)):
        return None
    doc = json.loads(body)
    if not isinstance(doc, dict) or doc.get("engine") != _engine_version():
        return None
    _check_story(doc)  # first: an entry for other model classes is a miss, read no further
    _check_files(doc.get("files"), main, digest)
    return _Restorer(doc, given).story()


def _check_files(files: object, main: Path, digest: str) -> None:
    """The entry's files: the story file first, then files inside its folder, unchanged."""
    if not isinstance(files, list) or not files:
        raise _Damaged("no files")
    for item in files:
        if not (type(item) is list and len(item) == 3 and all(type(x) is str for x in item)
                and len(item[2]) == 64):
            raise _Damaged("a file entry")
    if files[0][1] != str(main) or files[0][2] != digest:
        raise _Damaged("another story file")
    root = main.parent
    for _display, real, recorded in files[1:]:
        path = Path(real)
        if not path.is_absolute() or not path.is_relative_to(root) or ".." in path.parts:
            raise _Damaged("a file outside the story's folder")
        if path.resolve(strict=True) != path:
            raise _Damaged("a file reached through a link")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
            raise _Damaged("not a story file")
        if _sha(path.read_bytes()) != recorded:
            raise _Damaged("changed since")


_SCENE = codec.keyed_index
"""Where a field of a scene sits in its JSON (scenes are stored under their id)."""


def _check_story(doc: dict) -> None:
    """The parts of an entry read before the story is built: the model classes' shapes
    and the expression table (the story's fields are checked as they are decoded)."""
    if doc.get("shapes") != codec.shapes():
        raise _Damaged("written for other model classes")
    table = doc.get("exprs")
    if type(table) is not list or type(doc.get("story")) is not dict:
        raise _Damaged("no story")
    for item in table:
        if not (type(item) is list and len(item) == 2 and type(item[0]) is str):
            raise _Damaged("an expression")


def _check_outline(story: dict, scenes: object) -> None:
    """Every scene's outline, read before any scene is built (see ``_LazyScenes.outline``)."""
    if type(scenes) is not dict or not scenes:
        raise _Damaged("no scenes")
    if story["start"] not in scenes:
        raise _Damaged("no start scene")
    count = len(dataclasses.fields(m.Scene)) - 1
    choices, goto = _SCENE(m.Scene, "choices"), _SCENE(m.Scene, "goto")
    ending, chapter = _SCENE(m.Scene, "ending"), _SCENE(m.Scene, "chapter")
    for sid, d in scenes.items():
        # Plain loops: this runs over every choice of the story on every cached load.
        if type(d) is not list or len(d) != count or type(d[choices]) is not list:
            raise _Damaged(f"scene {sid}")
        for c in d[choices]:
            if type(c) is not list or not c or type(c[0]) is not str:
                raise _Damaged(f"a choice of scene {sid}")
        target = d[goto]
        if not (_is_optional_text(target) and _is_optional_text(d[chapter])
                and (d[ending] is None or type(d[ending]) is list)):
            raise _Damaged(f"scene {sid}")
        if target is not None and target not in scenes:
            raise _Damaged(f"scene {sid} leads nowhere")


def _is_optional_text(value: object) -> bool:
    return value is None or type(value) is str


def _write(entry: Path, story: m.Story, key: bytes) -> None:
    from game.files import write_atomic  # noqa: PLC0415 - only on a miss

    with collector_paused():
        doc = _Dumper(story).dump()
    body = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    signed = _MAC_HEAD + _mac(key, body) + b'",' + body[1:]
    # Not fsynced: a cache entry lost in a crash is only a miss next time.
    write_atomic(entry, signed.decode("utf-8"), durable=False)


def dump_compiled(story: m.Story) -> str:
    """A loaded story as its compiled JSON (no MAC: for ``export``, which ships it)."""
    with collector_paused():
        doc = _Dumper(story).dump()
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def load_compiled(text: str, given: str) -> m.Story:
    """A story from ``dump_compiled``'s text, with no YAML anywhere (the static export).

    ``given`` is the story's name in messages. ValueError when the text is not a
    compiled story of this engine version; a scene that cannot be built later
    is a StoryRuntimeError (there are no YAML files to fall back on).
    """
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("engine") != _engine_version():
            raise ValueError(f"{given}: not a compiled story of this engine version")
        _check_story(doc)

        def damaged() -> Mapping[str, m.Scene]:
            raise StoryRuntimeError(f"{given}: a scene of the compiled story is damaged; "
                                    "export the story again")

        with collector_paused():
            return _Restorer(doc, given, damaged).story()
    except _DAMAGE as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(given):
            raise
        raise ValueError(f"{given}: the compiled story is damaged ({exc})") from None


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
            real = Path(display).resolve(strict=True)
            files.append([display, str(real), _sha(real.read_bytes())])
        story = codec.encode_story(self, s)
        return {"engine": _engine_version(), "shapes": codec.shapes(), "files": files,
                "exprs": self.table, "story": story}

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


# --- restoring ---------------------------------------------------------------------


class _Restorer:
    def __init__(self, doc: dict, given: str,
                 fallback: Callable[[], Mapping[str, m.Scene]] | None = None) -> None:
        self.fallback = fallback
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
        fields = codec.decode_story_fields(self, self.doc, lazy=("scenes",))
        raw = fields["scenes"]
        _check_outline(fields, raw)
        fields["path"] = self.given
        fields["scenes"] = _LazyScenes(raw, self.scene, self.fallback or _from_yaml(
            self.given, fields["content_hash"]))
        return m.Story(**fields)

    def scene(self, sid: str, raw: list) -> m.Scene:
        return codec.keyed_decoder(m.Scene)(self, sid, raw)


def _from_yaml(given: str, content_hash: str) -> Callable[[], Mapping[str, m.Scene]]:
    """The scenes of the story loaded from its YAML, for a scene the cache cannot build."""
    loaded: list[Mapping[str, m.Scene]] = []

    def scenes() -> Mapping[str, m.Scene]:
        if not loaded:
            try:
                story = load_story(given)
            except StandingError as exc:
                raise StoryRuntimeError(
                    f"{given}: a scene of the compiled cache is damaged and the story no "
                    f"longer loads from its files ({exc}); run 'standing check'") from None
            if story.content_hash != content_hash:
                raise StoryRuntimeError(
                    f"{given}: a scene of the compiled cache is damaged and the story has "
                    "changed since it was loaded; start it again")
            loaded.append(story.scenes)
        return loaded[0]

    return scenes


class _LazyScenes(Mapping):
    """Scenes rebuilt from the cache on first use; read-only like the loader's mapping.

    A scene the entry cannot build (the entry was damaged in a way its checks
    did not see) is taken from the story loaded from its YAML instead.
    """

    __slots__ = ("_raw", "_build", "_made", "_fallback")

    def __init__(self, raw: dict[str, list], build,
                 fallback: Callable[[], Mapping[str, m.Scene]]) -> None:
        self._raw = raw
        self._build = build
        self._made: dict[str, m.Scene] = {}
        self._fallback = fallback

    def __getitem__(self, sid: str) -> m.Scene:
        made = self._made.get(sid)
        if made is None:
            raw = self._raw[sid]  # an unknown scene: KeyError, as for any mapping
            try:
                made = self._build(sid, raw)
                if not isinstance(made, m.Scene) or made.id != sid:
                    raise _Damaged(sid)
            except _DAMAGE:
                made = self._fallback()[sid]
            self._made[sid] = made
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, sid: object) -> bool:
        return sid in self._raw

    def outline(self) -> tuple[m.SceneOutline, ...]:
        """``Story.outline`` from the cached data, building no scene."""
        chapter, ending = _SCENE(m.Scene, "chapter"), _SCENE(m.Scene, "ending")
        goto, choices = _SCENE(m.Scene, "goto"), _SCENE(m.Scene, "choices")
        return tuple(m.SceneOutline(sid, d[chapter], d[ending] is not None, d[goto],
                                     tuple(c[0] for c in d[choices]))
                     for sid, d in self._raw.items())
