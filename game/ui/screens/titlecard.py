"""The story's title card: what ``play STORY`` shows first (the picker shows it beside
the list). Title, author, summary, length and content notes; Enter begins."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.story.model import Story
from game.ui.text import joined, literal, story_text


def about_parts(story: Story) -> list:
    """The story's card as parts for ``joined``: title, author, summary, length and
    language, content notes (the title screen adds what it knows of saves)."""
    parts: list = [(story.title, "bold $text-primary")]
    if story.author:
        parts.append(literal(f"\nby {story.author}"))
    if story.summary:
        parts.extend(["\n\n", story_text(story.summary)])
    facts = []
    if story.minutes:
        facts.append(f"about {story.minutes:g} minutes")
    facts.append(f"language: {story.language}")
    parts.append(("\n\n" + " · ".join(facts), "$text-muted"))
    if story.content_notes:
        parts.extend([("\nContent notes: ", "$text-warning bold"),
                      literal(", ".join(story.content_notes))])
    return parts


class TitleCard(ModalScreen[None]):
    """The story's card over its first scene; Enter, Space or Escape begins."""

    BINDINGS = [
        Binding("enter,space,escape", "begin", "Begin"),
    ]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="title-card"):
            with VerticalScroll():
                yield Static(joined(*about_parts(self.story)), id="card-about")
            yield Static("Press Enter to begin.", classes="dialog-help", id="card-begin")

    def action_begin(self) -> None:
        """Close the card: the story starts."""
        self.dismiss(None)
