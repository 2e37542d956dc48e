"""The debrief and the player's record, computed once for every front end.

``record`` is what the system lets the player see while playing (reasons only
where ``explain`` is true); ``debrief`` reveals everything: every hidden reason,
every source, the counts, the reflect questions and the story's questions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from game.engine import format as fmt
from game.engine.engine import Engine
from game.engine.events import LedgerEntry
from game.engine.models import behaviour_of
from game.engine.models.base import ModelReport
from game.engine.notices import record_line, told
from game.engine.state import State, tidy
from game.engine.whatif import WhatIfLine
from game.engine.whatif import panel as whatif_panel
from game.story.expressions.nodes import IdCall, walk
from game.story.model import Rating, Story


def signed(value: float, rating: Rating | None = None) -> str:
    """A change with its sign (see ``format.change``)."""
    return fmt.change(value, rating)


def stars(value: float) -> str:
    """'1 star', '4.5 stars' (see ``format.stars``)."""
    return fmt.stars(value)


def describe(entry: LedgerEntry, reveal: bool, rating: Rating | None = None) -> str:
    """One ledger line in words; hidden reasons shown only when ``reveal``."""
    shown = reveal or entry.explained

    def signed(value: float) -> str:
        return fmt.change(value, rating)

    if entry.kind == "rule":
        clamp = f" (asked {signed(entry.asked)})" if entry.asked != entry.applied else ""
        reason = entry.label if shown else "reason not disclosed"
        who = fmt.reported_by(entry.source_label) if shown else ""
        note = f": {entry.note}" if shown and entry.note else ""
        wrong = " (the system's mistake)" if reveal and entry.mistake else ""
        return f"{signed(entry.applied)}{clamp}  {reason}{note}{who}{wrong}"
    if entry.kind == "model":
        moves = "; ".join(
            f"{label} {fmt.number(old)} → {fmt.number(new)} (counts {fmt.number(part)})"
            for _id, label, old, new, part, known in entry.moved if known or reveal)
        return f"{signed(entry.applied)}  {moves or 'reason not disclosed'}"
    if entry.kind in ("list", "unlist"):
        verb = "Put on the list" if entry.kind == "list" else "Taken off the list"
        note = f": {entry.note}" if shown and entry.note else ""
        who = fmt.reported_by(entry.source_label) if shown else ""
        wrong = " (the system's mistake)" if reveal and entry.mistake else ""
        return f"{verb}: {entry.label}{note}{who}{wrong}"
    if entry.kind == "rated":
        who = entry.label if shown else "someone"
        return f"{signed(entry.applied)}  rated {stars(entry.asked)} by {who}"
    return (f"You rated {entry.label} {stars(entry.asked)} "
            f"({entry.label} {fmt.change(entry.applied)})")


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One line of the revealed ledger (a rater's ratings of a day fold into one)."""

    day: int
    text: str
    told: bool
    """Whether the player was told this at the time (``notices.told``)."""
    entries: tuple[LedgerEntry, ...]


@dataclass(frozen=True, slots=True)
class Debrief:
    """Everything the debrief shows, what matters first."""

    ending_title: str | None
    ending_kind: str | None
    score_name: str
    score: float | None
    tier: str | None
    tier_label: str | None
    history: tuple[float, ...]
    ledger: tuple[LedgerEntry, ...]
    hidden: tuple[LedgerEntry, ...]
    """Entries the player was never told of (or never told why: ``notices.told``)."""
    by_source: tuple[tuple[str, int, float], ...]
    """(source label, entries, total change), most entries first."""
    by_rule: tuple[tuple[str, int, float], ...]
    hidden_rules: tuple[str, ...]
    """Labels of rules that moved the score without the player ever being told why."""
    reflections: tuple[tuple[str, str], ...]
    """(choice text, question) for choices the player took."""
    questions: tuple[str, ...]
    lists: tuple[str, ...]
    """The lists the player ended on."""
    moves: tuple[LedgerEntry, ...] = ()
    """The (up to) three biggest moves of the score, biggest first."""
    listed: tuple[tuple[str, bool], ...] = ()
    """Every list the player was put on during the story: (label, told at the time)."""
    found_out: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """A list the player was not told of, by label -> the services that refused them
    because of it (how they found out), by label."""
    lines: tuple[LedgerLine, ...] = ()
    """The revealed ledger, a rater's ratings of one day folded into one line."""
    rating: Rating | None = None
    model: ModelReport | None = None
    """A computed model (risk) laid open: each feature, its weight, the player's value
    and contribution, and what would have changed the result."""
    whatif: tuple[WhatIfLine, ...] = ()
    """The What-if panel: the player's own path under each of the story's variants, one
    line each (``game.engine.whatif``; empty when the story has none)."""

    @property
    def days(self) -> tuple[tuple[int, tuple[LedgerLine, ...]], ...]:
        """The revealed ledger folded by day: (day, its lines), in order."""
        out: dict[int, list[LedgerLine]] = {}
        for line in self.lines:
            out.setdefault(line.day, []).append(line)
        return tuple((day, tuple(lines)) for day, lines in out.items())

    def history_sentence(self) -> str:
        """The score over the story in one sentence (plain mode's chart)."""
        history, rating = self.history, self.rating
        if not history:
            return ""
        name, steps = self.score_name, len(history) - 1
        first, last = fmt.score(history[0], rating), fmt.score(history[-1], rating)
        low, high = min(history), max(history)
        over = f"over {steps} step{'s' * (steps != 1)}"
        if low == high:
            return f"{name} stayed at {first} {over}."
        where_low, where_high = history.index(low), history.index(high)
        return (f"{name} went from {first} to {last} {over}: lowest "
                f"{fmt.score(low, rating)} (step {where_low}), highest "
                f"{fmt.score(high, rating)} (step {where_high}).")


def ledger_lines(ledger: tuple[LedgerEntry, ...], story) -> tuple[LedgerLine, ...]:
    """The revealed ledger, each rater's ratings of one day folded into one line."""
    rating = story.rating
    raters: dict[tuple[int, str], list[LedgerEntry]] = {}
    order: list[object] = []
    for entry in ledger:
        if entry.kind == "rated":
            key = (entry.day, entry.subject)
            if key not in raters:
                raters[key] = []
                order.append(key)
            raters[key].append(entry)
        else:
            order.append(entry)
    out = []
    for item in order:
        if isinstance(item, LedgerEntry):
            out.append(LedgerLine(item.day, describe(item, True, rating), told(item, story),
                                  (item,)))
            continue
        group = tuple(raters[item])
        knows = all(told(e, story) for e in group)
        if len(group) == 1:
            out.append(LedgerLine(group[0].day, describe(group[0], True, rating), knows, group))
            continue
        total = sum(e.applied for e in group)
        given = ", ".join(fmt.number(e.asked) for e in group)
        out.append(LedgerLine(group[0].day, f"{signed(total, rating)}  rated {given} stars by "
                              f"{group[0].label} ({len(group)} ratings)", knows, group))
    return tuple(out)


def questions_for(story: Story, state: State) -> tuple[str, ...]:
    """The story's debrief questions for this player: those whose ``if:`` holds now."""
    if not story.debrief_if:
        return story.debrief
    return tuple(q for q, cond in zip(story.debrief, story.debrief_if)
                 if cond is None or cond.evaluate(state))


def _found_out(story: Story, ledger: tuple[LedgerEntry, ...],
               refused: set[str]) -> dict[str, tuple[str, ...]]:
    """For each list the player was put on untold: the refused services whose
    condition reads that list (a refusal is how such a list is found out)."""
    rating = story.rating
    if rating is None or not refused:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for entry in ledger:
        if entry.kind != "list" or told(entry, story) or entry.label in out:
            continue
        by = tuple(service.label for sid, service in rating.services.items()
                   if sid in refused and service.requires is not None
                   and any(type(node) is IdCall and node.function == "listed"
                           and node.ident == entry.subject
                           for node in walk(service.requires.tree)))
        if by:
            out[entry.label] = by
    return out


def untold_note(debrief: Debrief, label: str) -> str:
    """What the debrief says beside a list the player was not told of."""
    by = debrief.found_out.get(label)
    if by:
        return f"you were not told; you found out when refused: {', '.join(by)}"
    return "you were not told"


def build_debrief(engine: Engine) -> Debrief:
    """Gather the debrief of the game as it stands."""
    st = engine.state
    story = engine.story
    view = engine.view()
    ledger = tuple(st.ledger)
    sources: Counter[str] = Counter()
    source_total: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    rule_total: Counter[str] = Counter()
    for entry in ledger:
        if entry.kind == "rule":
            key = entry.source_label or "no named source"
            sources[key] += 1
            source_total[key] += entry.applied
            rules[entry.label] += 1
            rule_total[entry.label] += entry.applied
        elif entry.kind == "rated":
            sources["people who rated you"] += 1
            source_total["people who rated you"] += entry.applied
    hidden = tuple(e for e in ledger if not told(e, story))
    shown_rules = {e.label for e in ledger if e.kind == "rule" and told(e, story)}
    hidden_rules = tuple(dict.fromkeys(
        e.label for e in hidden if e.kind == "rule" and e.label not in shown_rules))
    # The opening's entries set the scene the first text tells of; the moves are the story's.
    movers = [e for e in ledger
              if e.kind in ("rule", "rated", "model") and e.applied and e.step > 0]
    moves = tuple(sorted(movers, key=lambda e: -abs(e.applied))[:3])
    listed = tuple(dict.fromkeys(
        (e.label, told(e, story)) for e in ledger if e.kind == "list"))
    found_out = _found_out(story, ledger, st.refused)
    return Debrief(
        ending_title=view.ending.title if view.ending else None,
        ending_kind=view.ending.kind if view.ending else None,
        score_name=st.score_name,
        score=view.score,
        tier=view.tier,
        tier_label=view.tier_label,
        history=tuple(tidy(s) for s in st.history),
        ledger=ledger,
        hidden=hidden,
        by_source=tuple((k, n, tidy(source_total[k])) for k, n in sources.most_common()),
        by_rule=tuple((k, n, tidy(rule_total[k])) for k, n in rules.most_common()),
        hidden_rules=hidden_rules,
        reflections=tuple((text, q) for _s, text, q in engine.reflections()),
        questions=questions_for(story, st),
        lists=tuple(st.list_label(i) for i in st.lists),
        moves=moves,
        listed=listed,
        found_out=found_out,
        lines=ledger_lines(ledger, story),
        rating=story.rating,
        model=behaviour_of(story.rating).report(st, story.rating) if story.rating else None,
        whatif=whatif_panel(engine),
    )


def record_lines(engine: Engine) -> list[str]:
    """The player's record as the system lets them see it (see ``notices.record_line``)."""
    story = engine.story
    lines = []
    for entry in engine.state.ledger:
        line = record_line(entry, story)
        if line is not None:
            lines.append(f"Day {entry.day}: {line}")
    return lines


NEVER_SHOWN = "  [never shown to you]"
"""The mark of a feature the player was never told about."""


def model_lines(report: ModelReport, rating: Rating | None) -> list[str]:
    """A computed model laid open, in words: its formula, each feature (those the player
    was never shown marked), and what would have changed the result."""
    if report.link == "logistic" and rating is not None:
        how = (f"score = {fmt.number(rating.min)} + {fmt.number(rating.max - rating.min)}"
               " / (1 + e^-z)")
    else:
        how = "score = z, kept within its range"
    lines = [f"z = {fmt.number(report.bias)} (bias) + each feature's weight × your value "
             f"= {fmt.number(report.z)}; {how}"]
    for f in report.features:
        mark = "" if f.shown else NEVER_SHOWN
        lines.append(f"{f.label}: weight {fmt.number(f.weight)} × your value "
                     f"{fmt.number(f.value)} = {signed(f.contribution)}{mark}")
    w = report.what_if
    if w is not None:
        way = "up" if w.up else "down"
        if w.kind == "truth":
            said = f"{w.feature} {'true' if w.new else 'false'} instead of " \
                   f"{'true' if w.old else 'false'}"
        else:
            said = f"{w.feature} at {fmt.number(w.new)} instead of {fmt.number(w.old)}"
        lines.append(f"What would have changed your result: {said} would have moved "
                     f"you {way} to {w.tier}.")
    return lines
