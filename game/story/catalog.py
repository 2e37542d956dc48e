"""Finding stories on disk: the bundled ones and any folder an author names.

Also what tells two stories with the same id apart: where each comes from
(``source_key``), so that saves and class records never mix them. This module
imports no YAML (the loader is imported when a catalog is loaded), so the
engine's saves can ask it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from game.errors import StoryErrors
from game.story.model import Story

BUNDLED = "bundled"
"""The source key of a story shipped with Standing (wherever it is installed)."""

OTHER = "other"
"""The source kind of any other story (a class record does not name its path)."""


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
    from game.story.loader import load_story

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


def is_bundled(path: str | os.PathLike[str]) -> bool:
    """True for a story (file or folder) inside the bundled stories' folder."""
    try:
        return Path(path).resolve().is_relative_to(bundled_folder().resolve())
    except (OSError, RuntimeError):
        return False


def source_key(story: Story) -> str:
    """Where a story comes from: BUNDLED, or the real path of its file or folder.

    A bundled story's key stays the same when Standing is reinstalled elsewhere;
    any other story's key stays the same while its files are edited in place.
    """
    if is_bundled(story.path):
        return BUNDLED
    return str(_real(Path(story.path)))


def source_kind(story: Story) -> str:
    """BUNDLED or OTHER: what a class record says of a story's source (never its path,
    which differs from one student's computer to the next and may name them)."""
    return BUNDLED if is_bundled(story.path) else OTHER


def bundled_ids() -> frozenset[str]:
    """The ids of the bundled stories (each is named by its file or folder)."""
    return frozenset(p.name if p.is_dir() else p.stem for p in find_stories(bundled_folder()))


def shared_ids(entries: list[Entry]) -> dict[str, list[Path]]:
    """The ids that more than one loaded story has, with those stories' paths in order."""
    paths: dict[str, list[Path]] = {}
    for entry in entries:
        if entry.story is not None:
            paths.setdefault(entry.story.id, []).append(entry.path)
    return {sid: found for sid, found in paths.items() if len(found) > 1}


def shared_id_warning(story_id: str, paths: list[Path]) -> str:
    """One line saying that several stories share an id, and what that means."""
    names = "; ".join(str(p) for p in paths)
    return (f"{len(paths)} stories have the id '{story_id}' ({names}): their saves and class "
            "records are kept apart; play one by its path to be sure which")


def shared_id_notice(story: Story) -> str | None:
    """A warning when a story that is not bundled has the id of a bundled one."""
    if is_bundled(story.path) or story.id not in bundled_ids():
        return None
    return (f"this story has the id '{story.id}', like a story that comes with Standing: "
            "its saves and class records are kept apart from that story's")
