"""Helpers for the web reader's tests: the test story and browsers driving a reader."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import AsyncIterator

import aiohttp
from aiohttp.test_utils import TestServer

from game.classroom.seat import ClassSeat
from game.story.loader import load_story
from game.story.model import Story
from game.web.server import WebReader

STORY = Path(__file__).parent / "fixtures" / "reader.yaml"


@lru_cache(maxsize=None)
def story() -> Story:
    """The reader's test story (a poll, a locked choice, hostile text, two chapters)."""
    return load_story(STORY)


def class_reader(folder: Path, seats: int = 5, **kw) -> WebReader:
    """A web reader with real class seats in ``folder`` (every game on seed 1)."""
    return WebReader(story(), seats=seats, seat_factory=lambda: ClassSeat(story(), folder, seed=1),
                     **kw)


class Browser:
    """One browser: its own cookies, forms sent from the server's own page."""

    def __init__(self, server: TestServer, origin: str | None = "same") -> None:
        self.server = server
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        base = str(server.make_url("/")).rstrip("/")
        self.origin = base if origin == "same" else origin

    async def get(self, path: str = "/") -> tuple[int, str]:
        """GET a page (redirects followed): its status and text."""
        async with self.session.get(self.server.make_url(path)) as response:
            return response.status, await response.text()

    async def post(self, path: str, data: dict | None = None, headers: dict | None = None,
                   ) -> tuple[int, str]:
        """POST a form as the page would (redirects followed): status and text."""
        sent = {} if self.origin is None else {"Origin": self.origin}
        sent.update(headers or {})
        async with self.session.post(self.server.make_url(path), data=data or {},
                                     headers=sent) as response:
            return response.status, await response.text()

    async def join(self, codename: str = "", resume: str = "") -> tuple[int, str]:
        """Open the page and join the class."""
        await self.get("/")
        return await self.post("/join", {"codename": codename, "resume": resume})

    async def close(self) -> None:
        await self.session.close()


@asynccontextmanager
async def serving(reader: WebReader) -> AsyncIterator[TestServer]:
    """The reader served on a free port for the test's length."""
    server = TestServer(reader.app())
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


def main_text(page: str) -> str:
    """The page's <main>, for assertions about what a student reads."""
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found, page[:500]
    return found.group(0)


def resume_code(page: str) -> str:
    """The resume code shown after joining."""
    found = re.search(r'class="code"><strong>([A-Z0-9-]+)</strong>', page)
    assert found, page[:2000]
    return found.group(1)
