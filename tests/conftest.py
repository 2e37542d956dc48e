"""Suite-wide set-up: the compiled story cache goes to a temporary folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_story_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """STANDING_CACHE_DIR in a temporary folder (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("story-cache")
    monkeypatch.setenv("STANDING_CACHE_DIR", str(folder))
    return folder
