"""``class serve STORY``: the game in every browser of the classroom, from the teacher's laptop.

By default the class gets the web reader (``game.web``, handed in by the CLI
as ``web``): plain HTML pages from one process on this computer, one game per
student in memory, each with a ``ClassSeat`` writing its records into the
class folder here. With ``--terminal``, textual-serve runs one player process
per browser instead (the terminal player in class mode, ``class student``,
hidden) and streams its screen over a websocket. Either way students install
nothing, and nothing needs the internet. The server listens on one port of
the LAN address only (found without sending anything: ``lan.py``), and tells
browsers to connect back there (``public_url``). While it serves, the
command checks every few seconds that the class folder can still be written,
and warns the teacher when it cannot. What a browser may do is bounded in
``game.web.server`` (forms only from this server's own page, this server's
host names, at most ``--seats`` players, bounded requests) and, for
``--terminal``, in ``server.py``: websockets only from this server's own
page, at most ``--seats`` players, a clamped screen size, and players stopped
for sure when their browser goes.
"""

from __future__ import annotations

import asyncio
import errno
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, TextIO

from game.classroom.codenames import CodenameError, normalise_class_code
from game.classroom.lan import lan_address, public_url
from game.classroom.pacing import read_pacing, write_pacing
from game.classroom.privacy import STUDENTS, expire
from game.classroom.records import RecordError, class_folder, mark_class_folder
from game.classroom.seat import Attempts, old_resume_file
from game.safetext import clean, one_line
from game.story.loader import load_story

DEFAULT_PORT = 8000
DEFAULT_SEATS = 40
"""Players at once unless the teacher gives --seats (with --terminal, about 40 MB of the
laptop's memory each; on the web page, 1-2 MB)."""
MAX_SEATS = 500
CHECK_SECONDS = 5.0
"""How often the class folder is checked while serving."""
LOW_SPACE = 20 * 1024 * 1024
"""Below this much free space in the class folder's disk, the teacher is warned."""
TEMPLATES = Path(__file__).parent / "templates"


def student_command(story: Path, code: str, records: Path | None) -> str:
    """The shell command textual-serve runs for each browser."""
    args = [sys.executable, "-m", "game", "class", "student", str(story.resolve()),
            "--class", code]
    if records is not None:
        args += ["--records", str(records.resolve())]
    if os.name == "nt":
        return subprocess.list2cmdline(args)
    # exec: the player replaces the shell, so its parent is the server itself, and it
    # can tell when the server is gone (see ClassApp) instead of lingering on its seat;
    # and the process the server signals is the player (server.py: its own group).
    # trap '' INT: should a Ctrl+C reach a player anyway (the server is run some other
    # way), it ignores it (an ignored signal stays ignored through exec, and Python
    # keeps it so) and is stopped by the server instead, so one starting at that
    # moment does not die with a KeyboardInterrupt printed on the projector.
    return "trap '' INT; exec " + shlex.join(args)


def records_problem(folder: Path) -> str | None:
    """Why class records cannot be written in ``folder`` now (None: they can)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=folder)
        try:
            os.write(fd, b"standing\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < LOW_SPACE:
        return f"only {free // 1024} KiB free on its disk"
    return None


def qr_text(url: str) -> str | None:
    """A QR code of ``url`` for the terminal, if segno is installed (the ``qr`` extra)."""
    try:
        import segno
    except ImportError:
        return None
    import io

    out = io.StringIO()
    segno.make(url, error="l", micro=False).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, in a line (None: it can)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
        try:
            probe.bind((host, port))
        except OSError as exc:
            why = f"cannot listen on {host}:{port} ({exc.strerror or exc})"
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                # Only then is another port the answer (not for a host that does not exist).
                why += f": another program may be using the port; try --port {port % 65535 + 1}"
            return why
    return None


class RecordsWatch:
    """Warns the teacher once when the class folder stops being writable, and when it is again."""

    def __init__(self, folder: Path, out: TextIO) -> None:
        self.folder = folder
        self.out = out
        self.problem: str | None = None

    def check(self) -> str | None:
        """Check now; print a warning (or the all-clear) when the state changes."""
        problem = records_problem(self.folder)
        if problem and problem != self.problem:
            self.out.write(clean(
                f"Warning: cannot write class records to {self.folder} ({problem}). "
                "Students play on and their records catch up when the folder can "
                "be written again: free some space, or plug the drive back in.") + "\n")
        elif self.problem and not problem:
            self.out.write(clean(f"Class records can be written to {self.folder} again.") + "\n")
        self.out.flush()
        self.problem = problem
        return problem

    async def run(self) -> None:
        """Check every CHECK_SECONDS until cancelled (off the event loop's thread)."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            await asyncio.to_thread(self.check)


def make_server(command: str, host: str, port: int, url: str, title: str,
                watch: RecordsWatch | None, seats: int, hosts: list[str | None]):
    """The class's web server (``server.py``): Standing's page, quiet logs, the records watch,
    at most ``seats`` players, websockets only from pages of ``url`` or ``hosts``."""
    from game.classroom.server import ClassServer, allowed_origins

    return ClassServer(command, host=host, port=port, title=title, public_url=url,
                       templates_path=TEMPLATES, seats=seats,
                       origins=allowed_origins(url, port, [host, *hosts]),
                       on_start=None if watch is None else watch.run)


def old_seats(folder: Path) -> int:
    """How many seats of the class keep their resume code in the old, refused format."""
    try:
        students = [p for p in (folder / STUDENTS).iterdir() if p.is_dir()]
    except OSError:
        return 0
    return sum(old_resume_file(student) for student in students)


WebServe = Callable[..., Any]
"""Serves the web reader: ``web(story, folder, host, port, origins, seats, out, on_start)``
(``game.launch.serve_web``; the classroom does not import another front end)."""


def run_serve(story_path: Path, code: str | None, records: Path | None, host: str | None,
              port: int, url: str | None, out: TextIO, seats: int = DEFAULT_SEATS,
              web: WebServe | None = None, prog: str = "python -m game") -> int:
    """``class serve STORY``: serve the story to the class until Ctrl+C (the web reader
    when ``web`` is given, else the terminal player through textual-serve). ``prog`` is
    how the teacher started us (``standing`` or ``python -m game``), for the dashboard's
    command."""
    if not 1 <= seats <= MAX_SEATS:
        raise RecordError(f"--seats {seats}: give the number of students, from 1 to {MAX_SEATS}")
    if not 1 <= port <= 65535:  # 0 would listen on a port nobody is told; past 65535: a crash
        raise RecordError(f"--port {port}: give a port from 1 to 65535 (e.g. 8000)")
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise RecordError(f"--public-url {url[:60]}: give the address students type, "
                          "starting http:// or https://")
    story = load_story(story_path)  # a broken story stops here, with its errors
    try:
        code = normalise_class_code(code or story.id)
    except CodenameError as exc:
        raise RecordError(str(exc)) from None
    folder = class_folder(code, records)
    if records_problem(folder) is None:  # makes the folder, if it can
        mark_class_folder(folder)  # serving makes it a class folder (if it is not one yet)
    expired = expire(folder)
    lan = lan_address() if host is None or host in ("0.0.0.0", "::") else host
    local_only = lan is None
    host = host or lan or "127.0.0.1"
    problem = port_problem(host, port)
    if problem:
        raise RecordError(problem)
    # Browsers must be told an address they can reach, never 0.0.0.0.
    address = url or public_url(lan or "127.0.0.1", port)
    watch = RecordsWatch(folder, out)
    try:
        pacing = read_pacing(folder)
        write_pacing(folder, replace(pacing, story=story.id,
                                     story_path=str(story_path.resolve())))
    except OSError:
        pass  # the watch below says so
    dashboard = f"{prog} class dashboard {code}"
    if records is not None:
        dashboard += f" --records {shlex.quote(str(records))}"
    # The banner quotes the story and paths: cleaned (game.safetext), like every terminal line.
    out.write(clean(f"Standing is serving “{one_line(story.title)}” to class {code}.") + "\n\n")
    out.write(clean(f"  Give the class this address:  {address}") + "\n\n")
    qr = qr_text(address)
    if qr:
        out.write(qr + "\n")
    if local_only:
        out.write("This computer is on no network, so only its own browser can connect. "
                  "Join the school's network (Wi-Fi or cable) and start again, or give "
                  "--host.\n")
    out.write(clean(f"Records:    {folder}") + "\n")
    for line in expired.lines(quiet=True):  # file names come from the folder
        out.write(clean(f"            {line}") + "\n")
    out.write(f"Seats:      {seats} {'student' if seats == 1 else 'students'} at once "
              "(--seats N to change)\n")
    old = old_seats(folder)
    if old:
        out.write(f"{old} student(s) of this class have a resume code from an older Standing, "
                  "which is no longer accepted (it was too short to be safe): they join under "
                  "a new codename; their earlier record stays in the report.\n")
    out.write(clean(f"Dashboard:  {dashboard}   (in another terminal)") + "\n")
    out.write("Students need only a browser on this network; nothing goes to the internet.\n"
              "Press Ctrl+C to stop. Games are saved: students come back with their codename "
              "and resume code.\n")
    out.flush()
    watch.check()
    Attempts(folder).clear()  # a restart gives every codename its free attempts back
    if web is not None:
        from game.classroom.bounds import allowed_origins

        web(story, folder, host, port, allowed_origins(address, port, [host, lan]), seats, out,
            watch.run)
        out.write("Stopped serving.\n")
        return 0
    command = student_command(story_path, code, records)
    server = make_server(command, host, port, address, f"Standing: {story.title}", watch,
                         seats, [lan])
    server.serve()
    out.write("Stopped serving.\n")
    return 0
