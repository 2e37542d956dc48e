"""Fixtures for the export's tests: an isolated data folder, the pinned Pyodide tarball."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from game.export import pyodide as pyo


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Never let a test touch the real user data or cache directory."""
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def fake_tarball(tmp_path) -> Path:
    """A tarball shaped like Pyodide's, with small stand-in files (for offline unit tests)."""
    path = tmp_path / "fake-pyodide.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name in pyo.FILES:
            body = f"stand-in for {name}\n".encode() + bytes(range(256))
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


@pytest.fixture(scope="session")
def real_tarball() -> Path:
    """The pinned Pyodide: $STANDING_PYODIDE (.ci/run fetches it with npm), else the cache
    that ``export --download`` fills.

    A missing tarball fails the test (never a skip), saying how to get it.
    """
    try:
        return pyo.find()
    except pyo.PyodideError as exc:
        raise AssertionError(f"{exc} (or set STANDING_PYODIDE; .ci/run does)") from None
