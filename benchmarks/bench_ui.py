"""Benchmark of the terminal player, beside a floor measured in the same run.

Run by hand (never in CI):

    python benchmarks/bench_ui.py [--runs 7] [--story stories/green_channel] [--source]

1. Start: process start to the first interactive screen (headless), for the
   player with a bundled story loaded and for a bare Textual app with the same
   kinds of widgets (header, a scrolling text pane, an option list, a footer).
   Target: the player within 1.3x of the floor. One untimed start of each comes
   first, so both run with their modules' bytecode kept, as installed (and the
   story's compiled cache warm); ``--source`` compiles them at every start.
2. Choice: keypress to repaint for each choice of a whole playthrough (headless
   Pilot), beside the same bare app appending a passage and replacing its
   options. Target: median under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR_APP = '''
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static

TEXT = "A line of a story, long enough to wrap on a narrow terminal. " * 6


class Floor(App):
    BINDINGS = [("1", "pick", "Pick")]

    def compose(self):
        yield Header()
        with VerticalScroll(id="pane"):
            for _ in range(4):
                yield Static(TEXT)
        yield OptionList("One", "Two", "Three")
        yield Footer()

    def action_pick(self):
        self.query_one("#pane").mount(Static(TEXT))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(["Four", "Five", "Six"])
'''

START_PLAYER = '''
import sys, time
from game.engine.engine import Engine
from game.engine.saves import SaveStore, default_folder
from game.story.cache import load_story_cached
from game.ui.app import StandingApp
story = load_story_cached(sys.argv[1])  # as `play` starts: from the compiled cache when warm
app = StandingApp(Engine(story, seed=1), SaveStore(default_folder(), story))
'''

START_FLOOR = FLOOR_APP + '''
app = Floor()
'''

READY = '''
async def ready(pilot):
    await pilot.pause()
    print("READY", time.time(), flush=True)
    pilot.app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=ready)
'''


def child_env(pycache: str | None) -> dict[str, str]:
    """The environment of a timed process.

    With ``pycache`` (a folder), modules are compiled once and their bytecode
    kept there, as an installed player has it (pip writes the .pyc files at
    install time, a checkout on its first run); the same for the floor's
    Textual. With None, the caller's environment is kept as it is: under
    ``PYTHONDONTWRITEBYTECODE=1`` the player's ~40 modules are then compiled
    from source at every start, and the floor's Textual is not.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def start_time(code: str, args: list[str], pycache: str | None = None) -> float:
    """Seconds from spawning python to the app's first idle, interactive screen."""
    before = time.time()
    out = subprocess.run([sys.executable, "-c", "import time\n" + code + READY, *args],
                         cwd=ROOT, capture_output=True, text=True, check=True,
                         env=child_env(pycache))
    ready = next(line for line in out.stdout.splitlines() if line.startswith("READY"))
    return float(ready.split()[1]) - before


def choice_keys(story_path: Path, seed: int = 1) -> list[str]:
    """The keys of one playthrough: a number per choice, 1 per Continue.

    Numbers, not Enter: Enter first pages through a scene longer than the pane
    (a page is not a choice), while a number always takes the choice at once.
    """
    from game.engine.engine import Engine
    from game.story.loader import load_story

    engine = Engine(load_story(story_path), seed=seed)
    keys = []
    while not engine.ended:
        view = engine.view()
        if view.continues:
            keys.append("1")
            engine.proceed()
        else:
            choice = view.open_choices[len(keys) % len(view.open_choices)]
            keys.append(str(choice.number))
            engine.choose(choice.number)
    return keys


QUIET = 0.25
"""Seconds without a repaint after which a keypress counts as fully shown."""


async def latencies(app, keys: list[str], settle: float = 0.0) -> list[tuple[float, float]]:
    """(first repaint, last repaint) after each key, in seconds.

    The key is posted as the terminal would post it; every frame the app hands
    to its driver is timestamped (and rendered to terminal codes, as a real
    terminal would need). "First" is the first frame after the key; "last" the
    last frame before the app goes quiet (toasts sliding in, say). Pilot's own
    idle polling is not part of either number.
    """
    from textual import events
    from textual._compositor import CompositorUpdate

    frames: list[float] = []
    display = app._display

    def timed(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
        frames.append(time.perf_counter())

    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app._display = timed
        for key in keys:
            frames.clear()
            began = time.perf_counter()
            char = key if len(key) == 1 else None
            app.post_message(events.Key(key, char))
            await asyncio.sleep(QUIET)
            while frames and time.perf_counter() - frames[-1] < QUIET:
                await asyncio.sleep(QUIET / 5)
            if frames:
                times.append((frames[0] - began, frames[-1] - began))
            else:
                times.append((float("nan"), float("nan")))
            await asyncio.sleep(settle)  # let timers of this step (the HUD flash) fire
        await app.workers.wait_for_complete()
    return times


async def player_latencies(story_path: Path, keys: list[str]) -> list[tuple[float, float]]:
    """The player's keypress to repaint over a whole playthrough."""
    from game.engine.engine import Engine
    from game.engine.saves import SaveStore, default_folder
    from game.story.loader import load_story
    from game.ui.app import StandingApp

    story = load_story(story_path)
    app = StandingApp(Engine(story, seed=1), SaveStore(default_folder(), story))
    from game.ui.widgets.hud import FLASH_SECONDS

    return await latencies(app, keys, settle=FLASH_SECONDS)


async def floor_latencies(count: int) -> list[tuple[float, float]]:
    """The bare app's keypress to repaint, in seconds."""
    namespace: dict = {}
    exec(FLOOR_APP, namespace)
    return await latencies(namespace["Floor"](), ["1"] * count)


def ms(seconds: float) -> str:
    """Milliseconds, one decimal."""
    return f"{seconds * 1000:.1f} ms"


def main() -> int:
    """Run both measurements and print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--story", type=Path, default=ROOT / "stories" / "green_channel")
    parser.add_argument("--source", action="store_true",
                        help="start without kept bytecode (as PYTHONDONTWRITEBYTECODE "
                             "leaves it): the player's modules compiled at every start")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ["STANDING_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-ui-")

    pycache = None if args.source else tempfile.mkdtemp(prefix="bench-ui-pyc-")
    if pycache is not None:  # not timed: compiles both apps' modules into it
        start_time(START_FLOOR, [], pycache)
        start_time(START_PLAYER, [str(args.story)], pycache)
    floor_start, player_start = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        floor_start.append(start_time(START_FLOOR, [], pycache))
        player_start.append(start_time(START_PLAYER, [str(args.story)], pycache))
    keys = choice_keys(args.story)
    player = asyncio.run(player_latencies(args.story, keys))
    floor = asyncio.run(floor_latencies(len(keys)))

    first = [f for f, _ in player]
    last = [l for _, l in player]
    result = {
        "story": str(args.story.relative_to(ROOT) if args.story.is_relative_to(ROOT)
                     else args.story),
        "runs": args.runs,
        "bytecode": "compiled at every start" if args.source else "kept",
        "start_floor_median_s": statistics.median(floor_start),
        "start_player_median_s": statistics.median(player_start),
        "start_ratio": statistics.median(player_start) / statistics.median(floor_start),
        "choices": len(keys),
        "choice_floor_first_median_s": statistics.median(f for f, _ in floor),
        "choice_floor_last_median_s": statistics.median(l for _, l in floor),
        "choice_player_first_median_s": statistics.median(first),
        "choice_player_first_p90_s": sorted(first)[int(len(first) * 0.9) - 1],
        "choice_player_last_median_s": statistics.median(last),
        "choice_player_last_max_s": max(last),
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"story: {result['story']} ({len(keys)} keys), {args.runs} start runs, "
          f"bytecode {result['bytecode']}")
    print(f"start   floor {ms(result['start_floor_median_s'])}  player "
          f"{ms(result['start_player_median_s'])}  ratio {result['start_ratio']:.2f} "
          f"(target <= 1.30)")
    print(f"choice  first repaint: floor {ms(result['choice_floor_first_median_s'])}, player "
          f"median {ms(result['choice_player_first_median_s'])}, p90 "
          f"{ms(result['choice_player_first_p90_s'])} (target median < 50 ms)")
    print(f"        settled:       floor {ms(result['choice_floor_last_median_s'])}, player "
          f"median {ms(result['choice_player_last_median_s'])}, max "
          f"{ms(result['choice_player_last_max_s'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
