"""Each section of the class report, computed from the sessions of one story."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import replace

from game.classroom.sessions import Session
from game.classroom.summary import (
    Count,
    Decision,
    Listing,
    PlayerRow,
    PollAsk,
    PollResult,
    SMALL,
    RuleRow,
    Scores,
    gini,
)
from game.engine.naming import chapter_of, prompt, words
from game.story.model import Story


_MARKS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")


def unmark(text: str) -> str:
    """Text from a record with its emphasis marks dropped, in linear time.

    Record text is untrusted: it never goes through the story's emphasis parser.
    """
    return _MARKS.sub("", text)


def decisions(sessions: list[Session], story: Story | None, resolve) -> tuple[Decision, ...]:
    """Per scene where players chose: how many took each option (every visit counts)."""
    taken: dict[str, Counter[str]] = defaultdict(Counter)
    players: dict[str, set[str]] = defaultdict(set)
    texts: dict[tuple[str, str], str] = {}
    first_step: dict[str, list[int]] = defaultdict(list)
    for s in sessions:
        for c in s.choices:
            scene = resolve(c.scene)
            taken[scene][c.choice] += 1
            players[scene].add(s.codename)
            first_step[scene].append(c.step)
            if c.text and (scene, c.choice) not in texts:
                texts[(scene, c.choice)] = unmark(c.text)
    order = list(story.scenes) if story else []
    position = {sid: i for i, sid in enumerate(order)}
    out = []
    for scene_id in sorted(taken, key=lambda sid: (position.get(sid, len(order)),
                                                   statistics.median(first_step[sid]), sid)):
        counts = taken[scene_id]
        n = sum(counts.values())
        scene = story.scenes.get(scene_id) if story else None
        ids = [c.id for c in scene.choices] if scene else []
        ids += [cid for cid in counts if cid not in ids]
        options = []
        for cid in ids:
            choice = scene.choice(cid) if scene else None
            label = words(choice.text) if choice else texts.get((scene_id, cid), cid)
            detail = ", ".join(choice.tags) if choice else ""
            options.append(Count(cid, label, counts.get(cid, 0), n, detail))
        options = told_apart(options, scene_id, story)
        chapter = chapter_of(story, scene_id)
        out.append(Decision(scene_id, chapter, prompt(story, scene_id), tuple(options), n,
                            len(players[scene_id])))
    return tuple(out)


def tags(sessions: list[Session]) -> tuple[Count, ...]:
    """Per choice tag: players who took such a choice at least once."""
    times: Counter[str] = Counter()
    players: dict[str, set[str]] = defaultdict(set)
    for s in sessions:
        for c in s.choices:
            for tag in c.tags:
                times[tag] += 1
                players[tag].add(s.codename)
    n = len(sessions)
    return tuple(Count(tag, tag, len(players[tag]), n, f"{times[tag]} choices")
                 for tag, _ in times.most_common())


def endings(sessions, finished, story, resolve) -> tuple[Count, ...]:
    """Players per ending, in the story's order, and those who did not finish.

    An ending is named by the story's title for it when the story is known
    (what the story computes shown as "…"), else by the title a record holds.
    """
    n = len(sessions)
    counts: Counter[str] = Counter(resolve(s.ending.scene) for s in finished)
    recorded = {resolve(s.ending.scene): (s.ending.title, s.ending.kind) for s in finished}
    order = [sid for sid, sc in story.scenes.items() if sc.ending] if story else []
    rows = []
    for sid in order + [sid for sid, _ in counts.most_common() if sid not in order]:
        scene = story.scenes.get(sid) if story else None
        if scene is not None and scene.ending is not None:
            title, kind = words(scene.ending.title), scene.ending.kind
        else:
            title, kind = recorded.get(sid, (sid, ""))
            title = unmark(title) or sid
        rows.append(Count(sid, title, counts.get(sid, 0), n, kind or ""))
    unfinished = n - len(finished)
    if unfinished:
        rows.append(Count("", "Not finished", unfinished, n, "still playing or left"))
    return tuple(rows)


def scores(finished: list[Session], story: Story | None) -> Scores | None:
    """Final scores and tiers of the players who reached an ending."""
    rating = story.rating if story else None
    values = tuple(s.ending.score for s in finished if s.ending.score is not None)
    if not values and rating is None:
        return None
    tier_counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for s in finished:
        if s.ending.tier:
            tier_counts[s.ending.tier] += 1
            labels[s.ending.tier] = s.ending.tier_label or s.ending.tier
    order = [t.id for t in rating.tiers] if rating else []
    for t in rating.tiers if rating else ():
        labels.setdefault(t.id, t.label)
    ids = order + [t for t in tier_counts if t not in order]
    n = len(finished)
    tiers = tuple(Count(t, labels.get(t, t), tier_counts.get(t, 0), n) for t in ids)
    return Scores(
        name=rating.name if rating else "Score", values=values,
        mean=statistics.fmean(values) if values else None,
        median=statistics.median(values) if values else None,
        low=min(values) if values else None, high=max(values) if values else None,
        gini=gini(values), tiers=tiers,
        decimals=rating.decimals if rating else decimals_of(values))


def decimals_of(values: tuple[float, ...]) -> int:
    """The decimals scores were kept at (0 to 2), when the story is not there to say."""
    most = 0
    for value in values:
        while most < 2 and round(value, most) != value:
            most += 1
    return most


def listings(sessions: list[Session], story: Story | None = None, show_small: bool = False,
             ) -> tuple[tuple[Listing, ...], tuple[Count, ...]]:
    """Who was listed, grouped by list, scene, rules, source and mistake; per list totals.

    A list's detail says how many are still on it at the end: a count of players put
    into words here, so it is hidden here when under 3 (unless ``show_small``), like
    every other count of players.

    The scene is named by its first words when the story is known.
    """
    groups: dict[tuple, set[str]] = defaultdict(set)
    ever: dict[str, set[str]] = defaultdict(set)
    still: dict[str, set[str]] = defaultdict(set)
    for s in sessions:
        on: dict[str, str] = {}
        for entry in s.ledger:
            if entry.kind == "list":
                same = [e for e in s.ledger if e.step == entry.step and e.kind == "rule"]
                rules = ", ".join(dict.fromkeys(e.label for e in same)) or "no rule recorded"
                source = entry.source_label or ", ".join(
                    dict.fromkeys(e.source_label for e in same if e.source_label)) or "not said"
                mistake = entry.mistake or any(e.mistake for e in same)
                where = prompt(story, entry.scene, 60) or entry.scene
                groups[(entry.label, where, rules, source, mistake)].add(s.codename)
                ever[entry.label].add(s.codename)
                on[entry.subject] = entry.label
            elif entry.kind == "unlist":
                on.pop(entry.subject, None)
        for label in on.values():
            still[label].add(s.codename)
    listings = tuple(Listing(*key, len(who)) for key, who in
                     sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]))))
    n = len(sessions)

    def still_text(count: int) -> str:
        return "<3" if not show_small and 0 < count < SMALL else str(count)

    listed = tuple(Count(label, label, len(who), n,
                         f"{still_text(len(still[label]))} still on it at the end")
                   for label, who in sorted(ever.items()))
    return listings, listed


def rules(sessions: list[Session], story: Story | None):
    """Per rule (and per person rating the player): players, times, total; per source."""
    times: Counter[tuple] = Counter()
    total: Counter[tuple] = Counter()
    mistakes: Counter[tuple] = Counter()
    who: dict[tuple, set[str]] = defaultdict(set)
    hidden: dict[tuple, bool] = {}
    source_times: Counter[str] = Counter()
    source_who: dict[str, set[str]] = defaultdict(set)
    for s in sessions:
        for e in s.ledger:
            if e.kind == "rule":
                key = (e.label, e.source_label or "no named source")
            elif e.kind == "rated":
                key = (f"Ratings from {e.label}", "people who rated the player")
            else:
                continue
            times[key] += 1
            total[key] += e.applied
            who[key].add(s.codename)
            mistakes[key] += bool(e.mistake)
            hidden[key] = hidden.get(key, False) or not e.explained
            source_times[key[1]] += 1
            source_who[key[1]].add(s.codename)
    rules = tuple(RuleRow(label, source, len(who[(label, source)]), times[(label, source)],
                          round(total[(label, source)], 2), mistakes[(label, source)],
                          hidden[(label, source)])
                  for (label, source), _ in times.most_common())
    n = len(sessions)
    sources = tuple(Count(src, src, len(source_who[src]), n, f"{t} entries")
                    for src, t in source_times.most_common())
    return rules, sources


def polls(sessions: list[Session], story: Story | None, resolve) -> tuple[PollResult, ...]:
    """Per poll: the answers each time it was asked, and who changed their mind."""
    answers: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    labels: dict[tuple[str, int], str] = {}
    steps: dict[tuple[str, str], list[int]] = defaultdict(list)
    for s in sessions:
        for p in s.polls:  # in step order: a later answer at the same scene wins
            scene = resolve(p.scene)
            asked = story.scenes[scene].poll if story and scene in story.scenes else None
            if asked is not None and p.option >= len(asked.options):
                continue  # not an option of this poll (a damaged or edited record)
            answers[p.poll][scene][s.codename] = p.option
            steps[(p.poll, scene)].append(p.step)
            if p.text:
                labels.setdefault((p.poll, p.option), p.text)
    order = {sid: i for i, sid in enumerate(story.scenes)} if story else {}
    out = []
    for poll_id in sorted(answers, key=lambda pid: min(
            (order.get(sc, len(order)), statistics.median(steps[(pid, sc)]))
            for sc in answers[pid])):
        by_scene = answers[poll_id]
        scenes = sorted(by_scene, key=lambda sc: (order.get(sc, len(order)),
                                                  statistics.median(steps[(poll_id, sc)])))
        asks = []
        # Without the story, only the options someone picked (the same list at every
        # asking, so the renderers can set them side by side).
        answered = sorted({o for sc in scenes for o in by_scene[sc].values()})
        for sc in scenes:
            poll = story.scenes[sc].poll if story and sc in story.scenes else None
            picked = Counter(by_scene[sc].values())
            n = len(by_scene[sc])
            indices = range(len(poll.options)) if poll else answered
            options = tuple(
                Count(str(i), poll.options[i] if poll else labels.get((poll_id, i), f"option {i + 1}"),
                      picked.get(i, 0), n) for i in indices)
            asks.append(PollAsk(sc, poll.question if poll else poll_id, options, n))
        both = changed = 0
        if len(scenes) > 1:
            first, last = by_scene[scenes[0]], by_scene[scenes[-1]]
            common = first.keys() & last.keys()
            both = len(common)
            changed = sum(1 for who in common if first[who] != last[who])
        out.append(PollResult(poll_id, tuple(asks), both, changed))
    return tuple(out)


def players(sessions: list[Session]) -> tuple[PlayerRow, ...]:
    """One row per codename (only with --per-player).

    Score and tier are the ending's: every unfinished player shows none ("–"), whether
    or not a rule moved their score before they stopped (a score so far beside final
    scores would read as one, and players who stopped before any rule would show none)."""
    rows = []
    for s in sorted(sessions, key=lambda s: s.codename):
        lists: dict[str, None] = {}
        for e in s.ledger:
            if e.kind == "list":
                lists[e.label] = None
            elif e.kind == "unlist":
                lists.pop(e.label, None)
        rows.append(PlayerRow(
            s.codename, s.ending.title if s.ending else None,
            s.ending.score if s.ending else None,
            (s.ending.tier_label or s.ending.tier) if s.ending else None, tuple(lists),
            len(s.choices)))
    return tuple(rows)


def told_apart(options: list[Count], scene_id: str, story: Story | None) -> list[Count]:
    """Options with the same words (shown on different paths) told apart by where they
    lead: "Walk through to the platform (then: Eighty Candles)" and "(then: Window
    Seat)", never two rows a teacher cannot tell apart; by their place when that is the
    same too."""
    seen = Counter(o.label for o in options)
    scene = story.scenes.get(scene_id) if story else None
    if scene is None or story is None or all(v == 1 for v in seen.values()):
        return options

    def then(cid: str) -> str:
        choice = scene.choice(cid)
        target = story.scenes.get(choice.goto) if choice else None
        if target is None:
            return ""
        if target.ending is not None:
            return words(target.ending.title)
        return prompt(story, choice.goto, 40)

    leads = {o.key: then(o.key) for o in options if seen[o.label] > 1}
    out = []
    for number, o in enumerate(options, 1):
        if seen[o.label] > 1:
            lead = leads[o.key]
            alike = [p.key for p in options if p.label == o.label and leads[p.key] == lead]
            o = replace(o, label=f"{o.label} (then: {lead})" if lead and len(alike) == 1
                        else f"{o.label} (option {number})")
        out.append(o)
    return out
