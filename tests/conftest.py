"""Suite-wide set-up: the compiled story cache goes to a temporary folder, never the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The suite is deterministic: hypothesis draws the same examples on every run, with
# no per-example deadline (a loaded machine must not fail a test for being slow).
# `HYPOTHESIS_PROFILE=explore python -m pytest` draws new examples each run, to search.
settings.register_profile("suite", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(autouse=True)
def private_story_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """STANDING_CACHE_DIR in a temporary folder (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("story-cache")
    monkeypatch.setenv("STANDING_CACHE_DIR", str(folder))
    return folder
