"""What a browser may choose under ``class serve``, bounded; and the teacher's one-line log.

Pure Python (no aiohttp): the checks ``server.py`` makes of what a browser
sends (screen size, page origin, message nesting), and how every problem
reaches the teacher's terminal: one clean line, repeats counted, never a
traceback, never a student's address.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from game.origins import Origin, origin_key
from game.safetext import one_line

log = logging.getLogger("standing.serve")
"""Where ``class serve`` says its problems (one line each)."""

MIN_WIDTH, MAX_WIDTH = 20, 300
MIN_HEIGHT, MAX_HEIGHT = 6, 100
"""The screen sizes a player may be given, in cells (a bigger one costs the laptop memory)."""
DEFAULT_SIZE = (80, 24)
LOG_EVERY = 10.0
"""A repeated problem is printed at most once in this many seconds (the rest are counted)."""


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


def allowed_origins(public_url: str, port: int, hosts: Iterable[str | None]
                    ) -> frozenset[Origin]:
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
