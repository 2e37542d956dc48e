"""The class report: what the class chose, where it ended, what the system did to it.

``build_report`` turns the sessions of one story into plain numbers (the
frozen dataclasses of ``summary.py``); ``render.py`` writes them as HTML,
Markdown or CSV.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from game.classroom import sections
from game.classroom.city import city_section
from game.classroom.questions import debrief_items
from game.classroom.replays import unseeded_note
from game.classroom.sessions import ClassRecords
from game.classroom.summary import SMALL, ClassReport, gini
from game.classroom.variants import variant_columns
from game.errors import StoryErrors
from game.story.model import Story

__all__ = ["SMALL", "ClassReport", "build_report", "find_story", "gini", "pick_story",
           "usual_source"]


def pick_story(records: ClassRecords, wanted: str | None = None) -> tuple[str | None, list[str]]:
    """The story to report on (the one most sessions played, unless named) and notes."""
    counts = Counter(s.story for s in records.sessions)
    if not counts:
        return wanted, []
    story_id = wanted or counts.most_common(1)[0][0]
    others = [f"{sid} ({n})" for sid, n in counts.most_common() if sid != story_id]
    notes = []
    if others:
        notes.append("Sessions of other stories are not in this report: " + ", ".join(others)
                     + ". Report on them with --story.")
    return story_id, notes


def find_story(story_id: str, folders: list[Path], prefer: str | None = None) -> Story | None:
    """Load the story with this id from the given folders (None if none has it).

    ``prefer`` ("bundled" or "other", see ``usual_source``) picks among stories
    that share the id: the first of that kind, else the first of any.
    """
    from game.story.catalog import find_stories, source_kind
    from game.story.loader import load_story

    candidates = [p for folder in folders for p in find_stories(folder)]
    # Try the files named like the id first: loading every story is the slow path.
    candidates.sort(key=lambda p: (p.stem if p.is_file() else p.name) != story_id)
    fallback = None
    for path in candidates:
        try:
            story = load_story(path)
        except (StoryErrors, OSError):
            continue
        if story.id == story_id:
            if prefer is None or source_kind(story) == prefer:
                return story
            fallback = fallback or story
    return fallback


def usual_source(records: ClassRecords, story_id: str) -> str | None:
    """The source kind most sessions of ``story_id`` name (None when none names one)."""
    counts = Counter(s.source for s in records.sessions if s.story == story_id and s.source)
    return counts.most_common(1)[0][0] if counts else None


def _same_source(sessions: list, story: Story, notes: list[str]) -> list:
    """The sessions of ``story`` itself: a story with the same id from elsewhere (a
    download reusing a bundled story's id) is left out, and a note says so."""
    from game.story.catalog import BUNDLED, source_kind

    kind = source_kind(story)
    kept = [s for s in sessions if s.source is None or s.source == kind]
    apart = len(sessions) - len(kept)
    if apart:
        which = "that is not the one that comes with Standing" if kind == BUNDLED else \
            "that comes with Standing"
        notes.append(f"{apart} session{'s' * (apart != 1)} played another story with the id "
                     f"'{story.id}' (one {which}) and {'are' if apart != 1 else 'is'} not in "
                     "this report: report on them with --story PATH.")
    return kept


def build_report(records: ClassRecords, story: Story | None, story_id: str,
                 notes: list[str] | None = None, show_small: bool = False,
                 per_player: bool = False, city_lives: int = 0,
                 city_jobs: int = 1) -> ClassReport:
    """Aggregate the sessions of ``story_id`` (``story`` gives labels, order and debrief);
    with ``city_lives``, scale the class's choices to the story's population with that
    many sampled lives ("Scaled to the city") in ``city_jobs`` processes."""
    notes = list(notes or [])
    sessions = [s for s in records.sessions if s.story == story_id]
    if story is not None:
        sessions = _same_source(sessions, story, notes)
    resolve = (lambda sid: story.resolve(sid) or sid) if story else (lambda sid: sid)
    if story is not None:
        other = sum(1 for s in sessions if s.content_hash and s.content_hash != story.content_hash)
        if other:
            notes.append(f"{other} session{'s' * (other != 1)} were played on another version "
                         "of the story; choices are matched by scene and choice id.")
    else:
        notes.append(f"The story '{story_id}' was not found, so choices are shown by id and "
                     "its debrief questions are missing: give it with --story PATH.")
    finished = [s for s in sessions if s.finished]
    unseeded = unseeded_note(story, finished)
    if unseeded:
        notes.append(unseeded)
    city = None
    if city_lives:
        city, why_not = city_section(sessions, story, city_lives, show_small=show_small,
                                     jobs=city_jobs)
        if why_not:
            notes.append(why_not)
    listings, listed = sections.listings(sessions, story, show_small)
    rules, sources = sections.rules(sessions, story)
    title = story.title if story else (sessions[0].story if sessions else story_id)
    report = ClassReport(
        class_name=records.folder.name, story_id=story_id, story_title=title,
        sessions=len(sessions), finished=len(finished), files=records.files,
        skipped_lines=records.skipped_lines, unreadable=records.unreadable,
        notes=tuple(notes), decisions=sections.decisions(sessions, story, resolve),
        tags=sections.tags(sessions),
        endings=sections.endings(sessions, finished, story, resolve),
        scores=sections.scores(finished, story), listings=listings, listed=listed,
        rules=rules, sources=sources, polls=sections.polls(sessions, story, resolve),
        debrief=(), players=sections.players(sessions) if per_player else None,
        show_small=show_small, city=city, variants=variant_columns(sessions, story))
    # The debrief's facts are read from the finished numbers.
    return replace(report, debrief=debrief_items(report, story, finished))
