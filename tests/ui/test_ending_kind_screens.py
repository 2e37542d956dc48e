"""The terminal player never shows an ending's kind (good/mixed/bad): the ending as the
story pane shows it, My record at the ending, and the debrief."""

from __future__ import annotations

import re

from game.ui.screens.debrief import DebriefScreen
from ui_helpers import STORY, make_app


def _text(app) -> str:
    """Everything on the screen, as text without spaces (the screenshot's characters)."""
    svg = app.export_screenshot()
    body = svg[svg.index("</style>"):]  # the fonts and styles are not on the screen
    return re.sub(r"&#160;|\s+", "", re.sub(r"<[^>]+>", "", body))


async def test_no_screen_of_the_player_shows_the_ending_kind() -> None:
    assert "mixed" not in STORY.read_text(encoding="utf-8").replace("kind: mixed", "")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1", "3", "1")  # jaywalk, skip the payment, go home
        await pilot.pause()
        assert "Homeatlast" in _text(app)
        assert "mixed" not in _text(app)
        await pilot.press("r")
        await pilot.pause()
        assert "mixed" not in _text(app)
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "mixed" not in _text(app)
