"""Fixtures for every engine test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Never let a test touch the real user data directory."""
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
