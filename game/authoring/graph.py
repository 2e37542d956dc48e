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


def to_mermaid(story: m.Story) -> str:
    """The story as a Mermaid flowchart."""
    lines = ["flowchart TD"]
    for index, (title, members) in enumerate(chapters(story)):
        indent = "  "
        if title is not None:
            lines.append(f'  subgraph ch{index}["{mermaid_text(title)}"]')
            indent = "    "
        for sid in members:
            lines.append(indent + _mermaid_node(story, sid))
        if title is not None:
            lines.append("  end")
    for sid, scene in story.scenes.items():
        if scene.goto is not None:
            lines.append(f"  {_mid(sid)} --> {_mid(scene.goto)}")
        for choice in scene.choices:
            arrow = "-.->" if _lockable(choice) else "-->"
            label = mermaid_text(_cut(choice.text.source))
            lines.append(f'  {_mid(sid)} {arrow}|"{label}"| {_mid(choice.goto)}')
    for kind in ("good", "bad", "mixed"):
        lines.append(f"  classDef {kind} fill:{COLOURS[kind]},stroke:{BORDERS[kind]},"
                     "stroke-width:2px")
    lines.append(f"  classDef start fill:{START_FILL},stroke-width:2px")
    for kind in ("good", "bad", "mixed"):
        ids = [_mid(sid) for sid, s in story.scenes.items() if s.ending and s.ending.kind == kind]
        if ids:
            lines.append(f"  class {','.join(ids)} {kind}")
    if story.scenes[story.start].ending is None:
        lines.append(f"  class {_mid(story.start)} start")
    return "\n".join(lines) + "\n"


def _mermaid_node(story: m.Story, sid: str) -> str:
    scene = story.scenes[sid]
    if scene.ending is not None:
        label = f"{sid}: {_cut(scene.ending.title.source)} ({scene.ending.kind})"
        return f'{_mid(sid)}(["{mermaid_text(label)}"])'
    return f'{_mid(sid)}["{mermaid_text(sid)}"]'


# --- Graphviz DOT ------------------------------------------------------------------------------


def dot_text(text: str) -> str:
    """Text safe inside a double-quoted DOT string (no escape sequence survives)."""
    flat = " ".join(text.split())
    return flat.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(story: m.Story) -> str:
    """The story as a Graphviz digraph."""
    lines = [
        f'digraph "{dot_text(story.id)}" {{',
        f'  label="{dot_text(story.title)}"; labelloc=t; rankdir=TB;',
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for index, (title, members) in enumerate(chapters(story)):
        indent = "  "
        if title is not None:
            lines.append(f"  subgraph cluster_{index} {{")
            lines.append(f'    label="{dot_text(title)}"; style=rounded; color=gray60;')
            indent = "    "
        for sid in members:
            lines.append(indent + _dot_node(story, sid))
        if title is not None:
            lines.append("  }")
    for sid, scene in story.scenes.items():
        if scene.goto is not None:
            lines.append(f'  "{sid}" -> "{scene.goto}";')
        for choice in scene.choices:
            style = ", style=dashed" if _lockable(choice) else ""
            label = dot_text(_cut(choice.text.source))
            lines.append(f'  "{sid}" -> "{choice.goto}" [label="{label}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(story: m.Story, sid: str) -> str:
    scene = story.scenes[sid]
    if scene.ending is not None:
        kind = scene.ending.kind
        label = dot_text(sid) + "\\n" + dot_text(f"{_cut(scene.ending.title.source)} ({kind})")
        return (f'"{sid}" [label="{label}", shape=doubleoctagon, fillcolor="{COLOURS[kind]}", '
                f'color="{BORDERS[kind]}"];')
    if sid == story.start:
        return f'"{sid}" [fillcolor="{START_FILL}", penwidth=2];'
    return f'"{sid}";'


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
