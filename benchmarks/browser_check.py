"""By hand, never in CI: play `class serve` in a real headless Chromium, to an ending.

    apt-get install -y chromium
    python benchmarks/browser_check.py [--story PATH] [--out /tmp/standing-browser]

Starts `class serve` on 127.0.0.1 (a free port, a temporary data folder),
opens its page in headless Chromium (no network beyond loopback: QUIC,
background networking, component updates and sync are off), and drives it
through the Chrome DevTools protocol: focus the terminal, type a codename,
answer the polls and take the choices with key presses, as a student would.
Screenshots of each stage go to --out, with the server's own output
(serve.log: what the teacher's terminal would show); at the end it prints the
record file that landed in the class folder and how long the server took to
stop after a Ctrl+C. Uses aiohttp (a textual-serve dependency)
for the DevTools websocket: nothing else to install.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "export"))

from export_chromium import CHROMIUM, chromium, free_port  # noqa: E402
from export_chromium import Page as DevToolsPage  # noqa: E402
LESSON = ROOT / "tests" / "classroom" / "fixtures" / "lesson.yaml"


class DevTools(DevToolsPage):
    """The tab, with key presses into xterm.js on top."""

    async def key(self, key: str) -> None:
        """Press one key (a character, or Enter)."""
        if key == "\r":
            params = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13,
                      "text": "\r"}
        else:
            params = {"key": key, "text": key}
        await self.call("Input.dispatchKeyEvent", type="keyDown", **params)
        await self.call("Input.dispatchKeyEvent", type="keyUp",
                        **{k: v for k, v in params.items() if k != "text"})
        await asyncio.sleep(0.08)

    async def type(self, text: str) -> None:
        for char in text:
            await self.key(char)

    async def shot(self, path: Path) -> None:
        await super().shot(path)
        print("screenshot:", path)


async def drive(url: str, out: Path, record: Path, binary: str) -> None:
    async with chromium(offline=False, make_page=DevTools, binary=binary) as dt:
        assert isinstance(dt, DevTools)
        await dt.call("Page.navigate", url=url)
        await asyncio.sleep(5)  # the player process starts and draws the join screen
        # Keys go to xterm's hidden textarea, as when a student clicks the page's edge.
        await dt.call("Runtime.evaluate",
                      expression="document.querySelector('.xterm-helper-textarea').focus()")
        await asyncio.sleep(0.5)
        await dt.shot(out / "1-join.png")
        await dt.type("amber-otter")
        await dt.key("\r")
        # xterm.js draws on a canvas: progress is read from the record being written.
        await lines(record, '"type":"joined"')
        await asyncio.sleep(1)
        await dt.shot(out / "2-poll.png")
        await dt.key("1")
        await lines(record, '"type":"poll"')
        await asyncio.sleep(0.5)
        await dt.key("1")  # Continue
        await asyncio.sleep(1)
        await dt.key("2")  # the prediction poll
        await lines(record, '"type":"poll"', 2)
        await asyncio.sleep(1)
        await dt.shot(out / "3-choice.png")
        await dt.key("1")  # pay it late
        await lines(record, '"type":"choice"')
        await asyncio.sleep(1)
        await dt.key("1")  # cross anyway
        await lines(record, '"type":"ended"')
        await asyncio.sleep(1)
        await dt.key("3")  # the last poll
        await lines(record, '"type":"poll"', 3)
        await asyncio.sleep(1)
        await dt.shot(out / "4-ending.png")
        await dt.key("1")  # the debrief
        await asyncio.sleep(5)  # the reveal panel reads the class folder
        await dt.shot(out / "5-debrief.png")
        await dt.call("Input.dispatchKeyEvent", type="keyDown", key="End", code="End",
                      windowsVirtualKeyCode=35)
        await dt.call("Input.dispatchKeyEvent", type="keyUp", key="End", code="End",
                      windowsVirtualKeyCode=35)
        await asyncio.sleep(1)
        await dt.shot(out / "6-reveal.png")
        local = f"http://127.0.0.1:{url.split(':')[2].split('/')[0]}/"
        elsewhere = [u for u in dt.requests if not u.startswith((local, "ws://127.0.0.1"))]
        print(f"the page made {len(dt.requests)} requests; beyond this computer: "
              f"{elsewhere or 'none'}")


async def lines(record: Path, needle: str, count: int = 1, timeout: float = 30.0) -> None:
    """Wait until the record file holds ``count`` lines containing ``needle``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if record.exists() and record.read_text(encoding="utf-8").count(needle) >= count:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"the record never got {count} × {needle}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", type=Path, default=LESSON)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) /
                        "standing-browser")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="browser-check-"))
    port = free_port()
    env = {**os.environ, "STANDING_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    # Reveal on from the start, so the debrief shows the class panel filled.
    (data / "classes" / "7b").mkdir(parents=True)
    (data / "classes" / "7b" / "pacing.json").write_text(
        '{"format": "standing-pacing", "version": 1, "reveal": true, "show_small": true}\n')
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "class", "serve", str(args.story), "--class", "7b",
         "--terminal",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=(args.out / "serve.log").open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(2)
        record = data / "classes" / "7b" / "amber-otter.jsonl"
        asyncio.run(asyncio.wait_for(drive(f"http://127.0.0.1:{port}/", args.out, record,
                                           args.chromium), 180))
        for _ in range(50):
            if record.exists() and '"type":"ended"' in record.read_text():
                break
            time.sleep(0.1)
        print(f"record {record}:")
        print(record.read_text())
    finally:
        try:
            os.killpg(server.pid, signal.SIGINT)
            began = time.monotonic()
            server.wait(15)
            print(f"server stopped in {time.monotonic() - began:.1f} s, "
                  f"exit code {server.returncode}")
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
