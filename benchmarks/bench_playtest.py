"""Throughput of ``test`` beside the engine's bare step loop and inkjs (run by hand).

    python benchmarks/bench_playtest.py [--runs 10000] [--inkjs DIR] [STORY ...]

For each story (default: every bundled story, plus synthetic stories of 1,000
and 10,000 scenes from ``gen_story.py``):

- **floor**: the engine's bare step loop in this process, uniform random open
  choices through ``Engine.options(explain=False)``/``take()`` on engines made
  with ``lazy_gaps`` (as ``test`` plays), no bookkeeping;
- **test**: ``python -m game test STORY --runs N --json`` as a whole process
  (start-up and load included), its steps counted from its own report, once
  with ``--jobs 1`` and once with the default (one process per core), both
  with the story in the compiled cache (as on every run after the first: ink's
  story is compiled ahead too), and *cold* with the default jobs (the cache
  emptied before each run: parse, check and cache-writing all timed);
- **explore**: ``explore()`` states per second, in this process (capped);
- **inkjs**: when ``node`` and an inkjs install are found (``--inkjs DIR``, a
  folder with ``node_modules/inkjs``), the same story translated to ink,
  compiled ahead (not timed, as inklecate would), then played at random by a
  whole ``node`` process (JSON load included). Only stories whose expressions
  the small translator below understands are compared; the synthetic story is.

A step is one choice or one Continue. Timings are medians of 3 (1 for the
largest). Tests never assert timings: this script only prints a table.
"""

from __future__ import annotations

import argparse
import gc
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_story import generate  # noqa: E402

from game.authoring.playtest import Report, explore  # noqa: E402
from game.engine.engine import Engine  # noqa: E402
from game.story import model as m  # noqa: E402
from game.story.catalog import find_stories  # noqa: E402
from game.story.loader import load_story  # noqa: E402

PY = sys.executable


def median_of(times: int, fn) -> float:
    results = []
    for _ in range(times):
        gc.collect()
        start = time.perf_counter()
        fn()
        results.append(time.perf_counter() - start)
    return statistics.median(results)


# --- the floor: the engine's bare step loop ---------------------------------------------------


def bare_loop(story: m.Story, runs: int, seed: int = 0) -> int:
    """Play ``runs`` uniform random playthroughs; return the steps taken."""
    rng = random.Random(seed)
    steps = 0
    for _ in range(runs):
        engine = Engine(story, seed=rng.getrandbits(31), lazy_gaps=True)
        for _step in range(2000):
            if engine.ended:
                break
            options = engine.options(explain=False)
            if engine.scene.goto is not None:
                engine.proceed()
            else:
                open_ = [o for o in options if o.locked is None]
                if not open_:
                    break
                engine.take(open_[rng.randrange(len(open_))].id)
            steps += 1
    return steps


def measure_floor(story: m.Story, runs: int, repeat: int) -> tuple[int, float]:
    steps = bare_loop(story, runs)
    seconds = median_of(repeat, lambda: bare_loop(story, runs))
    return steps, seconds


# --- test as a whole process -----------------------------------------------------------------


def child_env(cache: Path) -> dict[str, str]:
    """The environment of a timed ``python -m game`` process, as on a user's machine:
    the story cache in ``cache``, and Python keeping the bytecode it compiles. (A shell
    with PYTHONDONTWRITEBYTECODE=1, as ours had, makes every process compile the
    game's modules again from source: about 0.1 s of each run, which no user pays after
    their first.) The first, untimed run of each measurement writes the bytecode."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["STANDING_CACHE_DIR"] = str(cache)
    return env



def measure_test(path: Path, runs: int, repeat: int, cache: Path, jobs: int | None = None,
                 cold: bool = False) -> tuple[int, float]:
    """``test`` as a whole process. Warm: the compiled cache already holds the story (as
    on every run after an author's first, and as ink's story is compiled ahead);
    cold: the cache is emptied before each run, so the YAML is parsed, checked and
    the cache written, all timed."""
    argv = [PY, "-m", "game", "test", str(path), "--runs", str(runs), "--json"]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    env = child_env(cache)
    holder: dict = {}

    def run() -> None:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False,
                              env=env)
        holder["report"] = json.loads(done.stdout)

    def once() -> None:
        if cold:
            shutil.rmtree(cache, ignore_errors=True)
        run()

    if not cold:
        run()  # fills the cache, untimed

    seconds = median_of(repeat, once)
    steps = sum(p["steps"] for p in holder["report"]["personas"])
    return steps, seconds


def measure_explore(story: m.Story, cap: int) -> tuple[int, float, bool]:
    holder: dict = {}

    def once() -> None:
        holder["x"] = explore(story, Report(story, "x", 0), 0, cap)

    seconds = median_of(1, once)
    return holder["x"]["states"], seconds, holder["x"]["complete"]


# --- inkjs ---------------------------------------------------------------------------------------


class Untranslatable(Exception):
    """The story uses something the small ink translator does not know."""


def _ink_expr(node, story: m.Story) -> str:
    tag = node[0]
    rating = story.rating
    if tag == "c":
        value = node[1]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return json.dumps(value)
        return repr(value)
    if tag == "v":
        return node[1]
    if tag == "score":
        return "score"
    if tag == "day":
        return "day"
    if tag == "tier_rank":
        return "tier_rank()"
    if tag == "trank":
        return str(node[2])
    if tag == "not":
        return f"(not {_ink_expr(node[1], story)})"
    if tag == "neg":
        return f"(-{_ink_expr(node[1], story)})"
    if tag in ("and", "or"):
        return "(" + f" {tag} ".join(_ink_expr(n, story) for n in node[1]) + ")"
    if tag == "bin" and node[1] in "+-*/%":
        return f"({_ink_expr(node[2], story)} {node[1]} {_ink_expr(node[3], story)})"
    if tag == "cmp" and len(node[2]) == 1 and node[2][0] in ("==", "!=", "<", "<=", ">", ">="):
        return f"({_ink_expr(node[1][0], story)} {node[2][0]} {_ink_expr(node[1][1], story)})"
    if tag == "fn" and node[1] == "listed":
        return f"listed_{node[2]}"
    if tag == "fn" and node[1] == "can" and rating is not None:
        service = rating.services[node[2]]
        return _ink_expr(service.requires.to_json(), story) if service.requires else "true"
    raise Untranslatable(str(tag))


def _ink_text(text, story: m.Story) -> str:
    out = []
    for part in text.parts:
        if isinstance(part, str):
            out.append(part.replace("{", "").replace("}", "").replace("\n", " ")
                       .replace("->", "-").replace("#", "").replace("//", "/"))
        else:
            out.append("{" + _ink_expr(part.to_json(), story) + "}")
    return "".join(out).strip() or "..."


def _ink_effects(effects, story: m.Story) -> list[str]:
    rating = story.rating
    lines = []
    for effect in effects:
        if isinstance(effect, m.Record):
            change = rating.rules[effect.rule].change
            low = rating.min if rating.min is not None else -10**9
            high = rating.max if rating.max is not None else 10**9
            lines.append(f"~ score = MIN(MAX(score + {change}, {low}), {high})")
        elif isinstance(effect, m.AddVars):
            lines += [f"~ {var} = {var} + {_ink_expr(e.to_json(), story)}"
                      for var, e in effect.values]
        elif isinstance(effect, m.SetVars):
            lines += [f"~ {var} = {_ink_expr(e.to_json(), story)}" for var, e in effect.values]
        elif isinstance(effect, m.ListChange):
            lines.append(f"~ listed_{effect.list} = {'true' if effect.on else 'false'}")
        elif isinstance(effect, m.Notify):
            lines.append(_ink_text(effect.text, story))
        else:
            raise Untranslatable(type(effect).__name__)
    return lines


def to_ink(story: m.Story) -> str:
    """An ink story that plays like this one: scenes as knots, choices as sticky choices
    (``once`` ones as once-only), conditions (including ``requires`` and services) as
    choice conditions, the score as a clamped VAR."""
    rating = story.rating
    if rating is not None and rating.model != "points":
        raise Untranslatable("peer model")
    lines = ["VAR score = " + str(rating.start if rating else 0), "VAR day = 1"]
    for var, value in story.vars.items():
        lines.append(f"VAR {var} = {json.dumps(value) if isinstance(value, str) else value}")
    for lid in rating.lists if rating else ():
        lines.append(f"VAR listed_{lid} = false")
    lines.append(f"-> {story.start}")
    if rating is not None and rating.tiers:
        lines.append("=== function tier_rank() ===")
        count = len(rating.tiers)
        for index, tier in enumerate(rating.tiers):
            lines += [f"{{ score >= {tier.min}:", f"    ~ return {count - index}", "}"]
        lines.append("~ return 1")
    for sid, scene in story.scenes.items():
        lines.append(f"=== {sid} ===")
        lines += _ink_effects(scene.effects, story)
        for block in scene.text:
            text = _ink_text(block.text, story)
            if block.condition is not None:
                lines.append("{" + _ink_expr(block.condition.to_json(), story) + ": " + text + "}")
            else:
                lines.append(text)
        if scene.ending is not None:
            lines.append("-> END")
            continue
        if scene.goto is not None:
            lines.append(f"-> {scene.goto}")
            continue
        for choice in scene.choices:
            conds = [c for c in (choice.condition, choice.requires) if c is not None]
            guard = "".join("{" + _ink_expr(c.to_json(), story) + "} " for c in conds)
            if choice.service is not None:
                service = rating.services[choice.service]
                if service.requires is not None:
                    guard += "{" + _ink_expr(service.requires.to_json(), story) + "} "
            mark = "*" if choice.once else "+"
            lines.append(f"{mark} {guard}[{_ink_text(choice.text, story)}]")
            lines += ["  " + line for line in _ink_effects(choice.effects, story)]
            lines.append(f"  -> {choice.goto}")
        lines.append("+ -> END")  # a fallback: where every choice is closed, the run stops
    return "\n".join(lines) + "\n"


COMPILE_JS = """
const fs = require('fs');
const {Compiler} = require('inkjs/compiler/Compiler');
const c = new Compiler(fs.readFileSync(process.argv[2], 'utf8'));
const story = c.Compile();
fs.writeFileSync(process.argv[3], story.ToJson());
"""

PLAY_JS = """
const fs = require('fs');
const {Story} = require('inkjs');
const story = new Story(fs.readFileSync(process.argv[2], 'utf8'));
const runs = parseInt(process.argv[3]);
let seed = 1, steps = 0;
function rand(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; }
for (let r = 0; r < runs; r++) {
  story.ResetState();
  for (let s = 0; s < 2000; s++) {
    while (story.canContinue) story.Continue();
    const choices = story.currentChoices;
    if (choices.length === 0) break;
    story.ChooseChoiceIndex(rand(choices.length));
    steps++;
  }
}
console.log(JSON.stringify({steps}));
"""


def measure_inkjs(story: m.Story, inkjs: Path, runs: int, repeat: int,
                  work: Path) -> tuple[int, float] | None:
    """inkjs playing ``runs`` random playthroughs of the story (a whole ``node`` process):
    (steps, median wall seconds of ``repeat``), or None where inkjs or the story cannot."""
    play = inkjs_player(story, inkjs, runs, work)
    if play is None:
        return None
    holder: dict = {}

    def once() -> None:
        holder["steps"] = play()

    seconds = median_of(repeat, once)
    return holder["steps"], seconds


def inkjs_player(story: m.Story, inkjs: Path, runs: int, work: Path):
    """The story translated and compiled ahead (untimed); returns a function that plays
    ``runs`` random playthroughs in a whole ``node`` process and returns the steps
    (None where node, inkjs or the translation is missing)."""
    node = shutil.which("node")
    if node is None or not (inkjs / "node_modules" / "inkjs").is_dir():
        return None
    try:
        source = to_ink(story)
    except Untranslatable:
        return None
    ink, compiled = work / f"{story.id}.ink", work / f"{story.id}.ink.json"
    (inkjs / "compile_bench.js").write_text(COMPILE_JS)
    (inkjs / "play_bench.js").write_text(PLAY_JS)
    ink.write_text(source, encoding="utf-8")
    done = subprocess.run([node, str(inkjs / "compile_bench.js"), str(ink), str(compiled)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"  (inkjs could not compile {story.id}: {done.stderr.strip()[:200]})")
        return None

    def play() -> int:
        played = subprocess.run([node, str(inkjs / "play_bench.js"), str(compiled), str(runs)],
                                capture_output=True, text=True, check=True)
        return json.loads(played.stdout)["steps"]

    return play


# --- the table -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stories", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--inkjs", type=Path, default=None)
    parser.add_argument("--max-states", type=int, default=20_000)
    parser.add_argument("--sizes", default="1000,10000",
                        help="synthetic story sizes (scenes), comma-separated; '' for none")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_playtest_"))
    paths = list(args.stories) or find_stories(ROOT / "stories")
    for size in filter(None, args.sizes.split(",")):
        target = work / f"synthetic_{size}.yaml"
        target.write_text(generate(int(size)), encoding="utf-8")
        paths.append(target)
    print("| story | scenes | runs | floor steps/s | test --jobs 1: s | steps/s | /floor "
          "| test (all cores): s | steps/s | cold, all cores: s | steps/s | "
          "explore states/s | inkjs steps/s | test/inkjs (1 job, all cores, cold) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        try:
            story = load_story(path)
        except Exception as exc:  # noqa: BLE001 - a story being written may not load
            print(f"| {path.name} | does not load: {str(exc).splitlines()[0][:60]} |")
            continue
        big = len(story.scenes) >= 5000
        repeat = 1 if big else 3
        runs = args.runs
        floor_steps, floor_s = measure_floor(story, runs, repeat)
        cache = work / "cache"
        test_steps, test_s = measure_test(path, runs, repeat, cache, jobs=1)
        _steps, multi_s = measure_test(path, runs, repeat, cache)
        _steps, cold_s = measure_test(path, runs, repeat, cache, cold=True)
        states, explore_s, complete = measure_explore(story, args.max_states)
        ink = measure_inkjs(story, args.inkjs, runs, repeat, work) if args.inkjs else None
        floor_rate = floor_steps / floor_s
        test_rate = test_steps / test_s
        multi_rate = test_steps / multi_s
        cold_rate = test_steps / cold_s
        ink_cells = "n/a | n/a"
        if ink is not None:
            ink_rate = ink[0] / ink[1]
            ink_cells = (f"{ink_rate:,.0f} | {test_rate / ink_rate:.1f}×, "
                         f"{multi_rate / ink_rate:.1f}×, {cold_rate / ink_rate:.1f}×")
        print(f"| {story.id} | {len(story.scenes)} | {runs} | {floor_rate:,.0f} | "
              f"{test_s:.2f} | {test_rate:,.0f} | {test_rate / floor_rate:.2f} | "
              f"{multi_s:.2f} | {multi_rate:,.0f} | {cold_s:.2f} | {cold_rate:,.0f} | "
              f"{states / explore_s:,.0f}{'' if complete else ' (cap)'} | {ink_cells} |",
              flush=True)


if __name__ == "__main__":
    main()
