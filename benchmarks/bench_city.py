"""Throughput and memory of ``city`` beside ``test``, the bare step loop and inkjs (run by hand).

    python benchmarks/bench_city.py [--inkjs DIR] [--lives 100000] [--synthetic-lives 20000]
        [--parts green,synthetic,memory] [--repeat 3] [--pairs N]

- **Green Channel**: ``python -m game city green_channel --runs 100000 --json`` as a
  whole process (start-up and load included, the story in the compiled cache), with the
  default jobs (every core) and with ``--jobs 1``; beside it, ``test --runs 10000`` as a
  whole process (its playthroughs per second) and the engine's bare step loop (the
  floor, in this process: no bookkeeping at all).
- **Synthetic 1,000-scene story** (``gen_story.py``): ``city --runs 20000`` as a whole
  process (default jobs and one job) against inkjs playing 20,000 random playthroughs of
  the same story translated to ink, compiled ahead, by a whole ``node`` process (the
  translation and the player are ``bench_playtest.py``'s). Compared in lives per second.
- **Pairs** (``--pairs N``): ``city`` (all cores) and inkjs alternately, N times, on the
  synthetic story: each pair's ratio taken in the same minute, and their median.
- **Memory**: the peak resident set of one ``city --jobs 1`` process at 10,000, 50,000
  and 100,000 lives of Green Channel: flat, since lives are tallied as they end.

Prints a Markdown table. Medians of ``--repeat`` (3; 1 for the 100,000-life runs);
``--parts`` picks some of green, synthetic, memory. Tests never assert
timings: this script only measures. Note the machine's load (printed) beside figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_playtest import child_env, inkjs_player, measure_floor, measure_inkjs, measure_test, median_of  # noqa: E402
from gen_story import generate  # noqa: E402

from game.story.loader import load_story  # noqa: E402

PY = sys.executable


def run_city(path: Path, lives: int, cache: Path, jobs: int | None = None,
             population: int | None = None) -> tuple[dict, float, int]:
    """One ``city`` process: its JSON, wall seconds, and peak RSS in KiB (its own)."""
    argv = [PY, "-m", "game", "city", str(path), "--runs", str(lives), "--json"]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    if population is not None:
        argv += ["--population", str(population)]
    env = child_env(cache)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env=env, text=True)
    out = proc.stdout.read()  # small: one JSON object (stderr is empty unless it fails)
    err = proc.stderr.read()
    # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would be the largest of any
    # child so far); with jobs, the forked workers' peaks are not in it.
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"city failed: {err.strip()}")
    return json.loads(out), seconds, usage.ru_maxrss


def timed_city(path: Path, lives: int, cache: Path, repeat: int, jobs: int | None = None,
               population: int | None = None) -> float:
    run_city(path, min(lives, 2_000), cache, jobs, population)  # fills the cache, untimed
    holder: dict = {}

    def once() -> None:
        holder["doc"] = run_city(path, lives, cache, jobs, population)

    return median_of(repeat, once)


def pairs_part(work: Path, args, cache: Path) -> None:
    """``city`` (all cores) and inkjs alternately on the synthetic story, so that each
    ratio is taken in the same minute (a shared machine's speed drifts by 10-30 %)."""
    synthetic = work / "synthetic_1000.yaml"
    synthetic.write_text(generate(1000), encoding="utf-8")
    n = args.synthetic_lives
    play = inkjs_player(load_story(synthetic), args.inkjs, n, work)
    if play is None:
        print("\n(inkjs not measured: no node or inkjs)")
        return
    run_city(synthetic, min(n, 2_000), cache, population=1_000_000)  # cache, untimed
    ratios = []
    print(f"\n`city --runs {n:,}` (all cores) and inkjs, alternately:\n")
    print("| pair | city s | inkjs s | inkjs/city | load average |")
    print("|---|---|---|---|---|")
    for pair in range(1, args.pairs + 1):
        _doc, city_s, _peak = run_city(synthetic, n, cache, population=1_000_000)
        start = time.perf_counter()
        play()
        ink_s = time.perf_counter() - start
        ratios.append(ink_s / city_s)
        print(f"| {pair} | {city_s:.2f} | {ink_s:.2f} | {ink_s / city_s:.1f}× | {load()} |",
              flush=True)
    print(f"\nmedian of {len(ratios)} pairs: {statistics.median(ratios):.1f}× "
          f"(range {min(ratios):.1f}–{max(ratios):.1f}×)")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inkjs", type=Path, default=None,
                        help="a folder with node_modules/inkjs")
    parser.add_argument("--lives", type=int, default=100_000)
    parser.add_argument("--synthetic-lives", type=int, default=20_000)
    parser.add_argument("--parts", default="green,synthetic,memory",
                        help="which measurements, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="medians of this many runs")
    parser.add_argument("--pairs", type=int, default=0,
                        help="also time city (all cores) and inkjs alternately this many "
                             "times on the synthetic story: each pair's ratio, and their median")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    work = Path(tempfile.mkdtemp(prefix="bench_city_"))
    cache = work / "cache"
    print(f"cores: {os.cpu_count()}; load average at start: {load()}")

    green = ROOT / "stories" / "green_channel"
    print("| story | what | lives or runs | wall s | per second |")
    print("|---|---|---|---|---|")
    if "green" in parts:
        green_part(green, args, cache)
    if "synthetic" in parts:
        synthetic_part(work, args, cache)
    if args.pairs and args.inkjs:
        pairs_part(work, args, cache)
    if "memory" in parts:
        print("\nMemory (peak RSS of one `city --jobs 1` process, Green Channel):")
        for lives in (10_000, 50_000, 100_000):
            _doc, seconds, peak = run_city(green, lives, cache, jobs=1)
            print(f"- {lives:,} lives: {peak / 1024:.1f} MiB ({seconds:.1f} s)")
    print(f"\nload average at the end: {load()}")


def green_part(green: Path, args, cache: Path) -> None:
    """Green Channel: the floor, ``test`` and ``city``."""
    story = load_story(green)
    r = args.repeat
    floor_steps, floor_s = measure_floor(story, 10_000, r)
    _steps, test_s = measure_test(green, 10_000, r, cache)
    _steps, test1_s = measure_test(green, 10_000, r, cache, jobs=1)
    city_s = timed_city(green, args.lives, cache, 1)
    city1_s = timed_city(green, args.lives, cache, 1, jobs=1)
    print(f"| green_channel | floor (bare loop, 1 core, in process) | 10,000 | {floor_s:.2f} | "
          f"{10_000 / floor_s:,.0f} |")
    print(f"| green_channel | `test`, all cores | 10,000 | {test_s:.2f} | {10_000 / test_s:,.0f} |")
    print(f"| green_channel | `test --jobs 1` | 10,000 | {test1_s:.2f} | "
          f"{10_000 / test1_s:,.0f} |")
    print(f"| green_channel | `city`, all cores | {args.lives:,} | {city_s:.2f} | "
          f"{args.lives / city_s:,.0f} |")
    print(f"| green_channel | `city --jobs 1` | {args.lives:,} | {city1_s:.2f} | "
          f"{args.lives / city1_s:,.0f} |", flush=True)


def synthetic_part(work: Path, args, cache: Path) -> None:
    """The synthetic 1,000-scene story: the floor, ``city`` and inkjs."""
    synthetic = work / "synthetic_1000.yaml"
    synthetic.write_text(generate(1000), encoding="utf-8")
    sstory = load_story(synthetic)
    n = args.synthetic_lives
    r = args.repeat
    sfloor_steps, sfloor_s = measure_floor(sstory, n, r)
    scity_s = timed_city(synthetic, n, cache, r, population=1_000_000)
    scity1_s = timed_city(synthetic, n, cache, r, jobs=1, population=1_000_000)
    ink = measure_inkjs(sstory, args.inkjs, n, r, work) if args.inkjs else None
    print(f"| synthetic 1,000 | floor (bare loop, 1 core, in process) | {n:,} | {sfloor_s:.2f} | "
          f"{n / sfloor_s:,.0f} |")
    print(f"| synthetic 1,000 | `city`, all cores | {n:,} | {scity_s:.2f} | {n / scity_s:,.0f} |")
    print(f"| synthetic 1,000 | `city --jobs 1` | {n:,} | {scity1_s:.2f} | "
          f"{n / scity1_s:,.0f} |")
    if ink is not None:
        _ink_steps, ink_s = ink
        print(f"| synthetic 1,000 | inkjs random playthroughs (node) | {n:,} | {ink_s:.2f} | "
              f"{n / ink_s:,.0f} |")
        print(f"\ncity / inkjs on the synthetic story: {ink_s / scity_s:.1f}× (all cores), "
              f"{ink_s / scity1_s:.1f}× (one job)")
    else:
        print("\n(inkjs not measured: give --inkjs DIR with node_modules/inkjs)")
    print(f"load average: {load()}", flush=True)


if __name__ == "__main__":
    main()
