"""Finding stories in folders: links are followed once, never out of the folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from game import cli
from game.story.catalog import catalog, find_stories

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "stories" / "half_a_star.yaml"
FOLDER_STORY = ROOT / "stories" / "demo"


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every folder listed; a walk that lists more than 200 is going round in circles."""
    listed: list[Path] = []
    real_iterdir = Path.iterdir

    def counting(self: Path):
        listed.append(self)
        if len(listed) > 200:
            raise AssertionError(f"the walk does not end: {len(listed)} folders listed")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", counting)
    return listed


def shelf(tmp_path: Path) -> Path:
    """A --stories folder: a file story, a folder story in a subfolder."""
    folder = tmp_path / "shelf"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(STORY, folder / "half_a_star.yaml")
    shutil.copytree(FOLDER_STORY, folder / "sub" / "demo")
    return folder


def names(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_a_link_to_its_own_folder_is_walked_once(tmp_path: Path, walks: list[Path]) -> None:
    folder = shelf(tmp_path)
    os.symlink(".", folder / "again")
    os.symlink(folder, folder / "sub" / "again")
    assert names(find_stories(folder)) == ["half_a_star.yaml", "demo"]
    assert len(walks) == 2  # the folder and sub/, each once


def test_a_link_to_the_parent_is_walked_once(tmp_path: Path, walks: list[Path]) -> None:
    folder = shelf(tmp_path)
    os.symlink("..", folder / "sub" / "up")
    os.symlink("../..", folder / "sub" / "demo_up")
    assert names(find_stories(folder)) == ["half_a_star.yaml", "demo"]


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path, walks: list[Path]) -> None:
    folder = shelf(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(STORY, outside / "secret.yaml")
    shutil.copytree(FOLDER_STORY, outside / "secret_folder")
    os.symlink(outside, folder / "out")
    os.symlink(outside / "secret.yaml", folder / "linked.yaml")
    os.symlink(outside / "secret_folder", folder / "linked_folder")
    os.symlink(tmp_path, folder / "sub" / "grandparent")  # the folder's parent holds it all
    found = find_stories(folder)
    assert names(found) == ["half_a_star.yaml", "demo"]
    assert all("elsewhere" not in str(p.resolve()) for p in found)


def test_a_story_folder_whose_story_file_leads_out_is_not_listed(tmp_path: Path) -> None:
    folder = shelf(tmp_path)
    (folder / "trap").mkdir()
    os.symlink(STORY, folder / "trap" / "story.yaml")
    assert "trap" not in names(find_stories(folder))


def test_two_links_to_one_story_list_it_once(tmp_path: Path) -> None:
    folder = shelf(tmp_path)
    os.symlink("half_a_star.yaml", folder / "a_link.yaml")
    os.symlink("sub/demo", folder / "demo_link")
    assert sorted(names(find_stories(folder))) == ["a_link.yaml", "demo_link"]


def test_broken_and_looping_links_are_skipped(tmp_path: Path) -> None:
    folder = shelf(tmp_path)
    os.symlink("nowhere.yaml", folder / "broken.yaml")
    os.symlink("loop_b.yaml", folder / "loop_a.yaml")
    os.symlink("loop_a.yaml", folder / "loop_b.yaml")
    assert names(find_stories(folder)) == ["half_a_star.yaml", "demo"]


def test_a_deep_folder_is_walked_without_recursion(tmp_path: Path) -> None:
    folder = deepest = tmp_path / "deep"
    levels = [folder]
    for _ in range(1100):  # past Python's recursion limit (1000 frames)
        deepest = deepest / "d"
        levels.append(deepest)
    for level in levels:
        level.mkdir()
    shutil.copy(STORY, deepest / "bottom.yaml")
    try:
        assert names(find_stories(folder)) == ["bottom.yaml"]
    finally:  # shutil.rmtree recurses too: take the tree down from the bottom
        (deepest / "bottom.yaml").unlink()
        for level in reversed(levels):
            level.rmdir()


def test_the_same_folder_given_twice_lists_each_story_once(tmp_path: Path) -> None:
    folder = shelf(tmp_path)
    os.symlink(folder, tmp_path / "alias")
    entries = catalog([folder, tmp_path / "alias", folder])
    assert [e.story.id for e in entries if e.story] == ["half_a_star", "demo"]


def test_list_check_and_play_with_a_looping_folder(tmp_path: Path, monkeypatch, capsys,
                                                   walks: list[Path]) -> None:
    folder = shelf(tmp_path)
    for name in ("a", "b", "c"):
        os.symlink(".", folder / name)
    os.symlink("..", folder / "sub" / "up")
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    empty = tmp_path / "no_bundled"
    empty.mkdir()
    monkeypatch.setattr("game.story.catalog.bundled_folder", lambda: empty)
    assert cli.main(["--stories", str(folder), "list"]) == 0
    out = capsys.readouterr().out
    assert out.count("half_a_star:") == 1 and out.count("\ndemo:") + out.startswith("demo:") == 1
    assert cli.main(["check", str(folder)]) == 0
    assert "checked 2 stories" in capsys.readouterr().out
    assert cli.resolve_story("demo", [folder]).name == "demo"


def test_bundled_ids_are_the_ids_the_bundled_stories_load_with() -> None:
    from game.story.catalog import bundled_folder, bundled_ids

    loaded = {e.story.id for e in catalog([bundled_folder()]) if e.story}
    assert bundled_ids() == loaded and "tutorial" in loaded


def test_shared_ids_name_every_story_of_an_id(tmp_path: Path) -> None:
    from game.story.catalog import bundled_folder, shared_ids, source_key

    folder = tmp_path / "downloads"
    folder.mkdir()
    text = STORY.read_text(encoding="utf-8").replace("id: half_a_star", "id: tutorial")
    (folder / "cool.yaml").write_text(text, encoding="utf-8")
    entries = catalog([bundled_folder(), folder])
    shared = shared_ids(entries)
    assert list(shared) == ["tutorial"]
    assert [p.name for p in shared["tutorial"]] == ["tutorial.yaml", "cool.yaml"]
    keys = {source_key(e.story) for e in entries if e.story and e.story.id == "tutorial"}
    assert keys == {"bundled", str((folder / "cool.yaml").resolve())}


def test_the_catalog_module_imports_no_yaml() -> None:
    import subprocess
    import sys

    code = ("import sys, game.story.catalog, game.engine.saves; "
            "print('yaml' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
