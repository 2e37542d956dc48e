"""Safe YAML reading that keeps every value's line and column.

The file is composed into PyYAML nodes (libyaml's C parser when present), then
inspected before anything else looks at it: unknown tags (``!!python/...``),
a mapping or list reached twice through aliases (the "billion laughs" bomb),
plain values repeated through aliases beyond ``MAX_ALIASED`` characters in
all, a value longer than ``MAX_SCALAR`` and nesting deeper than any story
needs are refused. Values are converted on
demand by :class:`Reader`, which collects errors instead of stopping at the
first one.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Callable, Iterable

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.errors import Location, StoryError
from game.story import yamlhints

try:  # the PyPI wheel ships libyaml; fall back to pure Python without it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32
MAX_ERRORS = 50
MAX_SCALAR = 100_000
"""Longest value (text, expression, name), in characters."""
MAX_ALIASED = 1_000_000
"""Most characters that aliases (``*name``) may repeat, over a whole file."""
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&", re.M)
"""Where an anchor (``&name``) could start (and a few places in prose too)."""

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = TAG + "str", TAG + "int", TAG + "float", TAG + "bool", TAG + "null"
SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TAG + "timestamp"}
CONTAINER_TAGS = {TAG + "map", TAG + "seq"}

_constructor = SafeConstructor()


def suggest(word: str, options: Iterable[str]) -> str:
    """A "did you mean" suffix for an unknown word, or ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def kind_of(node: Node) -> str:
    """How an author would name what a node holds."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "nothing"
    if node.tag in (INT, FLOAT):
        return "a number"
    if node.tag == BOOL:
        return "true/false"
    return "text"


_EXPONENT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+")
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NUMERIC = re.compile(r"[-+]?(?:\d[\d_]*)?\.?\d+(?:[eE][-+]?\d+)?")


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "..."


def number_hint(node: Node) -> str:
    """Why text that looks like a number is text to YAML, and how to write the number
    ('' when it does not look like one)."""
    if not isinstance(node, ScalarNode) or node.tag != STR:
        return ""
    text = node.value.strip()
    if _GROUPED.fullmatch(text):
        plain = text.replace(",", "")
        return (f" (YAML reads {_shown(text)} as text: write it without commas, {plain}, "
                "or with _ between the thousands)")
    quoted = node.style in ("'", '"')
    if node.style and not quoted:
        return ""
    if _EXPONENT.fullmatch(text):
        mantissa, _, power = text.lower().partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        written = f"{mantissa}e{int(power):+d}"
        if quoted and written == text:
            return f" (the quotes make {_shown(text)} text: write it without them)"
        return (f" (YAML reads {_shown(text)} as text: write {written}"
                f"{' without quotes' if quoted else ''}, with a dot and a sign in the "
                "exponent, or the number in full)")
    if quoted and _NUMERIC.fullmatch(text):
        return f" (the quotes make {_shown(text)} text: write it without them)"
    return ""


class Source:
    """One story file's text, for turning offsets and marks into locations."""

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text = text
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The file's lines, split once on first use."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def at(self, node: Node) -> Location:
        """The location where a node starts."""
        mark = node.start_mark
        return Location(self.display, mark.line + 1, mark.column + 1)

    def locator(self, node: Node) -> Callable[[int], Location]:
        """Map a character offset inside a scalar's value to a file location."""
        mark = node.start_mark
        line, column = mark.line + 1, mark.column + 1
        style = getattr(node, "style", None)
        display = self.display
        if style in ("|", ">"):
            indent = self._block_indent(mark.line + 1)

            def locate_block(offset: int) -> Location:
                value = node.value
                row = value.count("\n", 0, offset) if style == "|" else 0
                col = offset - (value.rfind("\n", 0, offset) + 1) if style == "|" else 0
                return Location(display, line + 1 + row, indent + 1 + col)

            return locate_block
        shift = 1 if style in ("'", '"') else 0

        def locate_inline(offset: int) -> Location:
            return Location(display, line, column + shift + offset)

        return locate_inline

    def _block_indent(self, first: int) -> int:
        for text in self.lines[first:]:
            if text.strip():
                return len(text) - len(text.lstrip(" "))
        return 0


def read_utf8(path: Path, display: str, folder: str, too_big: str = "") -> tuple[str, bytes]:
    """A text file's text and bytes; StoryError (one line) when it cannot be read.

    Args:
        path: the file.
        display: how errors name the file.
        folder: the message when ``path`` is a folder.
        too_big: added to the message for a file over the size cap.
    """
    start = Location(display, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            # Rounded up, to one decimal: a file over the cap never reads as equal to it.
            tenths = -(-size * 10 // (1024 * 1024))
            raise StoryError(
                f"the file is {tenths // 10}.{tenths % 10} MB; files may be at most "
                f"{MAX_BYTES / (1024 * 1024):g} MB{too_big}",
                start,
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise StoryError(folder, start) from None
    except FileNotFoundError:
        raise StoryError("no such file", start) from None
    except OSError as exc:
        raise StoryError(f"cannot read the file: {exc.strerror or exc}", start) from None
    try:
        return data.decode("utf-8"), data
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise StoryError(
            "the file is not UTF-8 text; save it as UTF-8 in your editor",
            Location(display, line, column),
        ) from None


def read_file(path: Path, display: str) -> tuple[Source, MappingNode, bytes]:
    """Read, decode, parse and inspect one story file; raise StoryError."""
    start = Location(display, 1, 1)
    text, data = read_utf8(path, display, "is a folder without a story.yaml in it",
                           " (split it with include:)")
    if text.startswith("\ufeff"):
        text = text[1:]
    source = Source(display, text)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in source.lines
    ):
        raise StoryError("the file is empty", start)
    root = _compose(source)
    inspect(source, root)
    if not isinstance(root, MappingNode):
        raise StoryError(
            f"a story file must be a mapping of keys (title:, scenes:, ...), not {kind_of(root)}",
            source.at(root),
        )
    return source, root, data


def _compose(source: Source) -> Node:
    try:
        node = yaml.compose(source.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        tab = _tab_indent(source, mark.line + 1 if mark else len(source.lines))
        if tab is not None:
            raise StoryError(
                "a tab is used for indentation; YAML needs spaces", tab
            ) from None
        where = (
            Location(source.display, mark.line + 1, mark.column + 1)
            if mark
            else Location(source.display, 1, 1)
        )
        if mark is not None:
            hint = yamlhints.explain(source.display, source.text, (mark.line, mark.column),
                                     f"{exc.problem} {exc.context}", _stops_at)
            if hint is not None:
                raise StoryError(f"malformed YAML: {hint[0]}", hint[1]) from None
        problem = exc.problem or exc.context or "malformed YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise StoryError(f"malformed YAML: {problem}{context}", where) from None
    except yaml.YAMLError as exc:
        raise StoryError(f"malformed YAML: {exc}", Location(source.display, 1, 1)) from None
    except RecursionError:
        raise StoryError(
            f"the file is nested too deeply (more than {MAX_DEPTH} levels)",
            Location(source.display, 1, 1),
        ) from None
    if node is None:
        raise StoryError("the file is empty", Location(source.display, 1, 1))
    return node


def _stops_at(text: str) -> tuple[int, int] | None:
    """Where parsing ``text`` fails (0-based line, column), or None when it parses."""
    try:
        yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line, mark.column) if mark else (0, 0)
    except (yaml.YAMLError, RecursionError):
        return (0, 0)
    return None


def _tab_indent(source: Source, up_to: int) -> Location | None:
    for number, text in enumerate(source.lines[: up_to + 1], start=1):
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in indent:
            return Location(source.display, number, indent.index("\t") + 1)
    return None


def inspect(source: Source, root: Node) -> None:
    """Refuse tags, aliased containers and deep nesting before anything walks the tree."""
    seen: set[int] = set()
    # Only a file with an anchor can repeat a value, and only one longer than the
    # cap can hold a value over it (escapes and folding only shorten): most files
    # skip both checks.
    scalars: set[int] | None = set() if _ANCHOR.search(source.text) else None
    long = len(source.text) > MAX_SCALAR
    aliased = 0  # characters repeated through aliases of plain values
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ScalarNode):
            if node.tag not in SCALAR_TAGS:
                raise StoryError(_tag_message(node.tag), source.at(node))
            if long and len(node.value) > MAX_SCALAR:
                raise StoryError(
                    f"this value is {len(node.value):,} characters long; a value may "
                    f"be at most {MAX_SCALAR:,} (split the text into scenes or "
                    "paragraphs)", source.at(node))
            if scalars is not None:
                if id(node) in scalars:  # reached again: through an alias
                    aliased += len(node.value)
                    if aliased > MAX_ALIASED:
                        raise StoryError(
                            f"aliases (*) repeat more than {MAX_ALIASED:,} characters in "
                            "all; this anchored value is one of them: write it out where "
                            "it is needed, or shorten it", source.at(node))
                else:
                    scalars.add(id(node))
            continue
        if node.tag not in CONTAINER_TAGS:
            raise StoryError(_tag_message(node.tag), source.at(node))
        if id(node) in seen:
            raise StoryError(
                "a YAML alias repeats a mapping or list; anchors (&) and aliases (*) "
                "may only repeat plain values",
                source.at(node),
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise StoryError(
                f"nested too deeply (more than {MAX_DEPTH} levels)", source.at(node)
            )
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if key.tag == TAG + "merge":
                    raise StoryError("merge keys (<<) are not supported", source.at(key))
                stack.append((value, depth + 1))
                stack.append((key, depth + 1))
        else:
            stack.extend((item, depth + 1) for item in node.value)


_COMMENT_AFTER = re.compile(r"[ \t]+#")

CUT_BY_COMMENT = ("the text stops before ' #': YAML reads the rest as a comment; "
                  "put the whole text in quotes")
"""The warning for a plain text followed by a comment on its line (``comment_cut``)."""


def comment_cut(source: Source, node: Node) -> Location | None:
    """Where a plain (unquoted) value is followed by `` #`` on its last line, or None.

    YAML reads `` # ...`` after a plain value as a comment, so ``text: It is # best``
    is the text "It is". Quoted and block (``|``, ``>``) values keep their ``#``.
    """
    if not isinstance(node, ScalarNode) or node.style:  # plain: None, or "" from libyaml
        return None
    end = node.end_mark
    lines = source.lines
    if end.line >= len(lines):
        return None
    found = _COMMENT_AFTER.match(lines[end.line], end.column)
    if found is None:
        return None
    return Location(source.display, end.line + 1, found.end())


def _tag_message(tag: str) -> str:
    short = "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag
    hint = "" if short.startswith("!!") else "; if it is text, put the whole text in quotes"
    return f"the YAML tag {short} is not allowed in a story{hint}"


class Reader:
    """Converts inspected nodes to Python values, collecting errors as it goes."""

    def __init__(self, source: Source, errors: list[StoryError]) -> None:
        self.source = source
        self.errors = errors

    def error(self, message: str, node: Node | Location) -> None:
        """Record an error (up to the cap)."""
        if len(self.errors) < MAX_ERRORS:
            at = node if isinstance(node, Location) else self.source.at(node)
            self.errors.append(StoryError(message, at))

    def at(self, node: Node) -> Location:
        """Where a node starts."""
        return self.source.at(node)

    def mapping(
        self,
        node: Node,
        what: str,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
        unknown: Callable[[Node, Node], str | None] | None = None,
    ) -> dict[str, tuple[Node, Node]] | None:
        """Keys of a mapping node -> (key node, value node); None on error.

        ``unknown`` may explain a key that is not allowed (given its key and
        value nodes) better than "unknown key" does.
        """
        if not isinstance(node, MappingNode):
            if node.tag == NULL and not required:
                return {}
            self.error(f"{what} should be a mapping (key: value), not {kind_of(node)}", node)
            return None
        allowed_set = set(allowed) if allowed is not None else None
        out: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag == NULL:
                self.error(f"a key in {what} must be a plain name", key)
                continue
            name = key.value
            if name in out:
                first = out[name][0].start_mark.line + 1
                self.error(f"duplicate key '{name}' in {what} (first at line {first})", key)
                continue
            if allowed_set is not None and name not in allowed_set:
                better = unknown(key, value) if unknown is not None else None
                self.error(
                    better or f"unknown key '{name}' in {what}{suggest(name, allowed_set)}", key
                )
                continue
            out[name] = (key, value)
        missing = [k for k in required if k not in out]
        for name in missing:
            self.error(f"{what} needs '{name}:'", node)
        return out

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        """Items of a list node; None on error."""
        if not isinstance(node, SequenceNode):
            self.error(f"{what} should be a list, not {kind_of(node)}", node)
            return None
        return list(node.value)

    def text(self, node: Node, what: str) -> str | None:
        """A scalar as text (numbers and yes/no keep their spelling)."""
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            self.error(f"{what} should be text, not {kind_of(node)}"
                       f"{yamlhints.flow_hint(self.source.lines, node)}", node)
            return None
        return node.value

    def number(self, node: Node, what: str) -> float | int | None:
        """A number scalar."""
        if isinstance(node, ScalarNode) and node.tag in (INT, FLOAT):
            build = (
                _constructor.construct_yaml_int
                if node.tag == INT
                else _constructor.construct_yaml_float
            )
            try:
                value = build(node)
            except (ValueError, yaml.YAMLError):
                value = None
            if isinstance(value, (int, float)) and value == value and abs(value) < 2**53:
                return value
            if isinstance(value, (int, float)):
                self.error(f"{what} should be a finite number of at most 15 digits, not "
                           f"{_shown(node.value)}", node)
                return None
        self.error(f"{what} should be a number, not {kind_of(node)}{number_hint(node)}", node)
        return None

    def boolean(self, node: Node, what: str) -> bool | None:
        """A true/false scalar."""
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            return bool(_constructor.construct_yaml_bool(node))
        self.error(f"{what} should be true or false, not {kind_of(node)}", node)
        return None

    def value(self, node: Node, what: str) -> int | float | str | bool | None:
        """A plain value: number, text or true/false."""
        if isinstance(node, ScalarNode):
            if node.tag in (INT, FLOAT):
                return self.number(node, what)
            if node.tag == BOOL:
                return self.boolean(node, what)
            if node.tag != NULL:
                return node.value
        self.error(f"{what} should be a number, text or true/false, not {kind_of(node)}", node)
        return None

    def ident(self, node: Node, what: str, pattern: re.Pattern[str]) -> str | None:
        """An id matching the format's id pattern."""
        if isinstance(node, ScalarNode) and node.tag == BOOL and not node.style:
            self.error(
                f"'{node.value}' as a {what} is read as true/false by YAML; "
                f"write it in quotes: \"{node.value}\"", node)
            return None
        name = self.text(node, what)
        if name is None:
            return None
        if not pattern.fullmatch(name):
            self.error(
                f"'{name}' is not a valid {what}: use lowercase letters, digits and _, "
                "starting with a letter",
                node,
            )
            return None
        return name
