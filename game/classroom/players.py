"""One browser's player process under ``class serve``, stopped for sure.

Each player runs in its own process group. Told to quit, it has QUIT_SECONDS
before its group is sent SIGTERM, then TERM_SECONDS before SIGKILL; its output
is read to the end meanwhile (and dropped once its browser is gone), so a
player can never block on a full pipe; its screen size is clamped; and an
error it ends with is one line in the teacher's terminal.

textual-serve's ``AppService`` is subclassed, and its private ``_process``,
``_stdin`` and ``_task`` used: tests/classroom/test_server.py runs each of
them, so a textual-serve release that changes them fails there first.
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from textual_serve.app_service import AppService

from game.classroom.bounds import Problems, clamp_size
from game.safetext import one_line

QUIT_SECONDS = 1.0
"""How long a player told to quit has before it is sent SIGTERM."""
SHUTDOWN_QUIT_SECONDS = 3.0
"""The same when the whole server stops: every player quits at once and shares the CPU."""
TERM_SECONDS = 0.5
"""How long after SIGTERM a player is sent SIGKILL."""
MAX_PACKET = 32 * 1024 * 1024
"""The largest packet a player may send; a bigger one means its output is corrupt."""
STDERR_KEPT = 16 * 1024
"""How much of a player's error output is kept, to quote its last line."""
POSIX = os.name != "nt"


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
