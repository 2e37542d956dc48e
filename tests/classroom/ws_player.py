"""A headless browser for class serve: textual-serve's websocket protocol, nothing else.

The page's script (textual.js) opens ``/ws?width=W&height=H`` and sends JSON
arrays: ``["stdin", keys]`` for typed keys (terminal bytes), ``["resize",
{"width", "height"}]``, ``["ping", data]``. The server sends the player's
screen as binary frames of terminal output, and JSON text frames for the
rest. This client keeps the screen output with escape codes removed, so a
test can wait until some text has been drawn.
"""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp

ESCAPES = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


class WsPlayer:
    """One student's browser tab, driven by a test."""

    def __init__(self, session: aiohttp.ClientSession, url: str, width: int = 100,
                 height: int = 40, origin: str | None = "") -> None:
        self.session = session
        self.url = url
        self.origin = url if origin == "" else origin
        """The Origin header sent, as a browser does: the page's own by default."""
        self.width, self.height = width, height
        self.raw = bytearray()
        self.texts: list[str] = []
        """The text (JSON) messages the server sent, such as ``["pong", data]``."""
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self.closed = False

    async def open(self) -> None:
        """Connect as the page does, and start reading the screen."""
        self.ws = await self.session.ws_connect(
            f"{self.url}/ws?width={self.width}&height={self.height}", origin=self.origin)
        await self.ws.send_json(["resize", {"width": self.width, "height": self.height}])
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.raw.extend(message.data)
                self._changed.set()
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.texts.append(message.data)
        self.closed = True
        self._changed.set()

    def text(self, since: int = 0) -> str:
        """The screen output from byte ``since`` on, escape codes removed."""
        return ESCAPES.sub(b"", bytes(self.raw[since:])).decode("utf-8", "replace")

    @property
    def mark(self) -> int:
        """Where the output is now: wait for text drawn after this."""
        return len(self.raw)

    async def wait_for(self, pattern: str, since: int = 0, timeout: float = 20.0) -> re.Match:
        """Wait until ``pattern`` (a regular expression) is drawn after ``since``."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            found = regex.search(self.text(since))
            if found:
                return found
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise AssertionError(f"never drawn: {pattern!r}; last output: "
                                     f"{self.text(max(since, len(self.raw) - 3000))[-1500:]!r}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
            except asyncio.TimeoutError:
                pass

    async def keys(self, data: str) -> None:
        """Type ``data`` one key at a time, as a browser sends keystrokes (terminal bytes:
        "\\r" is Enter, "\\t" Tab, "\\x01" Ctrl+A)."""
        assert self.ws is not None
        for key in data:
            await self.ws.send_json(["stdin", key])

    async def close(self) -> None:
        """Close the tab."""
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):
                pass
