"""Drive headless Chromium over the DevTools protocol (the export's tests and benchmark).

No network: Chromium's own background traffic is off, every host name resolves
to nothing, the page is put offline through the protocol, and every URL it
asks for is kept (``requests``) so a test can say none left ``file://``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = os.environ.get("STANDING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--window-size=1100,900"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Page:
    """One tab: call protocol methods, evaluate JavaScript, wait for a condition."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0
        self.requests: list[str] = []
        """Every URL the page asked for."""
        self.console: list[str] = []

    async def call(self, method: str, **params: Any) -> dict:
        self.next_id += 1
        number = self.next_id
        await self.ws.send_json({"id": number, "method": method, "params": params})
        async for message in self.ws:
            data = json.loads(message.data)
            event = data.get("method")
            if event == "Network.requestWillBeSent":
                self.requests.append(data["params"]["request"]["url"])
            elif event == "Runtime.consoleAPICalled":
                self.console.append(" ".join(str(a.get("value", a.get("description", "")))
                                             for a in data["params"]["args"]))
            if data.get("id") == number:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
        raise RuntimeError("DevTools closed")

    async def js(self, expression: str) -> Any:
        """The value of a JavaScript expression (awaited if a promise)."""
        result = await self.call("Runtime.evaluate", expression=expression,
                                 returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def until(self, expression: str, seconds: float = 120.0,
                    navigating: bool = False) -> Any:
        """Poll until ``expression`` is truthy; its value (TimeoutError past ``seconds``).
        ``navigating``: the page is loading another, so an error evaluating is "not yet"."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                value = await self.js(expression)
            except RuntimeError:
                if not navigating:
                    raise
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"never true: {expression}")
            await asyncio.sleep(0.05)

    async def shot(self, path: Path) -> None:
        data = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(data["data"]))


@contextlib.asynccontextmanager
async def chromium(profile: Path | None = None, offline: bool = True,
                   make_page: Callable[[aiohttp.ClientWebSocketResponse], Page] = Page,
                   binary: str = CHROMIUM) -> AsyncIterator[Page]:
    """A fresh headless Chromium (its own profile folder) and its one tab, offline (unless
    ``offline`` is False: a page served on the loopback interface, as a school site);
    ``make_page`` builds the tab's client (a subclass of Page adds its own steps)."""
    port = free_port()
    own = profile is None
    folder = Path(tempfile.mkdtemp(prefix="standing-chromium-")) if own else profile
    process = subprocess.Popen(
        [binary, *FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={folder}",
         "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as http:
            pages: list[dict] = []
            for _ in range(300):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/json") as response:
                        pages = [p for p in await response.json() if p.get("type") == "page"]
                    if pages:
                        break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            if not pages:
                raise RuntimeError("Chromium did not start")
            async with http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = make_page(ws)
                await page.call("Page.enable")
                await page.call("Runtime.enable")
                await page.call("Network.enable")
                if offline:
                    await page.call("Network.emulateNetworkConditions", offline=True,
                                    latency=0, downloadThroughput=-1, uploadThroughput=-1)
                yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if own:
            shutil.rmtree(folder, ignore_errors=True)


NEXT_STEP = """(() => {
  const poll = document.querySelector('form[action="/poll"] button[name="option"]');
  const go = document.querySelector('form[action="/continue"] button');
  const open = document.querySelector(
    'form[action="/choose"] button[name="n"]:not([aria-disabled="true"])');
  const button = poll || go || open;
  if (!button) { return "none"; }
  const steps = window.STANDING_STEPS;
  button.click();
  return window.STANDING_STEPS > steps ? "stepped" : "nothing";
})()"""
"""Click the scene's first poll option, Continue, or first open choice (a student's click)."""

ENDED = "!!document.querySelector('header a[href=\"/debrief\"]')"
"""Whether the page is at an ending (the navigation offers the debrief)."""


async def play_to_ending(page: Page, limit: int = 300) -> int:
    """Click through the story to an ending; the clicks taken."""
    for clicks in range(limit):
        if await page.js(ENDED):
            return clicks
        done = await page.js(NEXT_STEP)
        if done != "stepped":
            raise AssertionError(f"step {clicks}: {done}; page: "
                                 + str(await page.js("document.body.innerText"))[:800])
    raise AssertionError("no ending")
