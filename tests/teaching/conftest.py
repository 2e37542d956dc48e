"""Fixtures for the teacher's pack tests."""

from __future__ import annotations

import pytest

from teaching_helpers import story


@pytest.fixture
def load():
    """The ``load`` function the commands take: a bundled story by id."""
    return story
