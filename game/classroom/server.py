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

The checks themselves are in ``bounds.py``, each player in ``players.py``.
textual-serve's ``Server`` is subclassed, and its private ``_make_app`` used:
tests/classroom/test_server.py runs it, so a textual-serve release that
changes it fails there first. Imported only by ``serve.py``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.web_runner import GracefulExit
from textual_serve.app_service import AppService
from textual_serve.server import Server

from game.classroom.bounds import (
    OneLine,
    Problems,
    Throttle,
    allowed_origins,
    clamp_size,
    quiet_errors,
    size_value,
    too_deep,
)
from game.classroom.players import SHUTDOWN_QUIT_SECONDS, TERM_SECONDS, PlayerService
from game.origins import origin_key
from game.safetext import one_line

STOP_SECONDS = SHUTDOWN_QUIT_SECONDS + TERM_SECONDS + 1.5
"""How long a stopping server waits for all its players (then aiohttp gives up)."""
MAX_MESSAGE = 64 * 1024
"""The largest websocket message a browser may send (keys and resizes are tiny)."""
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
            self.problems.say("full", "A browser was told the class is full: every seat is "
                              f"taken ({self.seats}; class serve --seats N allows more).")
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
