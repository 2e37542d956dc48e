"""The story's debrief questions, each beside the class numbers that feed it.

A question is matched to topics by its words ("source", "listed", "score",
"chose", "poll"...), and each topic brings one or two sentences of class data;
a question that matches nothing gets the closest split of any decision.
"""

from __future__ import annotations

import re
from collections import defaultdict

from game.classroom.formatting import decision_title
from game.classroom.replays import replay_session
from game.classroom.sessions import Session
from game.classroom.summary import SMALL, ClassReport, DebriefItem
from game.engine import format as fmt
from game.story.model import Story

_TOPICS = (
    ("sources", re.compile(r"\b(source|sources|report(ed|s)?|watch\w*|data|camera\w*)\b", re.I)),
    ("lists", re.compile(r"\b(list|lists|listed|blacklist\w*|mistake\w*|wrong\w*|appeal\w*)\b",
                         re.I)),
    ("scores", re.compile(r"\b(score\w*|points?|tier\w*|rating\w*|stars?|number|unequal\w*)\b",
                          re.I)),
    ("endings", re.compile(r"\b(end|ended|ending\w*|where did)\b", re.I)),
    ("choices", re.compile(r"\b(chose|choose|choice\w*|decid\w*|compl\w*|resist\w*|conform\w*|"
                           r"right thing)\b", re.I)),
    ("polls", re.compile(r"\b(poll\w*|predict\w*|opinion\w*|think|thought|fair\w*)\b", re.I)),
    ("rules", re.compile(r"\b(rule|rules|algorithm|decided|who wrote)\b", re.I)),
    ("base_rates", re.compile(r"\b(false match\w*|base rates?|faces searched)\b",
                              re.I)),
)


def debrief_items(report: ClassReport, story: Story | None,
                  finished: list[Session] | None = None) -> tuple[DebriefItem, ...]:
    """The story's debrief questions, each with the facts of its topics; a question with
    ``if:`` says how many of the ``finished`` players it was asked of."""
    if story is None:
        return ()
    facts = _facts(report)
    conditions = story.debrief_if or (None,) * len(story.debrief)
    answers = [a for a in (_asked_on(story, s) for s in finished or []) if a is not None] \
        if any(conditions) else []
    items = []
    for index, (question, condition) in enumerate(zip(story.debrief, conditions)):
        asked = sum(1 for a in answers if a[index]) if condition is not None else None
        found: list[str] = []
        for topic, pattern in _TOPICS:
            if pattern.search(question):
                found.extend(f for f in facts.get(topic, ()) if f not in found)
        if not found:
            found = list(facts.get("choices", ()))[:1] or ["See the class data above."]
        items.append(DebriefItem(question, tuple(found), asked, len(answers)))
    return tuple(items)


def _asked_on(story: Story, session: Session) -> tuple[bool, ...] | None:
    """For one finished player: whether each debrief question was asked at their ending
    (their path replayed with their game's seed), or None when this version of the story
    cannot replay it."""
    return replay_session(story, session).asked


def asked_text(report: ClassReport, item: DebriefItem) -> str | None:
    """"Asked of 12 of 28 players (those whose path fits)", for a question with ``if:``."""
    if item.asked is None:
        return None
    if not item.of:
        return "Asked only of players whose path fits (no finished path could be replayed)."
    count = "fewer than 3" if report.hidden(item.asked) and item.asked else str(item.asked)
    return f"Asked of {count} of {item.of} finished players (those whose path fits its condition)."


def _share(report: ClassReport, count: int, n: int, noun: str = "") -> str:
    """'8 of 28, 29 %', or with a noun '8 of 28 players, 29 %' (the noun after the
    count it counts, never after the percentage); 'fewer than 3' when small."""
    noun = f" {noun}" if noun else ""
    if report.hidden(count):
        return f"fewer than 3{noun}"
    return f"{count} of {n}{noun}, {round(100 * count / n) if n else 0} %"


def _facts(report: ClassReport) -> dict[str, list[str]]:
    facts: dict[str, list[str]] = defaultdict(list)
    if report.sources:
        top = report.sources[0]
        facts["sources"].append(
            f"Most entries came from {top.label} ({top.detail}; it recorded something about "
            f"{_share(report, top.count, top.n, 'players')}).")
    hidden = [r for r in report.rules if r.hidden]
    if hidden:
        facts["rules"].append(f"{len(hidden)} of {len(report.rules)} rules fired without "
                              "telling players why.")
    if report.rules:
        r = report.rules[0]
        facts["rules"].append(f"The rule applied most often: {r.label} ({r.source}), "
                              f"{r.times} times.")
    for count in report.listed:
        facts["lists"].append(f"{count.label}: {_share(report, count.count, count.n, 'players')} "
                              f"listed ({count.detail}).")
    wrong = sum(lst.players for lst in report.listings if lst.mistake)
    if wrong:
        facts["lists"].append(f"Listed by the system's mistake: "
                              f"{'fewer than 3' if report.hidden(wrong) else wrong} players.")
    elif report.listed:
        facts["lists"].append("No listing in this story is marked as a mistake.")
    scores = report.scores
    if scores and scores.values:
        gini_text = f", inequality (Gini) {scores.gini:.2f}" if scores.gini is not None else ""
        facts["scores"].append(
            f"Final {scores.name}: median {fmt.number(scores.median)}, from "
            f"{fmt.number(scores.low)} to {fmt.number(scores.high)}{gini_text}.")
        top = max(scores.tiers, key=lambda t: t.count, default=None)
        if top is not None and top.count:
            facts["scores"].append(f"Most common final tier: {top.label} "
                                   f"({_share(report, top.count, top.n)}).")
    done = [e for e in report.endings if e.key and e.count]
    if done:
        top = max(done, key=lambda e: e.count)
        share = _share(report, top.count, top.n)
        facts["endings"].append(
            f"1 ending reached: {top.label} ({share})." if len(done) == 1 else
            f"{len(done)} different endings reached; the most common: {top.label} ({share}).")
    close = sorted((d for d in report.decisions if d.n >= SMALL and len(d.options) > 1),
                   key=lambda d: -d.balance)
    if close:
        d = close[0]
        split = " / ".join(f"{o.label}: {'<3' if report.hidden(o.count) else o.count}"
                           for o in d.options if o.count)
        facts["choices"].append(f"Closest split ({decision_title(d)}): {split} (n = {d.n}).")
    for tag in report.tags[:3]:
        facts["choices"].append(f"Took a '{tag.label}' choice at least once: "
                                f"{_share(report, tag.count, tag.n, 'players')}.")
    for poll in report.polls:
        if len(poll.asks) > 1 and poll.both:
            facts["polls"].append(
                f"Poll “{poll.asks[0].question}”: {_share(report, poll.changed, poll.both, 'players')} "
                "changed their answer between the first and the last time it was asked.")
        elif poll.asks:
            ask = poll.asks[0]
            top = max(ask.options, key=lambda o: o.count)
            facts["polls"].append(f"Poll “{ask.question}”: the most common answer was "
                                  f"{top.label} ({_share(report, top.count, ask.n)}).")
    if report.city is not None:
        facts["base_rates"].extend(report.city.base_rates)
    return facts
