"""``import``: a Twee 3 file (Twine's text format) to a Standing story.

Passages become scenes, links become choices, passages without links become
endings. What cannot be translated (story-format macros, setter links) stays
in the text as it was written, with braces escaped because our text
interpolates ``{...}``, and one warning per passage names it.

Twee 3: https://github.com/iftechfoundation/twine-specs (twee-3-specification.md).
Links are read as Twine 2 reads them: the rightmost ``->``, else the leftmost
``<-``, else the rightmost ``|`` divides text from target; ``][`` starts a setter.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

import yaml

from game.authoring.check import Diagnostic
from game.authoring.twine_logic import (
    Analysis,
    Assignment,
    Code,
    VarTable,
    analyse,
    as_expression,
    chapbook_vars,
    combine,
    html_to_text,
    paren_end,
    parse_assignments,
    strip_comments,
    translate_condition,
)
from game.errors import Location, StandingError, StoryError
from game.story.loader import slug
from game.story.yamlread import read_utf8

ENDING_TAGS = ("good", "bad", "mixed")
CODE_TAGS = ("script", "stylesheet")
# Passages the story formats treat as code or page furniture, not as places.
SUGARCUBE_SPECIAL = frozenset({
    "StoryInit", "StoryCaption", "StoryMenu", "StoryBanner", "StorySubtitle",
    "StoryAuthor", "StoryDisplayTitle", "StoryInterface", "StoryShare",
    "PassageReady", "PassageDone", "PassageHeader", "PassageFooter",
    "StorySettings", "StoryIncludes",
})
HARLOWE_SPECIAL_TAGS = frozenset({
    "header", "footer", "startup", "debug-header", "debug-footer", "debug-startup",
})
FORMATS = ("harlowe", "sugarcube", "chapbook", "snowman")

Warn = Callable[[Diagnostic], None]

_LINK = re.compile(r"\[\[(.*?)\]\]")
_EXTERNAL = re.compile(r"^\w+:///?\w")
_HARLOWE_MACRO = re.compile(r"\(([A-Za-z][\w-]*):")
_SUGARCUBE_MACRO = re.compile(r"<<\s*([A-Za-z][\w-]*)")
_SNOWMAN_CODE = re.compile(r"<%[=-]?")
_CHAPBOOK_INSERT = re.compile(r"\{([^{}\n]*)\}")
_CHAPBOOK_MODIFIER = re.compile(r"^\[([A-Za-z][^\]\n]*)\]\s*$", re.M)
_CHAPBOOK_VARS = re.compile(r"\A(?:[^\n]*:[^\n]*\n)+--\s*(?:\n|\Z)")
_LINK_LIST_LEFTOVER = re.compile(r"^[\s|/•*·,;-]*$")


@dataclass(frozen=True, slots=True)
class Passage:
    """One passage of a Twee file, as written."""

    name: str
    tags: tuple[str, ...]
    text: str
    line: int
    file: str = ""
    """The file the passage is in (a project may have several)."""
    body_line: int = 0
    """The line of the text's first character (0: the line after the header)."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in a passage: what it shows, where it goes, where it stood."""

    text: str
    target: str
    start: int
    end: int
    setter: bool
    code: str = ""
    """A setter link's code (``[[Go|Hall][$x to 1]]``: ``$x to 1``)."""


@dataclass
class Result:
    """A converted story: the YAML data, the passage -> scene id map, the warnings."""

    data: dict[str, Any]
    ids: dict[str, str]
    warnings: list[Diagnostic] = field(default_factory=list)
    story_format: str = ""
    vars: dict[str, str] = field(default_factory=dict)
    """Twine variable name -> var id, for the vars the story uses."""


# -- reading Twee -------------------------------------------------------------------


def read_twee(path: Path, display: str | None = None) -> str:
    """The text of a Twee file; StoryError (one line) when it cannot be read."""
    text, _data = read_utf8(path, display or str(path), "is a folder, not a Twee file")
    return text.removeprefix("\ufeff")


def parse_twee(text: str, display: str) -> tuple[list[Passage], list[Diagnostic]]:
    """Split Twee source into passages, in file order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    passages: list[Passage] = []
    warnings: list[Diagnostic] = []
    # None before the first header; False after a header that had to be skipped
    header: tuple[str, tuple[str, ...], int] | bool | None = None
    body: list[str] = []

    def finish() -> None:
        if header is None:
            if any(line.strip() for line in body):
                warnings.append(_warn(display, 1, "twee-preamble",
                                      "text before the first passage header (::) is ignored"))
            return
        if header is False:
            return
        name, tags, number = header
        joined = "\n".join(re.sub(r"^\\:", ":", line) for line in body)
        content = joined.strip()
        skipped = joined[: len(joined) - len(joined.lstrip())].count("\n")
        passages.append(Passage(name, tags, content, number, display, number + 1 + skipped))

    for number, line in enumerate(lines, start=1):
        if not line.startswith("::"):
            body.append(line)
            continue
        finish()
        body = []
        parsed = _header(line, display, number, warnings)
        header = (parsed[0], parsed[1], number) if parsed else False
    finish()
    return passages, warnings


def _header(line: str, display: str, number: int,
            warnings: list[Diagnostic]) -> tuple[str, tuple[str, ...]] | None:
    """Name and tags of a ``:: Name [tags] {metadata}`` line; None when it has no name."""
    i, n = 2, len(line)
    while i < n and line[i] in " \t":
        i += 1
    name: list[tuple[str, bool]] = []  # (character, escaped)
    while i < n and line[i] not in "[{":
        if line[i] == "\\" and i + 1 < n:
            name.append((line[i + 1], True))
            i += 2
        else:
            name.append((line[i], False))
            i += 1
    while name and not name[-1][1] and name[-1][0].isspace():
        name.pop()
    passage = "".join(ch for ch, _ in name)
    if not passage.strip():
        warnings.append(_warn(display, number, "twee-header",
                              "a passage header with no name; the passage is skipped"))
        return None
    tags: list[str] = []
    if i < n and line[i] == "[":
        i += 1
        current: list[str] = []
        closed = False
        while i < n:
            ch = line[i]
            if ch == "\\" and i + 1 < n:
                current.append(line[i + 1])
                i += 2
                continue
            i += 1
            if ch == "]":
                closed = True
                break
            if ch.isspace():
                if current:
                    tags.append("".join(current))
                current = []
            else:
                current.append(ch)
        if current:
            tags.append("".join(current))
        if not closed:
            warnings.append(_warn(display, number, "twee-header",
                                  f"passage '{passage}': the tag block has no closing ]"))
    rest = line[i:].strip()
    if rest:
        try:
            if not rest.startswith("{"):
                raise ValueError
            json.loads(rest)
        except ValueError:
            warnings.append(_warn(display, number, "twee-metadata",
                                  f"passage '{passage}': metadata is not valid JSON; ignored"))
    return passage, tuple(tags)


def find_links(text: str) -> list[Link]:
    """Every ``[[...]]`` link in passage text, read as Twine 2 reads them."""
    links = []
    for match in _LINK.finditer(text):
        inner = match.group(1)
        setter = "][" in inner
        code = ""
        if setter:
            inner, code = inner.split("][", 1)
        if "->" in inner:
            shown, target = inner.rsplit("->", 1)
        elif "<-" in inner:
            target, shown = inner.split("<-", 1)
        elif "|" in inner:
            shown, target = inner.rsplit("|", 1)
        else:
            shown = target = inner
        links.append(Link(shown.strip() or target.strip(), target, match.start(),
                          match.end(), setter, code))
    return links


# -- converting ------------------------------------------------------------------------


def scene_id(name: str, taken: set[str]) -> str:
    """A scene id for a passage name: slugged, unique among ``taken`` (which it joins)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:40].rstrip("_")
    if not base:
        base = "passage"
    elif not base[0].isalpha():
        base = "p_" + base
    found, count = base, 1
    while found in taken:
        count += 1
        found = f"{base}_{count}"
    taken.add(found)
    return found


def escape_braces(text: str) -> str:
    """Our text reads ``{EXPR}``; a Twee brace is a literal one."""
    return text.replace("{", "{{").replace("}", "}}")


def macros_in(text: str, story_format: str) -> list[str]:
    """The story-format macros in a passage's text, named once each, in order."""
    names: list[str] = []
    for _, name in _macro_hits(text, story_format):
        if name not in names:
            names.append(name)
    return names


def _macro_hits(text: str, story_format: str) -> list[tuple[int, str]]:
    """Every story-format macro in a text: (offset, name), in order."""
    kinds = [story_format] if story_format in FORMATS else list(FORMATS)
    found: list[tuple[int, str]] = []
    if "harlowe" in kinds:
        found += [(m.start(), f"({m.group(1)}:)") for m in _HARLOWE_MACRO.finditer(text)]
    if "sugarcube" in kinds:
        found += [(m.start(), f"<<{m.group(1)}>>") for m in _SUGARCUBE_MACRO.finditer(text)]
    if "snowman" in kinds:
        found += [(m.start(), "<% %>") for m in _SNOWMAN_CODE.finditer(text)]
    if "chapbook" in kinds:
        vars_section = _CHAPBOOK_VARS.match(text)
        if vars_section:
            found.append((0, "vars section (--)"))
        for m in _CHAPBOOK_INSERT.finditer(text):
            inner = m.group(1).strip()
            if inner:
                found.append((m.start(), "{" + inner.split(":")[0].strip()[:30] + "}"))
        found += [(m.start(), f"[{m.group(1).split()[0]}]")
                  for m in _CHAPBOOK_MODIFIER.finditer(text)]
    return sorted(found)


_BOLD = re.compile(r"''(?=\S)(.+?)(?<=\S)''")
_ITALIC = re.compile(r"(?<![:/\w])//(?=\S)(.+?)(?<=\S)//(?!/)")
"""Harlowe's and SugarCube's ''bold'' and //italic// (not the // of an address)."""


def emphasis(text: str, story_format: str) -> str:
    """Harlowe's and SugarCube's ''bold'' and //italic// as Markdown's **bold** and *italic*.

    Lines with macros are left as they are: their code is kept for the author to
    rewrite, and changing it would hide what it was.
    """
    if story_format not in ("harlowe", "sugarcube"):
        return text  # Chapbook and Snowman write Markdown already
    lines = []
    for line in text.split("\n"):
        if not macros_in(line, story_format):
            line = _ITALIC.sub(r"*\1*", _BOLD.sub(r"**\1**", line))
        lines.append(line)
    return "\n".join(lines)


def _format_of(story_data: dict[str, Any]) -> str:
    raw = str(story_data.get("format", "")).lower().replace(" ", "")
    return next((f for f in FORMATS if f in raw), raw)


def convert(passages: list[Passage], display: str, fallback_title: str,
            warnings: list[Diagnostic] | None = None) -> Result:
    """Turn parsed passages into story data that ``load_story`` accepts."""
    result = Result({}, {}, list(warnings or []))
    warn = result.warnings.append
    title, author = None, None
    story_data: dict[str, Any] = {}
    story: list[Passage] = []
    seen: dict[str, Passage] = {}
    for passage in passages:
        where = passage.file or display
        if passage.name in seen:
            first = seen[passage.name]
            at = f"line {first.line}" if first.file == passage.file else \
                f"{first.file or display}:{first.line}"
            warn(_warn(where, passage.line, "twee-duplicate",
                       f"passage '{passage.name}' appears twice (first at {at}); "
                       "the second is skipped"))
            continue
        seen[passage.name] = passage
        if passage.name == "StoryTitle":
            title = " ".join(passage.text.split())
        elif passage.name == "StoryData":
            try:
                loaded = json.loads(passage.text or "{}")
                if not isinstance(loaded, dict):
                    raise ValueError
                story_data = loaded
            except ValueError:
                warn(_warn(where, passage.line, "twee-storydata",
                           "StoryData is not a JSON object; ignored"))
        else:
            story.append(passage)
    story_format = _format_of(story_data)
    result.story_format = str(story_data.get("format", ""))
    bodies = _expand_all(story, story_format, display, warn)
    linked = {name for p in story for link in find_links(bodies[p.name].text)
              for name in (link.target, link.target.strip())}
    included = {name for body in bodies.values() for name in body.included}
    kept: list[Passage] = []
    inits: list[Passage] = []
    for passage in story:
        if _is_init(passage, story_format) and passage.name not in linked:
            inits.append(passage)
            continue
        reason = _skip_reason(passage, story_format, linked)
        if reason is None and passage.name in included and passage.name not in linked \
                and passage.name != story_data.get("start") and passage.name != "Start":
            continue  # its text is inlined where it is included: not a place of its own
        if reason is None:
            kept.append(passage)
            continue
        if passage.name == "StoryAuthor" and passage.text and not macros_in(passage.text, ""):
            author = " ".join(passage.text.split())
            reason += ", read as the author"
        warn(_warn(passage.file or display, passage.line, "twee-skipped",
                   f"passage '{passage.name}' is {reason}; it is not a scene"))
    if not kept:
        raise StoryError("no story passages found (a passage starts with a line '::Name')",
                         Location(display, 1, 1))
    start = _start(kept, story_data, display, warn)
    ordered = [start] + [p for p in kept if p is not start]
    taken: set[str] = set()
    ids = {p.name: scene_id(p.name, taken) for p in ordered}
    result.ids = ids
    table = VarTable()
    bare = _chapbook_names(story, story_format)
    for passage in inits + ordered:
        _note_types(bodies[passage.name].text, story_format, table)
    for passage in inits:
        _init(passage, bodies[passage.name], story_format, table, display, warn)
    scenes = {ids[p.name]: _scene(p, bodies[p.name], ids, story_format, display, warn,
                                  table, bare) for p in ordered}
    data: dict[str, Any] = {"title": title or fallback_title}
    if author:
        data["author"] = author
    data["start"] = ids[start.name]
    used = [var for var in table.ids.values() if var in table.used]
    for var in table.clashes:
        if var in table.used:
            warn(_warn(display, 1, "twee-var-type",
                       f"var '{var}' is given values of different types (numbers, text, "
                       "true/false); the story format keeps one type per var: fix it by hand"))
    if used:
        data["vars"] = {var: table.start_value(var) for var in used}
        result.vars = {name: var for name, var in table.ids.items() if var in table.used}
    data["scenes"] = scenes
    result.data = data
    # an included passage is read once on its own and once where it is included
    result.warnings = list(dict.fromkeys(result.warnings))
    return result


def _is_init(passage: Passage, story_format: str) -> bool:
    """StoryInit (SugarCube) or a startup-tagged passage (Harlowe): run once, at the start."""
    if story_format in ("sugarcube", "") and passage.name == "StoryInit":
        return True
    return story_format in ("harlowe", "") and "startup" in passage.tags


def _chapbook_names(story: list[Passage], story_format: str) -> frozenset[str]:
    """Chapbook's variables are bare names: the ones its vars sections set."""
    if story_format != "chapbook":
        return frozenset()
    names = set()
    for passage in story:
        for code in analyse(passage.text, "chapbook").code:
            if code.kind == "init":
                names |= {n for n, _v, _line in chapbook_vars(code.body)}
    return frozenset(names)


def _assignments(code: Code, story_format: str) -> list[Assignment] | None:
    if code.kind == "init":
        lines = chapbook_vars(code.body)
        if any(value is None for _n, value, _l in lines):
            return None
        return [(name, "set", value) for name, value, _l in lines]  # type: ignore[misc]
    if code.kind in ("set", "put"):
        return parse_assignments(code.body, story_format, put=code.kind == "put")
    return None


def _note_types(text: str, story_format: str, table: VarTable) -> None:
    """First pass: the type of every var, from the plain values it is given anywhere."""
    for code in analyse(text, story_format).code:
        found = _assignments(code, story_format)
        if code.kind == "init" and found is None:
            found = [(n, "set", v) for n, v, _l in chapbook_vars(code.body) if v is not None]
        for name, op, value in found or []:
            table.note(table.id_of(name), value if op == "set" else 0)


def _init(passage: Passage, body: Body, story_format: str, table: VarTable, display: str,
          warn: Warn) -> None:
    """StoryInit's (or a startup passage's) sets become the vars' start values."""
    analysis = analyse(body.text, story_format)
    leftover = body.text
    for code in sorted(analysis.code, key=lambda c: -c.start):
        found = _assignments(code, story_format)
        if found is None:
            continue
        for name, op, value in found:
            var = table.id_of(name)
            table.used.add(var)
            if op == "set":
                table.initial[var] = value
            else:
                before = table.initial.get(var, 0)
                if isinstance(before, (int, float)) and not isinstance(before, bool):
                    table.initial[var] = before + value  # type: ignore[operator]
        leftover = leftover[:code.start] + leftover[code.end:]
    if leftover.strip():
        where = body.where(len(body.text) - len(body.text.lstrip()))
        warn(_warn(where[0], where[1], "twee-init",
                   f"passage '{passage.name}' runs once at the start; its plain sets became "
                   f"vars:, the rest is not imported: {' '.join(leftover.split())[:60]}"))


@dataclass
class Body:
    """A passage's text with comments removed and includes inlined, and where each part was."""

    text: str
    chunks: list[tuple[int, str, int]]
    """(offset in text, file, line at that offset), in offset order."""
    included: list[str] = field(default_factory=list)

    def where(self, offset: int) -> tuple[str, int]:
        """The file and line of a character of the text."""
        chosen = self.chunks[0]
        for chunk in self.chunks:
            if chunk[0] > offset:
                break
            chosen = chunk
        start, file, line = chosen
        return file, line + self.text.count("\n", start, offset)


MAX_INCLUDE_DEPTH = 8


def _expand_all(story: list[Passage], story_format: str, display: str,
                warn: Warn) -> dict[str, Body]:
    by_name = {p.name: p for p in story}
    return {p.name: _expand(p, by_name, story_format, display, warn, (p.name,))
            for p in story}


def _expand(passage: Passage, by_name: dict[str, Passage], story_format: str, display: str,
            warn: Warn, chain: tuple[str, ...]) -> Body:
    """The passage's text with HTML comments removed and included passages inlined."""
    file = passage.file or display
    text = strip_comments(passage.text)
    first = passage.body_line or passage.line + 1
    own = Body(text, [(0, file, first)])
    includes = [c for c in analyse(text, story_format).code if c.kind == "include"]
    if not includes:
        return own
    out: list[str] = []
    chunks: list[tuple[int, str, int]] = [(0, file, first)]
    included: list[str] = []
    pos = 0
    length = 0
    for code in includes:
        piece = text[pos:code.start]
        out.append(piece)
        length += len(piece)
        target = by_name.get(code.body)
        line = own.where(code.start)[1]
        if target is None or code.body in chain or len(chain) > MAX_INCLUDE_DEPTH:
            why = ("names no passage" if target is None else "includes itself"
                   if code.body in chain else "is nested too deeply")
            warn(_warn(file, line, "twee-include",
                       f"passage '{passage.name}': the include of '{code.body}' {why}; "
                       "it is kept as text"))
            pos = code.start
            continue
        inner = _expand(target, by_name, story_format, display, warn, chain + (code.body,))
        included.append(code.body)
        included += inner.included
        for offset, inner_file, inner_line in inner.chunks:
            chunks.append((length + offset, inner_file, inner_line))
        out.append(inner.text)
        length += len(inner.text)
        pos = code.end
        chunks.append((length, file, own.where(code.end)[1]))
    out.append(text[pos:])
    return Body("".join(out), chunks, included)


def _skip_reason(passage: Passage, story_format: str, linked: set[str]) -> str | None:
    code = [t for t in passage.tags if t in CODE_TAGS]
    if code:
        return f"tagged {code[0]} (code, not a place in the story)"
    if passage.name in linked:
        return None
    if story_format in ("sugarcube", "") and passage.name in SUGARCUBE_SPECIAL:
        return "a special passage of SugarCube"
    special = [t for t in passage.tags if t in HARLOWE_SPECIAL_TAGS]
    if story_format in ("harlowe", "") and special:
        return f"tagged {special[0]} (run by Harlowe on every passage)"
    return None


def _start(kept: list[Passage], story_data: dict[str, Any], display: str,
           warn: Warn) -> Passage:
    by_name = {p.name: p for p in kept}
    wanted = story_data.get("start")
    if isinstance(wanted, str) and wanted:
        if wanted in by_name:
            return by_name[wanted]
        warn(_warn(display, 1, "twee-start",
                   f"StoryData names the start passage '{wanted}', which is missing"))
    if "Start" in by_name:
        return by_name["Start"]
    warn(_warn(display, kept[0].line, "twee-start",
               f"no start passage named in StoryData and none called Start; "
               f"starting at '{kept[0].name}'"))
    return kept[0]


_SENTINEL = re.compile("\ue000([a-z][a-z0-9_]*)\ue001")
_NAKED_VAR = re.compile(r"\$([A-Za-z_]\w*)(?!\w|\.[A-Za-z_$]|\[|\()")
_ANY_MACRO = re.compile(r"<<.*?>>|<%.*?%>|\[\[.*?\]\]", re.S)
_HARLOWE_OPEN = re.compile(r"\(\s*[A-Za-z][\w-]*\s*:")


def _enclosing(analysis: Analysis, offset: int) -> list[tuple[str, bool]]:
    """The conditions (as written, negated) that must hold at an offset, outermost first."""
    found: list[tuple[int, list[tuple[str, bool]]]] = []
    for chain in analysis.chains:
        for branch in chain.branches:
            if branch.start <= offset < branch.end:
                found.append((branch.start, branch.parts))
    found.sort(key=lambda item: item[0])
    return [part for _start, parts in found for part in parts]


def _condition(parts: list[tuple[str, bool]], story_format: str, table: VarTable,
               bare: frozenset[str]) -> tuple[str | None, str]:
    """(the translated condition or None, the first part that could not be translated)."""
    translated: list[tuple[str | None, bool]] = []
    failed = ""
    for source, negated in parts:
        expr = translate_condition(source, story_format, table, bare)
        if expr is None and not failed:
            failed = source
        translated.append((expr, negated))
    combined = combine(translated)
    if combined is not None:
        table.mark(combined)
    return combined, failed


def _effects(found: list[Assignment], table: VarTable) -> list[dict[str, Any]]:
    out = []
    for name, op, value in found:
        var = table.id_of(name)
        table.used.add(var)
        out.append({op: {var: as_expression(value) if op == "set" else value}})
    return out


def _scene(passage: Passage, body: Body, ids: dict[str, str], story_format: str,
           display: str, warn: Warn, table: VarTable,
           bare: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A passage as a scene: choices from its links, or an ending when it has none."""
    text = body.text
    file = passage.file or display
    analysis = analyse(text, story_format)
    for offset, problem in analysis.problems:
        warn(_warn(*body.where(offset), "twee-macros",
                   f"passage '{passage.name}': {problem}; its links are always shown"))
    links = find_links(text)
    targets = [_resolve(link.target, ids) for link in links]
    chosen = {i for i, (link, target) in enumerate(zip(links, targets))
              if not _EXTERNAL.match(link.target.strip()) and target in ids}
    edits: list[tuple[int, int, str]] = []
    removed: list[tuple[int, int]] = [(links[i].start, links[i].end) for i in chosen]
    effects: list[dict[str, Any]] = []
    for code in sorted(analysis.code, key=lambda c: c.start):
        if code.kind == "print":
            name = _printed_var(code.body, story_format, bare)
            if name is not None and table.id_of(name) in table.types:
                var = table.id_of(name)
                table.used.add(var)
                edits.append((code.start, code.end, f"\ue000{var}\ue001"))
            continue
        found = _assignments(code, story_format)
        if code.kind == "init" and found is None:
            for name, value, line in chapbook_vars(code.body):
                if value is None:
                    warn(_warn(*body.where(text.find(line)), "twee-vars",
                               f"passage '{passage.name}': the vars line '{line.strip()}' "
                               "is not a plain value; it is not imported"))
            found = [(n, "set", v) for n, v, _l in chapbook_vars(code.body) if v is not None]
        if found is None:
            continue
        parts = _enclosing(analysis, code.start)
        made = _effects(found, table)
        if parts:
            condition, _failed = _condition(parts, story_format, table, bare)
            if condition is None:
                continue  # kept as text; the macro warning names it
            made = [{"if": condition, "do": made}]
        effects += made
        edits.append((code.start, code.end, ""))
        removed.append((code.start, code.end))
    if story_format in ("sugarcube", "harlowe"):
        edits += _naked_vars(text, table)
    # A conditional that held only choices and translated code goes with them.
    for chain in sorted(analysis.chains, key=lambda c: c.span[1] - c.span[0]):
        if all(not _strip_spans(text, branch.start, branch.end, removed).strip(" \t\n|")
               for branch in chain.branches):
            edits += [(a, b, "") for a, b in chain.controls]
            removed.append(chain.span)
    # A conditional whose conditions translate becomes paragraphs with if:.
    shown_if: list[str] = []
    for chain in analysis.chains:
        if chain.span in removed:
            continue
        conditions = [_condition(_enclosing(analysis, branch.start), story_format, table,
                                 bare)[0] for branch in chain.branches]
        if any(c is None for c in conditions):
            continue
        edits += [(a, b, "") for a, b in chain.controls]
        for branch, condition in zip(chain.branches, conditions):
            edits.append((branch.start, branch.start, f"\ue002{len(shown_if)}\ue003"))
            edits.append((branch.end, branch.end, "\ue004"))
            shown_if.append(condition or "")
    text2, links2, origin = _apply(text, edits, links)
    choices: list[dict[str, Any]] = []
    used: set[str] = set()
    pairs: set[tuple[str, str, str]] = set()
    setters = False
    for index, link in enumerate(links):
        target = targets[index]
        line_file, line = body.where(link.start)
        if _EXTERNAL.match(link.target.strip()):
            warn(_warn(line_file, line, "twee-external",
                       f"passage '{passage.name}': the link to {link.target.strip()} "
                       "leaves the story; its text is kept"))
            continue
        if target not in ids:
            warn(_warn(line_file, line, "twee-missing",
                       f"passage '{passage.name}': the link to '{link.target}' names no "
                       "passage; its text is kept"))
            continue
        parts = _enclosing(analysis, link.start)
        condition, failed = _condition(parts, story_format, table, bare) if parts else (None, "")
        if parts and condition is None:
            warn(_warn(line_file, line, "twee-condition",
                       f"passage '{passage.name}': the link to '{link.target.strip()}' is "
                       f"inside a condition that could not be translated ({failed.strip()[:60]}); "
                       "the choice is always shown: add an if: by hand"))
        shown = escape_braces(link.text)
        key = (shown, target, condition or "")
        if key in pairs:
            continue  # the same link twice is one choice
        pairs.add(key)
        choice: dict[str, Any] = {"text": shown}
        own = slug(shown)
        explicit = own in ("continue", "choice") or own.startswith("c_")
        if explicit:
            own = f"to_{ids[target]}"
        if own in used:
            count = 2
            while f"{own}_{count}" in used:
                count += 1
            own = f"{own}_{count}"
            explicit = True
        if explicit:
            choice["id"] = own
        used.add(own)
        if condition is not None:
            choice["if"] = condition
        if link.setter:
            found = parse_assignments(link.code, story_format)
            if found is None:
                setters = True
                warn(_warn(line_file, line, "twee-setter",
                           f"passage '{passage.name}': the setter of the link to "
                           f"'{link.target.strip()}' ({link.code.strip()[:40]}) is not plain "
                           "values; it is not imported"))
            else:
                choice["do"] = _effects(found, table)
        choice["goto"] = ids[target]
        choices.append(choice)
    unlinked = _without_links(text2, links2, keep_length=True)
    macros = macros_in(unlinked, story_format)
    if setters:
        macros.append("setter links [[...][...]]")
    if macros:
        hits = _macro_hits(unlinked, story_format)
        at = origin(hits[0][0]) if hits else -1
        where = body.where(at) if hits else (file, passage.line)
        column = at - text.rfind("\n", 0, at) if hits else 1
        warn(_warn(*where, "twee-macros",
                   f"passage '{passage.name}': story-format code kept as text, not run: "
                   f"{', '.join(macros)}", column))
    scene: dict[str, Any] = {}
    prose = emphasis(_prose(text2, links2, chosen), story_format)
    prose, lost = html_to_text(prose)
    prose = re.sub(r"[ \t]+\n", "\n", re.sub(r"\n{3,}", "\n\n", prose)).strip()
    if lost:
        warn(_warn(file, passage.line, "twee-html",
                   f"passage '{passage.name}': HTML {', '.join(lost)} removed (the text "
                   "inside is kept)"))
    blocks = _text_blocks(_SENTINEL.sub(r"{\1}", escape_braces(prose)), shown_if)
    if len(blocks) == 1 and isinstance(blocks[0], str):
        scene["text"] = blocks[0]
    elif blocks:
        scene["text"] = blocks
    if effects:
        scene["do"] = effects
    if choices:
        scene["choices"] = choices
    else:
        kinds = [t for t in passage.tags if t in ENDING_TAGS]
        scene["ending"] = {"title": escape_braces(passage.name),
                           "kind": kinds[0] if kinds else "mixed"}
    return scene


_BLOCK_MARK = re.compile("\ue002(\\d+)\ue003|\ue004")


def _text_blocks(prose: str, conditions: list[str]) -> list[Any]:
    """Prose with conditional marks as a list of paragraphs, the marked ones with if:."""
    out: list[Any] = []
    stack: list[str] = []  # the conditions open, innermost last
    pos = 0

    def flush(piece: str) -> None:
        piece = piece.strip()
        if not piece:
            return
        out.append({"if": stack[-1], "text": piece} if stack else piece)

    for match in _BLOCK_MARK.finditer(prose):
        flush(prose[pos:match.start()])
        pos = match.end()
        if match.group(1) is not None:
            stack.append(conditions[int(match.group(1))])
        elif stack:
            stack.pop()
    flush(prose[pos:])
    return out


def _printed_var(code: str, story_format: str, bare: frozenset[str]) -> str | None:
    """The variable a print shows, when it shows only one."""
    code = code.strip().rstrip(";").strip()
    match = re.fullmatch(r"\$([A-Za-z_]\w*)|(?:window\.story\.state|s)\.([A-Za-z_]\w*)", code)
    if match:
        return match.group(1) or match.group(2)
    if code in bare:
        return code
    return None


def _naked_vars(text: str, table: VarTable) -> list[tuple[int, int, str]]:
    """SugarCube's and Harlowe's ``$name`` in prose shows the var's value."""
    code = [(m.start(), m.end()) for m in _ANY_MACRO.finditer(text)]
    for match in _HARLOWE_OPEN.finditer(text):
        end = paren_end(text, match.start())
        code.append((match.start(), end if end > 0 else len(text)))
    edits = []
    for match in _NAKED_VAR.finditer(text):
        if any(a <= match.start() < b for a, b in code):
            continue
        name = match.group(1)
        if name in table.ids and table.ids[name] in table.types:
            var = table.ids[name]
            table.used.add(var)
            edits.append((match.start(), match.end(), f"\ue000{var}\ue001"))
    return edits


def _strip_spans(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """The text between start and end without the given spans."""
    out, pos = [], start
    for a, b in sorted(spans):
        if b <= pos or a >= end:
            continue
        out.append(text[pos:max(a, pos)])
        pos = max(pos, b)
    out.append(text[pos:end])
    return "".join(out)


def _apply(text: str, edits: list[tuple[int, int, str]],
           links: list[Link]) -> tuple[str, list[Link], Callable[[int], int]]:
    """The text with the edits made (none overlap a link), its links found again, and a
    map from an offset in the edited text to the same character in the original."""
    out, pos, length = [], 0, 0
    kept: list[tuple[int, int]] = []  # (offset in the edited text, offset in the original)
    for start, end, replacement in sorted(set(edits)):
        if start < pos:
            continue  # inside an edit already made
        kept.append((length, pos))
        out += [text[pos:start], replacement]
        length += start - pos + len(replacement)
        pos = end
    kept.append((length, pos))
    out.append(text[pos:])
    edited = "".join(out)
    again = find_links(edited)

    def origin(offset: int) -> int:
        new, old = max((k for k in kept if k[0] <= offset), default=(0, 0))
        return old + (offset - new)

    if len(again) != len(links):  # pragma: no cover - edits never touch links
        return text, links, lambda offset: offset
    return edited, again, origin


def _resolve(target: str, ids: dict[str, str]) -> str:
    """The passage a link names: as written, trimmed, or with header escapes removed."""
    for candidate in (target, target.strip(), re.sub(r"\\(.)", r"\1", target.strip())):
        if candidate in ids:
            return candidate
    return target


def _without_links(text: str, links: list[Link], keep_length: bool = False) -> str:
    out, pos = [], 0
    for link in links:
        out.append(text[pos:link.start])
        out.append(" " * (link.end - link.start) if keep_length else " ")
        pos = link.end
    out.append(text[pos:])
    return "".join(out)


def _prose(text: str, links: list[Link], chosen: set[int]) -> str:
    """The passage text without its choices.

    A line holding only links that became choices is dropped; elsewhere a link
    is replaced by its text, so "you see a [[door]]" reads "you see a door".
    """
    out_lines: list[str] = []
    start = 0
    numbered = list(enumerate(links))
    for line in text.split("\n"):
        end = start + len(line)
        here = [(i, link) for i, link in numbered if start <= link.start < end]
        if not here:
            out_lines.append(line.rstrip())
        elif _LINK_LIST_LEFTOVER.match(_BLOCK_MARK.sub("", _LINK.sub("", line))):
            kept = " ".join(link.text for i, link in here if i not in chosen)
            marks = "".join(m.group(0) for m in _BLOCK_MARK.finditer(_LINK.sub("", line)))
            if kept or marks:
                out_lines.append(kept + marks)
        else:
            rebuilt, cursor = [], start
            for _, link in here:
                rebuilt += [text[cursor:link.start], link.text]
                cursor = link.end
            rebuilt.append(text[cursor:end])
            out_lines.append("".join(rebuilt).rstrip())
        start = end + 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip()


# -- writing YAML ------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line text as ``|`` blocks (the emitter quotes when it must)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # indent list items under their key, as the format's documentation does
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # text in an expression ('Li') reads best as "'Li'", as the documentation writes it
    style = "|" if "\n" in value else '"' if value.startswith("'") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(result: Result, source_name: str, prog: str = "standing") -> str:
    """The story as YAML text, with a comment header mapping passages to scene ids."""
    body = yaml.dump(result.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=10_000, indent=2)
    if yaml.safe_load(body) != result.data:  # pragma: no cover - a bug in the emitter
        raise AssertionError("the YAML written does not read back as the story")
    fmt = f" (story format: {result.story_format})" if result.story_format else ""
    head = [f"# Imported from {_comment(source_name)}{fmt} by {prog} import.",
            "# Passages and the scene ids they became:"]
    head += [f"#   {_comment(name)} -> {sid}" for name, sid in result.ids.items()]
    if result.vars:
        head.append("# Twine variables and the vars they became:")
        head += [f"#   ${_comment(name)} -> {var}" for name, var in result.vars.items()]
    return "\n".join(head) + "\n\n" + body


def _comment(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", text)


TWEE_SUFFIXES = (".twee", ".tw")
MAX_FILES = 2000
"""Most files read from one project folder."""


def twee_files(folder: Path) -> list[Path]:
    """The Twee files of a project folder (Tweego's layout: any depth), in path order."""
    found = sorted(p for p in folder.rglob("*")
                   if p.suffix.lower() in TWEE_SUFFIXES and p.is_file())
    if not found:
        raise StoryError("no .twee or .tw files in this folder", Location(str(folder), 1, 1))
    if len(found) > MAX_FILES:
        raise StoryError(f"{len(found)} Twee files in this folder; at most {MAX_FILES} are read",
                         Location(str(folder), 1, 1))
    return found


def read_project(path: Path) -> tuple[list[Passage], list[Diagnostic]]:
    """The passages of a Twee file, or of every Twee file of a folder, in order."""
    passages: list[Passage] = []
    warnings: list[Diagnostic] = []
    files = twee_files(path) if path.is_dir() else [path]
    for file in files:
        display = str(file)
        found, said = parse_twee(read_twee(file, display), display)
        passages += found
        warnings += said
    return passages, warnings


def import_twee(path: Path, out: TextIO, output: Path | None = None, force: bool = False,
                err: TextIO | None = None, prog: str = "standing") -> int:
    """Convert a Twee file, or a folder of them, and write the story (``-`` for stdout).

    Warnings go to ``err``; ``prog`` is how the user runs us, for the hint at the end.
    """
    err = err or sys.stderr
    display = str(path)
    to_stdout = output is not None and str(output) == "-"
    folder = path.is_dir()
    default = path.parent / (path.name + ".yaml") if folder else path.with_suffix(".yaml")
    target = output if output is not None else default
    if not to_stdout and path.exists() and target.exists() and target.samefile(path):
        raise StandingError(f"{target} is the file being imported; use --output to choose "
                            "where the story goes")
    if not to_stdout and target.exists() and not force and path.exists():
        raise StandingError(f"{target} already exists; use --force to replace it, "
                            "or --output to write elsewhere")
    passages, warnings = read_project(path)
    if not passages:
        raise StoryError("no passages found (a passage starts with a line '::Name')",
                         Location(display, 1, 1))
    result = convert(passages, display, _title_of(path), warnings)
    text = to_yaml(result, path.name + ("/" if folder else ""), prog)
    for warning in result.warnings:
        err.write(f"{warning}\n")
    if to_stdout:
        out.write(text)
        return 0
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StandingError(f"cannot write {target}: {exc.strerror or exc}") from None
    count = len(result.data["scenes"])
    noun = "warning" if len(result.warnings) == 1 else "warnings"
    out.write(f"wrote {target}: {count} scene{'s' * (count != 1)}, "
              f"{len(result.warnings)} {noun}\nnext: {prog} check --strict {target}\n")
    return 0


def _title_of(path: Path) -> str:
    words = re.sub(r"[_\-\s]+", " ", path.name if path.is_dir() else path.stem).strip()
    return (words[:1].upper() + words[1:]) if words else "Imported story"


def _warn(file: str, line: int, code: str, message: str, column: int = 1) -> Diagnostic:
    return Diagnostic(file, line, column, "warning", code, message)
