"""class serve's web server against hostile browsers: origin, seats, sizes, stuck players, logs.

The server runs in the test's own loop on a loopback port; its players are
``fake_player.py`` (a few lines of Python speaking textual-serve's protocol),
so each test can see what a player was given and whether it is still alive.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import shlex
import socket
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from game.classroom.serve import TEMPLATES
from game.classroom.bounds import (
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_HEIGHT,
    OneLine,
    Problems,
    Throttle,
    allowed_origins,
    clamp_size,
    size_value,
    too_deep,
)
from game.classroom.server import FULL, ClassServer
from game.origins import origin_key
from ws_player import WsPlayer

FAKE = Path(__file__).with_name("fake_player.py")
pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Running:
    """A ClassServer serving fake players, and what they wrote in their log."""

    def __init__(self, server: ClassServer, url: str, log: Path) -> None:
        self.server, self.url, self.log = server, url, log

    def lines(self, prefix: str) -> list[list[str]]:
        """The log lines starting with ``prefix``, split into words."""
        if not self.log.exists():
            return []
        return [line.split(" ", 1)[1].split() if prefix != "meta " else [line[5:]]
                for line in self.log.read_text(encoding="utf-8").splitlines()
                if line.startswith(prefix)]

    def metas(self) -> list[dict]:
        return [json.loads(words[0]) for words in self.lines("meta ")]


@asynccontextmanager
async def serving(tmp_path: Path, mode: str = "polite", seats: int = 3):
    """Serve fake players in ``mode`` on a free port until the block ends."""
    log = tmp_path / "players.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = ClassServer(shlex.join([sys.executable, str(FAKE), str(log), mode]),
                         host="127.0.0.1", port=port, title="Standing: test", public_url=url,
                         templates_path=TEMPLATES, seats=seats)
    runner = web.AppRunner(await server._make_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Running(server, url, log), session
    finally:
        await runner.cleanup()  # stops every player still running


async def until(condition, timeout: float = 20.0) -> bool:
    """Wait (at most ``timeout`` seconds) until ``condition()`` holds; return whether it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return bool(condition())


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (Linux: /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "Traceback" not in OneLine().format(record)


# -- the parts -------------------------------------------------------------------------------


def test_sizes_are_clamped_to_what_a_screen_needs() -> None:
    assert clamp_size(10000, 10000) == (MAX_WIDTH, MAX_HEIGHT) == (300, 100)
    assert clamp_size(-5, 0) == (20, MIN_HEIGHT)
    assert clamp_size(None, None) == (80, 24)
    assert clamp_size(120, 40) == (120, 40)
    assert [size_value(v) for v in ("120", 99.7, True, "1e9", "9" * 5000, None, [3], 10**30)] \
        == [120, 99, None, None, None, None, None, 10**30]
    assert clamp_size(size_value(10**30), 50) == (300, 50)


def test_only_this_servers_pages_are_allowed_origins() -> None:
    allowed = allowed_origins("http://192.168.4.2:8000", 8000, ["0.0.0.0", "192.168.4.2", None])
    for origin in ("http://192.168.4.2:8000", "http://localhost:8000", "http://127.0.0.1:8000",
                   "http://[::1]:8000", "HTTP://LOCALHOST:8000"):
        assert origin_key(origin) in allowed, origin
    for origin in ("http://evil.example", "http://192.168.4.2:8001", "https://192.168.4.2:8000",
                   "http://0.0.0.0:8000", "null", "", "file://", "http://192.168.4.2:99999"):
        assert origin_key(origin) not in allowed, origin
    proxied = allowed_origins("https://class.school.example", 8000, ["10.0.0.9"])
    assert origin_key("https://class.school.example") in proxied
    assert origin_key("http://10.0.0.9:8000") in proxied


def test_deeply_nested_messages_are_refused_before_parsing() -> None:
    assert too_deep("[" * 5000 + "]" * 5000)
    assert too_deep('{"a": ' * 9 + "1" + "}" * 9)
    assert not too_deep('["stdin", "\\u001b[[[[[[[[[[[[A \\" [[[[[[[[[["]')
    assert not too_deep('["resize", {"width": 80, "height": 24}]')


def test_a_repeated_problem_is_one_line_then_a_count(caplog) -> None:
    now = [0.0]
    problems = Problems(clock=lambda: now[0], every=10.0)
    for _ in range(5):
        problems.say("origin", "Refused a connection.")
    now[0] = 11.0
    problems.say("origin", "Refused a connection.")
    problems.say("full", "The class is full.")
    assert [r.getMessage() for r in caplog.records] == [
        "Refused a connection.", "Refused a connection. (4 more like this not shown)",
        "The class is full."]


def test_log_lines_never_carry_a_traceback_or_control_characters() -> None:
    try:
        raise ValueError("bad \x1b]52;c;aGk=\x07 thing")
    except ValueError:
        record = logging.getLogger("aiohttp.server").makeRecord(
            "aiohttp.server", logging.ERROR, __file__, 1, "Error handling request from %s",
            ("192.168.4.77",), sys.exc_info())
    line = OneLine().format(record)
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    assert "Traceback" not in line and "192.168.4.77" not in line
    assert line.startswith("Note: a connection failed (ValueError: bad thing)")


def test_a_log_line_keeps_a_students_letters_and_drops_what_a_terminal_obeys() -> None:
    """The class server's log and the web reader's said one codename two ways: here every
    letter outside ASCII was a "?" (zoë, 中文), in the web reader it was kept."""
    from game.web.server import Problems as WebProblems

    said = "Player zoë-中文\x1b]0;owned\x07 left\n(\u202eevil)"
    record = logging.getLogger("standing.serve").makeRecord(
        "standing.serve", logging.WARNING, __file__, 1, said, (), None)
    out = io.StringIO()
    WebProblems(out).say("left", said)
    assert OneLine().format(record) == out.getvalue().rstrip("\n") == \
        "Player zoë-中文 left (evil)"


def test_a_terminal_that_cannot_show_a_letter_gets_a_question_mark_not_an_error() -> None:
    from game.web.server import Problems as WebProblems

    raw = io.BytesIO()
    terminal = io.TextIOWrapper(raw, encoding="ascii")  # strict, as sys.stdout is
    WebProblems(terminal).say("left", "Player zoë left")
    assert raw.getvalue() == b"Player zo? left\n"


def test_the_libraries_repeated_messages_are_one_line_then_a_count() -> None:
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0])
    records = []
    for n in range(4):
        try:
            raise ConnectionResetError(f"reset {n}")
        except ConnectionResetError:
            records.append(logging.getLogger("aiohttp.server").makeRecord(
                "aiohttp.server", logging.ERROR, __file__, 1, "Error handling request", (),
                sys.exc_info()))
    assert [throttle.filter(r) for r in records[:3]] == [True, False, False]
    now[0] = 11.0
    assert throttle.filter(records[3])
    assert OneLine().format(records[3]) == ("Note: a connection failed (ConnectionResetError: "
                                            "reset 3) (2 more like this not shown)")
    own = logging.getLogger("standing.serve").makeRecord(
        "standing.serve", logging.WARNING, __file__, 1, "Refused.", (), None)
    assert throttle.filter(own) and throttle.filter(own)  # Problems counts those itself


# -- the server, against browsers ------------------------------------------------------------


async def test_a_page_of_another_site_gets_403_and_no_player(tmp_path, caplog) -> None:
    async with serving(tmp_path) as (running, session):
        for origin in ("http://evil.example", "null", None):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"{running.url}/ws", origin=origin)
            assert refused.value.status == 403
        assert running.lines("start ") == []
        assert [r.getMessage() for r in caplog.records
                if "did not give out" in r.getMessage()] == [
            "Refused a connection from a page this server did not give out "
            "(origin: http://evil.example)."]  # once, then counted
        async with session.get(f"{running.url}/ws", headers={"Origin": running.url}) as plain:
            assert plain.status == 400  # not a websocket at all: no seat, no player
        assert not running.server.sessions
        own = WsPlayer(session, running.url)  # the server's own page is served
        await own.open()
        assert await until(lambda: len(running.lines("start ")) == 1)
        await own.close()
    no_traceback(caplog)


async def test_a_browser_beyond_the_seats_is_told_the_class_is_full_and_gets_no_player(
        tmp_path, caplog) -> None:
    async with serving(tmp_path, seats=2) as (running, session):
        players = [WsPlayer(session, running.url) for _ in range(2)]
        for player in players:
            await player.open()
            await player.wait_for("ready")
        extra = WsPlayer(session, running.url)
        await extra.open()
        await extra.wait_for("class is full")
        assert await until(lambda: extra.closed)
        assert extra.ws.close_code == 1013
        async with session.get(running.url + "/") as page:
            assert page.status == 503 and "The class is full" in await page.text()
        assert len(running.lines("start ")) == 2  # no process for the third
        await players[0].close()  # a seat frees once its player has stopped
        assert await until(lambda: not running.server.full)
        again = WsPlayer(session, running.url)
        await again.open()
        await again.wait_for("ready")
        assert len(running.lines("start ")) == 3
        await again.close()
        await players[1].close()
    assert FULL.startswith("The class is full") and len(FULL.encode()) < 123
    assert any("told the class is full" in r.getMessage() for r in caplog.records)
    no_traceback(caplog)


async def test_a_huge_screen_is_clamped_on_connecting_and_on_every_resize(tmp_path,
                                                                          caplog) -> None:
    async with serving(tmp_path) as (running, session):
        player = WsPlayer(session, running.url, width=10000, height=10000)
        await player.open()  # also sends a resize of 10000x10000
        await player.wait_for("ready")
        assert running.lines("start ") [0][1:] == ["300", "100"]
        ws = player.ws
        await ws.send_json(["resize", {"width": 5000, "height": -3}])
        await ws.send_json(["resize", {"width": "wide", "height": 40}])  # ignored
        await ws.send_json(["resize", {"width": 10**30, "height": 50.5}])
        await ws.send_json(["resize", {"width": 120, "height": 40}])
        assert await until(lambda: len([m for m in running.metas()
                                         if m["type"] == "resize"]) == 4)
        sizes = [(m["width"], m["height"]) for m in running.metas() if m["type"] == "resize"]
        assert sizes == [(300, 100), (300, 6), (300, 50), (120, 40)]
        await player.close()
    no_traceback(caplog)


async def test_messages_not_understood_are_ignored_and_the_game_goes_on(tmp_path,
                                                                        caplog) -> None:
    async with serving(tmp_path) as (running, session):
        player = WsPlayer(session, running.url)
        await player.open()
        await player.wait_for("ready")
        ws = player.ws
        for bad in ("not json", "[[[[", "{}", "[]", "[1, 2]", '["resize", "big"]',
                    '["stdin", 42]', '["resize", {"width": 1}]', "[" * 50000 + "]" * 5000):
            await ws.send_str(bad)
        await ws.send_json(["ping", "still there?"])
        assert await until(lambda: player.texts)
        assert json.loads(player.texts[0]) == ["pong", "still there?"]
        big = "x" * (100 * 1024)  # beyond MAX_MESSAGE: the connection is closed, not the server
        await ws.send_str(big)
        assert await until(lambda: player.closed)
        assert await until(lambda: any(m["type"] == "quit" for m in running.metas()))
    no_traceback(caplog)


async def test_a_stuck_player_is_killed_with_its_children_when_its_browser_goes(
        tmp_path, caplog) -> None:
    # It ignores SIGTERM, never reads what it is told, and writes its screen for ever.
    async with serving(tmp_path, mode="stuck") as (running, session):
        player = WsPlayer(session, running.url)
        await player.open()
        assert await until(lambda: running.lines("child "))
        pid = int(running.lines("start ")[0][0])
        child = int(running.lines("child ")[0][0])
        assert alive(pid) and alive(child)
        await player.close()
        # A generous bound, not a speed test: without the kill both live for ever.
        assert await until(lambda: not alive(pid) and not alive(child), timeout=30)
        assert await until(lambda: not running.server.sessions)
    assert [r.getMessage() for r in caplog.records if "did not quit" in r.getMessage()] == [
        "A player did not quit within a second of being told and was stopped."]
    no_traceback(caplog)


async def test_a_stuck_player_is_killed_when_the_server_stops(tmp_path, caplog) -> None:
    async with serving(tmp_path, mode="stuck") as (running, session):
        player = WsPlayer(session, running.url)
        await player.open()
        assert await until(lambda: running.lines("child "))
        pid = int(running.lines("start ")[0][0])
        child = int(running.lines("child ")[0][0])
    assert await until(lambda: not alive(pid) and not alive(child), timeout=30)
    no_traceback(caplog)


async def test_a_crashing_player_is_one_line_for_the_teacher(tmp_path, caplog) -> None:
    async with serving(tmp_path, mode="crash") as (running, session):
        player = WsPlayer(session, running.url)
        await player.open()
        await player.wait_for("hello")
        await player.close()
        assert await until(lambda: not running.server.sessions)
    assert [r.getMessage() for r in caplog.records if "stopped with an error" in r.getMessage()
            ] == ["A player's game stopped with an error: ZeroDivisionError: division by zero"]
    no_traceback(caplog)
