"""Joining a class from a terminal: the notice, a codename, and the record writer.

Used by the launcher for ``play STORY --class CODE`` (the plain and the
full-screen player alike: it asks on the terminal before the game starts).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import TextIO

from game.classroom.codenames import CodenameError, normalise_codename, random_codename
from game.classroom.privacy import expire, notice, remember, remembered
from game.classroom.records import (
    CodenameTaken,
    RecordWriter,
    Warn,
    class_folder,
    session_file,
    taken_codenames,
)
from game.engine.engine import Engine


def join_class(code: str, base: Path | None, engine: Engine, inp: TextIO, out: TextIO,
               warn: Warn | None = None) -> RecordWriter:
    """Join class ``code`` with this game: ask for a codename and start recording.

    A player whose computer already has a codename in this class for this story
    continues that session (the record restates their game as it is now).
    Otherwise the notice is shown and a codename asked for, a random one offered;
    one already taken in the class is refused and another asked for.
    """
    folder = class_folder(code, base)
    code = folder.name
    if folder.is_dir():
        for line in expire(folder).lines(quiet=True, names=False):
            out.write(line + "\n")  # a count and the folder the player named: no record text
    story = engine.story
    name = remembered(code, story.id)
    if name is not None and session_file(folder, name).exists():
        out.write(f"Continuing in class {code} as {name}.\n")
        writer = RecordWriter.reopen(folder, name, code, warn)
        writer.attach(engine, resumed=True)
        return writer
    out.write(fold(notice(folder, code), out) + "\n")
    taken = taken_codenames(folder)
    echo = not (hasattr(inp, "isatty") and inp.isatty())
    while True:
        offer = random_codename(taken=taken)
        out.write(fold("Choose a codename for this class (not your real name). "
                       f"Press Enter for {offer}, or type one:", out) + " ")
        out.flush()
        line = inp.readline()
        if echo and line:
            out.write(line if line.endswith("\n") else line + "\n")
        text = line.strip()
        try:
            name = normalise_codename(text) if text else offer
            writer = RecordWriter.create(folder, name, code, warn)
        except CodenameTaken as exc:
            taken.add(name)
            out.write(f"Sorry: {exc}.\n")
            if not line:
                raise
            continue
        except CodenameError as exc:
            out.write(f"{exc}.\n")
            if not line:
                raise
            continue
        break
    remember(code, story.id, name)
    writer.attach(engine)
    out.write(f"You are {name} in class {code}.\n")
    return writer


def fold(text: str, out: TextIO) -> str:
    """``text`` wrapped between words to the terminal's width when ``out`` is a terminal
    (a terminal breaks a long line anywhere: "clever-ha" / "wk"); as it is for a pipe or
    a screen reader, which flow the text themselves. A path or a codename is never cut."""
    if not (hasattr(out, "isatty") and out.isatty()):
        return text
    width = max(40, min(shutil.get_terminal_size().columns, 100) - 1)
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)
