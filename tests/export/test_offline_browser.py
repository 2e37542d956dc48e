"""The export opened from ``file://`` in headless Chromium, offline, played to an ending.

Needs /usr/bin/chromium and the pinned Pyodide tarball ($STANDING_PYODIDE);
.ci/run installs both. Nothing here may touch a network: every URL the page
asked for is checked to be the export's own files (or a blob made from them).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from export_chromium import ENDED, chromium, play_to_ending

from game import cli
from game.classroom.lines import parse
from game.export.build import export_story

ROOT = Path(__file__).resolve().parents[2]
READY = "window.STANDING_READY_MS || window.STANDING_FAILED"


async def wait_for_file(folder: Path, seconds: float = 30.0) -> Path:
    for _ in range(int(seconds / 0.1)):
        found = [p for p in folder.glob("*.jsonl")]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no download in {folder}")


def test_the_export_plays_from_file_offline_to_an_ending(tmp_path, real_tarball, capsys):
    site = tmp_path / "site"
    export_story(ROOT / "stories" / "green_channel", site, real_tarball)
    url = (site / "index.html").as_uri()
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    async def scenario() -> None:
        async with chromium(tmp_path / "profile") as page:
            await page.call("Page.setDownloadBehavior", behavior="allow",
                            downloadPath=str(downloads))
            await page.call("Page.navigate", url=url)
            ready = await page.until(READY, 180)
            assert isinstance(ready, (int, float)), ready  # not STANDING_FAILED's text
            text = await page.js("document.querySelector('main').innerText")
            assert "Chapter 1 of 7: Monday" in text
            assert await page.js("document.activeElement.id") in ("now", "now-h", "main")
            # Keyboard only for the first step: the focused button takes Enter.
            before = await page.js("window.STANDING_STEPS")
            await page.js("document.querySelector('form.choices-form button').focus()")
            for kind in ("keyDown", "keyUp"):
                await page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                                windowsVirtualKeyCode=13, **({"text": "\r"} if kind == "keyDown"
                                                              else {}))
            await page.until(f"window.STANDING_STEPS > {before}", 10)
            clicks = await play_to_ending(page)
            assert clicks > 10
            await page.shot(tmp_path / "ending.png")
            # The debrief, through its link.
            await page.js("document.querySelector('header a[href=\"/debrief\"]').click()")
            assert (await page.js("document.title")).startswith("Debrief")
            main = await page.js("document.querySelector('main').innerText")
            assert "Your score over the story" in main and "Questions to discuss" in main
            assert await page.js("!!document.querySelector('main svg')")
            await page.shot(tmp_path / "debrief.png")
            # Download my record: the teacher's report reads it.
            await page.js("document.getElementById('download-record').click()")
            record = await wait_for_file(downloads)
            # A reload (or a student opening the file again tomorrow): the game is kept.
            await page.call("Page.reload")
            await page.until("!window.STANDING_READY_MS", 20)
            ready = await page.until(READY, 180)
            assert isinstance(ready, (int, float)), ready
            assert await page.js(ENDED)
            assert "Welcome back: your game continues after" in await page.js(
                "document.querySelector('main').innerText")
            foreign = [u for u in page.requests if not u.startswith((site.as_uri(), "blob:"))]
            assert page.requests and foreign == [], foreign
            return record

    record = asyncio.run(scenario())
    lines = [parse(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert type(lines[0]).__name__ == "Header" and any(
        type(line).__name__ == "EndingRecord" for line in lines)
    folder = tmp_path / "9c"
    folder.mkdir()
    record.rename(folder / record.name)
    code = cli.main(["report", str(folder), "--out", str(tmp_path / "report.md")])
    said, err = capsys.readouterr()
    assert code == 0, err
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "1 session of this story, 1 reached an ending." in report


def test_a_browser_that_keeps_nothing_is_told_so_and_still_plays(tmp_path, real_tarball):
    site = tmp_path / "site"
    export_story(ROOT / "stories" / "tutorial.yaml", site, real_tarball)

    async def scenario() -> None:
        async with chromium() as page:
            # As in a browser whose storage is off or full: every write refused.
            await page.call("Page.addScriptToEvaluateOnNewDocument", source=(
                "Storage.prototype.setItem = function () { throw new Error('QuotaExceeded'); };"))
            await page.call("Page.navigate", url=(site / "index.html").as_uri())
            ready = await page.until(READY, 180)
            assert isinstance(ready, (int, float)), ready
            alert = await page.js("document.querySelector('[role=alert]').innerText")
            assert "This browser would not keep your game" in alert
            assert await play_to_ending(page) > 0
            assert await page.js("!!document.getElementById('download-record')")

    asyncio.run(scenario())


def test_the_same_folder_works_served_by_a_web_server(tmp_path, real_tarball):
    """As on a school website: the folder served over HTTP (on the loopback interface)."""
    from aiohttp import web

    site = tmp_path / "site"
    export_story(ROOT / "stories" / "tutorial.yaml", site, real_tarball)

    async def scenario() -> None:
        app = web.Application()
        app.router.add_static("/story/", site)
        runner = web.AppRunner(app)
        await runner.setup()
        listening = web.TCPSite(runner, "127.0.0.1", 0)
        await listening.start()
        port = runner.addresses[0][1]
        base = f"http://127.0.0.1:{port}/story/"
        try:
            async with chromium(offline=False) as page:
                await page.call("Page.navigate", url=base + "index.html")
                ready = await page.until(READY, 180)
                assert isinstance(ready, (int, float)), ready
                assert await play_to_ending(page) > 0
                foreign = [u for u in page.requests
                           if not u.startswith((base, f"blob:http://127.0.0.1:{port}/"))]
                assert foreign == []
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
