"""The debrief and the player's record, computed once for every front end.

``record`` is what the system lets the player see while playing (reasons only
where ``explain`` is true); ``debrief`` reveals everything: every hidden reason,
every source, the counts, the reflect questions and the story's questions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from game.engine.engine import Engine
from game.engine.events import LedgerEntry
from game.engine.state import tidy
from game.story.expressions import format_value


def signed(value: float) -> str:
    """A change with its sign: +5, -10, 0; a tiny change is '+<0.01', never '+0'."""
    value = tidy(value)
    if value != 0 and abs(value) < 0.005:
        return "+<0.01" if value > 0 else "-<0.01"
    text = format_value(value)
    return text if text.startswith("-") or value == 0 else "+" + text


def stars(value: float) -> str:
    """'1 star', '4.5 stars'."""
    text = format_value(value)
    return f"{text} star" if text == "1" else f"{text} stars"


def describe(entry: LedgerEntry, reveal: bool) -> str:
    """One ledger line in words; hidden reasons shown only when ``reveal``."""
    shown = reveal or entry.explained
    if entry.kind == "rule":
        clamp = f" (asked {signed(entry.asked)})" if entry.asked != entry.applied else ""
        reason = entry.label if shown else "reason not disclosed"
        who = f" — reported by {entry.source_label}" if shown and entry.source_label else ""
        note = f": {entry.note}" if shown and entry.note else ""
        wrong = " (the system's mistake)" if reveal and entry.mistake else ""
        return f"{signed(entry.applied)}{clamp}  {reason}{note}{who}{wrong}"
    if entry.kind in ("list", "unlist"):
        verb = "Put on the list" if entry.kind == "list" else "Taken off the list"
        note = f": {entry.note}" if shown and entry.note else ""
        who = f" — reported by {entry.source_label}" if shown and entry.source_label else ""
        wrong = " (the system's mistake)" if reveal and entry.mistake else ""
        return f"{verb}: {entry.label}{note}{who}{wrong}"
    if entry.kind == "rated":
        who = entry.label if shown else "someone"
        return f"{signed(entry.applied)}  rated {stars(entry.asked)} by {who}"
    return f"You rated {entry.label} {stars(entry.asked)} ({signed(entry.applied)})"


@dataclass(frozen=True, slots=True)
class Debrief:
    """Everything the debrief screen shows."""

    ending_title: str | None
    ending_kind: str | None
    score_name: str
    score: float | None
    tier: str | None
    tier_label: str | None
    history: tuple[float, ...]
    ledger: tuple[LedgerEntry, ...]
    hidden: tuple[LedgerEntry, ...]
    """Entries whose reason the player was never shown."""
    by_source: tuple[tuple[str, int, float], ...]
    """(source label, entries, total change), most entries first."""
    by_rule: tuple[tuple[str, int, float], ...]
    hidden_rules: tuple[str, ...]
    """Labels of rules that fired without the player being told why."""
    reflections: tuple[tuple[str, str], ...]
    """(choice text, question) for choices the player took."""
    questions: tuple[str, ...]
    lists: tuple[str, ...]


def build_debrief(engine: Engine) -> Debrief:
    """Gather the debrief of the game as it stands."""
    st = engine.state
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
    hidden = tuple(e for e in ledger if not e.explained)
    hidden_rules = tuple(dict.fromkeys(e.label for e in hidden if e.kind == "rule"))
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
        questions=engine.story.debrief,
        lists=tuple(st.list_label(i) for i in st.lists),
    )


def record_lines(engine: Engine) -> list[str]:
    """The player's record as the system lets them see it (per ``explain``)."""
    return [f"Day {e.day}: {describe(e, reveal=False)}" for e in engine.state.ledger]
