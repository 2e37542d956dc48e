"""Words and numbers shared by the report's formats (hidden counts, shares, captions)."""

from __future__ import annotations

from game.classroom.summary import ClassReport, Decision
from game.engine import format as fmt

HIDDEN = "<3"


def count_text(report: ClassReport, count: int) -> str:
    """A count, or <3 when it is hidden."""
    return HIDDEN if report.hidden(count) else str(count)


def share_text(report: ClassReport, count: int, n: int) -> str:
    """count / n as a percentage; empty when the count is hidden."""
    if report.hidden(count) or not n:
        return "–" if not n else ""
    return f"{round(100 * count / n)} %"


def number_text(value: float | None) -> str:
    """A whole number plainly, others with two decimals; – for none."""
    if value is None:
        return "–"
    return fmt.number(value)  # the players' formatter: 4.5 reads as they saw it


def about_lines(report: ClassReport) -> list[str]:
    """The lines at the top of every format: what was read, skipped and hidden."""
    lines = [f"{report.sessions} session{'s' * (report.sessions != 1)} of this story, "
             f"{report.finished} reached an ending."]
    if report.skipped_lines:
        lines.append(f"{report.skipped_lines} damaged or cut-short record line"
                     f"{'s were' if report.skipped_lines != 1 else ' was'} skipped.")
    for item in report.unreadable:
        lines.append(f"Not used: {item}.")
    lines.extend(report.notes)
    if not report.show_small:
        lines.append("Counts under 3 are hidden (shown as <3) so that no student stands out; "
                     "show them with --show-small.")
    return lines


def decision_caption(report: ClassReport, d: Decision) -> str:
    """n for a decision, and the players when some came back to it."""
    who = f"n = {d.n} choices" + (f" by {d.players} players" if d.players != d.n else "")
    return who
