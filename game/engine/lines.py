"""Player-facing lines for line-based front ends (plain mode, headless ``run``).

What the player notices of each step, the HUD as one line, and the debrief
as text, in words that follow the story's ``show`` and ``explain`` settings.
Everything printed passes through :func:`game.safetext.clean`, so a story
cannot send escape codes to the terminal.
"""

from __future__ import annotations

from game.engine import events as ev
from game.engine.debrief import Debrief, describe, signed, stars
from game.engine.emphasis import plain
from game.engine.engine import Engine
from game.engine.view import View
from game.safetext import clean  # noqa: F401 - its old home; import it from game.safetext
from game.story.expressions import format_value


def choice_number(command: str) -> int | None:
    """The number typed, or None when it is not one (``int`` would refuse '²' or 5000 digits)."""
    return int(command) if command.isdecimal() and len(command) <= 9 else None


def hud_line(engine: Engine, view: View) -> str | None:
    """The rating as the story shows it, in words."""
    rating = engine.story.rating
    if rating is None:
        return None
    parts = []
    if rating.show == "number":
        parts.append(f"{rating.name}: {format_value(view.score)}")
    elif rating.show == "stars":
        parts.append(f"{rating.name}: {format_value(view.score)} stars")
    if rating.show != "hidden" and view.tier_label:
        parts.append(f"tier {view.tier_label}" + (f" ({view.tier})" if view.tier != view.tier_label else ""))
    parts.append(f"day {view.day}")
    if view.list_labels:
        parts.append("listed: " + ", ".join(view.list_labels))
    closed = [s.label for s in view.closed_services]
    if closed:
        parts.append("closed to you: " + ", ".join(closed))
    return " | ".join(parts)


def event_lines(engine: Engine, events: list[ev.Event]) -> list[str]:
    """What the player notices of a step's events."""
    rating = engine.story.rating
    show = rating.show if rating else "hidden"
    out = []
    for event in events:
        if isinstance(event, ev.ScoreChanged) and event.entry.kind == "rule":
            if show in ("number", "stars"):
                reason = f" ({event.entry.label})" if event.entry.explained else ""
                out.append(f"{rating.name} {signed(event.new - event.old)}{reason}")
            elif show == "tier" and event.entry.explained:
                way = "for" if event.new >= event.old else "against"
                out.append(f"Recorded {way} you: {event.entry.label}")
        elif isinstance(event, ev.TierChanged) and show != "hidden":
            way = "up" if event.up else "down"
            out.append(f"Your tier went {way}: {event.new_label}.")
        elif isinstance(event, ev.ListChanged) and event.announced:
            if event.on:
                out.append(f"Notice: you have been put on the list: {event.label}.")
            else:
                out.append(f"Notice: you have been taken off the list: {event.label}.")
        elif isinstance(event, ev.RatedByPerson):
            who = event.name if event.entry.explained or show == "stars" else "Someone"
            out.append(f"{who} rated you {stars(event.stars)}.")
        elif isinstance(event, ev.PersonRated):
            out.append(f"You rated {event.name} {stars(event.stars)}. "
                       f"{event.name} is now {format_value(event.new)}.")
        elif isinstance(event, ev.Notified):
            out.append(f"[Phone] {plain(event.text)}")
        elif isinstance(event, ev.DayAdvanced):
            out.append(f"Day {event.day}.")
    return out


def debrief_text(debrief: Debrief) -> str:
    """The whole debrief as plain text."""
    lines = ["", "=== Debrief ==="]
    if debrief.ending_title:
        lines.append(f"Ending: {plain(debrief.ending_title)} ({debrief.ending_kind})")
    if debrief.score is not None:
        tier = f", tier {debrief.tier_label}" if debrief.tier_label else ""
        lines.append(f"Final {debrief.score_name}: {format_value(debrief.score)}{tier}")
        lines.append("Score over the story: " + ", ".join(format_value(s) for s in debrief.history))
    if debrief.lists:
        lines.append("You ended on: " + ", ".join(debrief.lists))
    lines.append("")
    lines.append("What the system recorded (every reason and source revealed):")
    if not debrief.ledger:
        lines.append("  nothing")
    for entry in debrief.ledger:
        hidden = "" if entry.explained else "  [you were not told]"
        lines.append(f"  day {entry.day}, {entry.scene}: {describe(entry, reveal=True)}{hidden}")
    if debrief.by_source:
        lines.append("")
        lines.append("Who reported you:")
        lines.extend(f"  {label}: {n} ({signed(total)})" for label, n, total in debrief.by_source)
    if debrief.by_rule:
        lines.append("By rule:")
        lines.extend(f"  {label}: {n} ({signed(total)})" for label, n, total in debrief.by_rule)
    if debrief.hidden_rules:
        lines.append("Rules you were never shown: " + ", ".join(debrief.hidden_rules))
    if debrief.reflections:
        lines.append("")
        lines.append("Think back on your choices:")
        for text, question in debrief.reflections:
            lines.append(f"  You chose \"{plain(text)}\". {question}")
    if debrief.questions:
        lines.append("")
        lines.append("Questions to discuss:")
        lines.extend(f"  {i}. {q}" for i, q in enumerate(debrief.questions, 1))
    return "\n".join(lines)
