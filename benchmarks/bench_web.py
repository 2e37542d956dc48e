"""A class of simulated students against `class serve`'s web reader (run by hand, never in CI).

    python benchmarks/bench_web.py 60 300 [--story green_channel] [--steps 60]

For each class size it starts `python -m game class serve STORY` (the web
reader) on 127.0.0.1 (a free port, a temporary data folder: nothing real is
touched and nothing leaves the loopback interface), and as many students as
the size, each an HTTP client with its own cookies, all arriving within
--arrive seconds (default 1: the whole class in the same second). Each opens
the page, joins under the codename offered, and plays as a browser without
JavaScript does: it answers a poll or takes a random open choice (a form
POST, its redirect and the page it leads to), thinks 2 to 6 s (8x a class's
pace, as bench_serve.py), and goes on, to an ending or --steps steps.
Measured:

- first page: the page asked for -> the join page received; and the join
  form sent -> the first story page received (through the page showing the
  resume code, which waits until the code is hashed with scrypt and kept; the
  hash starts when the join page is drawn, so --read MIN MAX, the seconds a
  student spends on the join page before pressing Join, hides it);
- choice to page: the form sent -> the next page received, p50/p95/max over
  every step of every student, and the p95 of the steps sent once every
  student had joined (while a class joins, scrypt keeps the cores busy);
- memory: the server's RSS and PSS (one process for the whole class), at the peak.

The floor, from the same run: a bare aiohttp process answering "hello" to the
same number of clients (its memory, and the p95 of a GET), so the figures say
what the reader adds. Linux only (/proc). Prints a Markdown table row per size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from bench_serve import free_port, memory_kib, percentile

ROOT = Path(__file__).resolve().parents[1]
HELLO = """
import sys
from aiohttp import web
async def hello(request):
    return web.Response(text="<!DOCTYPE html><title>hello</title><p>hello</p>",
                        content_type="text/html")
app = web.Application()
app.router.add_get("/", hello)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""
OPEN = re.compile(r'<button type="submit" name="n" value="(\d+)">')
POLL = re.compile(r'name="option" value="(\d+)"')


def scrypt_ms() -> float:
    """How long one resume code's hash takes on this machine now (the joins' floor)."""
    sys.path.insert(0, str(ROOT))
    from game.classroom.seat import hash_resume_code

    times = []
    for _ in range(5):
        started = time.perf_counter()
        hash_resume_code("ABCD-EFGH")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class Student:
    """One browser without JavaScript: forms and redirects."""

    def __init__(self, url: str, steps: int, rng: random.Random, think: tuple[float, float],
                 delay: float, read: tuple[float, float] = (0.0, 0.0)) -> None:
        self.url, self.steps, self.rng, self.think, self.delay = url, steps, rng, think, delay
        self.read = read
        """Seconds spent on the join page before pressing Join (0: at once)."""
        self.first = self.joined = float("nan")
        self.latencies: list[tuple[float, float]] = []
        """(when the form was sent, how long until its page came back)."""
        self.joined_at = float("nan")
        self.ended = False
        self.errors: list[str] = []

    async def play(self) -> None:
        await asyncio.sleep(self.delay)
        jar = aiohttp.CookieJar(unsafe=True)
        headers = {"Origin": self.url}
        async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as session:
            started = time.perf_counter()
            async with session.get(self.url + "/") as response:
                page = await response.text()
            self.first = time.perf_counter() - started
            if 'action="/join"' not in page:
                self.errors.append(f"no join page ({response.status})")
                return
            if self.read[1] > 0:
                await asyncio.sleep(self.rng.uniform(*self.read))
            started = time.perf_counter()
            async with session.post(self.url + "/join", data={"codename": "", "resume": ""}):
                pass
            async with session.get(self.url + "/") as response:
                page = await response.text()
            self.joined = time.perf_counter() - started
            self.joined_at = time.perf_counter()
            for _ in range(self.steps):
                if "Read your debrief" in page:
                    self.ended = True
                    return
                if 'action="/poll"' in page:
                    path, data = "/poll", {"option": self.rng.choice(POLL.findall(page))}
                elif 'action="/continue"' in page:
                    path, data = "/continue", {}
                else:
                    open_ = OPEN.findall(page)
                    if not open_:
                        found = re.search(r"<main.*?</main>", page, re.S)
                        self.errors.append("no open choice: " + (found.group(0)[-300:]
                                                                 if found else page[:300]))
                        return
                    path, data = "/choose", {"n": self.rng.choice(open_)}
                await asyncio.sleep(self.rng.uniform(*self.think))
                started = time.perf_counter()
                async with session.post(self.url + path, data=data) as response:
                    page = await response.text()
                    if response.status != 200:
                        self.errors.append(f"{path}: {response.status}")
                        return
                self.latencies.append((started, time.perf_counter() - started))


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(150):
            try:
                async with session.get(url + "/static/reader.css") as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"the server at {url} did not start")


async def run_class(size: int, story: str, steps: int, seed: int, think: tuple[float, float],
                    arrive: float, read: tuple[float, float] = (0.0, 0.0)) -> dict:
    data = Path(tempfile.mkdtemp(prefix="bench-web-"))
    port = free_port()
    env = {**os.environ, "STANDING_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    log = (data / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "class", "serve", story, "--class", "bench",
         "--host", "127.0.0.1", "--port", str(port), "--seats", str(size)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    peak = {"rss": 0, "pss": 0}
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            rss, pss = memory_kib(server.pid)
            if pss > peak["pss"]:
                peak.update(rss=rss, pss=pss)
            await asyncio.sleep(0.25)

    try:
        await wait_up(url)
        idle = memory_kib(server.pid)
        cpu0 = os.times()
        rng = random.Random(seed)
        students = [Student(url, steps, random.Random(rng.random()), think,
                            arrive * n / max(1, size - 1), read) for n in range(size)]
        sampler = asyncio.create_task(sample())
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(s.play() for s in students)), 1800)
        wall = time.perf_counter() - started
        done.set()
        await sampler
        with open(f"/proc/{server.pid}/stat", encoding="utf-8") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        del cpu0
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    everyone = max((s.joined_at for s in students if s.joined_at == s.joined_at), default=0)
    latencies = [x for s in students for _at, x in s.latencies]
    settled = [x for s in students for at, x in s.latencies if at > everyone]
    records = list(data.rglob("bench/*.jsonl"))
    ended = sum('"type":"ended"' in p.read_text(encoding="utf-8") for p in records)
    errors = [e for s in students for e in s.errors]
    return {
        "size": size, "wall": wall, "steps": len(latencies),
        "first_max": max(s.first for s in students),
        "first_p95": percentile([s.first for s in students], 0.95),
        "joined_max": max(s.joined for s in students),
        "joined_p95": percentile([s.joined for s in students], 0.95),
        "p50": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95": 1000 * percentile(latencies, 0.95), "max": 1000 * max(latencies, default=0),
        "after_p95": 1000 * percentile(settled, 0.95), "after": len(settled),
        "idle_rss": idle[0] / 1024, "rss": peak["rss"] / 1024, "pss": peak["pss"] / 1024,
        "cpu": cpu, "ended": ended, "records": len(records), "errors": errors,
        "log": (data / "serve.log").read_text(encoding="utf-8", errors="replace")[-400:]
        if errors else "",
    }


async def run_floor(size: int, arrive: float) -> dict:
    """A bare aiohttp hello page: memory, and the p95 of GETs from ``size`` clients."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", HELLO, str(port)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    times: list[float] = []
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(150):
                try:
                    async with session.get(url + "/") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)

        async def client(delay: float) -> None:
            await asyncio.sleep(delay)
            async with aiohttp.ClientSession() as session:
                for _ in range(5):
                    started = time.perf_counter()
                    async with session.get(url + "/") as response:
                        await response.text()
                    times.append(time.perf_counter() - started)

        await asyncio.gather(*(client(arrive * n / max(1, size - 1)) for n in range(size)))
        rss, pss = memory_kib(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return {"rss": rss / 1024, "pss": pss / 1024, "p95": 1000 * percentile(times, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[60, 300])
    parser.add_argument("--story", default="green_channel")
    parser.add_argument("--steps", type=int, default=60, help="choices per student at most")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0),
                        metavar=("MIN", "MAX"),
                        help="seconds between a page and the next choice (a real student "
                             "reads for 20 s or more: this is a class at 8x its pace)")
    parser.add_argument("--arrive", type=float, default=1.0,
                        help="students arrive spread over this many seconds")
    parser.add_argument("--read", type=float, nargs=2, default=(0.0, 0.0),
                        metavar=("MIN", "MAX"),
                        help="seconds each student reads the join page before pressing Join "
                        "(default 0 0: at once, the worst case)")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; story {args.story}; think {args.think[0]:g}-"
          f"{args.think[1]:g} s; arriving within {args.arrive:g} s; reading the join page "
          f"{args.read[0]:g}-{args.read[1]:g} s")
    print("| students | server RSS / PSS (MiB, peak) | idle RSS | first page p95 / max (s) | "
          "joined p95 / max (s) | choice→page p50 / p95 / max (ms) | p95 once all joined (ms, "
          "steps) | steps | server CPU (s) | endings | floor: hello RSS (MiB), GET p95 (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        hash_ms = scrypt_ms()
        print(f"  (a resume code's scrypt hash takes {hash_ms:.0f} ms here now: {size} of them "
              f"on {os.cpu_count()} cores are {size * hash_ms / 1000 / (os.cpu_count() or 1):.1f} s "
              "at the least)", flush=True)
        r = asyncio.run(run_class(size, args.story, args.steps, args.seed, tuple(args.think),
                                  args.arrive, tuple(args.read)))
        f = asyncio.run(run_floor(size, args.arrive))
        print(f"| {size} | {r['rss']:.0f} / {r['pss']:.0f} | {r['idle_rss']:.0f} | "
              f"{r['first_p95']:.2f} / {r['first_max']:.2f} | {r['joined_p95']:.2f} / "
              f"{r['joined_max']:.2f} | {r['p50']:.1f} / {r['p95']:.1f} / {r['max']:.0f} | "
              f"{r['after_p95']:.1f} ({r['after']}) | {r['steps']} | {r['cpu']:.1f} | "
              f"{r['ended']}/{r['records']} | "
              f"{f['rss']:.0f}, {f['p95']:.1f} |", flush=True)
        if r["errors"]:
            print(f"  errors ({len(r['errors'])}): {sorted(set(r['errors']))[:5]}")


if __name__ == "__main__":
    main()
