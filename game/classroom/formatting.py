"""Words and numbers shared by the report's formats (hidden counts, shares, captions)."""

from __future__ import annotations

from game.classroom.summary import ClassReport, Decision, PollResult, Scores
from game.classroom.variants import variant_sentence
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


def number_text(value: float | None, decimals: int = fmt.DEFAULT_DECIMALS) -> str:
    """A number as players read it (the engine's formatter: 4.11384 -> 4.11); – for none."""
    if value is None:
        return "–"
    return fmt.number(value, decimals)  # the players' formatter: 4.5 reads as they saw it


def score_cells(scores: Scores) -> list[str]:
    """Players, mean, median, lowest, highest and Gini as every format shows them: a mean
    or median at one decimal more than the scores (938.6 for whole scores), the extremes
    at the scores' own precision."""
    average, own = scores.average_decimals, scores.decimals
    return [str(len(scores.values)), number_text(scores.mean, average),
            number_text(scores.median, average), number_text(scores.low, own),
            number_text(scores.high, own), "–" if scores.gini is None else f"{scores.gini:.2f}"]


def decision_title(d: Decision) -> str:
    """What a decision is called in the report: the scene's first words (its id
    only when the story was not found)."""
    return d.prompt or d.scene


def ask_titles(poll: PollResult) -> list[str]:
    """What each asking of a poll is called: Asked; Before and After; 1st, 2nd, 3rd time."""
    n = len(poll.asks)
    if n == 1:
        return ["Asked"]
    if n == 2:
        return ["Before", "After"]
    return [f"{i}{_ordinal(i)} time" for i in range(1, n + 1)]


def _ordinal(i: int) -> str:
    if 10 <= i % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(i % 10, "th")


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
    who = (f"n = {d.n} choice{'s' * (d.n != 1)}"
           + (f" by {d.players} player{'s' * (d.players != 1)}" if d.players != d.n else ""))
    return who


def variant_cell(report: ClassReport, count: int, n: int) -> str:
    """A count of paths under a variant: '9 (32 %)', or <3 when it is hidden."""
    share = share_text(report, count, n)
    return f"{count_text(report, count)} ({share})" if share else count_text(report, count)


def variants_caption(report: ClassReport) -> str:
    """What the variants table is, in a sentence, with its headline numbers."""
    n = report.variants[0].n if report.variants else 0
    return (f"The class's {n} finished path{'s' * (n != 1)}, choice for choice, replayed under "
            "each of the story's variants (the same decisions under other rules; a path "
            "breaks where a choice it took would have been closed). "
            + variant_sentence(report.variants, lambda c: count_text(report, c)) + ".")
