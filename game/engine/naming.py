"""What a teacher reads instead of ids: scenes, choices and endings named by the story's words.

Ids (``take_loan``, ``s12``) are the author's; a teacher reading an output with
a student wants what the student saw. A choice is named by its text, a scene
by its chapter and first words, an ending by its title. What a story computes
(``{score}``, a name) differs from player to player, so it shows as "…";
emphasis marks are dropped. The words are the story's, so still untrusted:
each output cleans or escapes them for where they go (``game.safetext.clean``
before a terminal).
"""

from __future__ import annotations

from game.engine.emphasis import plain
from game.story.expressions import Text
from game.story.model import Story

__all__ = ["chapter_of", "choice_words", "ending_words", "prompt", "scene_words", "shorten",
           "words"]

ELLIPSIS = "…"


def words(text: Text) -> str:
    """A story text as plain words on one line: emphasis dropped, what the story
    computes shown as "…"."""
    source = "".join(part if type(part) is str else ELLIPSIS for part in text.parts)
    return " ".join(plain(source).split())


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    head = cut.rsplit(" ", 1)[0] if " " in cut.strip() else cut
    return head.rstrip(" ,;:.-—") + ELLIPSIS


def prompt(story: Story | None, scene_id: str, limit: int = 90) -> str:
    """The scene's first words, to recognise it by ("" when the story or scene is unknown)."""
    scene = story.scenes.get(scene_id) if story else None
    if scene is None or not scene.text:
        return ""
    return shorten(words(scene.text[0].text), limit)


def chapter_of(story: Story | None, scene_id: str) -> str | None:
    """The chapter a scene belongs to (the last one started before it in the file)."""
    if story is None:
        return None
    chapter = None
    for sid, scene in story.scenes.items():
        if scene.chapter:
            chapter = scene.chapter
        if sid == scene_id:
            return chapter
    return None


def scene_words(story: Story | None, scene_id: str, limit: int = 60) -> str:
    """A scene as a reader knows it: 'Monday, “A red light.”' (its chapter, then its first
    words; whichever it has; "" when it has neither)."""
    chapter = chapter_of(story, scene_id)
    first = prompt(story, scene_id, limit)
    quoted = f"“{first}”" if first else ""
    return ", ".join(part for part in (chapter and " ".join(chapter.split()), quoted) if part)


def choice_words(story: Story | None, scene_id: str, choice_id: str) -> str:
    """A choice's text as the story writes it ("" when the story has no such choice)."""
    scene = story.scenes.get(scene_id) if story else None
    choice = scene.choice(choice_id) if scene else None
    return words(choice.text) if choice else ""


def ending_words(story: Story | None, scene_id: str) -> str:
    """An ending's title ("" when the scene is not an ending of the story)."""
    scene = story.scenes.get(scene_id) if story else None
    return words(scene.ending.title) if scene is not None and scene.ending else ""
