"""A class of headless browsers against `class serve` on this machine (run by hand, never in CI).

    python benchmarks/bench_serve.py 30 60 [--story green_channel] [--steps 40]

For each class size it starts `python -m game class serve STORY` on 127.0.0.1
(a free port, a temporary data folder: nothing real is touched and nothing
leaves the loopback interface), then opens that many websocket clients at
once, each speaking textual-serve's protocol exactly as the page's script
does (["resize", ...], ["stdin", key]). Every client joins under its own
codename and plays: it presses a choice key, waits until the new step is
drawn (the top bar's "step N"), thinks for a moment, and goes on, to an
ending or --steps steps. Measured:

- time to first screen: websocket opened -> the join screen drawn (the
  server starts one player process per client: Python, Textual, the story);
- time from a choice to the updated screen (the key sent -> the bar shows
  the next step), p50 and p95 over every choice of every client;
- memory per student: the student processes' RSS and PSS (shared pages
  divided among the processes sharing them), read from /proc, at the peak.

Linux only (/proc). Prints a Markdown table row per class size.

    python benchmarks/bench_serve.py --limits 2 [--story tutorial]

serves with ``--seats 2`` and opens ten browsers more than that (the first
asking for a 10000x10000 screen): prints how many player processes started,
their memory, and the screen sizes they were given.

    python benchmarks/bench_serve.py --resume-check

times checking one resume code against its scrypt hash (what every student
coming back costs the server, and an attacker with resume.json per guess).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
ESCAPES = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?<>=]*[ -/]*[@-~]"
                     rb"|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            out.append(child)
            todo.append(child)
    return out


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB (0, 0 if it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class Student:
    """One browser tab playing through the websocket."""

    def __init__(self, session: aiohttp.ClientSession, url: str, name: str, steps: int,
                 rng: random.Random, think: tuple[float, float], delay: float) -> None:
        self.session, self.url, self.name, self.steps, self.rng = session, url, name, steps, rng
        self.think, self.delay = think, delay
        self.raw = bytearray()
        self.changed = asyncio.Event()
        self.first_screen: float | None = None
        self.latencies: list[tuple[float, float]] = []
        """(when the key was sent, seconds until the new step was drawn)."""
        self.ended = False
        self.error: str | None = None

    def text(self, since: int) -> str:
        return ESCAPES.sub(b"", bytes(self.raw[since:])).decode("utf-8", "replace")

    async def wait_for(self, pattern: str, since: int, timeout: float) -> re.Match | None:
        regex = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        while True:
            # Only the output since `since` (and a little before, for a split escape code).
            found = regex.search(self.text(since))
            if found:
                return found
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(left, 0.25))
            except asyncio.TimeoutError:
                pass

    async def read(self, ws) -> None:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.raw.extend(message.data)
                self.changed.set()

    def step_now(self) -> int:
        """The last step number the top bar showed."""
        found = re.findall(r"step (\d+)", self.text(max(0, len(self.raw) - 400_000)))
        return int(found[-1]) if found else 0

    async def play(self) -> None:
        await asyncio.sleep(self.delay)  # arriving
        opened = time.perf_counter()
        async with self.session.ws_connect(f"{self.url}/ws?width=100&height=40",
                                           heartbeat=None, origin=self.url) as ws:
            await ws.send_json(["resize", {"width": 100, "height": 40}])
            reader = asyncio.create_task(self.read(ws))
            try:
                code = r"Your resume code: [A-Z2-9]{4}-[A-Z2-9]{4}"
                if await self.wait_for(code, 0, 120) is None:
                    self.error = "no join screen"
                    return
                self.first_screen = time.perf_counter() - opened
                mark = len(self.raw)
                for key in self.name:
                    await ws.send_json(["stdin", key])
                await ws.send_json(["stdin", "\r"])
                if await self.wait_for(r"step 1(?!\d)", mark, 60) is None:
                    self.error = "never started: " + self.text(max(0, len(self.raw) - 500))
                    return
                for _ in range(self.steps):
                    await asyncio.sleep(self.rng.uniform(*self.think))  # reading, thinking
                    step = self.step_now()
                    found = None
                    for key in "1234":  # the first choice, or the next if it is locked
                        mark = len(self.raw)
                        sent = time.perf_counter()
                        await ws.send_json(["stdin", key])
                        found = await self.wait_for(rf"step {step + 1}(?!\d)|The end", mark, 30)
                        if found:
                            self.latencies.append((sent, time.perf_counter() - sent))
                            break
                        if self.step_now() != step:
                            break  # a slow answer came after all: not a clean sample
                    if found is None and self.step_now() == step:
                        self.error = f"stuck at step {step}"
                        return
                    if "The end" in self.text(mark):
                        self.ended = True
                        return
            finally:
                reader.cancel()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def run_class(size: int, story: str, steps: int, seed: int, think: tuple[float, float],
                    arrive: float) -> dict:
    data = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    port = free_port()
    env = {**os.environ, "STANDING_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    log = (data / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "class", "serve", story, "--class", "bench", "--terminal",
         "--host", "127.0.0.1", "--port", str(port), "--seats", str(max(size, 1))],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    peak = {"rss": 0, "pss": 0, "processes": 0}
    stop_sampling = asyncio.Event()

    async def sample() -> None:
        while not stop_sampling.is_set():
            pids = [p for p in descendants(server.pid)]
            rss = pss = count = 0
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as handle:
                        if b"student" not in handle.read():
                            continue  # the shell, if any: only the players count
                except OSError:
                    continue
                r, p = memory_kib(pid)
                rss, pss, count = rss + r, pss + p, count + 1
            if pss > peak["pss"]:
                peak.update(rss=rss, pss=pss, processes=count)
            await asyncio.sleep(0.5)

    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(150):
                try:
                    async with session.get(url + "/") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
            server_rss = memory_kib(server.pid)[0]
            rng = random.Random(seed)
            students = [Student(session, url, f"bench-{n:03d}", steps,
                                random.Random(rng.random()), think,
                                arrive * n / max(1, size - 1)) for n in range(size)]
            sampler = asyncio.create_task(sample())
            started = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*(s.play() for s in students)), 900)
            wall = time.perf_counter() - started
            stop_sampling.set()
            await sampler
    finally:
        players = descendants(server.pid)  # each in its own process group
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            pass
        for group in [server.pid, *players]:  # only the groups we started
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        log.close()
    records = list((data / "classes" / "bench").glob("*.jsonl"))
    ended = sum('"type":"ended"' in p.read_text(encoding="utf-8") for p in records)
    firsts = [s.first_screen for s in students if s.first_screen is not None]
    joined = max((s.first_screen or 0) + s.delay for s in students) + started
    every = [x for s in students for _, x in s.latencies]
    latencies = [x for s in students for sent, x in s.latencies if sent > joined]
    errors = [f"{s.name}: {s.error}" for s in students if s.error]
    return {
        "size": size, "wall": wall, "server_rss_mib": server_rss / 1024,
        "processes": peak["processes"],
        "rss_total_mib": peak["rss"] / 1024, "pss_total_mib": peak["pss"] / 1024,
        "rss_each_mib": peak["rss"] / 1024 / max(1, peak["processes"]),
        "pss_each_mib": peak["pss"] / 1024 / max(1, peak["processes"]),
        "first_p50": statistics.median(firsts) if firsts else float("nan"),
        "first_p95": percentile(firsts, 0.95), "first_max": max(firsts, default=float("nan")),
        "all_p50_ms": 1000 * statistics.median(every) if every else float("nan"),
        "all_p95_ms": 1000 * percentile(every, 0.95),
        "choices": len(latencies),
        "choice_p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "choice_p95_ms": 1000 * percentile(latencies, 0.95),
        "choice_max_ms": 1000 * max(latencies, default=float("nan")),
        "records": len(records), "records_ended": ended,
        "students_ended": sum(s.ended for s in students), "errors": errors,
    }


def resume_check(rounds: int = 20) -> None:
    """Print how long checking a resume code against its kept (scrypt) hash takes."""
    sys.path.insert(0, str(ROOT))
    from game.classroom.seat import SCRYPT, check_resume_code, write_resume_code

    folder = Path(tempfile.mkdtemp(prefix="bench-resume-"))
    write_resume_code(folder, "K7PM-X3QA")
    times = []
    for n in range(rounds):
        started = time.perf_counter()
        check_resume_code(folder, "K7PM-X3QA" if n % 2 else "K7PM-X3QB")
        times.append(time.perf_counter() - started)
    print(f"resume code check (scrypt n={SCRYPT['n']} r={SCRYPT['r']} p={SCRYPT['p']}): "
          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"over {rounds}")


async def limits(seats: int, story: str, extra: int = 10) -> None:
    """Open ``seats + extra`` browsers (one asking for a huge screen) against --seats."""
    data = Path(tempfile.mkdtemp(prefix="bench-limits-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "STANDING_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    log = (data / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "class", "serve", story, "--class", "bench", "--terminal",
         "--host", "127.0.0.1", "--port", str(port), "--seats", str(seats)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    sockets = []
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(150):
                try:
                    async with session.get(url + "/") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
            for n in range(seats + extra):
                size = 10000 if n == 0 else 100
                ws = await session.ws_connect(f"{url}/ws?width={size}&height={size}", origin=url)
                await ws.send_json(["resize", {"width": size, "height": size}])
                sockets.append(ws)
            await asyncio.sleep(15)  # every player that started has drawn its join screen
            players = descendants(server.pid)
            sizes = set()
            for pid in players:
                with open(f"/proc/{pid}/environ", "rb") as handle:
                    found = dict(item.split(b"=", 1) for item in handle.read().split(b"\0")
                                 if b"=" in item)
                sizes.add((found[b"COLUMNS"].decode(), found[b"ROWS"].decode()))
            rss = sum(memory_kib(pid)[0] for pid in players) / 1024
            print(f"--seats {seats}, {seats + extra} browsers: {len(players)} player processes, "
                  f"{rss:.0f} MiB RSS in all; sizes given (COLUMNS, ROWS): {sorted(sizes)}")
            for ws in sockets:
                await ws.close()
    finally:
        players = descendants(server.pid)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            pass
        for group in [server.pid, *players]:  # only the groups we started
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[30, 60])
    parser.add_argument("--story", default="green_channel")
    parser.add_argument("--steps", type=int, default=60, help="choices per student at most")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
                        help="seconds between a screen and the next choice (a real student "
                             "reads for 20 s or more: this is a heavier class)")
    parser.add_argument("--arrive", type=float, default=0.0,
                        help="students arrive spread over this many seconds (0: all at once)")
    parser.add_argument("--limits", type=int, default=None, metavar="SEATS",
                        help="serve with --seats SEATS and open ten browsers more")
    parser.add_argument("--resume-check", action="store_true",
                        help="time one resume code check (scrypt)")
    args = parser.parse_args()
    if args.resume_check:
        resume_check()
        return
    if args.limits is not None:
        asyncio.run(limits(args.limits, args.story))
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, story "
          f"{args.story}, at most {args.steps} choices each, {args.think[0]:g}-{args.think[1]:g} s "
          f"between choices, arrivals over {args.arrive:g} s")
    print("| students | player processes | RSS total MiB | PSS total MiB | PSS each MiB | "
          "first screen p50 / p95 / max s | choice p50 / p95 ms (all) | choice p50 ms | "
          "choice p95 ms | choice max ms | choices | records (ended) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        r = asyncio.run(run_class(size, args.story, args.steps, args.seed, tuple(args.think),
                                  args.arrive))
        print(f"| {r['size']} | {r['processes']} | {r['rss_total_mib']:.0f} | "
              f"{r['pss_total_mib']:.0f} | {r['pss_each_mib']:.1f} | "
              f"{r['first_p50']:.1f} / {r['first_p95']:.1f} / {r['first_max']:.1f} | "
              f"{r['all_p50_ms']:.0f} / {r['all_p95_ms']:.0f} | "
              f"{r['choice_p50_ms']:.0f} | {r['choice_p95_ms']:.0f} | {r['choice_max_ms']:.0f} | "
              f"{r['choices']} | {r['records']} ({r['records_ended']}) |", flush=True)
        if r["errors"]:
            print("  problems:", "; ".join(r["errors"][:5]), flush=True)
        print(f"  (server process RSS {r['server_rss_mib']:.0f} MiB; {r['students_ended']} "
              f"reached an ending; wall {r['wall']:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
