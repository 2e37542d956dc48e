"""SVG snapshots of the title, play, record and debrief screens at 80x24 and 120x40.

Update with ``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

import pytest

from ui_helpers import make_app, title_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def after(*keys: str):
    """A run_before that presses keys, then waits for workers to finish."""

    async def run_before(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_title(snap_compare, size) -> None:
    """The story picker: the fixture story highlighted, a broken one listed last."""
    assert snap_compare(title_app(), terminal_size=size, run_before=after())


@pytest.mark.parametrize("size", SIZES)
def test_play_with_locked_choice_and_toast(snap_compare, size) -> None:
    """After jaywalking: the HUD fell a tier, rail is locked with its reason, the phone buzzed."""
    assert snap_compare(make_app(), terminal_size=size, run_before=after("1"))


@pytest.mark.parametrize("size", SIZES)
def test_record(snap_compare, size) -> None:
    """My record: the jaywalking reason withheld, the volunteering one shown."""
    assert snap_compare(make_app(), terminal_size=size, run_before=after("1", "2", "r"))


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare, size) -> None:
    """The debrief after jaywalking and skipping a payment: everything revealed."""
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=after("1", "3", "1", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_long_scene_waits_with_more(snap_compare, size, tmp_path) -> None:
    """A scene longer than the pane: read from its top, '▼ more' over the dimmed choices."""
    from test_reading_flow import long_story

    assert snap_compare(make_app(long_story(tmp_path)), terminal_size=size,
                        run_before=after())


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size) -> None:
    """Help: the keys scroll under the title; the close hint stays at the bottom."""
    assert snap_compare(make_app(), terminal_size=size, run_before=after("question_mark"))
