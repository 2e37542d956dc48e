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


STORY_SUFFIXES = (".yaml", ".yml")


def find_stories(path: Path) -> list[Path]:
    """Story paths under ``path``: a file, a folder with story.yaml, or a folder of them.

    A folder is walked once per real folder (a symbolic link back up the tree,
    or to a folder already seen, is not followed again), never through a link
    that leads out of it, and each story is listed once however many links
    name it. The walk keeps no recursion, so any depth is safe.
    """
    if path.is_file():
        return [path]
    if not path.is_dir():
        return [path]  # let the loader report it missing
    if (path / "story.yaml").is_file():
        return [path]
    try:
        root = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return [path]
    found: list[Path] = []
    seen: set[Path] = {root}
    """Real paths of the stories found and of the folders walked."""
    stack = [(iter(_children(path)), root)]
    while stack:
        children, real_folder = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if child.name.startswith("."):
            continue
        real = _real_inside(child, root, real_folder)
        if real is None or real in seen:
            continue
        if real.is_file():
            if child.suffix in STORY_SUFFIXES:
                seen.add(real)
                found.append(child)
        elif real.is_dir():
            seen.add(real)
            main = _real_inside(child / "story.yaml", root, real)
            if main is not None and main.is_file():
                if main not in seen:
                    seen.add(main)
                    found.append(child)
            else:
                stack.append((iter(_children(child)), real))
    return found


def _children(folder: Path) -> list[Path]:
    """A folder's entries, sorted (none if it cannot be read)."""
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _real_inside(path: Path, root: Path, real_folder: Path) -> Path | None:
    """``path`` with every link followed, if it exists and stays under ``root``.

    ``real_folder`` is the real path of ``path``'s folder: a name that is not a
    link is joined to it, so a deep folder costs no more per entry than a shallow one.
    """
    try:
        if not path.is_symlink():
            return real_folder / path.name if path.exists() else None
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a broken link, or a loop of links
        return None
    return real if real.is_relative_to(root) else None


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
    listed: set[Path] = set()
    for folder in folders:
        for path in in_order(folder, find_stories(folder)):
            real = _real(path)
            if real in listed:
                continue  # the same story through two folders (or a folder given twice)
            listed.add(real)
            try:
                entries.append(Entry(path, load_story(path), None))
            except StoryErrors as exc:
                entries.append(Entry(path, None, exc))
    return entries


def _real(path: Path) -> Path:
    """A story path with links followed (as given when it cannot be resolved)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path
