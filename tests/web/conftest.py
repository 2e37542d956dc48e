"""Fixtures for the web reader's tests: an isolated data folder and a class folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Never let a test touch the real user data directory."""
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def folder(tmp_path) -> Path:
    """An empty class folder named like a class code."""
    path = tmp_path / "records" / "7b"
    path.mkdir(parents=True)
    return path
