"""Starting play: pick the front end, resume the autosave, wire the saves.

The CLI calls these; they hold the wiring (which player, which save folder)
so that the CLI holds none.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import TextIO

from game.engine.engine import Engine
from game.engine.saves import AUTOSAVE, SaveStore, default_folder
from game.errors import SaveError
from game.safetext import clean, one_line
from game.story.cache import load_story_cached
from game.story.model import Story


def list_stories(folders: list[Path], out: TextIO) -> int:
    """Print the stories found, with their errors for broken ones."""
    from game.story.catalog import catalog

    entries = catalog(folders)
    for entry in entries:
        story = entry.story
        if story is None:
            first = entry.errors.errors[0] if entry.errors else "?"
            out.write(clean(f"{entry.path}: does not load ({first})") + "\n")
            continue
        minutes = f", {story.minutes:g} min" if story.minutes else ""
        notes = f" [content: {', '.join(story.content_notes)}]" if story.content_notes else ""
        out.write(clean(f"{story.id}: {one_line(story.title)} ({story.language}{minutes}){notes}") + "\n")
        if story.summary:
            out.write(clean(f"    {story.summary}") + "\n")
    if not entries:
        out.write("no stories found\n")
    _warn_shared_ids(entries, out)
    return 0


def _warn_shared_ids(entries: list, out: TextIO) -> None:
    """A warning line for each id that several of the listed stories have."""
    from game.story.catalog import shared_id_warning, shared_ids

    for story_id, paths in shared_ids(entries).items():
        out.write(clean(f"warning: {shared_id_warning(story_id, paths)}") + "\n")


def open_game(story: Story, seed: int, new: bool, slot: str | None,
              store: SaveStore) -> tuple[Engine, str | None]:
    """A fresh game, or the saved one resumed (with a message saying so)."""
    if slot is not None:
        loaded = store.load(slot)
        if loaded is None:
            problems = "; ".join(store.warnings) or f"there is no save in slot '{slot}'"
            raise SaveError(problems)
        engine, report = loaded
        return engine, _resumed(report, slot)
    if new:
        store.start_over(AUTOSAVE)  # never read: whatever it holds is replaced
    else:
        loaded = store.load(AUTOSAVE)
        if loaded is not None and not loaded[0].ended:
            engine, report = loaded
            return engine, _resumed(report, "autosave")
    return Engine(story, seed=seed), None


def _resumed(report, slot: str) -> str:
    where = "your saved game" if slot == AUTOSAVE else f"slot '{slot}'"
    if report.complete:
        return f"Resumed {where} after {report.applied} steps. (Start over with --new.)"
    return (f"Resumed {where}, but the story has changed: {report.problem}. "
            f"{report.applied} of {report.total} steps were replayed.")


def play(path: Path, seed: int, plain: bool, new: bool = False, slot: str | None = None,
         inp: TextIO | None = None, out: TextIO | None = None, class_code: str | None = None,
         records: Path | None = None, watch: bool = False) -> int:
    """Play one story in the terminal player, or the plain one.

    With ``class_code`` the session is recorded for the class: the player is
    asked for a codename on the terminal first, and the record writer listens
    to the engine's events (its warnings reach the player with the save warnings).
    """
    story = load_story_cached(path)  # a warm start skips the YAML parse and its import
    store = SaveStore(default_folder(), story)
    from game.story.catalog import shared_id_notice

    notice = shared_id_notice(story)
    if notice is not None:
        store.warnings.append(notice)
    engine, resumed = open_game(story, seed, new, slot, store)
    inp, out = inp or sys.stdin, out or sys.stdout
    writer = None
    if class_code is not None:
        from game.classroom.join import join_class

        writer = join_class(class_code, records, engine, inp, out, warn=store.warnings.append)
    try:
        if not plain:
            try:
                from game.ui.app import run_app
            except ImportError:
                run_app = None
            if run_app is not None:
                return run_app(engine=engine, store=store, resumed=resumed,
                               watch=path if watch else None,
                               on_engine=writer.follow if writer is not None else None)
        if watch:
            out.write("--watch needs the terminal player; playing without live reload.\n")
        from game.plain import play_plain

        return play_plain(engine, store, inp, out, resumed)
    finally:
        if writer is not None:
            writer.close()


def title(folders: list[Path], seed: int, plain: bool,
          inp: TextIO | None = None, out: TextIO | None = None) -> int:
    """The title screen: pick a story (the terminal player's, or a numbered list)."""
    if not plain:
        try:
            from game.ui.app import run_title
        except ImportError:
            run_title = None
        if run_title is not None:
            return run_title(folders=folders, seed=seed)
    from game.story.catalog import catalog

    inp, out = inp or sys.stdin, out or sys.stdout
    entries = [e for e in catalog(folders) if e.story is not None]
    out.write("Standing: interactive fiction about scoring societies.\n\nStories:\n")
    for number, entry in enumerate(entries, 1):
        story = entry.story
        minutes = f", about {story.minutes:g} minutes" if story.minutes else ""
        out.write(clean(f"{number}. {one_line(story.title)}{minutes}") + "\n")
        if story.summary:
            out.write(clean(f"   {story.summary}") + "\n")
        if story.content_notes:
            out.write(clean(f"   Content: {', '.join(story.content_notes)}") + "\n")
    if not entries:
        out.write("no stories found\n")
        return 0
    _warn_shared_ids(entries, out)
    while True:
        out.write("Choose a story by number (q to quit): ")
        out.flush()
        line = inp.readline()
        if not line or line.strip().lower() == "q":
            out.write("\n")
            return 0
        choice = line.strip()
        if choice.isdecimal() and len(choice) <= 9 and 1 <= int(choice) <= len(entries):
            break
        out.write(f"Type a number from 1 to {len(entries)}.\n")
    return play(entries[int(choice) - 1].path, seed, plain=True, inp=inp, out=out)


def serve_web(story: Story, folder: Path, host: str, port: int,
              origins: frozenset[tuple[str, str, int]], seats: int, out: TextIO,
              on_start=None) -> None:
    """``class serve``'s web page: the web reader, one process for the class.

    Wires the classroom's seat (codename, resume code, records, pacing, reveal:
    the same ``ClassSeat`` the terminal player uses) into the web reader, one
    seat per browser.
    """
    from game.classroom.seat import ClassSeat
    from game.web.server import WebReader

    reader = WebReader(story, seats=seats, seat_factory=lambda: ClassSeat(story, folder),
                       origins=origins, out=out, on_start=on_start)
    reader.serve(host, port)


def serve_student(path: Path, class_code: str, records: Path | None) -> int:
    """One browser's player in ``class serve`` (run by the server, one process each).

    Wires the classroom's seat (codename, resume code, records, pacing, reveal)
    into the terminal player's class mode.
    """
    from game.classroom.records import class_folder
    from game.classroom.seat import ClassSeat
    from game.ui.classapp import ClassApp

    story = load_story_cached(path)  # every student's process starts from the cache
    seat = ClassSeat(story, class_folder(class_code, records))
    app = ClassApp(seat, story)
    try:
        app.run()
    finally:
        # The teacher's Ctrl+C (it reaches every player) stopped the app through
        # Textual's handler, which gives SIGINT back to Python's KeyboardInterrupt
        # as the app ends: ignored from here, so the same press cannot interrupt
        # this process's exit and print a traceback in the teacher's terminal
        # (textual-serve shows a player's error output there).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        seat.leave()
    return app.return_code or 0


def run_dashboard(code: str, records: Path | None, story_path: Path | None,
                  folders: list[Path], prog: str = "python -m game") -> int:
    """``class dashboard CODE``: the class live, until q.

    Wires the classroom's class folder (live numbers, pacing controls) into the
    dashboard, a Textual app in the player's package.
    """
    from game.classroom.desk import open_class
    from game.ui.dashboard import DashboardApp

    app = DashboardApp(open_class(code, records, story_path, folders, prog))
    app.run()
    return app.return_code or 0
