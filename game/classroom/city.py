"""The city estimate from a class: "if the city chose as this class did".

The class's records give, for every scene, how many of the class took each choice
there (a player who came back to a scene counts as fractions summing to one);
``game.engine.city`` plays sampled lives that choose with those
weights (uniformly where the class never chose) and counts what they ended
with. This module turns records into weights, the estimate into sentences,
a table, JSON, and a chart (SVG, or HTML around it), and runs ``city``.

What the estimate assumes, said wherever it is shown: everyone chooses as
this class did, and each choice depends only on the scene, not on what the
same person chose before.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, TextIO

from game.engine.city import (
    DEFAULT_LIVES,
    MAX_STEPS as MAX_STEPS_PER_LIFE,
    CityEstimate,
    Share,
    default_jobs,
    estimate,
    play_chunk,
    sample_lives,
)
from game.errors import StandingError
from game.safetext import clean, one_line
from game.story import model as m

if TYPE_CHECKING:  # the class's modules are imported where a class is read: `city` on a
    # story alone starts without them
    from game.classroom.sessions import ClassRecords, Session
    from game.classroom.summary import CitySection

REPORT_LIVES = 10_000
"""Lives behind the class report's "Scaled to the city" (about 1.5 s of one core on
Green Channel; the interval of a share is then at most ±1 point)."""
DASHBOARD_LIVES = 2_000
"""Lives behind the dashboard's line (a few tenths of a second, in a worker; ±2.2 points)."""
UNIFORM = ("Without a class, every life picks uniformly among the choices open to it: "
           "this shows what the system does to random lives, not to real people. ")
LIMITS = ("It does not show who would be affected, how lives differ outside the story, or "
          "what people would do once they knew the rules.")
ASSUMES = ("The estimate assumes everyone in the city chooses as this class did, and that a "
           "choice depends only on the scene, not on the same person's earlier choices. "
           + LIMITS)
MAX_POPULATION = 10_000_000_000
MAX_LIVES = 1_000_000
"""Most lives ``--runs`` may ask for: the widest 95 % interval is then ±0.1 point, the
precision the table prints, so more lives could not change what is shown."""
MAX_STEPS_PLAYED = 100_000_000
"""Most engine steps one ``city`` may play, all lives together (a few minutes of a few
cores): a story whose lives seldom end (each runs to the 2,000-step cap) is refused before
it runs for hours, with the number of lives that fits."""
SECTION_STEPS_PER_LIFE = 1_000
"""Most steps a life may take on average for the report's and the dashboard's section (the
bundled stories take 3 to 40; a life that loops takes the cap, 2,000: half the lives
looping is past it)."""
PROBE_LIVES = 100
"""Lives played first to measure a story's steps per life (the estimate's own first lives,
played once more: a few hundredths of a second for a story whose lives end)."""
FALSE_MATCH_RATE = 100_000
"""The base-rate exhibit's illustrative false-match rate: 1 in 100,000 (the fact sheet's
example, and the Operator's camera room; not a measured rate of any real system)."""
MATCH_RULE = re.compile(r"\bmatch(es|ed)?\b", re.I)
"""A rule whose label speaks of a match (a face match) gets the base-rate exhibit."""


class CityError(StandingError):
    """A ``city`` argument the user must fix (exit 2)."""


def assumptions(weighted: bool) -> str:
    """What an estimate assumes: a class's (``ASSUMES``), or random lives' (no class to
    speak of)."""
    return ASSUMES if weighted else UNIFORM + LIMITS


# --- from records to weights -------------------------------------------------------------------


def class_weights(sessions: Iterable[Session], story: m.Story) -> dict[str, dict[str, float]]:
    """Per scene, per choice: how much the class took it there, each session weighing 1.

    A session's choices at a scene count as fractions of that session's choices there (a
    player who came back three times and chose a, a, b gives a 2/3 and b 1/3), so one
    record, however long, weighs at a scene what one player does. Where nobody came back
    to a scene, the weights are the number of players who took each choice. Scenes renamed
    since are followed; scenes and choices the story no longer has are left out (before
    the fractions are taken). Each weight is summed with ``math.fsum`` (correctly rounded),
    so the order the sessions are read in cannot change it.
    """
    known = {o.id: frozenset(o.choices) for o in story.outline()}
    shares: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for session in sessions:
        mine: dict[str, Counter[str]] = defaultdict(Counter)
        for c in session.choices:
            scene_id = story.resolve(c.scene)
            if scene_id is None:
                continue
            here = mine[scene_id]  # the scene is counted even when no choice is still known
            if c.choice in known[scene_id]:
                here[c.choice] += 1
        for scene_id, counts in mine.items():
            to_scene = shares[scene_id]
            visits = sum(counts.values())
            for cid, n in counts.items():
                to_scene[cid].append(n / visits)
    return {scene_id: {cid: math.fsum(parts) for cid, parts in by_choice.items()}
            for scene_id, by_choice in shares.items()}


def sessions_of(records, story: m.Story) -> list[Session]:
    """The sessions of this story in a class's records (same id, and same source when
    the record names one)."""
    from game.story.catalog import source_kind

    kind = source_kind(story)
    return [s for s in records.sessions if s.story == story.id
            and (s.source is None or s.source == kind)]


# --- words and numbers ---------------------------------------------------------------------------


def people(n: float) -> str:
    """A number of people as a sentence says it: 1.9 million, 21.7 million, 650,000, 42
    (millions to one decimal, thousands to two significant figures: the estimate is not
    more precise than that)."""
    n = round(n)
    if n >= 1_000_000:
        return f"{_millions(n).removesuffix('.0')} million"
    if n >= 1_000:
        return f"{_two_figures(n):,}"
    return str(n)


def people_range(low: float, high: float) -> str:
    """An interval of people: 1.7–2.1 M, 21.58–21.63 M, or 600,000–700,000.

    Both ends in millions only when both are a million or more (950,000 to 1.02 million
    said as "1.0–1.0 M" looked like an exact number, beside an estimate of ~990,000);
    one more decimal, up to three, while the two ends would read the same.
    """
    if round(low) >= 1_000_000:
        for digits in (1, 2, 3):
            ends = (_millions(low, digits), _millions(high, digits))
            if ends[0] != ends[1]:
                break
        return f"{ends[0]}–{ends[1]} M"
    return f"{_thousands(low)}–{_thousands(high)}"


def _millions(n: float, digits: int = 1) -> str:
    return f"{round(n / 1_000_000, digits):.{digits}f}"


def _thousands(n: float) -> str:
    """A number of people under a few million with commas (two significant figures)."""
    n = round(n)
    return f"{_two_figures(n):,}" if n >= 1_000 else str(n)


def _two_figures(n: int) -> int:
    if n < 100:
        return n
    return round(n, -(len(str(n)) - 2))


def city_name(label: str) -> str:
    """"Beijing residents" -> "Beijing's"; anything else -> "the" + label."""
    words = label.split()
    if len(words) == 2 and words[1].lower() in ("residents", "inhabitants", "people", "citizens"):
        return f"{words[0]}'s"
    return ""


def headline(est: CityEstimate) -> str:
    """"If Beijing's 21.7 million chose as this class did:" (or "If 21.7 million Beijing
    residents chose ...")."""
    how = "chose as this class did" if est.weighted else "chose at random"
    whose = city_name(est.population_label)
    if whose:
        return f"If {whose} {people(est.population)} {how}:"
    return f"If {people(est.population)} {est.population_label} {how}:"


def share_phrase(share: Share) -> str:
    """~1.9 million (1.7–2.1 M)."""
    return f"~{people(share.count)} ({people_range(share.low_count, share.high_count)})"


def sentences(est: CityEstimate) -> list[str]:
    """The estimate in a few sentences: lists at the end, services refused, endings."""
    out = []
    for s in est.lists:
        out.append(f"{share_phrase(s)} on the list '{s.label}' at the end")
    for s in est.refused:
        if s.hits:
            out.append(f"{share_phrase(s)} refused {s.label} at least once")
    ending = max(est.endings, key=lambda s: s.hits, default=None)
    if ending is not None and ending.hits:
        out.append(f"the most common ending, {ending.label}: {share_phrase(ending)}")
    return out


# --- the command's outputs ------------------------------------------------------------------------


SECTIONS = (("endings", "Endings"), ("tiers", "Tiers at the end"),
            ("lists", "On a list at the end"), ("refused", "Refused at least once"))


def write_text(est: CityEstimate, out: TextIO) -> None:
    """The readable table (each name on its line, as ``one_line`` makes it)."""
    w = out.write
    how = "weighted by the class's choices" if est.weighted else "uniform at every scene"
    w(f"{one_line(est.title)} ({est.story}): {est.runs:,} sampled lives ({how}), seed {est.seed}\n")
    w(f"scaled to {est.population:,} {one_line(est.population_label)}\n")
    for key, title in SECTIONS:
        rows: tuple[Share, ...] = getattr(est, key)
        if not rows:
            continue
        w(f"\n{title}:\n")
        width = max(len(one_line(s.label)) for s in rows)
        for s in rows:
            w(f"  {one_line(s.label):<{width}}  {100 * s.share:5.1f} % "
              f"({100 * s.low:.1f}–{100 * s.high:.1f})  ~{people(s.count):>12} "
              f"({people_range(s.low_count, s.high_count)})\n")
    if est.unfinished:
        w(f"\n{est.unfinished:,} lives reached no ending (step cap, dead end or error): "
          "run `test` on the story\n")
    w(f"\n{assumptions(est.weighted)}\n")


def to_svg(est: CityEstimate) -> str:
    """A bar chart of every share with its 95 % interval (self-contained SVG, no fonts
    beyond the viewer's sans-serif, every label escaped)."""
    rows: list[tuple[str, Share | None]] = []
    for key, title in SECTIONS:
        found: tuple[Share, ...] = getattr(est, key)
        if found:
            rows.append((title, None))
            rows += [(s.label, s) for s in found]
    left, bar_w, row_h, top = 260, 420, 22, 56
    height = top + row_h * len(rows) + 30
    width = left + bar_w + 170
    e = escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13" '
           'role="img">',
           f"<title>{e(clean(est.title))}: scaled to {est.population:,} "
           f"{e(clean(est.population_label))}</title>",
           f'<text x="10" y="22" font-size="16" font-weight="bold">{e(clean(est.title))}: '
           f"{est.runs:,} sampled lives, scaled to {est.population:,} "
           f"{e(clean(est.population_label))}</text>",
           '<text x="10" y="42" fill="#555">Bars: share of lives; whiskers: 95 % interval '
           "(Wilson); right: people</text>"]
    y = top
    for label, s in rows:
        if s is None:
            out.append(f'<text x="10" y="{y + 15}" font-weight="bold">{e(clean(label))}</text>')
        else:
            bw = bar_w * s.share
            lo, hi = left + bar_w * s.low, left + bar_w * s.high
            short = clean(label) if len(clean(label)) <= 36 else clean(label)[:35] + "…"
            out.append(f'<text x="20" y="{y + 15}">{e(short)}</text>')
            out.append(f'<rect x="{left}" y="{y + 4}" width="{bar_w}" height="14" '
                       'fill="#eee"/>')
            out.append(f'<rect x="{left}" y="{y + 4}" width="{bw:.1f}" height="14" '
                       'fill="#0072B2"/>')
            out.append(f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{y + 11}" y2="{y + 11}" '
                       'stroke="#000" stroke-width="1.5"/>')
            out.append(f'<text x="{left + bar_w + 8}" y="{y + 15}">{100 * s.share:.1f} % · '
                       f"~{e(people(s.count))}</text>")
        y += row_h
    footer = ("Assumes everyone chooses as the class did, each choice depending only on the "
              "scene." if est.weighted else "Every life chose uniformly among its open "
              "choices (no class given): random lives, not real people.")
    out.append(f'<text x="10" y="{y + 20}" fill="#555" font-size="11">{footer}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def to_html(est: CityEstimate) -> str:
    """A page with the chart, the assumptions and the table."""
    e = escape
    rows = []
    for key, title in SECTIONS:
        for s in getattr(est, key):
            rows.append(f"<tr><td>{e(title)}</td><td>{e(clean(s.label))}</td>"
                        f"<td>{100 * s.share:.1f} %</td><td>{100 * s.low:.1f}–"
                        f"{100 * s.high:.1f} %</td><td>~{e(people(s.count))}</td><td>"
                        f"{e(people_range(s.low_count, s.high_count))}</td></tr>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>City estimate: {e(clean(est.title))}</title><style>body{{font-family:"
            "sans-serif;max-width:60rem;margin:2rem auto}}td,th{padding:.2rem .6rem;"
            "text-align:left}</style></head><body>"
            f"<h1>City estimate: {e(clean(est.title))}</h1>"
            f"<p>{e(headline(est))} " + "; ".join(e(x) for x in sentences(est)) + ".</p>"
            + to_svg(est) + f"<p>{e(assumptions(est.weighted))}</p>"
            "<table><thead><tr><th>What</th><th>Outcome</th><th>Share</th><th>95 % interval</th><th>People</th><th>Range</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table></body></html>\n")


# --- the command ------------------------------------------------------------------------------------


def with_variant(story: m.Story, variant: str | None) -> m.Story:
    """The story under variant ``variant`` (the story itself for None or ``as_written``)."""
    if variant is None or variant == m.AS_WRITTEN:
        return story
    if not story.variants:
        raise CityError(f"--variant {variant}: the story '{story.id}' has no variants")
    if variant not in story.variants:
        raise CityError(f"--variant {variant}: the story has no such variant; its variants "
                        f"are: {', '.join(story.variants)}")
    return story.under(variant)


def city_estimate(story: m.Story, *, lives: int = DEFAULT_LIVES, seed: int = 0,
                  sessions: list[Session] | None = None, population: int | None = None,
                  label: str | None = None, jobs: int = 1,
                  weights: dict[str, dict[str, float]] | None = None) -> CityEstimate:
    """Sample ``lives`` lives (weighted by ``sessions``' choices, or ``weights``, when
    given) and scale them."""
    pop = story.population
    count = population if population is not None else (pop.count if pop else None)
    if count is None:
        raise CityError(f"the story '{story.id}' has no population: give --population N "
                        "(how many people to scale to)")
    if label is None:
        label = pop.label if pop is not None and population in (None, pop.count) else "people"
    if weights is None and sessions:
        weights = class_weights(sessions, story)
    tally = sample_lives(story, lives, seed, weights, jobs)
    return estimate(story, tally, count, label, seed, weighted=bool(weights))


def run_city(story_path: Path, out: TextIO, *, class_dir: Path | None = None,
             lives: int = DEFAULT_LIVES, seed: int = 0, variant: str | None = None,
             population: int | None = None, jobs: int | None = None, as_json: bool = False,
             chart: Path | None = None) -> int:
    """``python -m game city``: 0 when the estimate was made (bad input raises, exit 2)."""
    import gc

    from game.engine.plan import plan_for
    from game.story.cache import load_story_cached
    from game.story.memory import collector_paused

    if not 1 <= lives <= MAX_LIVES:
        raise CityError(f"--runs must be from 1 to {MAX_LIVES:,} (the 95 % intervals are "
                        "then ±0.1 point: more lives would not change the table)")
    if jobs is not None and jobs < 1:
        raise CityError("--jobs must be 1 or more")
    if population is not None and not 1 <= population <= MAX_POPULATION:
        raise CityError(f"--population must be from 1 to {MAX_POPULATION:,}")
    if chart is not None:
        check_chart(chart)
    if class_dir is not None and not class_dir.is_dir() and len(class_dir.parts) == 1:
        from game.classroom.records import class_folder

        by_code = class_folder(str(class_dir))
        if by_code.is_dir():
            class_dir = by_code
    if class_dir is not None and not class_dir.is_dir():
        from game.classroom.records import class_folder, classes_there

        if len(class_dir.parts) == 1:  # a code mistyped: say which classes there are
            raise CityError(f"--class {class_dir}: there is no class {class_dir} (nor a "
                            "folder of that name here); "
                            f"{classes_there(class_folder(str(class_dir)).parent)}")
        raise CityError(f"--class {class_dir}: no such class folder")
    with collector_paused():
        story = load_story_cached(story_path)
        gc.freeze()
    story = with_variant(story, variant)
    sessions = None
    said_class = ""
    if class_dir is not None:
        from game.classroom.sessions import read_class

        records = read_class(class_dir)
        sessions = sessions_of(records, story)
        if not sessions:
            raise CityError(f"--class {class_dir}: no session of '{story.id}' in this folder")
        said_class = class_line(class_dir, len(sessions), records)
    plan_for(story)  # made once, shared by forked workers
    weights = class_weights(sessions, story) if sessions else None
    check_budget(story, lives, seed, weights)
    # More processes than cores only share the same cores (and each is a copy of this one):
    # the result is the same for any number, so a larger --jobs is bounded, not refused.
    jobs = min(default_jobs() if jobs is None else jobs, os.cpu_count() or 1)
    est = city_estimate(story, lives=lives, seed=seed, population=population, jobs=jobs,
                        weights=weights)
    if as_json:
        doc = est.to_json()
        if variant is not None:
            doc["variant"] = variant
        if sessions is not None:
            doc["class_sessions"] = len(sessions)
        out.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    else:
        write_text(est, out)
        if said_class:
            out.write(clean(said_class) + "\n")
    if chart is not None:
        from game.files import write_atomic

        body = to_svg(est) if chart.suffix.lower() == ".svg" else to_html(est)
        try:
            write_atomic(chart, body)
        except OSError as exc:
            raise CityError(f"--out {chart}: cannot write it: {exc.strerror or exc}") from None
        if not as_json:
            out.write(f"wrote {chart}\n")
    return 0


def class_line(folder: Path, sessions: int, records: ClassRecords) -> str:
    """Whose choices weighed: how many sessions, and what in the folder could not be read
    (a teacher must know when damaged or hand-edited records were left out)."""
    line = f"Weighted by the choices of {sessions} session{'s' * (sessions != 1)} in {folder}"
    left = []
    if records.unreadable:
        n = len(records.unreadable)
        left.append(f"{n} file{'s' * (n != 1)} could not be read")
    if records.skipped_lines:
        n = records.skipped_lines
        left.append(f"{n:,} damaged line{'s' * (n != 1)} skipped")
    return line + (f" ({', '.join(left)}: `report` lists them)." if left else ".")


def check_chart(chart: Path) -> None:
    """Refuse, before any life is played, an ``--out`` that could not be written."""
    if chart.suffix.lower() not in (".html", ".svg"):
        raise CityError(f"--out {chart}: write the chart as .html or .svg")
    if chart.is_dir():
        raise CityError(f"--out {chart}: is a folder; give a file name ending .html or .svg")
    folder = chart.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # write_atomic makes the missing folders, from this one
    if not folder.is_dir():
        raise CityError(f"--out {chart}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CityError(f"--out {chart}: cannot write in {folder} (permission denied)")


def check_budget(story: m.Story, lives: int, seed: int,
                 weights: dict[str, dict[str, float]] | None) -> None:
    """Refuse lives that would play more than ``MAX_STEPS_PLAYED`` steps in all, judged by
    the first ``PROBE_LIVES`` (played as the estimate plays them, so the judgement is the
    same on every machine). No probe when even lives that all run to the step cap fit."""
    if lives * MAX_STEPS_PER_LIFE <= MAX_STEPS_PLAYED:
        return
    probe = play_chunk(story, seed, 0, min(lives, PROBE_LIVES), weights)
    per_life = probe.steps / max(1, probe.runs)
    if per_life * lives <= MAX_STEPS_PLAYED:
        return
    fits = max(1, int(MAX_STEPS_PLAYED // per_life))
    why = (f"; {probe.unfinished} of them reached no ending (the story loops, or a life "
           "stops where it should end: `test` finds where)" if probe.unfinished else "")
    raise CityError(f"--runs {lives:,}: the first {probe.runs} sampled lives took "
                    f"{per_life:,.0f} steps each{why}, so {lives:,} lives would play about "
                    f"{per_life * lives:,.0f} steps, more than {MAX_STEPS_PLAYED:,}: give "
                    f"--runs {fits:,} or fewer")


def base_rates(est: CityEstimate) -> tuple[str, ...]:
    """The base-rate exhibit: every rule about a match, and the false matches of one search
    against the whole population (none when no rule speaks of a match)."""
    found = [s for s in est.recorded if MATCH_RULE.search(s.label)]
    if not found:
        return ()
    out = [f"{s.label}: in {100 * s.share:.0f} % ({100 * s.low:.0f}–{100 * s.high:.0f} %) of "
           f"{est.runs:,} sampled lives choosing as this class did." for s in found]
    strangers = est.population / FALSE_MATCH_RATE
    out.append(f"Base rate at city scale: at a false-match rate of 1 in "
               f"{FALSE_MATCH_RATE:,} (an illustration, not a measured rate), every search "
               f"against the photos of {people(est.population)} {est.population_label} puts "
               f"~{people(strangers)} strangers above the line; when the real person is not "
               "in the database, the system still lists the closest face.")
    return tuple(out)


def city_section(sessions: list[Session], story: m.Story | None, lives: int = REPORT_LIVES,
                 seed: int = 0, show_small: bool = False,
                 jobs: int = 1) -> tuple[CitySection | None, str | None]:
    """The report's "Scaled to the city" from the class's sessions, or None and why not.

    Needs the story's ``population:`` and, unless small counts are shown, at least
    ``SMALL`` sessions that chose (the estimate of one or two players' choices would
    show their paths).
    """
    from game.classroom.summary import SMALL, CityRow, CitySection

    if story is None or story.population is None:
        return None, None
    chose = [s for s in sessions if s.choices]
    if not chose:
        return None, None
    if len(chose) < SMALL and not show_small:
        return None, (f"Scaled to the city needs the choices of at least {SMALL} sessions "
                      "(or --show-small).")
    weights = class_weights(chose, story)
    # The dashboard asks every second: the same choices give the same section.
    key = (id(story), story.content_hash, lives, seed, len(chose),
           tuple(sorted((sid, tuple(sorted(c.items()))) for sid, c in weights.items())))
    if _LAST and _LAST[0] == key:
        return _LAST[1], None
    probe = play_chunk(story, seed, 0, min(lives, PROBE_LIVES), weights)
    if probe.steps > SECTION_STEPS_PER_LIFE * probe.runs:
        # The dashboard makes this section again whenever a choice is added: lives that run
        # to the step cap would keep the teacher's laptop busy for the whole lesson.
        return None, (f"Scaled to the city is left out: sampled lives of this story take "
                      f"{probe.steps / probe.runs:,.0f} steps each ({probe.unfinished} of "
                      f"{probe.runs} reached no ending); `python -m game city` can still "
                      "sample fewer lives.")
    est = city_estimate(story, lives=lives, seed=seed, weights=weights, jobs=jobs)
    said = sentences(est)
    rows = []
    for what, found in (("lists", est.lists), ("refused", est.refused),
                        ("endings", est.endings)):
        for s in found:
            label = {"lists": "On the list at the end: ", "refused": "Refused at least once: ",
                     "endings": "Ending: "}[what] + s.label
            rows.append(CityRow(what, label, s.share, s.low, s.high, f"~{people(s.count)}",
                                people_range(s.low_count, s.high_count), s.id, s.count,
                                s.low_count, s.high_count))
    headline_ = f"{headline(est)} " + "; ".join(said) + "." if said else headline(est)
    notes = (ASSUMES, f"From {est.runs:,} sampled lives choosing at each scene as the "
                      f"{len(chose)} sessions of this class did (each session weighing one "
                      "at a scene however often it came back there; uniformly where none "
                      f"of them chose); seed {seed}. Shares have 95 % (Wilson) intervals; "
                      "`python -m game city` gives more lives and a chart.")
    section = CitySection(headline_, tuple(rows), notes, base_rates(est), est.population,
                          est.population_label, est.runs, len(chose), seed)
    _LAST[:] = [key, section]
    return section, None


_LAST: list = []
"""The last section made, and what it was made from (see ``city_section``)."""
