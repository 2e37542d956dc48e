"""By hand (and, through check_web, in the suite): the web reader in a real headless Chromium, keyboard only.

    npm install axe-core        # in a temporary folder; give it with --axe
    python benchmarks/web_check.py --axe /tmp/x/node_modules/axe-core/axe.min.js \
        [--story PATH] [--out /tmp/standing-web]

Starts `class serve` (the web reader) on 127.0.0.1 (a free port, a temporary
data folder, the reveal on), opens it in headless Chromium (no network beyond
loopback) and plays it through the Chrome DevTools protocol with key presses
only (Tab, typing, Enter), as a keyboard user does:

- at 1100x900 with JavaScript, through join, the poll, a locked choice, a
  choice and its notices, My record and the debrief;
- at 390x844 (a phone) with JavaScript disabled, the same way;
- at 200 % zoom (a 550x450 CSS-pixel window at scale 2) and at 320 px wide:
  the story page and the debrief, checking nothing scrolls sideways.

Screenshots go to --out. tests/web/test_web_in_chromium.py runs the same walk
(``check_web``) in the suite, with axe-core fetched at a pinned version. axe-core (WCAG 2.x A and AA rules, 2.2 included) runs
on every page, in the light and the dark colour scheme: its violations are
printed by impact. Every URL the browser asked for is checked to be this server's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "export"))

from export_chromium import CHROMIUM, chromium, free_port  # noqa: E402
from export_chromium import Page as DevToolsPage  # noqa: E402

STORY = ROOT / "tests" / "web" / "fixtures" / "reader.yaml"


class Page(DevToolsPage):
    """The tab, with a keyboard user's steps, screenshots and axe-core on top."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, out: Path, axe: str | None) -> None:
        super().__init__(ws)
        self.out, self.axe = out, axe
        self.violations: dict[str, set[str]] = {}
        """axe-core's findings: "impact: rule (help)" -> the pages it was found on."""
        self.scripts_off = False
        self.sideways: list[str] = []
        """Pages that scroll sideways."""
        self.focus_after_choice: dict[str, str | None] = {}
        """Per mode, the id of the element focused after a choice."""
        self.foreign: list[str] = []
        """Requests to anywhere but the server (set by check_web)."""

    async def key(self, key: str) -> None:
        """Press one key: a character, Tab or Enter."""
        if key == "Enter":
            params = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}
        elif key == "Tab":
            params = {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
        else:
            params = {"key": key, "text": key}
        await self.call("Input.dispatchKeyEvent", type="keyDown", **params)
        await self.call("Input.dispatchKeyEvent", type="keyUp",
                        **{k: v for k, v in params.items() if k != "text"})

    async def tab_to(self, selector: str, most: int = 60) -> None:
        """Press Tab until the focused element matches ``selector`` (keyboard only)."""
        for _ in range(most):
            if await self.js(f"!!document.activeElement?.matches({json.dumps(selector)})"):
                return
            await self.key("Tab")
        raise RuntimeError(f"Tab never reached {selector}")

    async def press(self, selector: str, settled: str) -> None:
        """Tab to a button or link, press Enter, and wait until ``settled`` holds."""
        await self.tab_to(selector)
        await self.key("Enter")
        await asyncio.sleep(0.3)
        await self.until(f"document.readyState === 'complete' && !!({settled})", 10,
                         navigating=True)

    async def snap(self, name: str) -> None:
        """A screenshot named ``name`` in the output folder."""
        path = self.out / f"{name}.png"
        await self.shot(path)
        print("screenshot:", path)

    async def check(self, name: str) -> None:
        """axe-core on this page, light and dark; sideways scrolling noted."""
        wide = await self.js("document.documentElement.scrollWidth > "
                             "document.documentElement.clientWidth + 1")
        if wide:
            print(f"  {name}: the page scrolls sideways")
            self.sideways.append(name)
        if self.axe is None or self.scripts_off:
            return  # axe-core is a script: the pages are the same with scripts on
        for scheme in ("light", "dark"):
            await self.call("Emulation.setEmulatedMedia", features=[
                {"name": "prefers-color-scheme", "value": scheme}])
            await self.call("Runtime.evaluate", expression=self.axe)
            found = await self.js(
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
                "'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}}).then(r => "
                "r.violations.map(v => [v.impact, v.id, v.nodes.length, v.help]))")
            for impact, rule, nodes, help_ in found or []:
                key = f"{impact}: {rule} ({help_})"
                self.violations.setdefault(key, set()).add(f"{name}/{scheme} x{nodes}")
        await self.call("Emulation.setEmulatedMedia", features=[
            {"name": "prefers-color-scheme", "value": "light"}])


async def play(page: Page, url: str, mode: str, codename: str) -> None:
    """Join and play to the debrief with the keyboard, screenshots and checks on the way."""
    await page.call("Network.clearBrowserCookies")
    await page.call("Page.navigate", url=url)
    await page.until("!!document.querySelector('form.join')", 10, navigating=True)
    await page.snap(f"{mode}-1-join")
    await page.check(f"{mode}/join")
    await page.tab_to("#codename")
    for char in codename:
        await page.key(char)
    await page.press("form.join button", "document.querySelector('.code')")
    await page.snap(f"{mode}-2-code")
    await page.check(f"{mode}/code")
    await page.press("main form button", "document.querySelector('form.poll')")
    await page.snap(f"{mode}-3-poll")
    await page.check(f"{mode}/poll")
    await page.press("form.poll li:nth-child(2) button",
                     "document.querySelector('form.choices-form')")
    await page.press(".locked button", "document.querySelector('.message')")
    await page.snap(f"{mode}-4-locked")
    await page.check(f"{mode}/locked")
    await page.press(".choices li:nth-child(1) button", "document.querySelector('.decision')")
    focused = await page.js("document.activeElement?.id")
    print(f"  {mode}: after a choice, focus is on #{focused}")
    page.focus_after_choice[mode] = focused
    await page.snap(f"{mode}-5-chosen")
    await page.check(f"{mode}/chosen")
    await page.press("nav a[href='/record']", "document.querySelector('ol.record')")
    await page.snap(f"{mode}-6-record")
    await page.check(f"{mode}/record")
    await page.press("main a.button", "document.querySelector('form.choices-form')")
    await page.press(".choices li:nth-child(1) button",
                     "document.querySelector('a[href=\"/debrief\"].button')")
    await page.snap(f"{mode}-7-ending")
    await page.press("main a[href='/debrief']", "document.querySelector('svg.chart')")
    await page.snap(f"{mode}-8-debrief")
    await page.check(f"{mode}/debrief")


async def drive(url: str, out: Path, axe: str | None, binary: str) -> Page:
    async with chromium(offline=False, binary=binary,
                        make_page=lambda ws: Page(ws, out, axe)) as page:
        assert isinstance(page, Page)
        await page.call("Page.setBypassCSP", enabled=True)  # only to inject axe-core
        metrics = {"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": False}
        await page.call("Emulation.setDeviceMetricsOverride", **metrics)
        await play(page, url, "desktop", "amber-otter")
        await page.call("Emulation.setScriptExecutionDisabled", value=True)
        page.scripts_off = True
        await page.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
                        deviceScaleFactor=1, mobile=True)
        await play(page, url, "phone-nojs", "blue-heron")
        await page.call("Emulation.setScriptExecutionDisabled", value=False)
        page.scripts_off = False
        for name, width, height, scale in (("zoom200", 550, 450, 2), ("w320", 320, 640, 1)):
            await page.call("Emulation.setDeviceMetricsOverride", width=width,
                            height=height, deviceScaleFactor=scale, mobile=False)
            for path, ready in (("/debrief", "svg.chart"), ("/record", "ol.record")):
                await page.call("Page.navigate", url=url.rstrip("/") + path)
                await page.until(f"!!document.querySelector('{ready}')", 10,
                                 navigating=True)
                await page.snap(f"{name}-{path.strip('/')}")
                await page.check(f"{name}{path}")
        return page


def check_web(story: Path, out: Path, axe: str | None, binary: str = CHROMIUM) -> Page:
    """Serve ``story`` to a class, walk it in headless Chromium keyboard-only (with and
    without JavaScript, a phone, 200 % zoom, 320 px), screenshots to ``out``; the Page
    returned holds what was found (requests, axe-core violations, sideways pages)."""
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="web-check-"))
    port = free_port()
    env = {**os.environ, "STANDING_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    (data / "classes" / "7b").mkdir(parents=True)
    (data / "classes" / "7b" / "pacing.json").write_text(
        '{"format": "standing-pacing", "version": 1, "reveal": true, "show_small": true}\n')
    log = (out / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "class", "serve", str(story), "--class", "7b",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        _wait_for(port)
        page = asyncio.run(asyncio.wait_for(
            drive(f"http://127.0.0.1:{port}/", out, axe, binary), 900))
        page.foreign = [u for u in page.requests
                        if not u.startswith(f"http://127.0.0.1:{port}/")]
        return page
    finally:
        try:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def _wait_for(port: int, seconds: float = 30.0) -> None:
    """Until the server answers on ``port`` (a loaded machine starts it slowly)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"class serve did not answer on port {port} in {seconds:g} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=Path, default=STORY)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "standing-web")
    parser.add_argument("--axe", type=Path, default=None, help="axe.min.js from axe-core")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    axe = args.axe.read_text(encoding="utf-8") if args.axe else None
    try:
        page = check_web(args.story, args.out, axe, args.chromium)
    finally:
        print("serve.log:", (args.out / "serve.log").read_text(errors="replace")[-600:])
    print(f"requests: {len(page.requests)}, to anywhere else: {page.foreign or 'none'}")
    if axe is not None:
        print("axe-core violations:" if page.violations else "axe-core: no violations")
        for key, where in sorted(page.violations.items()):
            print(f"  {key}: {', '.join(sorted(where))}")


if __name__ == "__main__":
    main()
