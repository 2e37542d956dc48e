"""Where a long handout breaks between printed pages, chosen before the browser prints it.

A browser fills each page and carries on: a card sort whose last row of cards spills
over gets a page of its own with one row on it. Here the rows of a long sheet (cards,
an answer key's lines) are measured roughly from their text, counted into the
fewest pages that hold them on the smaller paper (US Letter is 18 mm shorter than A4),
and shared out so that those pages are about equally full. The sheet then breaks
where this module says, on A4 and on Letter alike.
"""

from __future__ import annotations

import math
from typing import Sequence, TypeVar

from game.teaching.html import PAGE_MARGIN_MM

T = TypeVar("T")

LETTER_HEIGHT_MM = 279.4
"""The shorter of the two papers (A4 is 297 mm)."""
ROOM_MM = (LETTER_HEIGHT_MM - 2 * PAGE_MARGIN_MM) * 0.92
"""What one page holds, on either paper, with room for the estimate to be short."""
PT_MM = 25.4 / 72
"""One typographic point in millimetres."""
CHAR_EM = 0.45
"""The mean width of a character of the text, in ems (Times New Roman's, and Liberation
Serif's, the same metrics: ``html.BASE_CSS`` asks for those, so the estimate holds
wherever the page prints)."""
LINE_EM = 1.35
"""The line height, in ems (as the stylesheet sets it)."""


def text_height(text: str, width_mm: float, font_pt: float) -> float:
    """Millimetres ``text`` takes in a column ``width_mm`` wide at ``font_pt``."""
    per_line = max(1, int(width_mm / (font_pt * PT_MM * CHAR_EM)))
    lines = sum(max(1, math.ceil(len(part) / per_line))
                for part in text.split("\n"))
    return lines * font_pt * PT_MM * LINE_EM


def share_out(items: Sequence[T], heights: Sequence[float], first_mm: float,
              room_mm: float = ROOM_MM) -> list[list[T]]:
    """``items`` in pages: as few as hold them (``first_mm`` of the first page is taken
    by what comes before them), each about as full as the others."""
    if not items:
        return []
    rows = [(None, first_mm), *zip(items, heights)]  # None: what comes before them

    def forward(limit: float) -> list[list]:
        out: list[list] = [[]]
        used = 0.0
        for item, height in rows:
            if len(out[-1]) > (out[0] is out[-1]) and used + height > limit:
                out.append([])
                used = 0.0
            out[-1].append(item)
            used += height
        return out

    def backward(limit: float) -> list[list] | None:
        # Filled from the last page back, so that the first (under the sheet's
        # heading) takes what is left over, never the last.
        out: list[list] = [[]]
        used = 0.0
        for item, height in reversed(rows):
            if out[-1] and used + height > limit:
                out.append([])
                used = 0.0
            out[-1].append(item)
            used += height
        if out[-1] == [None]:
            return None  # the heading alone on a page
        return [list(reversed(page)) for page in reversed(out)]

    best = forward(room_mm)
    count = len(best)
    low, high = max(heights), room_mm
    for _ in range(30):  # the smallest fullest page that needs no more pages
        middle = (low + high) / 2
        found = backward(middle)
        if found is not None and len(found) <= count:
            best, high = found, middle
        else:
            low = middle
    return [[item for item in page if item is not None] for page in best]
