"""Pausing the cycle collector."""

from __future__ import annotations

import gc

import pytest

from game.story.memory import collector_paused


@pytest.mark.parametrize("running", [True, False])
def test_the_collector_is_paused_and_left_as_it_was(running: bool) -> None:
    was = gc.isenabled()
    (gc.enable if running else gc.disable)()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is running
        with pytest.raises(ValueError), collector_paused():
            raise ValueError("a story that does not load")
        assert gc.isenabled() is running
    finally:
        (gc.enable if was else gc.disable)()
