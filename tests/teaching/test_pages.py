"""Where a long handout breaks: as few pages as hold it, each about as full."""

from __future__ import annotations

from hypothesis import given, strategies as st

from game.teaching.pages import ROOM_MM, share_out, text_height


def test_a_row_that_would_spill_alone_is_shared_out_instead() -> None:
    # 14 rows of 30 mm under a 45 mm heading, 230 mm a page: filled in order, the
    # last page would hold one row; shared out, the three pages hold 4, 5 and 5.
    pages = share_out(list(range(14)), [30.0] * 14, 45, 230)
    assert [len(page) for page in pages] == [4, 5, 5]
    assert [row for page in pages for row in page] == list(range(14))


def test_what_fits_one_page_stays_on_one() -> None:
    assert share_out(["a", "b", "c"], [30.0] * 3, 45, 230) == [["a", "b", "c"]]
    assert share_out([], [], 45, 230) == []


def test_the_heading_never_stands_alone_on_a_page() -> None:
    pages = share_out([1, 2, 3], [200.0, 200.0, 200.0], 45, 230)
    assert pages[0] and [row for page in pages for row in page] == [1, 2, 3]


@given(st.lists(st.floats(5, 120), min_size=1, max_size=60), st.floats(10, 80))
def test_shared_out_pages_are_as_few_and_no_fuller_than_filled_in_order(
        heights: list[float], heading: float) -> None:
    items = list(range(len(heights)))
    pages = share_out(items, heights, heading)
    assert [row for page in pages for row in page] == items and all(pages)
    # As many pages as filling each page in turn needs (so never one more sheet).
    count, used, on_page = 1, heading, 0
    for height in heights:
        if on_page and used + height > ROOM_MM:
            count, used, on_page = count + 1, 0.0, 0
        used, on_page = used + height, on_page + 1
    assert len(pages) == count
    for n, page in enumerate(pages):
        full = sum(heights[i] for i in page) + (heading if n == 0 else 0)
        assert full <= ROOM_MM or len(page) == 1


def test_text_height_grows_with_the_text_and_shrinks_with_the_width() -> None:
    short, long = "A card.", "A much longer mechanic, " * 8
    assert text_height(short, 50, 10) < text_height(long, 50, 10)
    assert text_height(long, 90, 10) < text_height(long, 50, 10)
    assert text_height("one\ntwo", 90, 10) == 2 * text_height("one", 90, 10)
