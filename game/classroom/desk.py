"""The class folder as the dashboard reads and paces it.

The dashboard itself is a Textual app in ``game.ui.dashboard``; this is its
classroom side, without Textual: the live numbers (``live.ClassWatch``, the
report's reader, re-reading only changed files), the teacher's controls
(``pacing.json``, written atomically), and which story the class plays.
``game.launch`` wires the two.
"""

from __future__ import annotations

from pathlib import Path

from game.classroom.live import ClassWatch, LiveNumbers, live_numbers
from game.classroom.pacing import Pacing, read_pacing, write_pacing
from game.classroom.records import RecordError, class_folder, classes_there
from game.story.model import Story


class FolderDesk:
    """One class folder for the dashboard (fits ``game.ui.classdesk.ClassDesk``)."""

    def __init__(self, folder: Path, story: Story) -> None:
        self.folder = folder
        self.story = story
        self._watch = ClassWatch(folder)

    def blank(self) -> Pacing:
        """The controls before the first read (no hold, no reveal)."""
        return Pacing()

    def look(self) -> tuple[LiveNumbers, Pacing]:
        """The class now and the controls now (reads files)."""
        pacing = read_pacing(self.folder)
        numbers = live_numbers(self._watch.read(), self.story, self.story.id,
                               show_small=pacing.show_small)
        return numbers, pacing

    def control(self, pacing: Pacing) -> None:
        """Write the controls for the class (atomically, fsynced)."""
        write_pacing(self.folder, pacing)


def find_class_story(folder: Path, story_path: Path | None, folders: list[Path]) -> Story:
    """The story a class plays: as given, as served, or as most sessions played."""
    from game.classroom.report import find_story, pick_story, usual_source
    from game.classroom.sessions import read_class
    from game.errors import StoryErrors
    from game.story.loader import load_story

    if story_path is not None:
        return load_story(story_path)
    pacing = read_pacing(folder)
    if pacing.story_path:
        try:
            story = load_story(Path(pacing.story_path))
            if pacing.story is None or story.id == pacing.story:
                return story
        except (StoryErrors, OSError):
            pass
    records = read_class(folder)
    story_id = pacing.story or pick_story(records)[0]
    story = find_story(story_id, folders, usual_source(records, story_id)) if story_id else None
    if story is None:
        raise RecordError(f"cannot tell which story class {folder.name} plays: give it with "
                          "--story STORY")
    return story


def open_class(code: str, records: Path | None, story_path: Path | None,
               folders: list[Path], prog: str = "python -m game") -> FolderDesk:
    """The class folder a ``class dashboard CODE`` shows; a RecordError if there is none
    (naming ``class serve`` as the teacher runs us: ``prog``)."""
    folder = class_folder(code, records)
    if not folder.is_dir():
        where = f" --records {records}" if records else ""
        raise RecordError(f"there is no class {folder.name} in {folder.parent} yet: start "
                          f"`{prog} class serve STORY --class {folder.name}{where}` "
                          "first, or give the --records folder it uses "
                          f"({classes_there(folder.parent)})")
    return FolderDesk(folder, find_class_story(folder, story_path, folders))
