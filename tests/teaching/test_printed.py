"""Every handout printed by a real Chromium on A4 and on US Letter: no page of a sheet
that runs over is nearly empty, and the one-page sheets stay on one page.

On Letter the tutorial's worksheet left its 3-line extension alone on a page; a card
sort's last row of cards, an answer key's last line and the unit's last paragraphs
did the same. All the packs are printed as one document per paper (two Chromium
runs: each sheet starts a page, so this prints them as they print alone). Needs
Chromium, pdftotext and pdftoppm (.ci/run installs them).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from game.teaching.data import load_story_data, load_unit_data
from game.teaching.handouts import (
    GRID_CSS, STORY_CSS, Taught, story_handouts, unit_handouts)
from game.teaching.html import Document
from game.teaching.words import path_length
from printed import Page, by_sheet, printed
from teaching_helpers import TAUGHT, story

LEAST_FILL = 0.25
"""A page a sheet runs on to holds at least this share of the printable height."""
ONE_PAGE = {"exit-ticket", "my-ledger", "comparison-grid", "summative", "letter-home"}
"""Sheets that are one page by design (cut apart, filled in, or sent home)."""


def every_pack() -> Document:
    """Each taught story's handouts, then the unit's, as one document."""
    unit = load_unit_data()
    sheets = [sheet for story_id in TAUGHT for sheet in
              story_handouts(story(story_id), load_story_data(story_id), unit).body]
    taught = {s: Taught(story(s), load_story_data(s), path_length(story(s), 2))
              for s in unit.stories if s in TAUGHT}
    sheets += unit_handouts(unit, taught).body
    return Document("every pack", tuple(sheets), STORY_CSS + GRID_CSS)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, list[tuple[str, list[Page]]]]:
    """Both papers' pages, by sheet (printed at the same time: two Chromiums)."""
    document = every_pack()
    folder = tmp_path_factory.mktemp("printed")
    with ThreadPoolExecutor(2) as pool:
        done = pool.map(lambda paper: (paper, printed(document, paper, folder / paper)),
                        ("a4", "letter"))
        return {paper: by_sheet(document, found) for paper, found in done}


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_sheet_runs_onto_a_nearly_empty_page(pages, paper: str) -> None:
    sheets = pages[paper]
    assert len(sheets) == 6 * len(TAUGHT) + 6  # six handouts a story, six for the unit
    thin = [(name, n, round(page.fill, 2), page.lines[:2])
            for name, found in sheets for n, page in enumerate(found[1:], 2)
            if page.fill < LEAST_FILL]
    assert thin == []


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_one_page_sheets_fit_one_page(pages, paper: str) -> None:
    over = [(name, len(found)) for name, found in pages[paper]
            if name in ONE_PAGE and len(found) != 1]
    assert over == []


def test_the_tutorials_worksheet_keeps_its_extension_on_letter(pages) -> None:
    """The teacher's report: page 5 of 7 held only the worksheet's extension."""
    for paper in ("a4", "letter"):
        worksheet = next(found for name, found in pages[paper] if name == "worksheet")
        assert len(worksheet) == 1, paper
        assert any(line.startswith("Extension (if you finish early)")
                   for line in worksheet[0].lines)


def test_a_long_card_sort_breaks_where_the_pack_says_on_both_papers(pages) -> None:
    """Green Channel's 34 cards: the same cards on each page of A4 and of Letter."""
    def cards(paper: str) -> list[list[str]]:
        found = [pages_ for name, pages_ in pages[paper] if name == "card-sort"][1]
        return [[line for line in page.lines if line.startswith("Card ")] for page in found]

    assert cards("a4") == cards("letter") and len(cards("a4")) == 2
