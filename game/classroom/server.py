"""The web side of ``class serve``: textual-serve's server, bounded for a room of browsers.

Any browser on the school's network can reach the teacher's laptop, and any
web page a student opens can try to, so every choice a stranger can make is
bounded here:

- **Origin.** A websocket is accepted only from the page this server gave out
  (its LAN address, localhost, or ``--public-url``); a page of another site
  open in a student's browser gets 403 and no player.
- **Seats.** At most ``seats`` players run at once (a player still stopping
  counts); the next browser is told the class is full, and no process starts.
- **Size.** The screen size a browser asks for, on connecting and on every
  resize, is clamped to MIN_WIDTH..MAX_WIDTH by MIN_HEIGHT..MAX_HEIGHT.
- **Stopping.** Each player runs in its own process group; told to quit, it
  has QUIT_SECONDS before SIGTERM, then TERM_SECONDS before SIGKILL, and its
  output is read to the end meanwhile, so a player whose browser is gone can
  never block on a full pipe.
- **Messages.** A browser's messages are capped at MAX_MESSAGE bytes and
  checked for shape; what is not understood is ignored.
- **The teacher's terminal.** Every problem is one line (repeats are counted,
  not printed), never a traceback, and never a student's IP address.

textual-serve's ``AppService`` and ``Server`` are subclassed, and some of their
private attributes used (``_process``, ``_stdin``, ``_task``, ``_make_app``):
tests/classroom/test_server.py runs each of them, so a textual-serve release
that changes them fails there first. Imported only by ``serve.py``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.web_runner import GracefulExit
from textual_serve.app_service import AppService
from textual_serve.server import Server

log = logging.getLogger("standing.serve")

MIN_WIDTH, MAX_WIDTH = 20, 300
MIN_HEIGHT, MAX_HEIGHT = 6, 100
"""The screen sizes a player may be given, in cells (a bigger one costs the laptop memory)."""
DEFAULT_SIZE = (80, 24)
QUIT_SECONDS = 1.0
"""How long a player told to quit has before it is sent SIGTERM."""
SHUTDOWN_QUIT_SECONDS = 3.0
"""The same when the whole server stops: every player quits at once and shares the CPU."""
TERM_SECONDS = 0.5
"""How long after SIGTERM a player is sent SIGKILL."""
STOP_SECONDS = SHUTDOWN_QUIT_SECONDS + TERM_SECONDS + 1.5
"""How long a stopping server waits for all its players (then aiohttp gives up)."""
MAX_MESSAGE = 64 * 1024
"""The largest websocket message a browser may send (keys and resizes are tiny)."""
MAX_PACKET = 32 * 1024 * 1024
"""The largest packet a player may send; a bigger one means its output is corrupt."""
STDERR_KEPT = 16 * 1024
"""How much of a player's error output is kept, to quote its last line."""
LOG_EVERY = 10.0
"""A repeated problem is printed at most once in this many seconds (the rest are counted)."""
CLOSE_TIMEOUT = 2.0
"""How long closing a websocket waits for the browser's answer."""
FULL = "The class is full: ask your teacher."
"""What a browser is told when every seat is taken (a websocket close reason: < 123 bytes)."""
FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>The class is full</title></head>
<body style="font-family: sans-serif; background: #0c181f; color: #eee; padding: 3em;">
<h1>The class is full</h1>
<p>Every seat is taken ({seats} at once). Ask your teacher, then reload this page.</p>
</body></html>
"""
POSIX = os.name != "nt"


# -- what a stranger may choose, bounded -----------------------------------------------------


def size_value(value: object) -> int | None:
    """A width or height from a browser as a whole number, or None when it is not one."""
    if type(value) is int:
        return value
    if type(value) is float and value == value and abs(value) < 1e9:
        return int(value)
    if type(value) is str and 0 < len(value) <= 12:
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def clamp_size(width: int | None, height: int | None) -> tuple[int, int]:
    """The screen a player is given for the size a browser asked (defaults when it asked none)."""
    width = DEFAULT_SIZE[0] if width is None else width
    height = DEFAULT_SIZE[1] if height is None else height
    return (min(max(width, MIN_WIDTH), MAX_WIDTH), min(max(height, MIN_HEIGHT), MAX_HEIGHT))


def origin_key(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a web origin or URL, or None when it is not an http(s) one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def allowed_origins(public_url: str, port: int, hosts: Iterable[str | None]
                    ) -> frozenset[tuple[str, str, int]]:
    """The origins of the pages this server gives out: ``public_url``, and each of
    ``hosts`` (with localhost and 127.0.0.1 always) over http on ``port``."""
    allowed = {("http", host.strip("[]").lower(), port)
               for host in ("localhost", "127.0.0.1", "::1", *hosts)
               if host and host not in ("0.0.0.0", "::")}
    key = origin_key(public_url)
    if key is not None:
        allowed.add(key)
    return frozenset(allowed)


STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
"""A JSON string, quotes included (to look at a message's structure without its text)."""
DEEPEST = 8
"""The deepest nesting of arrays and objects a browser's message may have."""


def too_deep(message: str, limit: int = DEEPEST) -> bool:
    """Whether a JSON message nests deeper than ``limit`` (parsing it could exhaust the stack)."""
    depth = 0
    for char in STRINGS.sub("", message):
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def one_line(text: object, limit: int = 160) -> str:
    """Text safe for one line of the teacher's terminal: printable ASCII, shortened."""
    cleaned = "".join(c if " " <= c <= "~" else "?" for c in " ".join(str(text).split()))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class Problems:
    """Says each kind of problem in one line, at most once per LOG_EVERY seconds (counting
    the repeats), so that a browser misbehaving in a loop cannot flood the projector."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, every: float = LOG_EVERY,
                 ) -> None:
        self.clock = clock
        self.every = every
        self._last: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def say(self, kind: str, line: str) -> None:
        """Print ``line`` now, unless a ``kind`` problem was printed in the last few seconds."""
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            self._quiet[kind] = self._quiet.get(kind, 0) + 1
            return
        quiet = self._quiet.pop(kind, 0)
        self._last[kind] = now
        log.warning("%s%s", line, f" ({quiet} more like this not shown)" if quiet else "")


class OneLine(logging.Formatter):
    """Every log record as one clean line: an error's type and message, never its traceback
    (nor the client's address aiohttp puts in its own messages)."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == log.name:
            return one_line(record.getMessage(), 400)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line = one_line(f"Note: a connection failed ({type(error).__name__}: {error})")
        else:
            line = one_line(f"Note: {record.getMessage()}")
        quiet = getattr(record, "quiet", 0)
        return line + (f" ({quiet} more like this not shown)" if quiet else "")


class Throttle(logging.Filter):
    """Lets the libraries' messages of one kind through at most once per LOG_EVERY seconds
    (Standing's own go through ``Problems``), counting the rest."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.clock = clock
        self._last: dict[tuple[str, str], float] = {}
        self._quiet: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == log.name:
            return True
        error = record.exc_info[1] if record.exc_info else None
        kind = (record.name, type(error).__name__ if error is not None else str(record.msg))
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < LOG_EVERY:
            self._quiet[kind] = self._quiet.get(kind, 0) + 1
            return False
        self._last[kind] = now
        record.quiet = self._quiet.pop(kind, 0)
        return True


def quiet_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Route the last places a traceback could reach the terminal through one-line logging."""
    def on_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        log.warning(f"Note: {context.get('message', 'an error')}"
                    + (f" ({type(error).__name__}: {error})" if error else ""))

    def on_thread_error(args: threading.ExceptHookArgs) -> None:
        log.warning(f"Note: an error in a thread ({args.exc_type.__name__}: {args.exc_value})")

    def on_unraisable(args: Any) -> None:
        log.warning(f"Note: an ignored error ({type(args.exc_value).__name__}: "
                    f"{args.exc_value})")

    loop.set_exception_handler(on_loop_error)
    threading.excepthook = on_thread_error
    sys.unraisablehook = on_unraisable


# -- one player ------------------------------------------------------------------------------


class PlayerService(AppService):
    """One browser's player process: started in its own process group, its size clamped,
    its output always read, and stopped for sure (quit, then SIGTERM, then SIGKILL)."""

    def __init__(self, command: str, *, problems: Problems, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.problems = problems
        self.grace = QUIT_SECONDS
        """Seconds a player told to quit has before it is signalled."""
        self.size: tuple[int, int] | None = None
        """The screen size the player was last given."""
        self.killed = False
        """True when the player had to be signalled to stop."""
        self.stopping = False
        """True once ``stop`` has begun (the server then lets it finish)."""
        self._browser_gone = False
        self._stderr = bytearray()

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        width, height = clamp_size(width, height)
        self.size = (width, height)
        self._process = process = await asyncio.create_subprocess_shell(
            self.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height),
            start_new_session=POSIX)  # its own group: signalled, its children go with it
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The player's process id (None before it starts)."""
        return None if self._process is None else self._process.pid

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.size = clamp_size(width, height)
        await super().set_terminal_size(*self.size)

    async def on_data(self, payload: bytes) -> None:
        if self._browser_gone:
            return  # keep reading, so the player never waits on a full pipe
        try:
            await self.remote_write_bytes(payload)
        except (ConnectionError, RuntimeError):
            self._browser_gone = True

    async def run(self) -> None:
        """Read the player's output until it ends, passing its screen to the browser."""
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stdout, stderr = process.stdout, process.stderr

        async def keep_stderr() -> None:
            while data := await stderr.read(4096):
                self._stderr += data
                del self._stderr[:-STDERR_KEPT]

        errors = asyncio.create_task(keep_stderr())
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        try:
            for _ in range(10):  # the prelude that says a Textual app is speaking
                if await stdout.readline() in (b"", b"__GANGLION__\n"):
                    break
            while True:
                head = await stdout.readexactly(5)
                size = int.from_bytes(head[1:], "big")
                if size > MAX_PACKET:
                    raise ValueError(f"a packet of {size} bytes")
                payload = await stdout.readexactly(size)
                handler = handlers.get(head[:1])
                if handler is None:
                    continue
                try:
                    await handler(payload)
                except (ConnectionError, RuntimeError):
                    self._browser_gone = True
                except (ValueError, KeyError, TypeError) as error:
                    self.problems.say("player-message", "Ignored a message from a player that "
                                      f"was not understood ({one_line(error, 80)}).")
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        except (ValueError, asyncio.LimitOverrunError) as error:
            self.problems.say("player-output", "A player's output could not be read "
                              f"({one_line(error, 80)}); it will be stopped.")
            while await stdout.read(65536):
                pass  # drain, so it cannot block, until it is stopped
        finally:
            try:
                await asyncio.wait_for(errors, TERM_SECONDS)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass

    async def stop(self) -> None:
        """Stop the player: tell it to quit, then signal its process group until it ends."""
        task, self._task = self._task, None
        process = self._process
        if task is None or process is None:
            return
        self.stopping = True
        deadline = asyncio.get_running_loop().time() + self.grace
        try:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            await asyncio.wait_for(self.send_meta({"type": "quit"}), self.grace)
        except (asyncio.TimeoutError, Exception):
            pass  # a player not reading its input is signalled below
        if not await self._ended(process, deadline - asyncio.get_running_loop().time()):
            self.killed = True
            self._signal(process, signal.SIGTERM)
            if not await self._group_ended(process, TERM_SECONDS):
                self._signal(process, getattr(signal, "SIGKILL", signal.SIGTERM))
                await self._group_ended(process, 5.0)
            await self._ended(process, 1.0)
            self.problems.say("killed", "A player did not quit within a second of being told "
                              "and was stopped.")
        try:
            await asyncio.wait_for(task, TERM_SECONDS)
        except (asyncio.TimeoutError, asyncio.CancelledError, Exception):
            task.cancel()
        if self._stdin is not None:
            self._stdin.close()  # its pipe, closed while the loop runs
        self._report_error(process)

    @staticmethod
    async def _ended(process: Any, seconds: float) -> bool:
        """Whether ``process`` ends within ``seconds``."""
        try:
            await asyncio.wait_for(asyncio.shield(process.wait()), max(seconds, 0.01))
        except asyncio.TimeoutError:
            return False
        return True

    @classmethod
    async def _group_ended(cls, process: Any, seconds: float) -> bool:
        """Whether every process of the player's group ends within ``seconds``."""
        if not POSIX:
            return await cls._ended(process, seconds)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            try:
                os.killpg(process.pid, 0)  # only asks whether the group still has a process
            except (ProcessLookupError, PermissionError):
                return True
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(0.05)

    @staticmethod
    def _signal(process: Any, signum: int) -> None:
        """Send ``signum`` to the player's process group (the player alone on Windows).

        The group is signalled even when its first process has ended: a process it
        started may still hold the seat. Its id cannot be reused while it has a member.
        """
        try:
            if POSIX:
                os.killpg(process.pid, signum)
            elif process.returncode is None:
                process.kill()
        except (ProcessLookupError, PermissionError):
            pass

    def _report_error(self, process: Any) -> None:
        """One line for a player that ended with an error (its last line of error output)."""
        if self.killed or process.returncode in (0, None) and not self._stderr.strip():
            return
        lines = bytes(self._stderr).decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else f"exit status {process.returncode}"
        self.problems.say("player-error", f"A player's game stopped with an error: "
                          f"{one_line(last, 120)}")


# -- the server -----------------------------------------------------------------------------


class ClassServer(Server):
    """textual-serve's Server with Standing's page, quiet one-line logs, the records watch,
    and the bounds above (origin, seats, size, stopping)."""

    def __init__(self, command: str, *, host: str, port: int, title: str, public_url: str,
                 templates_path: Path, seats: int,
                 origins: frozenset[tuple[str, str, int]] | None = None,
                 on_start: Callable[[], Any] | None = None) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url,
                         templates_path=templates_path)
        self.seats = seats
        """Players at once; the next browser is told the class is full."""
        self.origins = origins if origins is not None else allowed_origins(public_url, port,
                                                                           [host])
        """The page origins whose websockets are accepted."""
        self.on_start = on_start
        """Started as a task with the server, cancelled when it stops (the records watch)."""
        self.problems = Problems()
        self.sessions: dict[asyncio.Task, PlayerService | None] = {}
        """Each browser's live session and its player, so shutdown can stop them all."""
        self._background: asyncio.Task | None = None

    def initialize_logging(self) -> None:
        # No request log: it would print every student's IP address on the projector.
        handler = logging.StreamHandler()
        handler.setFormatter(OneLine())
        handler.addFilter(Throttle())
        logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)

    def origin_allowed(self, origin: str | None) -> bool:
        """Whether a websocket from a page of ``origin`` may have a player."""
        return origin is not None and origin_key(origin) in self.origins

    @property
    def full(self) -> bool:
        """True when every seat is taken."""
        return len(self.sessions) >= self.seats

    async def on_startup(self, app: web.Application) -> None:
        if self.on_start is not None:
            self._background = asyncio.create_task(self.on_start())

    async def on_shutdown(self, app: web.Application) -> None:
        if self._background is not None:
            self._background.cancel()
        # Stop every player while the loop still runs: cancelling a session makes it tell
        # its player to quit (and signal it if it must), so no process (and no pipe of
        # one) outlives the loop that owns it.
        sessions = list(self.sessions)
        for task, service in list(self.sessions.items()):
            if service is not None:
                service.grace = SHUTDOWN_QUIT_SECONDS
                if service.stopping:
                    continue  # already stopping it: a cancel would leave it half stopped
            task.cancel()
        if sessions:
            await asyncio.wait(sessions, timeout=STOP_SECONDS)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full:
            return web.Response(status=503, content_type="text/html",
                                text=FULL_PAGE.format(seats=self.seats),
                                headers={"Retry-After": "30"})
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not self.origin_allowed(origin):
            self.problems.say("origin", "Refused a connection from a page this server did not "
                              f"give out (origin: {one_line(origin or 'none', 80)}).")
            return web.Response(status=403, text="Forbidden: this page is not from this class.")
        if self.full:
            self.problems.say("full", f"A browser was told the class is full: all {self.seats} "
                              "seats are taken (class serve --seats N allows more).")
            return await self._refuse_full(request)
        task = asyncio.current_task()
        assert task is not None
        self.sessions[task] = None  # the seat is held from here: no await before this line
        try:
            return await self._session(request, task)
        finally:
            self.sessions.pop(task, None)

    async def _refuse_full(self, request: web.Request) -> web.WebSocketResponse:
        """Accept the websocket only to say the class is full, and close it; no player."""
        websocket = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, timeout=CLOSE_TIMEOUT)
        try:
            await websocket.prepare(request)
            await websocket.send_bytes(f"\r\n  {FULL}\r\n".encode())
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=FULL.encode())
        except (ConnectionError, RuntimeError, asyncio.TimeoutError):
            pass
        return websocket

    async def _session(self, request: web.Request, task: asyncio.Task) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE,
                                          timeout=CLOSE_TIMEOUT)
        width, height = clamp_size(size_value(request.query.get("width")),
                                   size_value(request.query.get("height")))
        service: PlayerService | None = None
        await websocket.prepare(request)  # a request that is no websocket: aiohttp's 400
        try:
            service = PlayerService(self.command, problems=self.problems,
                                    write_bytes=websocket.send_bytes,
                                    write_str=websocket.send_str, close=websocket.close,
                                    download_manager=self.download_manager, debug=self.debug)
            self.sessions[task] = service
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            if service is not None:
                service.grace = SHUTDOWN_QUIT_SECONDS
        except Exception as error:
            self.problems.say("session", "A browser's session ended with an error "
                              f"({one_line(type(error).__name__ + ': ' + str(error), 120)}).")
        finally:
            if service is not None:
                await service.stop()
            try:
                await websocket.close()
            except (ConnectionError, RuntimeError, asyncio.TimeoutError):
                pass
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse,
                                app_service: AppService) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = None if too_deep(message.data) else json.loads(message.data)
            except ValueError:
                envelope = None
            if not (isinstance(envelope, list) and envelope and isinstance(envelope[0], str)):
                self.problems.say("message", "Ignored a message from a browser that was not "
                                  "understood.")
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = size_value(data.get("width")), size_value(data.get("height"))
                if width is not None and height is not None:
                    await app_service.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM (Ctrl+C), then stop every player."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        quiet_errors(loop)
        try:
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        except (NotImplementedError, RuntimeError):
            pass  # Windows: Ctrl+C still stops aiohttp
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False,
                    loop=loop, print=None, access_log=None, shutdown_timeout=STOP_SECONDS)

    def request_exit(self) -> None:
        raise GracefulExit()
