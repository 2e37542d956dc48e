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


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in a passage: what it shows, where it goes, where it stood."""

    text: str
    target: str
    start: int
    end: int
    setter: bool


@dataclass
class Result:
    """A converted story: the YAML data, the passage -> scene id map, the warnings."""

    data: dict[str, Any]
    ids: dict[str, str]
    warnings: list[Diagnostic] = field(default_factory=list)
    story_format: str = ""


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
        content = "\n".join(re.sub(r"^\\:", ":", line) for line in body).strip()
        passages.append(Passage(name, tags, content, number))

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
        if setter:
            inner = inner.split("][", 1)[0]
        if "->" in inner:
            shown, target = inner.rsplit("->", 1)
        elif "<-" in inner:
            target, shown = inner.split("<-", 1)
        elif "|" in inner:
            shown, target = inner.rsplit("|", 1)
        else:
            shown = target = inner
        links.append(Link(shown.strip() or target.strip(), target, match.start(),
                          match.end(), setter))
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
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    return names


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
        if passage.name in seen:
            warn(_warn(display, passage.line, "twee-duplicate",
                       f"passage '{passage.name}' appears twice (first at line "
                       f"{seen[passage.name].line}); the second is skipped"))
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
                warn(_warn(display, passage.line, "twee-storydata",
                           "StoryData is not a JSON object; ignored"))
        else:
            story.append(passage)
    story_format = _format_of(story_data)
    result.story_format = str(story_data.get("format", ""))
    linked = {name for p in story for link in find_links(p.text)
              for name in (link.target, link.target.strip())}
    kept: list[Passage] = []
    for passage in story:
        reason = _skip_reason(passage, story_format, linked)
        if reason is None:
            kept.append(passage)
            continue
        if passage.name == "StoryAuthor" and passage.text and not macros_in(passage.text, ""):
            author = " ".join(passage.text.split())
            reason += ", read as the author"
        warn(_warn(display, passage.line, "twee-skipped",
                   f"passage '{passage.name}' is {reason}; it is not a scene"))
    if not kept:
        raise StoryError("no story passages found (a passage starts with a line '::Name')",
                         Location(display, 1, 1))
    start = _start(kept, story_data, display, warn)
    ordered = [start] + [p for p in kept if p is not start]
    taken: set[str] = set()
    ids = {p.name: scene_id(p.name, taken) for p in ordered}
    result.ids = ids
    scenes = {ids[p.name]: _scene(p, ids, story_format, display, warn) for p in ordered}
    data: dict[str, Any] = {"title": title or fallback_title}
    if author:
        data["author"] = author
    data["start"] = ids[start.name]
    data["scenes"] = scenes
    result.data = data
    return result


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


def _scene(passage: Passage, ids: dict[str, str], story_format: str, display: str,
           warn: Warn) -> dict[str, Any]:
    """A passage as a scene: choices from its links, or an ending when it has none."""
    text = passage.text
    links = find_links(text)
    choices: list[dict[str, Any]] = []
    chosen: set[int] = set()  # indexes of the links that became choices
    used: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    setters = False
    for index, link in enumerate(links):
        target = _resolve(link.target, ids)
        if _EXTERNAL.match(link.target.strip()):
            warn(_warn(display, passage.line, "twee-external",
                       f"passage '{passage.name}': the link to {link.target.strip()} "
                       "leaves the story; its text is kept"))
            continue
        if target not in ids:
            warn(_warn(display, passage.line, "twee-missing",
                       f"passage '{passage.name}': the link to '{link.target}' names no "
                       "passage; its text is kept"))
            continue
        chosen.add(index)
        setters = setters or link.setter
        shown = escape_braces(link.text)
        if (shown, target) in pairs:
            continue  # the same link twice is one choice
        pairs.add((shown, target))
        choice: dict[str, Any] = {"text": shown}
        own = slug(shown)
        if own in used:
            count = 2
            while f"{own}_{count}" in used:
                count += 1
            own = f"{own}_{count}"
            choice["id"] = own
        used.add(own)
        choice["goto"] = ids[target]
        choices.append(choice)
    macros = macros_in(_without_links(text, links), story_format)
    if setters:
        macros.append("setter links [[...][...]]")
    if macros:
        warn(_warn(display, passage.line, "twee-macros",
                   f"passage '{passage.name}': story-format code kept as text, not run: "
                   f"{', '.join(macros)}"))
    scene: dict[str, Any] = {}
    prose = emphasis(_prose(text, links, chosen), story_format)
    if prose:
        scene["text"] = escape_braces(prose)
    if choices:
        scene["choices"] = choices
    else:
        kinds = [t for t in passage.tags if t in ENDING_TAGS]
        scene["ending"] = {"title": escape_braces(passage.name),
                           "kind": kinds[0] if kinds else "mixed"}
    return scene


def _resolve(target: str, ids: dict[str, str]) -> str:
    """The passage a link names: as written, trimmed, or with header escapes removed."""
    for candidate in (target, target.strip(), re.sub(r"\\(.)", r"\1", target.strip())):
        if candidate in ids:
            return candidate
    return target


def _without_links(text: str, links: list[Link]) -> str:
    out, pos = [], 0
    for link in links:
        out.append(text[pos:link.start])
        out.append(" ")
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
        elif _LINK_LIST_LEFTOVER.match(_LINK.sub("", line)):
            kept = " ".join(link.text for i, link in here if i not in chosen)
            if kept:
                out_lines.append(kept)
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
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(result: Result, source_name: str) -> str:
    """The story as YAML text, with a comment header mapping passages to scene ids."""
    body = yaml.dump(result.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=10_000, indent=2)
    if yaml.safe_load(body) != result.data:  # pragma: no cover - a bug in the emitter
        raise AssertionError("the YAML written does not read back as the story")
    fmt = f" (story format: {result.story_format})" if result.story_format else ""
    head = [f"# Imported from {_comment(source_name)}{fmt} by python -m game import.",
            "# Passages and the scene ids they became:"]
    head += [f"#   {_comment(name)} -> {sid}" for name, sid in result.ids.items()]
    return "\n".join(head) + "\n\n" + body


def _comment(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", text)


def import_twee(path: Path, out: TextIO, output: Path | None = None, force: bool = False,
                err: TextIO | None = None, prog: str = "standing") -> int:
    """Convert a Twee file and write the story (``-`` for stdout); warnings go to ``err``."""
    err = err or sys.stderr
    display = str(path)
    to_stdout = output is not None and str(output) == "-"
    target = output if output is not None else path.with_suffix(".yaml")
    if not to_stdout and path.exists() and target.exists() and target.samefile(path):
        raise StandingError(f"{target} is the file being imported; use --output to choose "
                            "where the story goes")
    if not to_stdout and target.exists() and not force and path.exists():
        raise StandingError(f"{target} already exists; use --force to replace it, "
                            "or --output to write elsewhere")
    passages, warnings = parse_twee(read_twee(path, display), display)
    if not passages:
        raise StoryError("no passages found (a passage starts with a line '::Name')",
                         Location(display, 1, 1))
    result = convert(passages, display, _title_of(path), warnings)
    text = to_yaml(result, path.name)
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
    words = re.sub(r"[_\-\s]+", " ", path.stem).strip()
    return (words[:1].upper() + words[1:]) if words else "Imported story"


def _warn(file: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, 1, "warning", code, message)
