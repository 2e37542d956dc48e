"""Player-facing lines for line-based front ends (plain mode, headless ``run``).

What the player notices of each step, the HUD as one line, and the debrief
as text, in words that follow the story's ``show`` and ``explain`` settings.
Everything printed passes through :func:`game.safetext.clean`, so a story
cannot send escape codes to the terminal.
"""

from __future__ import annotations

from game.engine import events as ev
from game.engine import format as fmt
from game.engine.debrief import Debrief, describe, model_lines, signed, untold_note
from game.engine.emphasis import plain
from game.engine.engine import Engine
from game.engine.notices import notices, standing
from game.engine.view import View
from game.safetext import clean  # noqa: F401 - its old home; import it from game.safetext


def choice_number(command: str) -> int | None:
    """The number typed, or None when it is not one (``int`` would refuse '²' or 5000 digits)."""
    return int(command) if command.isdecimal() and len(command) <= 9 else None


def hud_line(engine: Engine, view: View) -> str | None:
    """The rating as the story shows it, in words (``notices.standing``)."""
    if engine.story.rating is None:
        return None
    return " | ".join(standing(engine.story, view))


def event_lines(engine: Engine, events: list[ev.Event]) -> list[str]:
    """What the player is told of a step's events: the engine's notices, one a line."""
    return [notice.line for notice in notices(engine.story, events)]


NOT_TOLD = "[you were not told]"
WHATIF_HEADING = "What if: your own choices under another system"
"""The heading of the debrief's What-if panel (every front end uses it)."""


def debrief_text(debrief: Debrief) -> str:
    """The whole debrief as plain text: what matters first, then the full ledger by day."""
    rating = debrief.rating
    lines = ["", "=== Debrief ==="]
    if debrief.ending_title:
        lines.append(f"Ending: {plain(debrief.ending_title)}")  # good/mixed/bad: teachers only
    if debrief.score is not None:
        tier = f", tier {debrief.tier_label}" if debrief.tier_label else ""
        lines.append(f"Final {debrief.score_name}: {fmt.score(debrief.score, rating)}{tier}")
        lines.append(debrief.history_sentence())
    if debrief.lists:
        lines.append("You ended on: " + ", ".join(debrief.lists))
    if debrief.moves:
        lines.append("")
        lines.append(f"The biggest moves of your {debrief.score_name}:")
        for entry in debrief.moves:
            lines.append(f"  day {entry.day}: {describe(entry, True, rating)}")
    if debrief.hidden_rules:
        lines.append("Rules you were never shown: " + ", ".join(debrief.hidden_rules))
    if debrief.listed:
        lines.append("Lists you were put on: " + ", ".join(
            label + ("" if knew else f" [{untold_note(debrief, label)}]")
            for label, knew in debrief.listed))
    if debrief.model is not None:
        lines.append("")
        lines.append(f"How your {debrief.score_name} was worked out:")
        lines.extend(f"  {line}" for line in model_lines(debrief.model, rating))
    if debrief.whatif:
        lines.append("")
        lines.append(WHATIF_HEADING)
        lines.extend(f"  {line.text}" for line in debrief.whatif)
    lines.append("")
    lines.append("What the system recorded (every reason and source revealed):")
    if not debrief.lines:
        lines.append("  nothing")
    days = debrief.days
    for day, day_lines in days:
        indent = "  "
        if len(days) > 1:
            lines.append(f"  Day {day}:")
            indent = "    "
        for line in day_lines:
            lines.append(f"{indent}{line.text}" + ("" if line.told else f"  {NOT_TOLD}"))
    if debrief.by_source:
        lines.append("")
        lines.append("Who reported you:")
        lines.extend(f"  {label}: {n} ({signed(total, rating)})"
                     for label, n, total in debrief.by_source)
    if debrief.by_rule:
        lines.append("By rule:")
        lines.extend(f"  {label}: {n} ({signed(total, rating)})"
                     for label, n, total in debrief.by_rule)
    if debrief.reflections:
        lines.append("")
        lines.append("Think back on your choices:")
        for text, question in debrief.reflections:
            said = plain(text)
            stop = "" if said.endswith((".", "!", "?")) else "."
            lines.append(f"  You chose \"{said}\"{stop} {question}")
    if debrief.questions:
        lines.append("")
        lines.append("Questions to discuss:")
        lines.extend(f"  {i}. {q}" for i, q in enumerate(debrief.questions, 1))
    return "\n".join(lines)
