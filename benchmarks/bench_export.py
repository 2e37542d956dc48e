"""The static export in headless Chromium from ``file://``, offline (run by hand, never in CI).

    python benchmarks/bench_export.py [--story green_channel] [--loads 3] [--pyodide TGZ]

Exports the story to a temporary folder, then for each of --loads fresh
Chromium profiles (a first visit each time: nothing kept from an earlier load)
opens index.html with the network off and measures, inside the page:

- **Pyodide ready** (the floor, from the same load): page start -> ``loadPyodide``
  resolved, with the same packed files. Nothing of Standing runs before it.
- **first scene**: page start -> the story's first scene on screen (Pyodide, the
  engine unpacked and imported, the story's JSON loaded, the page drawn).
- **choice -> page**: a click on a choice -> the next page in the DOM (the
  Python step, the page's HTML, the swap, the save to localStorage), for every
  step of a game played to its ending.

It also prints the export's size on disk and gzipped (what a school web
server sends when it compresses), and the time to fetch it at a few network
speeds (size / speed, no latency: a floor). Prints Markdown table rows.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "export"))

from export_chromium import ENDED, chromium  # noqa: E402

from game.cli import resolve_story  # noqa: E402
from game.export import pyodide as pyo  # noqa: E402
from game.export.build import export_story  # noqa: E402

TIMED_STEP = """(() => {
  const poll = document.querySelector('form[action="/poll"] button[name="option"]');
  const go = document.querySelector('form[action="/continue"] button');
  const open = document.querySelector(
    'form[action="/choose"] button[name="n"]:not([aria-disabled="true"])');
  const button = poll || go || open;
  if (!button) { return -1; }
  const started = performance.now();
  button.click();
  return performance.now() - started;
})()"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_load(url: str) -> tuple[float, float, list[float]]:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        async with chromium(Path(profile)) as page:
            await page.call("Page.navigate", url=url)
            ready = await page.until("window.STANDING_READY_MS || window.STANDING_FAILED", 300)
            if not isinstance(ready, (int, float)):
                raise SystemExit(f"the export failed: {ready}")
            floor = await page.js("window.STANDING_PYODIDE_MS")
            steps: list[float] = []
            for _ in range(400):
                if await page.js(ENDED):
                    break
                took = await page.js(TIMED_STEP)
                if took < 0:
                    raise SystemExit("no button to press")
                steps.append(took)
            foreign = [u for u in page.requests if not u.startswith(("file://", "blob:"))]
            if foreign:
                raise SystemExit(f"the page asked the network for {foreign}")
            return floor, ready, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--story", default="green_channel")
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--pyodide", type=Path, default=None)
    args = parser.parse_args()
    tarball = pyo.find(args.pyodide)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        done = export_story(resolve_story(args.story, []), site, tarball)
        zipped = sum(len(gzip.compress((site / n).read_bytes(), 6)) for n in done.files)
        mib, zmib = done.size / 2**20, zipped / 2**20
        print(f"export of {args.story}: {len(done.files)} files, {mib:.1f} MiB "
              f"({zmib:.1f} MiB gzipped); Pyodide {pyo.VERSION}")
        for mbit in (10, 50, 100):
            print(f"  fetch at {mbit} Mbit/s: {mib * 8.39 / mbit:.1f} s plain, "
                  f"{zmib * 8.39 / mbit:.1f} s gzipped")
        url = (site / "index.html").as_uri()
        floors, readies, steps = [], [], []
        for _ in range(args.loads):
            floor, ready, taken = asyncio.run(one_load(url))
            floors.append(floor)
            readies.append(ready)
            steps.extend(taken)
            print(f"  load: Pyodide ready {floor:.0f} ms, first scene {ready:.0f} ms, "
                  f"{len(taken)} steps to an ending")
    print()
    print("| story | export size (gzipped) | floor: Pyodide ready, median (max) | first scene, "
          "median (max) | choice → page p50 / p95 / max | steps |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.story} | {mib:.1f} MiB ({zmib:.1f} MiB) | {statistics.median(floors):.0f} "
          f"({max(floors):.0f}) ms | {statistics.median(readies):.0f} ({max(readies):.0f}) ms | "
          f"{percentile(steps, 0.5):.1f} / {percentile(steps, 0.95):.1f} / {max(steps):.1f} ms "
          f"| {len(steps)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
