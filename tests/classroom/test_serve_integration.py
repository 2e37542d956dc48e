"""class serve end to end: a real server on 127.0.0.1, headless browsers speaking its protocol.

Each test starts ``python -m game class serve`` in its own process group on a
free loopback port, plays through textual-serve's websocket as a browser
would, and always stops the server and every player process it started.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from class_helpers import LESSON
from game.classroom.sessions import read_session
from ws_player import WsPlayer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """``class serve`` running in a subprocess; ``stop()`` ends it and its players."""

    def __init__(self, data: Path, port: int, log: Path, *options: str) -> None:
        env = {**os.environ, "STANDING_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
        env.pop("NO_COLOR", None)
        self.log = log
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "game", "class", "serve", str(LESSON), "--class", "7b",
             "--terminal", "--host", "127.0.0.1", "--port", str(port), *options],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log.open("ab"),
            stderr=subprocess.STDOUT, start_new_session=True)

    async def ready(self, session: aiohttp.ClientSession, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.log.read_text()}")
            try:
                async with session.get(self.url + "/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError(f"serve never answered: {self.log.read_text()}")

    def stop(self) -> None:
        """Ctrl+C, as the teacher would; then make sure nothing of ours is left running."""
        players = children(self.process.pid)  # each player has a process group of its own
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        for group in [self.process.pid, *players]:  # the groups this test started only
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.process.wait(5)


async def join(player: WsPlayer, codename: str, code: str = "") -> str:
    """Fill in the join screen; returns the resume code it offered."""
    offered = (await player.wait_for(r"Your resume code: ([A-Z2-9]{4}-[A-Z2-9]{4})")).group(1)
    mark = player.mark
    await player.keys(codename)  # the offered name is selected: typing replaces it
    await player.wait_for(codename, mark)
    if code:
        await player.keys("\t")
        await asyncio.sleep(0.3)  # focus moves after the key: a person never types faster
        await player.keys(code)
    await player.keys("\r")
    return offered


async def play_monday(player: WsPlayer) -> None:
    """Answer the first poll, go on, answer the prediction, pay the bill late."""
    await player.wait_for("Can a number say whether")
    mark = player.mark
    await player.keys("1")
    await player.wait_for("Answer noted", mark)
    mark = player.mark
    await player.keys("1")  # Continue
    await player.wait_for("What will most of your class do", mark)
    mark = player.mark
    await player.keys("2")
    await player.wait_for("Pay it late", mark)
    mark = player.mark
    await player.keys("1")
    await player.wait_for("The light is red", mark)


async def play_tuesday(player: WsPlayer, since: int) -> None:
    """Cross on red, answer the last poll: the story ends."""
    await player.wait_for("Cross anyway", since)
    mark = player.mark
    await player.keys("1")
    await player.wait_for("Now, can a number say", mark)
    mark = player.mark
    await player.keys("3")
    await player.wait_for("Answer noted", mark)


async def rejoin(session: aiohttp.ClientSession, url: str, codename: str,
                 code: str) -> WsPlayer:
    """Come back with codename and resume code; the game continues in Tuesday.

    The closed tab's player process may take a moment to end: until then the
    seat is refused as "playing in another window", and the student tries again.
    """
    for _ in range(10):
        player = WsPlayer(session, url)
        await player.open()
        await asyncio.wait_for(join(player, codename, code), 60)
        found = await player.wait_for(r"Cross anyway|Sorry: [^.]*")
        if found.group(0) == "Cross anyway":
            return player
        assert "playing in another window" in found.group(0), found.group(0)
        await player.close()
        await asyncio.sleep(0.5)
    raise AssertionError("the seat was never freed")


def ended(record: Path, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if record.exists() and '"type":"ended"' in record.read_text(encoding="utf-8"):
            return True
        time.sleep(0.1)
    return False


async def test_a_browser_plays_to_an_ending_and_the_record_lands(tmp_path) -> None:
    served = Served(tmp_path / "data", free_port(), tmp_path / "serve.log")
    try:
        async with aiohttp.ClientSession() as session:
            await served.ready(session)
            player = WsPlayer(session, served.url)
            await player.open()
            await asyncio.wait_for(_to_the_end(player), 90)
            await player.close()
        record = tmp_path / "data" / "classes" / "7b" / "amber-otter.jsonl"
        assert ended(record)
        session_read, skipped, _ = read_session(record)
        assert skipped == 0
        assert [c.choice for c in session_read.choices] == ["late", "cross"]
        assert [p.option for p in session_read.polls] == [0, 1, 2]
    finally:
        served.stop()
    log = (tmp_path / "serve.log").read_text()
    assert "Give the class this address:  http://127.0.0.1:" in log


async def _to_the_end(player: WsPlayer) -> None:
    await join(player, "amber-otter")
    await play_monday(player)
    await play_tuesday(player, 0)


async def test_closed_browsers_and_a_restarted_server_lose_nothing(tmp_path) -> None:
    data = tmp_path / "data"
    log = tmp_path / "serve.log"
    record = data / "classes" / "7b" / "amber-otter.jsonl"
    served = Served(data, free_port(), log)
    crashed = None
    try:
        async with aiohttp.ClientSession() as session:
            await served.ready(session)
            # Monday in one tab, then the tab is closed mid-story.
            first = WsPlayer(session, served.url)
            await first.open()
            code = await asyncio.wait_for(join(first, "amber-otter"), 60)
            await asyncio.wait_for(play_monday(first), 60)
            await first.close()
            # The student opens the page again: same codename and resume code.
            reopened = await rejoin(session, served.url, "amber-otter", code)
            await reopened.close()
            # Another student wants the same codename: refused, clearly.
            other = WsPlayer(session, served.url)
            await other.open()
            await asyncio.wait_for(join(other, "amber-otter"), 60)
            await other.wait_for(r"already taken in class 7b")
            await other.close()
        # The server dies (the laptop's battery, a crash): killed, nothing closed cleanly.
        # Its player processes notice and end, freeing the seat.
        crashed = served
        crashed.process.kill()
        crashed.process.wait(10)
        served = Served(data, free_port(), log)  # the teacher starts it again
        async with aiohttp.ClientSession() as session:
            await served.ready(session)
            again = await rejoin(session, served.url, "amber-otter",
                                 code.lower().replace("-", ""))
            await asyncio.wait_for(play_tuesday(again, 0), 60)
            await again.close()
        assert ended(record)
    finally:
        served.stop()
        if crashed is not None:
            crashed.stop()
    session_read, skipped, _ = read_session(record)
    assert skipped == 0
    assert [c.choice for c in session_read.choices] == ["late", "cross"]
    assert session_read.ending is not None and session_read.ending.title == "The week ends"
    assert [p.option for p in session_read.polls] == [0, 1, 2]


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


async def test_ctrl_c_stops_the_server_and_every_player_cleanly(tmp_path) -> None:
    # A terminal's Ctrl+C goes to the whole group: the server and every player it
    # started, one of them perhaps still starting. The server stops them all; the
    # teacher sees "Stopped serving." and no traceback.
    data = tmp_path / "data"
    log = tmp_path / "serve.log"
    served = Served(data, free_port(), log)
    try:
        async with aiohttp.ClientSession() as session:
            await served.ready(session)
            playing = WsPlayer(session, served.url)
            await playing.open()
            await asyncio.wait_for(join(playing, "amber-otter"), 60)
            starting = WsPlayer(session, served.url)
            await starting.open()  # its player is still importing when Ctrl+C comes
            await asyncio.sleep(0.05)
            players = children(served.process.pid)
            assert len(players) == 2
            os.killpg(served.process.pid, signal.SIGINT)
            assert served.process.wait(20) == 0
        for pid in players:
            deadline = time.monotonic() + 10
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert not Path(f"/proc/{pid}").exists(), "a player outlived the server"
    finally:
        served.stop()
    text = log.read_text()
    assert "Stopped serving." in text
    for noise in ("Traceback", "Exception ignored", "KeyboardInterrupt", "failed to start"):
        assert noise not in text, text[-2000:]


def environment(pid: int) -> dict[str, str]:
    """A process's environment (Linux: /proc)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode("utf-8", "replace").split("\0")
                if "=" in item)


async def test_one_browser_cannot_exhaust_the_laptop(tmp_path) -> None:
    # A page of another site, a screen of 10000x10000, and more browsers than seats.
    served = Served(tmp_path / "data", free_port(), tmp_path / "serve.log", "--seats", "2")
    try:
        async with aiohttp.ClientSession() as session:
            await served.ready(session)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"{served.url}/ws", origin="http://evil.example")
            assert refused.value.status == 403
            assert children(served.process.pid) == []
            huge = WsPlayer(session, served.url, width=10000, height=10000)
            await huge.open()
            await huge.wait_for("Your resume code")
            (player,) = children(served.process.pid)
            given = environment(player)
            assert (given["COLUMNS"], given["ROWS"]) == ("300", "100")
            second = WsPlayer(session, served.url)
            await second.open()
            await second.wait_for("Your resume code")
            extra = [WsPlayer(session, served.url) for _ in range(10)]
            for browser in extra:
                await browser.open()
            for browser in extra:
                await browser.wait_for("class is full")
            assert len(children(served.process.pid)) == 2
            async with session.get(served.url + "/") as page:
                assert page.status == 503
            for browser in (huge, second, *extra):
                await browser.close()
    finally:
        served.stop()
    text = (tmp_path / "serve.log").read_text()
    assert "Refused a connection from a page this server did not give out" in text
    assert "told the class is full: every seat is taken (2;" in text
    assert "Seats:      2 students at once" in text
    for noise in ("Traceback", "Exception ignored", "Error handling request"):
        assert noise not in text, text[-2000:]
