"""Joining is not held up by the resume code's scrypt hash, and no code is shown unstored.

The offered code is hashed while the student reads the join page; a join whose
hash is still under way takes the seat at once, and the code page waits until
the code is kept. The hash itself is as strong as ever (the same scrypt cost).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from web_helpers import Browser, class_reader, resume_code, serving

from game.classroom import seat as seat_module
from game.classroom.seat import RESUME_FILE, check_resume_code, student_folder


def gated_scrypt(monkeypatch) -> tuple[threading.Event, list[int]]:
    """Make every scrypt hash wait for the returned event (a slow machine, on demand)."""
    gate = threading.Event()
    calls: list[int] = []
    real = seat_module._scrypt

    def slow(code: str, salt: bytes) -> bytes:
        calls.append(1)
        assert gate.wait(60), "the gate was never opened"
        return real(code, salt)

    monkeypatch.setattr(seat_module, "_scrypt", slow)
    return gate, calls


async def post_without_following(browser: Browser, path: str, data: dict):
    async with browser.session.post(browser.server.make_url(path), data=data,
                                    headers={"Origin": browser.origin},
                                    allow_redirects=False) as response:
        return response.status, response.headers.get("Location")


async def test_a_join_takes_the_seat_while_the_hash_is_still_under_way(folder: Path,
                                                                      monkeypatch) -> None:
    gate, calls = gated_scrypt(monkeypatch)
    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.get("/")  # the join page: its code's hash starts (and waits)
            # The join answers while the hash cannot finish (old code: it waited for it).
            status, where = await asyncio.wait_for(
                post_without_following(browser, "/join", {"codename": "red-owl", "resume": ""}),
                30)
            assert (status, where) == (303, "/welcome")
            student = student_folder(folder, "red-owl")
            assert not (student / RESUME_FILE).exists()  # not kept yet...
            welcome = asyncio.ensure_future(browser.get("/welcome"))
            await asyncio.sleep(0.2)
            assert not welcome.done()  # ...so not shown yet
            gate.set()
            status, page = await asyncio.wait_for(welcome, 30)
            code = resume_code(page)
            assert len(calls) == 1  # hashed once, ahead of the join
            assert check_resume_code(student, code) is True  # stored before it was shown
        finally:
            gate.set()
            await browser.close()


async def test_a_hash_done_before_the_join_is_kept_by_the_join_itself(folder: Path,
                                                                      monkeypatch) -> None:
    gate, calls = gated_scrypt(monkeypatch)
    gate.set()
    reader = class_reader(folder)
    async with serving(reader) as server:
        browser = Browser(server)
        try:
            await browser.get("/")
            (visitor,) = reader.visitors.values()
            assert visitor.hashing is not None
            await asyncio.wait_for(asyncio.shield(visitor.hashing), 30)
            status, where = await post_without_following(
                browser, "/join", {"codename": "", "resume": ""})
            assert status == 303
            name = visitor.player.codename
            assert (student_folder(folder, name) / RESUME_FILE).exists()
            assert visitor.keeping is None and len(calls) == 1
            status, page = await browser.get("/welcome")
            assert check_resume_code(student_folder(folder, name), resume_code(page)) is True
        finally:
            await browser.close()


async def test_new_browsers_cannot_queue_more_hashes_than_the_class_has_seats(
        folder: Path, monkeypatch) -> None:
    gate, calls = gated_scrypt(monkeypatch)
    reader = class_reader(folder, seats=2)
    async with serving(reader) as server:
        browsers = [Browser(server) for _ in range(5)]
        try:
            for browser in browsers:
                await browser.get("/")
            started = [v for v in reader.visitors.values() if v.hashing is not None]
            assert len(started) == 2 and reader.preparing == 2
            gate.set()
            # A browser whose code was not hashed ahead still joins (the join hashes it).
            late = next(b for b, v in zip(browsers, reader.visitors.values())
                        if v.hashing is None)
            status, page = await late.post("/join", {"codename": "", "resume": ""})
            assert status == 200 and "Your resume code is:" in page
        finally:
            gate.set()
            for browser in browsers:
                await browser.close()


async def test_a_join_never_queues_behind_other_students_hashes(folder: Path,
                                                                monkeypatch) -> None:
    gate, calls = gated_scrypt(monkeypatch)
    reader = class_reader(folder, seats=12)
    async with serving(reader) as server:
        browsers = [Browser(server) for _ in range(11)]  # more hashes than join threads
        try:
            for browser in browsers:
                await browser.get("/")
            assert reader.preparing == 11
            status, where = await asyncio.wait_for(post_without_following(
                browsers[-1], "/join", {"codename": "", "resume": ""}), 30)
            assert (status, where) == (303, "/welcome")
            gate.set()
            status, page = await asyncio.wait_for(browsers[-1].get("/welcome"), 30)
            assert "Your resume code is:" in page
        finally:
            gate.set()
            for browser in browsers:
                await browser.close()
