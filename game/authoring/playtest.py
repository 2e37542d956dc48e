"""``test``: play a story automatically and report coverage, balance and errors.

Two ways of playing, both on the engine API (never the UI):

- **random playthroughs** by persona bots: a persona weights the choices it
  can take by their tags (``comply=3,report=2``); the plain ``random`` persona
  weights every open choice alike;
- **exhaustive exploration** (``--exhaustive``): breadth first over game
  states, each state visited once (its key is everything that can change what
  happens next), up to ``--max-states``.

Every runtime error, and every ``expect:`` that fails, is reported once, with
the shortest ``run --choices`` command found that reproduces it. The same seed
always gives the same report.

With ``words``, each random run also counts the words of story text its player
read (the scenes' paragraphs as shown, notifications and the ending's title),
counted as ``game.engine.paths`` counts them for the lesson plans: how long a
path takes to read.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import json
import os
import random
import shlex
import statistics
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from game.engine.engine import Engine
from game.engine.paths import notice_words, story_words
from game.engine.plan import plan_for
from game.errors import ChoiceError, StoryRuntimeError
from game.story import model as m
from game.story.expressions.nodes import Call, Day, walk
from game.story.models import spec_of

DEFAULT_RUNS = 1000
DEFAULT_MAX_STATES = 50_000
DEFAULT_MAX_STEPS = 2_000
MAX_RUNS = 1_000_000
"""Most random playthroughs per persona (a few minutes of a few cores for a long story)."""
MAX_STATES = 500_000
"""Most states ``--exhaustive`` may keep (each ~3 KB: about 1.5 GB at the most)."""
MAX_STEPS = 100_000
"""Most steps one playthrough may take before it counts as stopped."""
LIMITS_WHY = {
    "--runs": "per persona; a thousand find almost every reachable ending",
    "--max-states": "each explored state is kept, about 3 KB: this is about 1.5 GB",
    "--max-steps": "a playthrough still going after that many steps loops",
}
PARALLEL_MIN = 1_000
"""Fewest runs per process worth forking for (a fork costs a few milliseconds)."""


def default_jobs() -> int:
    """Processes for random runs: the machine's cores, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))
WPM = (150, 200)
"""Reading speeds (words per minute) the words report gives minutes for."""
PERSONA_WEIGHT = 10.0
"""What a bare tag in ``--persona comply`` weighs: ten times an untagged choice."""


# --- personas ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Persona:
    """A bot that prefers choices by tag; with no weights, it picks uniformly."""

    name: str
    weights: tuple[tuple[str, float], ...] = ()

    def weight(self, tags: tuple[str, ...]) -> float:
        """How much this persona likes a choice with these tags (1 when none is named)."""
        total = 1.0
        for tag, weight in self.weights:
            if tag in tags:
                total *= weight
        return total


RANDOM = Persona("random")


def parse_persona(spec: str) -> Persona:
    """``comply`` (= comply=10), ``comply=3,report=2`` or ``random``; raise ValueError."""
    spec = spec.strip()
    if spec in ("", "random"):
        return RANDOM
    weights: list[tuple[str, float]] = []
    for part in spec.split(","):
        tag, eq, value = part.strip().partition("=")
        tag = tag.strip()
        if not tag or not all(c.isalnum() or c == "_" for c in tag):
            raise ValueError(f"--persona: '{part.strip()}' is not a tag (write e.g. comply=3,report=2)")
        if not eq:
            weights.append((tag, PERSONA_WEIGHT))
            continue
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"--persona: '{value.strip()}' is not a number (in '{part.strip()}')") from None
        if number < 0 or number != number or number == float("inf"):
            raise ValueError(f"--persona: the weight of '{tag}' must be 0 or more")
        weights.append((tag, number))
    return Persona(spec, tuple(weights))


# --- what one run found -------------------------------------------------------------------------


@dataclass(slots=True)
class Problem:
    """A runtime error, a dead end, a goto loop or a failed expectation, with how to
    reproduce it."""

    kind: str
    """'error', 'dead-end', 'loop' (of gotos), 'never-ends' (no run reached an ending) or 'expect'."""
    message: str
    location: str | None
    scene: str
    numbers: tuple[int, ...]
    seed: int
    count: int = 1
    step: int | None = None
    """The step (decisions and Continues taken) at which it happened, when known."""
    detail: str | None = None
    """More about it (for an expectation: its condition, and why it failed)."""

    def repro(self, story_arg: str, prog: str = "python -m game") -> str:
        """The ``run`` command that plays to the problem."""
        choices = ",".join(str(n) for n in self.numbers)
        given = f" --choices {choices}" if choices else ""  # at the start: no choices
        return f"{prog} run {shlex.quote(story_arg)}{given} --seed {self.seed} --json"

    def to_json(self, story_arg: str, prog: str = "python -m game") -> dict:
        """JSON for ``--json``."""
        return {"kind": self.kind, "message": self.message, "location": self.location,
                "scene": self.scene, "count": self.count, "choices": list(self.numbers),
                "seed": self.seed, "step": self.step, "detail": self.detail,
                "repro": self.repro(story_arg, prog)}


@dataclass(slots=True)
class Tally:
    """What a set of runs (one persona) did."""

    persona: Persona
    runs: int = 0
    steps: int = 0
    endings: Counter = field(default_factory=Counter)
    unfinished: int = 0
    stopped: int = 0
    """Runs stopped by a runtime error, a dead end or a loop."""
    scores: list = field(default_factory=list)
    tiers: Counter = field(default_factory=Counter)
    lists: Counter = field(default_factory=Counter)
    words: list = field(default_factory=list)
    """With ``words``: (words read, choice numbers, engine seed) of each run that ended."""

    def to_json(self, story_arg: str = "STORY", max_words: int | None = None) -> dict:
        """JSON for ``--json``."""
        out = {
            "persona": self.persona.name, "weights": dict(self.persona.weights),
            "runs": self.runs, "steps": self.steps, "endings": dict(sorted(self.endings.items())),
            "unfinished": self.unfinished, "stopped": self.stopped,
            "score": _score_summary(self.scores), "tiers": dict(sorted(self.tiers.items())),
            "lists": dict(sorted(self.lists.items())),
        }
        summary = self.words_summary(story_arg, max_words)
        if summary is not None:
            out["words"] = summary
        return out

    def words_summary(self, story_arg: str, max_words: int | None = None) -> dict | None:
        """Words read per path that ended: min, median, max, minutes, the longest path
        (and, given a limit, how many paths went over it)."""
        if not self.words:
            return None
        counts = sorted(w for w, _, _ in self.words)
        longest = max(self.words, key=lambda run: (run[0], -len(run[1])))
        low, middle, high = counts[0], int(statistics.median(counts)), counts[-1]
        over = {} if max_words is None else {
            "limit": max_words, "over": sum(1 for count in counts if count > max_words)}
        return {
            "paths": len(counts), "min": low, "median": middle, "max": high,
            "minutes": {str(wpm): {"min": round(low / wpm, 1), "median": round(middle / wpm, 1),
                                   "max": round(high / wpm, 1)} for wpm in WPM},
            "longest": {"words": longest[0], "choices": list(longest[1]), "seed": longest[2],
                        "repro": Problem("words", "", None, "", longest[1],
                                         longest[2]).repro(story_arg)},
            **over,
        }


def _score_summary(scores: list) -> dict | None:
    if not scores:
        return None
    ordered = sorted(scores)
    return {"min": _num(ordered[0]), "median": _num(statistics.median(ordered)),
            "mean": _num(round(statistics.fmean(ordered), 2)), "max": _num(ordered[-1])}


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


@dataclass(slots=True)
class Report:
    """Everything ``test`` found about one story."""

    story: m.Story
    story_arg: str
    seed: int
    tallies: list[Tally] = field(default_factory=list)
    scene_counts: Counter = field(default_factory=Counter)
    choice_counts: Counter = field(default_factory=Counter)
    problems: dict = field(default_factory=dict)
    exploration: dict | None = None
    explored_scenes: set = field(default_factory=set)
    explored_choices: set = field(default_factory=set)
    shown_locked: set = field(default_factory=set)
    """Every (scene, choice id) some run or explored state was shown locked."""
    max_words: int | None = None
    """``--max-words``: a path that reads more words than this fails the test."""
    prog: str = "python -m game"
    """How the user runs us, for the repro commands."""

    # -- facts

    endings: list[str] = field(init=False)
    """Every ending scene of the story, in file order."""
    all_choices: list[tuple[str, str]] = field(init=False)
    """Every (scene, choice id) of the story, in file order."""

    def __post_init__(self) -> None:
        outline = self.story.outline()
        self.endings = [o.id for o in outline if o.ending]
        self.all_choices = [(o.id, cid) for o in outline for cid in o.choices]

    def _untaken(self) -> list[tuple[str, str]]:
        return [(sid, cid) for sid, cid in self.all_choices
                if not self.choice_counts[(sid, cid)] and (sid, cid) not in self.explored_choices]

    def never_reached(self) -> dict[str, list[str]]:
        """Scenes, choices and endings no run and no explored state reached.

        A choice counts as reached when it was taken or shown locked: a lock the
        player always meets (a lane only the highest tier may use) is the story
        working as written, and is listed apart by ``always_locked``.
        """
        seen = {sid for sid in self.story.scenes
                if self.scene_counts[sid] or sid in self.explored_scenes}
        return {
            "scenes": [sid for sid in self.story.scenes if sid not in seen],
            "endings": [sid for sid in self.endings if sid not in seen],
            "choices": [f"{sid}:{cid}" for sid, cid in self._untaken()
                        if (sid, cid) not in self.shown_locked],
        }

    def always_locked(self) -> list[str]:
        """Choices shown to some player but never open to any, in file order."""
        return [f"{sid}:{cid}" for sid, cid in self._untaken() if (sid, cid) in self.shown_locked]

    def too_long(self) -> int:
        """How many paths read more than ``max_words`` words (0 without a limit)."""
        if self.max_words is None:
            return 0
        return sum(1 for t in self.tallies for count, _, _ in t.words if count > self.max_words)

    @property
    def failed(self) -> bool:
        """Problems, an ending never reached, or a path over ``max_words``."""
        return (bool(self.problems) or bool(self.never_reached()["endings"])
                or self.too_long() > 0)

    def add_problem(self, problem: Problem) -> None:
        """Keep one problem per kind and place: the one with the shortest repro."""
        key = (problem.kind, problem.location, problem.message)
        known = self.problems.get(key)
        if known is None:
            self.problems[key] = problem
            return
        known.count += problem.count
        if len(problem.numbers) < len(known.numbers):
            known.numbers, known.seed = problem.numbers, problem.seed
            known.step, known.detail = problem.step, problem.detail

    # -- output

    def to_json(self) -> dict:
        """The ``--json`` document."""
        story = self.story
        never = self.never_reached()
        return {
            "story": story.id, "title": story.title, "seed": self.seed,
            "ok": not self.failed,
            "coverage": {
                "scenes": {"reached": len(story.scenes) - len(never["scenes"]),
                           "total": len(story.scenes),
                           "counts": {sid: self.scene_counts[sid] for sid in story.scenes}},
                "choices": {"reached": len(self.all_choices) - len(never["choices"]),
                            "total": len(self.all_choices),
                            "always_locked": self.always_locked(),
                            "counts": {f"{s}:{c}": self.choice_counts[(s, c)]
                                       for s, c in self.all_choices}},
                "endings": {"reached": len(self.endings) - len(never["endings"]),
                            "total": len(self.endings),
                            "counts": {sid: self.scene_counts[sid] for sid in self.endings}},
            },
            "never_reached": never,
            "personas": [t.to_json(self.story_arg, self.max_words) for t in self.tallies],
            "exploration": self.exploration,
            "problems": [p.to_json(self.story_arg, self.prog) for p in self._sorted_problems()],
        }

    def _sorted_problems(self) -> list[Problem]:
        return sorted(self.problems.values(), key=lambda p: (p.kind, p.location or "", p.message))

    def write_text(self, out: TextIO) -> None:
        """The report for people."""
        story = self.story
        never = self.never_reached()
        w = out.write
        modes = []
        if self.tallies:
            runs = self.tallies[0].runs
            modes.append(f"{runs} run{'s' * (runs != 1)} per persona")
        if self.exploration is not None:
            modes.append("exhaustive exploration")
        w(f"{story.title} ({story.id}): {' and '.join(modes)}, seed {self.seed}\n")
        choices = len(self.all_choices)
        locked = self.always_locked()
        w(f"coverage: scenes {len(story.scenes) - len(never['scenes'])}/{len(story.scenes)}, "
          f"choices {choices - len(never['choices'])}/{choices}"
          + (f" ({len(locked)} only ever shown locked)" if locked else "")
          + f", endings {len(self.endings) - len(never['endings'])}/{len(self.endings)}\n")
        for what in ("endings", "scenes", "choices"):
            if never[what]:
                w(f"  never reached ({what}): {_listing(never[what])}\n")
        if locked:
            w(f"  shown but always locked (choices): {_listing(locked)}\n")
        rare = sorted((n, sid) for sid in story.scenes if (n := self.scene_counts[sid]))
        if rare and self.tallies:
            w("  rarest scenes: " + ", ".join(f"{sid} {n}" for n, sid in rare[:8]) + "\n")
        if self.exploration is not None:
            x = self.exploration
            cap = (f"stopped at the cap of {x['max_states']} states: not every state was seen"
                   if not x["complete"] else "every state seen")
            w(f"exploration: {x['states']} states, {x['transitions']} steps ({cap})\n")
            w("  endings reached in: " + (", ".join(
                f"{k} {v}" for k, v in x["endings"].items()) or "none") + " states\n")
        for tally in self.tallies:
            self._write_tally(out, tally)
        problems = self._sorted_problems()
        if problems:
            w(f"problems: {len(problems)}\n")
            for p in problems:
                where = f"{p.location}: " if p.location else ""
                what = "expectation failed" if p.kind == "expect" else p.kind
                w(f"  {what}: {where}{p.message} ({p.count} time{'s' * (p.count != 1)})\n")
                if p.step is not None or p.detail:
                    at = f"at step {p.step}, scene '{p.scene}'" if p.step is not None else ""
                    w(f"    {at}{': ' if at and p.detail else ''}{p.detail or ''}\n")
                w(f"    repro: {p.repro(self.story_arg, self.prog)}\n")
        reasons = []
        if problems:
            reasons.append(f"{len(problems)} problem{'s' * (len(problems) != 1)}")
        long_paths = self.too_long()
        if long_paths:
            reasons.append(f"{long_paths} path{'s' * (long_paths != 1)} over "
                           f"{self.max_words:,} words")
        if never["endings"]:
            n = len(never["endings"])
            reasons.append(f"{n} ending{'s' * (n != 1)} never reached")
            if self.exploration is not None and not self.exploration["complete"]:
                reasons.append("exploration stopped at its cap: raise --max-states, or "
                               "play more --runs")
        w(f"result: {'FAIL (' + ', '.join(reasons) + ')' if reasons else 'ok'}\n")

    def _write_tally(self, out: TextIO, tally: Tally) -> None:
        w = out.write
        runs = max(tally.runs, 1)
        w(f"persona {tally.persona.name}: {tally.runs} runs, {tally.steps} steps\n")
        ends = sorted(tally.endings.items(), key=lambda kv: (-kv[1], kv[0]))
        w("  endings: " + (", ".join(f"{k} {v} ({_pct(v, runs)})" for k, v in ends) or "none")
          + "\n")
        if tally.unfinished or tally.stopped:
            w(f"  unfinished: {tally.unfinished} (step cap), stopped by problems: {tally.stopped}\n")
        summary = _score_summary(tally.scores)
        if summary:
            w(f"  score: min {summary['min']}, median {summary['median']}, "
              f"mean {summary['mean']}, max {summary['max']}\n")
        if tally.tiers:
            order = [t.id for t in self.story.rating.tiers] if self.story.rating else []
            tiers = sorted(tally.tiers.items(), key=lambda kv: order.index(kv[0])
                           if kv[0] in order else len(order))
            w("  tiers: " + ", ".join(f"{k} {v} ({_pct(v, runs)})" for k, v in tiers) + "\n")
        if self.story.rating and self.story.rating.lists:
            w("  ended on lists: " + ", ".join(
                f"{lid} {tally.lists[lid]} ({_pct(tally.lists[lid], runs)})"
                for lid in self.story.rating.lists) + "\n")
        words = tally.words_summary(self.story_arg, self.max_words)
        if words:
            over = (f"; {words['over']} over {words['limit']:,}" if "limit" in words else "")
            w(f"  words per path ({words['paths']} paths that ended): min {words['min']:,}, "
              f"median {words['median']:,}, max {words['max']:,}{over}\n")
            w("  reading time: " + "; ".join(
                f"{m['min']:g}-{m['max']:g} min (median {m['median']:g}) at {wpm} wpm"
                for wpm, m in words["minutes"].items()) + "\n")
            w(f"  longest path ({words['longest']['words']:,} words): "
              f"{words['longest']['repro']}\n")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def _listing(items: list[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# --- random playthroughs --------------------------------------------------------------------


def _location(exc: StoryRuntimeError) -> str | None:
    return str(exc.location) if exc.location else None


def _error(exc: StoryRuntimeError, scene: str, numbers: tuple[int, ...], seed: int) -> Problem:
    """A runtime error as a problem (its message without the location, shown apart)."""
    scene = exc.scene or scene
    expr = f" (in `{exc.expression}`)" if exc.expression else ""
    return Problem("error", f"{exc.message} in scene '{scene}'{expr}", _location(exc), scene,
                   numbers, seed)


def unmet(story: m.Story, state) -> list[tuple[m.Expectation, str]]:
    """The expectations that fail in a state: the story's, then its scene's.

    Each comes with why: false, a value that is not true or false, or an error.
    Checking changes nothing: the random generator is put back as it was (a
    service's condition may draw from it).
    """
    found = []
    for expectation in (*story.expect, *story.scenes[state.scene].expect):
        rng = state.rng
        try:
            value = expectation.that.evaluate(state)
        except StoryRuntimeError as exc:
            found.append((expectation, f"`{expectation.that.source}` could not be checked: "
                                       f"{exc.message}"))
            continue
        finally:
            state.rng = rng
        if value is False:
            found.append((expectation, f"`{expectation.that.source}` is false"))
        elif value is not True:
            found.append((expectation, f"`{expectation.that.source}` gave {value!r}, "
                                       "not true or false"))
    return found


def _expect_problem(expectation: m.Expectation, why: str, state, step: int,
                    numbers: tuple[int, ...], seed: int) -> Problem:
    """A failed expectation as a problem (one per expectation, however often it fails)."""
    return Problem("expect", expectation.says, str(expectation.location), state.scene,
                   numbers, seed, step=step, detail=why)


def _run_seed(seed: int, persona: str, index: int) -> int:
    """The seed of one run's choice picker: runs are independent, so any split of them
    between processes plays the same games."""
    digest = hashlib.blake2b(f"{seed}:{persona}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(slots=True)
class _Partial:
    """What a range of runs found, to merge into a report in order."""

    tally: Tally
    scene_counts: Counter = field(default_factory=Counter)
    choice_counts: Counter = field(default_factory=Counter)
    problems: dict = field(default_factory=dict)
    shown_locked: set = field(default_factory=set)
    stuck: tuple[int, tuple[int, ...]] | None = None
    """The first run stopped by the step cap: (engine seed, its choice numbers)."""

    def add_problem(self, problem: Problem) -> None:
        """Like Report.add_problem."""
        Report.add_problem(self, problem)  # type: ignore[arg-type]


def _play_range(story: m.Story, persona: Persona, seed: int, start: int, stop: int,
                max_steps: int, words: bool = False) -> _Partial:
    """Play runs ``start`` to ``stop - 1`` of a persona (counting words read, if asked)."""
    found = _Partial(Tally(persona))
    tally = found.tally
    scene_counts, choice_counts = found.scene_counts, found.choice_counts
    shown_locked_add = found.shown_locked.add
    scenes = story.scenes
    gotos = frozenset(o.id for o in story.outline() if o.goto is not None)
    weigh = persona.weight if persona.weights else None
    rating = story.rating
    goto_limit = len(scenes)
    everywhere = story.expect
    for index in range(start, stop):
        picker = random.Random(_run_seed(seed, persona.name, index))
        engine_seed = picker.getrandbits(31)
        numbers: list[int] = []
        tally.runs += 1
        try:
            engine = Engine(story, seed=engine_seed, lazy_gaps=True)
        except StoryRuntimeError as exc:
            found.add_problem(_error(exc, story.start, (), engine_seed))
            tally.stopped += 1
            continue
        state = engine.state
        steps = 0
        streak = 0
        outcome = None
        failed: set[int] = set()
        read = notice_words(engine.opening) if words else 0
        try:
            while True:
                options = engine.options(explain=False)
                if everywhere or scenes[state.scene].expect:
                    for expectation, why in unmet(story, state):
                        if id(expectation) not in failed:
                            failed.add(id(expectation))
                            found.add_problem(_expect_problem(
                                expectation, why, state, len(state.path), tuple(numbers),
                                engine_seed))
                if words:
                    read += story_words(engine.view())
                if state.ending is not None:
                    outcome = "ended"
                    break
                if steps >= max_steps:
                    outcome = "unfinished"
                    break
                steps += 1
                if state.scene in gotos:
                    # Gotos are unconditional: more of them in a row than there are
                    # scenes means a cycle the player can never leave.
                    streak += 1
                    if streak > goto_limit:
                        outcome = "loop"
                        break
                    if words:
                        read += notice_words(engine.proceed())
                    else:
                        engine.proceed()
                    continue
                streak = 0
                open_ = [n for n, option in enumerate(options) if option.locked is None]
                if len(open_) != len(options):
                    scene_id = state.scene
                    for option in options:  # a plain loop: half the time of update(genexpr)
                        if option.locked is not None:
                            shown_locked_add((scene_id, option.id))
                if not open_:
                    outcome = "dead-end"
                    break
                if weigh is None or len(open_) == 1:
                    # picker.choice(open_) draws what open_[picker.randrange(len(open_))]
                    # did (the same _randbelow), with one call less a step.
                    pick = picker.choice(open_) if len(open_) > 1 else open_[0]
                else:
                    weights = [weigh(options[n].tags) for n in open_]
                    total = sum(weights)
                    if total <= 0:
                        pick = open_[picker.randrange(len(open_))]
                    else:
                        pick = picker.choices(open_, weights, k=1)[0]
                numbers.append(pick + 1)
                if words:
                    read += notice_words(engine.take(options[pick].id))
                else:
                    engine.take(options[pick].id)
                state = engine.state
        except StoryRuntimeError as exc:
            found.add_problem(_error(exc, engine.state.scene, tuple(numbers), engine_seed))
            outcome = "error"
        state = engine.state
        tally.steps += steps
        scene_counts.update(state.visit_counts.keys())  # each scene reached counts once
        choice_counts.update(set(state.path))
        if outcome == "ended":
            tally.endings[state.ending] += 1
            if words:
                tally.words.append((read, tuple(numbers), engine_seed))
            if rating is not None:
                tally.scores.append(state.score)
                tier = state.tier
                if tier is not None:
                    tally.tiers[tier.id] += 1
            for lid in state.lists:
                tally.lists[lid] += 1
        elif outcome == "unfinished":
            tally.unfinished += 1
            if found.stuck is None:
                found.stuck = (engine_seed, tuple(numbers))
        else:
            tally.stopped += 1
            if outcome == "dead-end":
                found.add_problem(Problem(
                    "dead-end", f"no choice can be taken in scene '{state.scene}' (every "
                    "choice is hidden or locked)", str(scenes[state.scene].location),
                    state.scene, tuple(numbers), engine_seed))
            elif outcome == "loop":
                found.add_problem(Problem(
                    "loop", f"the story goes on by itself forever from scene '{state.scene}' "
                    "(a loop of gotos)", str(scenes[state.scene].location), state.scene,
                    tuple(numbers), engine_seed))
    return found



_FORKED: m.Story | None = None
"""The story a forked worker plays (inherited from the parent: a story cannot be pickled)."""


def _play_forked(persona: Persona, seed: int, start: int, stop: int, max_steps: int,
                 words: bool) -> _Partial:
    assert _FORKED is not None
    return _play_range(_FORKED, persona, seed, start, stop, max_steps, words)


def play_runs(story: m.Story, report: Report, persona: Persona, runs: int, seed: int,
              max_steps: int = DEFAULT_MAX_STEPS, jobs: int = 1, words: bool = False) -> Tally:
    """Play ``runs`` random playthroughs as ``persona``; add what they found to ``report``.

    With ``jobs`` > 1 the runs are shared between forked processes; every run has
    its own seeds, and the parts are merged in run order, so the report is the
    same for any number of jobs.
    """
    global _FORKED
    parts: list[_Partial]
    if jobs > 1 and runs >= 2 * PARALLEL_MIN and _can_fork():
        import concurrent.futures
        import multiprocessing

        bounds = [runs * k // jobs for k in range(jobs + 1)]
        _FORKED = story
        try:
            with concurrent.futures.ProcessPoolExecutor(
                    jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = [pool.submit(_play_forked, persona, seed, a, b, max_steps, words)
                           for a, b in zip(bounds, bounds[1:])]
                parts = [f.result() for f in futures]
        finally:
            _FORKED = None
    else:
        parts = [_play_range(story, persona, seed, 0, runs, max_steps, words)]
    tally = Tally(persona)
    for part in parts:
        done = part.tally
        tally.runs += done.runs
        tally.steps += done.steps
        tally.endings.update(done.endings)
        tally.unfinished += done.unfinished
        tally.stopped += done.stopped
        tally.scores.extend(done.scores)
        tally.tiers.update(done.tiers)
        tally.lists.update(done.lists)
        tally.words.extend(done.words)
        report.scene_counts.update(part.scene_counts)
        report.choice_counts.update(part.choice_counts)
        report.shown_locked |= part.shown_locked
        for problem in part.problems.values():
            report.add_problem(problem)
    stuck = next((part.stuck for part in parts if part.stuck is not None), None)
    if tally.runs and not tally.endings and stuck is not None:
        report.add_problem(_never_ends(story, persona, tally, stuck, max_steps))
    return tally


def _never_ends(story: m.Story, persona: Persona, tally: Tally,
                stuck: tuple[int, tuple[int, ...]], max_steps: int) -> Problem:
    """No run ended: play the first stuck run again to find the loop it went round."""
    engine_seed, numbers = stuck
    scenes, taken = _replay_scenes(story, engine_seed, numbers)
    first_seen: dict[str, int] = {}
    cycle: list[str] = []
    upto = len(numbers)
    for index, scene in enumerate(scenes):
        if scene in first_seen:
            cycle = scenes[first_seen[scene]:index + 1]
            upto = taken[index]
            break
        first_seen[scene] = index
    loop = " -> ".join(cycle) if cycle else ", ".join(sorted(set(scenes)))
    where = cycle[0] if cycle else story.start
    ran = "the run" if tally.runs == 1 else f"all {tally.runs} runs"
    message = (f"no run reached an ending: {ran} of persona {persona.name} stopped at the "
               f"step cap ({max_steps} steps); they go round {loop}: add a way out of it "
               "to an ending")
    return Problem("never-ends", message, str(story.scenes[where].location), where,
                   numbers[:upto], engine_seed, tally.unfinished)


def _replay_scenes(story: m.Story, engine_seed: int,
                   numbers: tuple[int, ...]) -> tuple[list[str], list[int]]:
    """The scenes a run passed through, and how many choices it had taken at each."""
    engine = Engine(story, seed=engine_seed, lazy_gaps=True)
    gotos = frozenset(o.id for o in story.outline() if o.goto is not None)
    scenes = [engine.state.scene]
    taken = [0]
    used = 0
    limit = len(numbers) + len(story.scenes) * (len(numbers) + 1)
    while len(scenes) < limit and engine.state.ending is None:
        if engine.state.scene in gotos:
            engine.proceed()
        elif used < len(numbers):
            options = engine.options(explain=False)
            engine.take(options[numbers[used] - 1].id)
            used += 1
        else:
            break
        scenes.append(engine.state.scene)
        taken.append(used)
    return scenes, taken


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


# --- exhaustive exploration -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyPlan:
    """Which parts of a state can change what happens next in one story.

    Only what some expression reads can change which choices are shown, open,
    or how text reads: a var nobody reads is kept by its kind only (an ``add``
    on text fails), the score only when score or tier is read (or drives the
    weights of ratings that are read), the day, lists, people and the random
    generator only when read or drawn from. States that differ in nothing else
    are the same state for exploration.
    """

    counted: tuple[str, ...]
    records: tuple[str, ...]
    """Rules whose ``recorded()`` count some expression reads."""
    read_vars: frozenset[str]
    score: bool
    day: bool
    lists: bool
    people: bool
    rng: bool
    memory: int

    @classmethod
    def of(cls, story: m.Story) -> KeyPlan:
        """The plan for a story, from what its expressions read."""
        from game.authoring.facts import expressions, reads

        found = reads(story)
        nodes = [node for expr in expressions(story) for node in walk(expr.tree)]
        rating = story.rating
        people = bool(found.get("rating"))
        peer_weights = bool(rating and spec_of(rating).rater_weighted(rating))
        return cls(
            counted=tuple(sorted(found.get("visits", set()) | found.get("visited", set()))),
            records=tuple(sorted(found.get("recorded", set()))),
            read_vars=frozenset(found["vars"]),
            score=bool(found["score"]) or (people and peer_weights),
            day=any(type(node) is Day for node in nodes),
            lists=bool(found.get("listed")),
            people=people,
            rng=any(isinstance(node, Call) and node.function == "random" for node in nodes),
            memory=rating.memory if rating else 20,
        )


def state_key(state, plan: KeyPlan) -> tuple:
    """What decides everything that can happen next from a state."""
    visits = state.visit_counts
    memory = plan.memory
    read = plan.read_vars
    return (
        state.scene, state.ending,
        tuple(sorted((k, v if k in read else type(v).__name__) for k, v in state.vars.items())),
        (state.score, state.bonus, tuple(state.received[-memory:])) if plan.score else None,
        state.day if plan.day else None,
        tuple(state.lists) if plan.lists else None,
        tuple((p, tuple(r[-memory:])) for p, r in sorted(state.people.items()))
        if plan.people else None,
        state.rng if plan.rng else None,
        tuple(visits.get(s, 0) for s in plan.counted),
        tuple(state.records.get(r, 0) for r in plan.records) if plan.records else None,
        frozenset(state.taken) if state.taken else None,
    )


def explore(story: m.Story, report: Report, seed: int,
            max_states: int = DEFAULT_MAX_STATES) -> dict:
    """Visit every distinct state breadth first (up to ``max_states``); return a summary."""
    plan = KeyPlan.of(story)
    endings: Counter = Counter()
    transitions = 0
    try:
        root = Engine(story, seed=seed, lazy_gaps=True)
    except StoryRuntimeError as exc:
        report.add_problem(_error(exc, story.start, (), seed))
        return {"states": 0, "transitions": 0, "complete": True, "max_states": max_states,
                "seed": seed, "endings": {}}
    seen = {state_key(root.state, plan)}
    def check(engine: Engine, path: tuple[int, ...]) -> None:
        """Each new state is checked once: a state seen again reads the same."""
        st = engine.state
        if story.expect or story.scenes[st.scene].expect:
            for expectation, why in unmet(story, st):
                report.add_problem(_expect_problem(expectation, why, st, len(st.path), path,
                                                   seed))

    check(root, ())
    queue: deque = deque([(root, (), frozenset())])
    complete = True
    scene_seen: set[str] = set()
    choice_seen: set[tuple[str, str]] = set()
    while queue:
        engine, numbers, streak = queue.popleft()
        state = engine.state
        scene_seen.add(state.scene)
        try:
            options = engine.options(explain=False)
        except StoryRuntimeError as exc:
            report.add_problem(_error(exc, state.scene, numbers, seed))
            continue
        if state.ending is not None:
            endings[state.ending] += 1
            continue
        scene = story.scenes[state.scene]
        if scene.goto is not None:
            moves = [(None, None)]
        else:
            moves = [(n + 1, o.id) for n, o in enumerate(options) if o.locked is None]
            if len(moves) != len(options):
                report.shown_locked.update(
                    (state.scene, o.id) for o in options if o.locked is not None)
            if not moves:
                report.add_problem(Problem(
                    "dead-end", f"no choice can be taken in scene '{state.scene}' (every "
                    "choice is hidden or locked)", str(scene.location), state.scene,
                    numbers, seed))
                continue
        for number, choice_id in moves:
            child = engine.fork()
            transitions += 1
            path = numbers if number is None else numbers + (number,)
            try:
                if choice_id is None:
                    child.proceed()
                else:
                    choice_seen.add((state.scene, choice_id))
                    child.take(choice_id)
            except StoryRuntimeError as exc:
                report.add_problem(_error(exc, state.scene, path, seed))
                continue
            key = state_key(child.state, plan)
            # Gotos are unconditional: coming back to a state by gotos alone is a
            # loop the player can never leave.
            chain = frozenset() if choice_id is not None else streak | {state_key(
                state, plan)}
            if choice_id is None and key in chain:
                report.add_problem(Problem(
                    "loop", f"the story goes on by itself forever from scene "
                    f"'{child.state.scene}' (a loop of gotos)",
                    str(story.scenes[child.state.scene].location), child.state.scene,
                    path, seed))
                continue
            if key in seen:
                continue
            if len(seen) >= max_states:
                complete = False
                continue
            seen.add(key)
            check(child, path)
            queue.append((child, path, chain))
    report.explored_scenes |= scene_seen
    report.explored_choices |= choice_seen
    return {"states": len(seen), "transitions": transitions, "complete": complete,
            "max_states": max_states, "seed": seed,
            "endings": dict(sorted(endings.items()))}


# --- the command ------------------------------------------------------------------------------


def playtest(story: m.Story, story_arg: str, *, runs: int = DEFAULT_RUNS, seed: int = 0,
             personas: list[Persona] | None = None, exhaustive: bool = False,
             max_states: int = DEFAULT_MAX_STATES,
             max_steps: int = DEFAULT_MAX_STEPS, jobs: int = 1, words: bool = False,
             max_words: int | None = None) -> Report:
    """Play a story every way asked and gather one report (the same for any ``jobs``);
    ``max_words`` counts words (as ``words``) and fails a path that reads more."""
    words = words or max_words is not None
    report = Report(story, story_arg, seed, max_words=max_words)
    if exhaustive:
        report.exploration = explore(story, report, seed, max_states)
    for persona in personas or ([RANDOM] if runs else []):
        if runs:
            report.tallies.append(play_runs(story, report, persona, runs, seed, max_steps,
                                            jobs, words))
    return report


def _check_personas(story: m.Story, personas: list[Persona]) -> None:
    """Refuse a persona naming a tag no choice has: it would silently play at random."""
    tags = sorted({tag for scene in story.scenes.values() for choice in scene.choices
                   for tag in choice.tags})
    for persona in personas:
        for tag, _weight in persona.weights:
            if tag in tags:
                continue
            if not tags:
                raise ChoiceError(f"--persona: no choice in this story has tags, so '{tag}' "
                                  "would play at random; add tags: [...] to choices")
            close = difflib.get_close_matches(tag, tags, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ChoiceError(f"--persona: no choice in this story has the tag '{tag}'; "
                              f"{hint}its tags are: {', '.join(tags)}")


def run_test(story_path: Path, story_arg: str, out: TextIO, *, runs: int = DEFAULT_RUNS,
             seed: int = 0, personas: list[str] | None = None, exhaustive: bool = False,
             max_states: int = DEFAULT_MAX_STATES, max_steps: int = DEFAULT_MAX_STEPS,
             as_json: bool = False, jobs: int | None = None, words: bool = False,
             max_words: int | None = None, prog: str = "python -m game") -> int:
    """``python -m game test``: 0 when all is well, 1 on problems or unreached endings.

    Raises StoryErrors for a story that does not load (the CLI prints them, exit 2).
    """
    from game.story.cache import load_story_cached
    from game.story.memory import collector_paused

    try:
        parsed = [parse_persona(p) for p in personas or []]
    except ValueError as exc:
        raise ChoiceError(str(exc)) from None
    if runs < 0 or max_states < 1 or max_steps < 1 or (jobs is not None and jobs < 1) or (
            max_words is not None and max_words < 1):
        raise ChoiceError("--runs must be 0 or more; --max-states, --max-steps, --jobs and "
                          "--max-words 1 or more")
    for flag, value, most in (("--runs", runs, MAX_RUNS), ("--max-states", max_states,
                              MAX_STATES), ("--max-steps", max_steps, MAX_STEPS)):
        if value > most:
            raise ChoiceError(f"{flag} must be at most {most:,} ({LIMITS_WHY[flag]})")
    # Through the compiled cache, as ``play`` loads: an author runs ``test`` again and
    # again on the same file, and only an edited file is parsed and checked again.
    # The story lives until the process ends: keep the cycle collector from walking
    # it again and again while the runs allocate (on the 10,000-scene story that
    # walking took ~1 s of 6.5). Frozen before the collector runs again: its first
    # run after a load would walk every object the load made (~0.15 s there).
    with collector_paused():
        story = load_story_cached(story_path)
        gc.freeze()
    _check_personas(story, parsed)
    plan_for(story)  # the engine's per-story facts: made once, shared by forked workers
    report = playtest(story, story_arg, runs=runs, seed=seed, personas=parsed or None,
                      exhaustive=exhaustive, max_states=max_states, max_steps=max_steps,
                      # More processes than cores only share them (a fork each: --jobs
                      # 10000 started ten thousand); the report is the same for any number.
                      jobs=min(default_jobs() if jobs is None else jobs, os.cpu_count() or 1),
                      words=words,
                      max_words=max_words)
    report.prog = prog
    if as_json:
        out.write(json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n")
    else:
        report.write_text(out)
    return 1 if report.failed else 0

