"""Finding stories on disk: the bundled ones and any folder an author names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.errors import StoryErrors
from game.story.loader import load_story
from game.story.model import Story


def bundled_folder() -> Path:
    """The bundled stories: inside an installed wheel, or the checkout's stories/."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "_bundled_stories"
    return inside if inside.is_dir() else package.parent / "stories"


def find_stories(path: Path) -> list[Path]:
    """Story paths under ``path``: a file, a folder with story.yaml, or a folder of them."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return [path]  # let the loader report it missing
    if (path / "story.yaml").is_file():
        return [path]
    found: list[Path] = []
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_file() and child.suffix in (".yaml", ".yml"):
            found.append(child)
        elif child.is_dir():
            found.extend(p for p in find_stories(child) if p != child or (child / "story.yaml").is_file())
    return found


@dataclass(frozen=True, slots=True)
class Entry:
    """A story as the picker lists it: loaded, or broken with its errors."""

    path: Path
    story: Story | None
    errors: StoryErrors | None


ORDER_FILE = "order.txt"
"""A folder's reading order: one story id (file or folder name) a line; others follow."""


def in_order(folder: Path, paths: list[Path]) -> list[Path]:
    """``paths`` sorted by the folder's order.txt when it has one."""
    try:
        wanted = (folder / ORDER_FILE).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return paths
    rank = {name: i for i, name in enumerate(wanted)}

    def key(path: Path) -> tuple[int, str]:
        name = path.name if path.is_dir() else path.stem
        return rank.get(name, len(rank)), name

    return sorted(paths, key=key)


def catalog(folders: list[Path]) -> list[Entry]:
    """Load every story in the folders (in each folder's order), keeping broken ones."""
    entries = []
    for folder in folders:
        for path in in_order(folder, find_stories(folder)):
            try:
                entries.append(Entry(path, load_story(path), None))
            except StoryErrors as exc:
                entries.append(Entry(path, None, exc))
    return entries
