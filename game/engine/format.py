"""One formatter per quantity the player reads: the score, a change, stars, a var.

Every front end (plain mode, ``run``, the terminal player, the record and the
debrief, the class report's number lines) formats numbers through these, so a
score reads the same everywhere and at the precision the rules compare it at
(see ``Rating.decimals``).
"""

from __future__ import annotations

from game.engine.state import tidy
from game.story.expressions import Value, format_var
from game.story.model import Rating

DEFAULT_DECIMALS = 2
"""The precision of a number whose story says nothing about it."""


def number(value: float, decimals: int = DEFAULT_DECIMALS) -> str:
    """A number at ``decimals`` at most, without trailing zeros: 4.50 -> '4.5', 5.0 -> '5'."""
    if type(value) is int:
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def decimals_of(rating: Rating | None) -> int:
    """The precision a rating's score is kept and shown at."""
    return rating.decimals if rating is not None else DEFAULT_DECIMALS


def score(value: float, rating: Rating | None) -> str:
    """A score as the story shows it (the same as ``{score}`` in its text)."""
    return number(value, decimals_of(rating))


def change(value: float, rating: Rating | None = None) -> str:
    """A change with its sign: '+5', '-0.12', '0'; one too small to show is '+<0.01'."""
    decimals = decimals_of(rating)
    value = tidy(value)
    smallest = 10 ** -decimals
    if value != 0 and abs(value) < smallest / 2:
        return f"+<{number(smallest, decimals)}" if value > 0 else f"-<{number(smallest, decimals)}"
    text = number(value, decimals)
    return text if text.startswith("-") or text == "0" else "+" + text


def stars(value: float) -> str:
    """Stars given, in words: '1 star', '4.5 stars'."""
    text = number(value)
    return f"{text} star" if text == "1" else f"{text} stars"


def star_glyphs(value: float, rating: Rating) -> str:
    """Star glyphs for a score: one per star on a 1..5 style range, else out of five."""
    low = rating.min if rating.min is not None else 0
    high = rating.max if rating.max is not None else 5
    if high <= 10:
        count, filled = int(high), round(value)
    else:
        count = 5
        filled = round((value - low) / (high - low) * count) if high > low else 0
    filled = max(0, min(count, filled))
    return "★" * filled + "☆" * (count - filled)


def var(value: Value, how: str | None = None) -> str:
    """A var's value as the player reads it (``how`` from the var's ``format:``)."""
    return format_var(value, how)


_LOWERED = ("Your ", "The ", "A ", "An ", "Our ", "My ", "Their ")


def reported_by(source_label: str) -> str:
    """' — reported by LABEL', where a label that opens a sentence ("Your employer",
    "The city") reads on inside one ("reported by your employer"); '' without a label."""
    if not source_label:
        return ""
    if source_label.startswith(_LOWERED):
        source_label = source_label[0].lower() + source_label[1:]
    return f" — reported by {source_label}"
