"""The class report on many session files, and the record writer's cost (run by hand).

    python benchmarks/bench_report.py [1000] [--story stories/green_channel]

Plays N sessions of the story (seeded random players: 10 % leave before the
end, 5 % of steps are undone, 1 % of files are cut mid-line as if a laptop
closed), writes them with the real RecordWriter (fsync switched off while
generating: this measures the report, not the disk), then times
``python -m game report DIR --out report.{html,md,csv}`` as a teacher runs it:
a fresh process each time, cold imports included; median of 3.

Floors, measured in the same run: starting Python and importing nothing
(``python -c pass``), and reading every file and ``json.loads`` of every line
(the least any report must do). The writer's cost per recorded step is timed
with fsync on, in the folder given by --tmp (default: the system temp folder).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.classroom import records  # noqa: E402
from game.classroom.records import RecordWriter  # noqa: E402
from game.classroom.render import FORMATS, write_report  # noqa: E402
from game.classroom.report import build_report  # noqa: E402
from game.classroom.sessions import read_class  # noqa: E402
from game.engine.engine import Engine  # noqa: E402
from game.story.loader import load_story  # noqa: E402


def play_one(story, folder: Path, number: int, rng: random.Random) -> None:
    """One simulated player, recorded."""
    engine = Engine(story, seed=number)
    writer = RecordWriter.create(folder, f"player-{number:04d}", folder.name)
    writer.attach(engine)
    leave = rng.random() < 0.10
    steps = 0
    while not engine.ended:
        view = engine.view()
        if view.poll is not None and rng.random() < 0.9:
            engine.answer_poll(rng.randrange(len(view.poll.options)))
        if view.continues:
            engine.proceed()
        else:
            engine.take(rng.choice(view.open_choices).id)
            steps += 1
            if rng.random() < 0.05 and not engine.ended:
                engine.undo()
        if leave and steps > 8:
            break
    if engine.ended and engine.view().poll is not None:
        engine.answer_poll(rng.randrange(len(engine.view().poll.options)))
    writer.close()


def generate(story, folder: Path, count: int) -> int:
    """Write ``count`` sessions; cut 1 % of files mid-line. Returns the number of lines."""
    rng = random.Random(2026)
    real_fsync = records.os.fsync
    records.os.fsync = lambda fd: None  # generation only: the report is what is measured
    try:
        for number in range(count):
            play_one(story, folder, number, rng)
    finally:
        records.os.fsync = real_fsync
    total = 0
    for index, path in enumerate(sorted(folder.glob("*.jsonl"))):
        data = path.read_bytes()
        total += data.count(b"\n")
        if index % 100 == 7:  # 1 %: the laptop closed mid-line
            path.write_bytes(data[: len(data) - 25])
    return total


def timed_command(args: list[str], runs: int = 3) -> float:
    """Median wall time of a fresh process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor_read(folder: Path) -> float:
    """Read every file and parse every line: the least a report must do."""
    start = time.perf_counter()
    for path in folder.glob("*.jsonl"):
        for line in path.read_bytes().split(b"\n"):
            if line:
                try:
                    json.loads(line)
                except ValueError:
                    pass
    return time.perf_counter() - start


def writer_cost(story, folder: Path, steps: int = 40) -> tuple[float, float]:
    """p50 and p95 in ms of recording one step (choice, ledger lines; fsync on)."""
    engine = Engine(story, seed=7)
    writer = RecordWriter.create(folder, "timing-player", folder.name)
    writer.attach(engine)
    times = []
    rng = random.Random(1)
    heard: list = []
    engine.subscribe(heard.extend)
    while len(times) < steps:
        if engine.ended:
            engine.restart()
        view = engine.view()
        choice = None if view.continues else rng.choice(view.open_choices).id
        events = engine.proceed() if choice is None else engine.take(choice)
        start = time.perf_counter()
        writer.on_events(events)  # a second copy of the step: timed on its own
        times.append(time.perf_counter() - start)
    writer.close()
    times.sort()
    return 1000 * times[len(times) // 2], 1000 * times[int(len(times) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--story", type=Path, default=ROOT / "stories" / "green_channel")
    parser.add_argument("--tmp", type=Path, default=None)
    args = parser.parse_args()
    story = load_story(args.story)
    base = Path(tempfile.mkdtemp(prefix="standing-bench-", dir=args.tmp))
    try:
        folder = base / "bench"
        folder.mkdir()
        start = time.perf_counter()
        lines = generate(story, folder, args.count)
        size = sum(p.stat().st_size for p in folder.glob("*.jsonl"))
        print(f"generated {args.count} sessions of {story.id}: {lines} lines, "
              f"{size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")

        python = timed_command([sys.executable, "-c", "pass"])
        bare = statistics.median(floor_read(folder) for _ in range(3))
        print(f"floors: python -c pass {python:.3f} s; read + json.loads every line {bare:.3f} s")

        start = time.perf_counter()
        records_read = read_class(folder)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        report = build_report(records_read, story, story.id)
        build_s = time.perf_counter() - start
        print(f"in process: read_class {read_s:.3f} s ({records_read.skipped_lines} lines "
              f"skipped), build_report {build_s:.3f} s, {report.sessions} sessions, "
              f"{report.finished} finished")
        for suffix in FORMATS:
            if suffix == ".htm":
                continue
            out = base / f"report{suffix}"
            start = time.perf_counter()
            render = FORMATS[suffix]
            render(report)
            render_s = time.perf_counter() - start
            wall = timed_command([sys.executable, "-m", "game", "report", str(folder),
                                  "--out", str(out), "--story", str(args.story)])
            print(f"report{suffix}: command {wall:.3f} s (median of 3, fresh process); "
                  f"render alone {render_s:.3f} s; {out.stat().st_size / 1e3:.0f} kB")
        write_report(folder, base / "check.md", [], args.story)

        p50, p95 = writer_cost(story, base / "timing")
        print(f"writer, fsync on: p50 {p50:.2f} ms, p95 {p95:.2f} ms per recorded step")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
