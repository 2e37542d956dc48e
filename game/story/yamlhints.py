"""Turn PyYAML's parser errors into messages a beginner can act on.

PyYAML reports where it gave up, which is often lines after the slip: an
unclosed quote swallows everything up to the next quote. Here each common slip
is recognised from the source text and, where it matters, confirmed by parsing
again with the fix applied; the message then names the fix and points at the
line and column where the mistake starts.

Only used on the error path: a story that parses never comes here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from yaml.nodes import MappingNode, Node, SequenceNode

from game.errors import Location

MAX_PROBE_BYTES = 1024 * 1024
"""Files larger than this are not parsed again to confirm a guess."""
MAX_PROBES = 6
"""How many candidate fixes are tried at most."""

Parses = Callable[[str], "tuple[int, int] | None"]
"""Parse a text: None when it parses, else the (line, column) where the parser gave up."""

# A line's key or list-item prefix, then its value: "  - text: value", "  key: value".
_VALUE = re.compile(
    r"""^(?P<lead>[ ]*(?:-[ ]+)*)"""
    r"""(?:(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-{\[][^#]*?|-[^\s#][^#]*?):(?:[ \t]+|$))?"""
    r"""(?P<value>.*)$"""
)


_SPECIAL_STARTS = {
    "{": "is read by YAML as a mapping ({key: value})",
    "[": "is read by YAML as a list ([a, b])",
    "*": "is read by YAML as an alias (*name, a copy of an &anchor)",
    "&": "is read by YAML as an anchor (&name)",
    "@": "is not allowed by YAML",
    "`": "is not allowed by YAML",
    "%": "is not allowed by YAML",
}
"""Characters that give a value's start a meaning in YAML, and what they mean."""


def _value_start(line: str) -> tuple[int, str] | None:
    """Where the value of a ``key: value`` or ``- value`` line starts, and its text."""
    match = _VALUE.match(line)
    if not match:
        return None
    value = match.group("value")
    if not value.strip():
        return None
    return match.start("value"), value


def _closes(value: str) -> bool:
    """Whether a quoted value opened at value[0] is closed on the same line."""
    quote = value[0]
    i = 1
    while i < len(value):
        ch = value[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and value.startswith("''", i):
                i += 2
                continue
            return True
        i += 1
    return False


def quoted(text: str) -> str:
    """``text`` as a YAML quoted scalar an author can paste."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


class _Explainer:
    """One failed parse: the lines, where the parser stopped, and a way to parse again."""

    def __init__(self, display: str, lines: list[str], parses: Parses | None,
                 stop: tuple[int, int], problem: str) -> None:
        self.display = display
        self.lines = lines
        self.parses = parses
        self.stop = stop  # 0-based line and column where the parser gave up
        self.problem = problem
        self.probes = 0

    def at(self, line: int, column: int) -> Location:
        return Location(self.display, line + 1, column + 1)

    def fixes(self, number: int, replacement: str) -> bool:
        """Whether replacing line ``number`` lets the parse go past where it stopped."""
        if self.parses is None or self.probes >= MAX_PROBES:
            return False
        self.probes += 1
        lines = list(self.lines)
        lines[number] = replacement
        after = self.parses("\n".join(lines))
        return after is None or after > self.stop

    # -- the slips, most specific first

    def explain(self) -> tuple[str, Location] | None:
        for finder in (self.unclosed_quote, self.colon_in_text, self.flow_value,
                       self.indentation):
            found = finder()
            if found is not None:
                return found
        return None

    def unclosed_quote(self) -> tuple[str, Location] | None:
        """A value opened with a quote that its line never closes."""
        last = min(self.stop[0], len(self.lines) - 1)
        for number in range(0, last + 1):
            line = self.lines[number]
            start = _value_start(line)
            if start is None:
                continue
            column, value = start
            if value[0] not in "'\"" or _closes(value):
                continue
            quote = value[0]
            if not self.fixes(number, line.rstrip() + quote):
                continue
            name = "double" if quote == '"' else "single"
            return (f"the {name} quote ({quote}) opened here is never closed; "
                    f"add a {quote} at the end of the text",
                    self.at(number, column))
        return None

    def colon_in_text(self) -> tuple[str, Location] | None:
        """``text: Note: this`` – a ': ' inside plain text reads as a second key."""
        if "mapping values are not allowed" not in self.problem:
            return None
        number = self.stop[0]
        if number >= len(self.lines):
            return None
        line = self.lines[number]
        start = _value_start(line)
        if start is None:
            return None
        column, value = start
        text = value.rstrip()
        return (f"this text has ': ' in it, which YAML reads as another key; put the "
                f"whole text in quotes: {quoted(text)}", self.at(number, column))

    def flow_value(self) -> tuple[str, Location] | None:
        """A value starting with a character YAML gives a meaning: ``{``, ``[``, ``*``..."""
        last = min(self.stop[0], len(self.lines) - 1)
        for number in range(last, max(-1, last - 30), -1):
            line = self.lines[number]
            start = _value_start(line)
            if start is None:
                continue
            column, value = start
            what = _SPECIAL_STARTS.get(value[0])
            if what is None:
                continue
            text = value.rstrip()
            if not self.fixes(number, line[:column] + quoted(text)):
                continue
            why = (" ({EXPR} in text is fine once the whole text is quoted)"
                   if value[0] == "{" else "")
            return (f"a value starting with {value[0]} {what}; if it is text, put the whole "
                    f"text in quotes: {quoted(text)}{why}", self.at(number, column))
        return None

    def indentation(self) -> tuple[str, Location] | None:
        """A key indented to a depth that lines up with no key above it."""
        number = self.stop[0]
        if number >= len(self.lines) or not _is_content(self.lines[number]):
            return None
        if not any(words in self.problem for words in _INDENT_PROBLEMS):
            return None
        line = self.lines[number]
        dash = line.lstrip().startswith("- ")
        own = _indent(line) if dash else _key_indent(line)
        above = next((self.lines[back] for back in range(number - 1, -1, -1)
                      if _is_content(self.lines[back])), None)
        if above is not None and re.search(r":[ \t]*(?:[|>][-+0-9]*)?[ \t]*(?:#.*)?$", above) \
                and own > _key_indent(above):
            return None  # the first line under a key may be indented as deep as it likes
        # The places open above this line: each earlier line less indented than the last.
        open_: list[tuple[int, int]] = []  # (indent, line number)
        limit: int | None = None
        for back in range(number - 1, -1, -1):
            above = self.lines[back]
            if not _is_content(above):
                continue
            key = _key_indent(above)
            if limit is None or key < limit:
                open_.append((key, back))
                if dash and _indent(above) != key:
                    open_.append((_indent(above), back))
                limit = _indent(above)
            if limit == 0:
                break
        indents = {i for i, _ in open_}
        if not open_ or own in indents:
            return None
        best = min(abs(i - own) for i in indents)
        near = sorted({(i, n) for i, n in open_ if abs(i - own) == best}, reverse=True)
        options = " or ".join(
            f"{i} space{'s' * (i != 1)} (like '{_shown(self.lines[n], i)}' on line {n + 1})"
            for i, n in near)
        return (f"this line is indented {own} space{'s' * (own != 1)}, which lines up with "
                f"nothing above it (YAML reads what belongs where from the indentation); "
                f"indent it {options}",
                self.at(number, _indent(line)))


_INDENT_PROBLEMS = ("expected key", "expected <block end>", "expected '-' indicator",
                    "mapping values are not allowed")
"""The parser's words when a line is at a depth that fits nothing."""


def _shown(line: str, indent: int) -> str:
    """The part of a line that starts at ``indent``, shortened."""
    return line[indent:].strip()[:30] if _indent(line) < indent else line.strip()[:30]


def _key_indent(line: str) -> int:
    """Indent of a line's key: a list item's key counts from after its '- '."""
    match = re.match(r"^([ ]*(?:-[ ]+)*)", line)
    return len(match.group(1)) if match else _indent(line)


def explain(display: str, text: str, stop: tuple[int, int], problem: str,
            parses: Parses | None) -> tuple[str, Location] | None:
    """A message naming the fix, at the place the mistake starts; None when unsure.

    Args:
        display: how the file is named in the message.
        text: the file's text.
        stop: 0-based line and column where the parser gave up.
        problem: the parser's own words, for recognising the kind of slip.
        parses: parses a text again (for confirming a guess), or None not to.
    """
    if len(text) > MAX_PROBE_BYTES:
        parses = None
    return _Explainer(display, text.split("\n"), parses, stop, problem).explain()


def flow_hint(lines: list[str], node: Node) -> str:
    """For a text that YAML read as a mapping or list: how to quote it, or ''."""
    if not isinstance(node, (MappingNode, SequenceNode)) or not node.flow_style:
        return ""
    start, end = node.start_mark, node.end_mark
    if start.line != end.line or start.line >= len(lines):
        return ""
    line = lines[start.line]
    found = _value_start(line)
    if found is None or found[0] != start.column:
        return ""
    what = "a mapping" if isinstance(node, MappingNode) else "a list"
    text = found[1].rstrip()
    return (f"; a value starting with {text[0]} is read by YAML as {what}: "
            f"put the whole text in quotes: {quoted(text)}")
