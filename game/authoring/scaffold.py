"""``new``: start a story from a commented template that teaches the format.

The template (``template.yaml`` beside this module) is itself a small story
that passes ``check`` and plays to three endings. Two marker lines shape it:
``#@include`` becomes an ``include:`` for a folder story, and ``#@split``
divides the scenes of ``story.yaml`` from those of the included file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TextIO

from game.errors import StandingError

TEMPLATE = Path(__file__).with_name("template.yaml")
INCLUDED_NAME = "scenes.yaml"
_INCLUDE_MARK = "#@include\n"
_SPLIT_MARK = "#@split\n"
_INCLUDE_BLOCK = f"""
# The other scenes are in {INCLUDED_NAME}: include: names files in this folder
# whose scenes (and vars and people) belong to this story.
include: [{INCLUDED_NAME}]
"""
_INCLUDED_HEADER = """# More scenes of __TITLE__. The story starts in story.yaml, which names
# this file under include:. An included file may hold scenes, vars and people.

scenes:
"""


def title_of(name: str) -> str:
    """A readable title from a file name: 'my_first-story' -> 'My first story'."""
    words = re.sub(r"[_\-\s]+", " ", name).strip()
    return (words[:1].upper() + words[1:]) if words else "A new story"


def render(title: str, shown_path: str, folder: bool,
           prog: str = "python -m game") -> dict[str, str]:
    """The files of a new story: {relative file name: text}; ``prog`` names the commands."""
    template = TEMPLATE.read_text(encoding="utf-8")
    head, _, scenes = template.partition(_SPLIT_MARK)
    if folder:
        story = head.replace(_INCLUDE_MARK, _INCLUDE_BLOCK)
        files = {"story.yaml": story, INCLUDED_NAME: _INCLUDED_HEADER + scenes.lstrip("\n")}
    else:
        files = {"": (head + scenes).replace(_INCLUDE_MARK, "")}
    # A JSON string is a valid YAML double-quoted scalar, whatever the title holds.
    comment_title = re.sub(r"[\x00-\x1f\x7f]", " ", title)
    return {
        name: text.replace("__TITLE_YAML__", json.dumps(title, ensure_ascii=False))
        .replace("__TITLE__", comment_title)
        .replace("__PATH__", shown_path)
        .replace("__PROG__", prog)
        for name, text in files.items()
    }


def new_story(name: str, out: TextIO, folder: bool = False, cwd: Path | None = None,
              prog: str = "standing") -> int:
    """Write NAME.yaml (or NAME/story.yaml and NAME/scenes.yaml); refuse to overwrite.

    ``prog`` is how the user runs us (``standing`` or ``python -m game``), for the hints.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    if not name.strip() or name.strip() in (".", ".."):
        raise StandingError(f"new: give the story a name, e.g. {prog} new my_story")
    given = Path(name)
    if folder:
        target = given
        stem = given.name
    else:
        target = given if given.suffix in (".yaml", ".yml") else given.with_name(given.name + ".yaml")
        stem = target.stem
    where = base / target
    if where.exists():
        raise StandingError(f"{target} already exists; choose another name or move it away")
    if not where.parent.is_dir():
        raise StandingError(f"cannot create {target}: the folder {target.parent} does not exist")
    files = render(title_of(stem), str(target), folder, prog)
    try:
        if folder:
            where.mkdir()
            for file_name, text in files.items():
                (where / file_name).write_text(text, encoding="utf-8")
        else:
            with open(where, "x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(files[""])
    except FileExistsError:
        raise StandingError(f"{target} already exists; choose another name or move it away") from None
    except OSError as exc:
        raise StandingError(f"cannot create {target}: {exc.strerror or exc}") from None
    out.write(f"wrote {target}{'/' if folder else ''}\n"
              f"next: {prog} play {target}   (then edit it and run: "
              f"{prog} check {target})\n")
    return 0
