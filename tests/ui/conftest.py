"""Shared set-up for the terminal player's tests: still screens, a private data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual.constants
from textual.widgets import Input

from game.ui.screens import play


@pytest.fixture(autouse=True)
def still(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No animation, no cursor blink, long-lived toasts, saves in a temporary folder."""
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(play, "TOAST_SECONDS", 600.0)
    original = Input.__init__

    def no_blink(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", no_blink)
