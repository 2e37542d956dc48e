"""Load+validate speed and memory on generated stories, beside floors (run by hand).

    python benchmarks/bench_load.py [1000 10000 50000]

Floors measured in the same run on the same file: a bare
``yaml.load(..., CSafeLoader)`` with the garbage collector paused, and
``json.loads`` of the same data.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_story import generate  # noqa: E402

from game.story.cache import load_story_cached  # noqa: E402
from game.story.loader import load_story  # noqa: E402


def timed(fn, repeat: int) -> float:
    """Median seconds of ``fn()`` with the collector paused."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times)


def peak_mb(fn) -> float:
    """Peak traced memory of ``fn()`` in MB."""
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main(sizes: list[int]) -> None:
    print("| scenes | MB | load+validate s | MB/s | bare yaml s (floor) | load/floor | cached load s | json.loads s (floor) | cached/floor | peak MB load | peak MB bare |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"s{size}.yaml"
            path.write_text(generate(size), encoding="utf-8")
            text = path.read_text(encoding="utf-8")
            mb = len(text.encode()) / 1e6
            repeat = 3 if size <= 10000 else 1
            data = yaml.load(text, Loader=yaml.CSafeLoader)
            as_json = json.dumps(data)
            bare = timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat)
            load = timed(lambda: load_story(path), repeat)
            jl = timed(lambda: json.loads(as_json), repeat)
            cache = Path(tmp) / "cache"
            load_story_cached(path, cache)
            cached = timed(lambda: load_story_cached(path, cache), repeat)
            peak_load = peak_mb(lambda: load_story(path)) if size <= 10000 else float("nan")
            peak_bare = peak_mb(lambda: yaml.load(text, Loader=yaml.CSafeLoader)) if size <= 10000 else float("nan")
            print(f"| {size} | {mb:.1f} | {load:.3f} | {mb / load:.1f} | {bare:.3f} | "
                  f"{load / bare:.2f} | {cached:.3f} | {jl:.3f} | {cached / jl:.2f} | "
                  f"{peak_load:.0f} | {peak_bare:.0f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000])
