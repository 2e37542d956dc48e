"""Helpers for the teacher's pack tests: bundled stories, an HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from game.story.loader import load_story
from game.story.model import Story

ROOT = Path(__file__).resolve().parent.parent.parent
STORIES = {
    "tutorial": ROOT / "stories" / "tutorial.yaml",
    "green_channel": ROOT / "stories" / "green_channel",
    "half_a_star": ROOT / "stories" / "half_a_star.yaml",
    "good_citizen": ROOT / "stories" / "good_citizen.yaml",
    "the_operator": ROOT / "stories" / "the_operator",
    "the_letter": ROOT / "stories" / "the_letter",
    "results_day": ROOT / "stories" / "results_day",
    "demo": ROOT / "stories" / "demo",
}
TAUGHT = ("tutorial", "green_channel", "half_a_star", "good_citizen", "the_operator",
          "the_letter", "results_day")
"""The stories with teacher guides (and so handouts)."""

_loaded: dict[str, Story] = {}


def story(story_id: str) -> Story:
    """A bundled story, loaded once per test session."""
    if story_id not in _loaded:
        _loaded[story_id] = load_story(STORIES[story_id])
    return _loaded[story_id]


class Tree(HTMLParser):
    """Every start tag with its attributes, and the text inside each element by id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        else:
            self.text.append(data)
