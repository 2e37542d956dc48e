"""``graph``: a story's scenes and choices as Mermaid, Graphviz DOT or SVG.

Scenes are nodes, choices are edges labelled with their text (dashed when the
choice can be locked: it has ``requires`` or ``service``), a ``goto`` is an
unlabelled edge, endings are coloured by kind and chapters are drawn as
clusters. A scene belongs to the chapter most recently started above it in
file order (the way authors write chapters, one after another).

Story text is untrusted: every label is escaped for the target language, so
a quote, a bracket or a newline in a choice can never break out of it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TextIO

from game.authoring.output import emit
from game.errors import StandingError
from game.story import model as m

LABEL_MAX = 48
"""Longest edge label, in characters; longer texts are cut with an ellipsis."""

COLOURS = {"good": "#c8e6c9", "bad": "#ffcdd2", "mixed": "#fff3c4"}
"""Fill colour of an ending, by kind (also readable in grey)."""
BORDERS = {"good": "#2e7d32", "bad": "#c62828", "mixed": "#b28704"}
START_FILL = "#e3f2fd"


class GraphvizMissing(StandingError):
    """``--format svg`` without the ``dot`` program."""


def chapters(story: m.Story) -> list[tuple[str | None, list[str]]]:
    """Scenes grouped by chapter, in file order: (chapter title or None, scene ids)."""
    groups: list[tuple[str | None, list[str]]] = []
    current: str | None = None
    for sid, scene in story.scenes.items():
        if scene.chapter:
            current = scene.chapter
            groups.append((current, []))
        elif not groups:
            groups.append((None, []))
        groups[-1][1].append(sid)
    return groups


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= LABEL_MAX else flat[: LABEL_MAX - 1].rstrip() + "…"


def _lockable(choice: m.Choice) -> bool:
    return choice.requires is not None or choice.service is not None


# --- one walk, two languages --------------------------------------------------------------------


class _Drawing:
    """A story drawn in one graph language: the walk is here, the words in subclasses.

    Chapters become clusters holding their scenes, then every ``goto`` and
    every choice becomes an edge, in file order.
    """

    def draw(self, story: m.Story) -> str:
        """The whole graph, one statement a line."""
        lines = self.head(story)
        for index, (title, members) in enumerate(chapters(story)):
            indent = "  "
            if title is not None:
                lines.extend(self.open_cluster(index, title))
                indent = "    "
            for sid in members:
                lines.append(indent + self.node(story, sid))
            if title is not None:
                lines.append(self.close_cluster())
        for sid, scene in story.scenes.items():
            if scene.goto is not None:
                lines.append("  " + self.goto(sid, scene.goto))
            for choice in scene.choices:
                lines.append("  " + self.choice(sid, choice.goto, _cut(choice.text.source),
                                                _lockable(choice)))
        lines.extend(self.tail(story))
        return "\n".join(lines) + "\n"

    def head(self, story: m.Story) -> list[str]:
        """The lines before the first cluster."""
        raise NotImplementedError

    def open_cluster(self, index: int, title: str) -> list[str]:
        """The lines opening a chapter's cluster."""
        raise NotImplementedError

    def close_cluster(self) -> str:
        """The line closing a chapter's cluster."""
        raise NotImplementedError

    def node(self, story: m.Story, sid: str) -> str:
        """A scene."""
        raise NotImplementedError

    def goto(self, sid: str, target: str) -> str:
        """A scene's unlabelled ``goto``."""
        raise NotImplementedError

    def choice(self, sid: str, target: str, label: str, lockable: bool) -> str:
        """A choice's edge, dashed when it can be locked."""
        raise NotImplementedError

    def tail(self, story: m.Story) -> list[str]:
        """The lines after the last edge."""
        raise NotImplementedError


# --- Mermaid ---------------------------------------------------------------------------------

_MERMAID_SAFE = set(" .,:!?'()-_/+=*")


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: anything unusual as an entity code."""
    out = []
    for ch in " ".join(text.split()):
        if ch.isalnum() or ch in _MERMAID_SAFE:
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def _mid(scene_id: str) -> str:
    # Prefixed: a scene called 'end' or 'graph' would otherwise be a Mermaid keyword.
    return f"s_{scene_id}"


class _Mermaid(_Drawing):
    """A Mermaid flowchart: chapters as subgraphs, endings and the start as classes."""

    def head(self, story: m.Story) -> list[str]:
        return ["flowchart TD"]

    def open_cluster(self, index: int, title: str) -> list[str]:
        return [f'  subgraph ch{index}["{mermaid_text(title)}"]']

    def close_cluster(self) -> str:
        return "  end"

    def node(self, story: m.Story, sid: str) -> str:
        scene = story.scenes[sid]
        if scene.ending is not None:
            label = f"{sid}: {_cut(scene.ending.title.source)} ({scene.ending.kind})"
            return f'{_mid(sid)}(["{mermaid_text(label)}"])'
        return f'{_mid(sid)}["{mermaid_text(sid)}"]'

    def goto(self, sid: str, target: str) -> str:
        return f"{_mid(sid)} --> {_mid(target)}"

    def choice(self, sid: str, target: str, label: str, lockable: bool) -> str:
        arrow = "-.->" if lockable else "-->"
        return f'{_mid(sid)} {arrow}|"{mermaid_text(label)}"| {_mid(target)}'

    def tail(self, story: m.Story) -> list[str]:
        lines = []
        for kind in ("good", "bad", "mixed"):
            lines.append(f"  classDef {kind} fill:{COLOURS[kind]},stroke:{BORDERS[kind]},"
                         "stroke-width:2px")
        lines.append(f"  classDef start fill:{START_FILL},stroke-width:2px")
        for kind in ("good", "bad", "mixed"):
            ids = [_mid(sid) for sid, s in story.scenes.items()
                   if s.ending and s.ending.kind == kind]
            if ids:
                lines.append(f"  class {','.join(ids)} {kind}")
        if story.scenes[story.start].ending is None:
            lines.append(f"  class {_mid(story.start)} start")
        return lines


def to_mermaid(story: m.Story) -> str:
    """The story as a Mermaid flowchart."""
    return _Mermaid().draw(story)


# --- Graphviz DOT ------------------------------------------------------------------------------


def dot_text(text: str) -> str:
    """Text safe inside a double-quoted DOT string (no escape sequence survives)."""
    flat = " ".join(text.split())
    return flat.replace("\\", "\\\\").replace('"', '\\"')


class _Dot(_Drawing):
    """A Graphviz digraph: chapters as clusters, endings filled by kind."""

    def head(self, story: m.Story) -> list[str]:
        return [
            f'digraph "{dot_text(story.id)}" {{',
            f'  label="{dot_text(story.title)}"; labelloc=t; rankdir=TB;',
            '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
            '  edge [fontname="Helvetica", fontsize=10];',
        ]

    def open_cluster(self, index: int, title: str) -> list[str]:
        return [f"  subgraph cluster_{index} {{",
                f'    label="{dot_text(title)}"; style=rounded; color=gray60;']

    def close_cluster(self) -> str:
        return "  }"

    def node(self, story: m.Story, sid: str) -> str:
        scene = story.scenes[sid]
        if scene.ending is not None:
            kind = scene.ending.kind
            label = (dot_text(sid) + "\\n"
                     + dot_text(f"{_cut(scene.ending.title.source)} ({kind})"))
            return (f'"{sid}" [label="{label}", shape=doubleoctagon, '
                    f'fillcolor="{COLOURS[kind]}", color="{BORDERS[kind]}"];')
        if sid == story.start:
            return f'"{sid}" [fillcolor="{START_FILL}", penwidth=2];'
        return f'"{sid}";'

    def goto(self, sid: str, target: str) -> str:
        return f'"{sid}" -> "{target}";'

    def choice(self, sid: str, target: str, label: str, lockable: bool) -> str:
        style = ", style=dashed" if lockable else ""
        return f'"{sid}" -> "{target}" [label="{dot_text(label)}"{style}];'

    def tail(self, story: m.Story) -> list[str]:
        return ["}"]


def to_dot(story: m.Story) -> str:
    """The story as a Graphviz digraph."""
    return _Dot().draw(story)


# --- SVG and the command -------------------------------------------------------------------------


def to_svg(story: m.Story) -> str:
    """The story drawn by Graphviz's ``dot``; raise GraphvizMissing without it."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(
            "--format svg needs Graphviz's 'dot' program: install Graphviz "
            "(apt install graphviz, brew install graphviz, or graphviz.org), "
            "or use --format dot or --format mermaid")
    done = subprocess.run([program, "-Tsvg"], input=to_dot(story), capture_output=True,
                          text=True, encoding="utf-8", check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"dot failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


RENDERERS = {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}


def run_graph(story_path: Path, out: TextIO, fmt: str = "mermaid",
              output: Path | None = None) -> int:
    """``python -m game graph``: print (or write) the graph; 0 on success."""
    from game.story.loader import load_story

    story = load_story(story_path)
    return emit(RENDERERS[fmt](story), out, output)
