"""``export``: the folder it writes, where Pyodide comes from, and its one-line errors."""

from __future__ import annotations

import base64
import io
import json
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from game import cli
from game.export import build, pyodide as pyo
from game.story.cache import load_compiled, load_story

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def data(folder: Path, script: str) -> dict[str, bytes]:
    """What one of the export's data scripts hands to boot.js, decoded."""
    text = (folder / script).read_text(encoding="utf-8")
    found = re.findall(r'\)\["([^"]+)"\] = "([A-Za-z0-9+/=]*)";', text)
    return {name: base64.b64decode(body) for name, body in found}


def test_export_writes_the_folder(tmp_path, fake_tarball, capsys):
    out = tmp_path / "site"
    code, said, err = run(capsys, "export", "green_channel", "--out", str(out),
                          "--pyodide", str(fake_tarball))
    # The fake tarball is not the pinned one: refused before anything is written.
    assert code == 2 and err.startswith("error: ") and "sha512 differs" in err
    assert err.count("\n") == 1 and not out.exists()

    done = build.export_story(ROOT / "stories" / "green_channel", out, fake_tarball)
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert names == set(done.files) == {
        "index.html", "boot.js", "reader.css", "story.js", "export.json", "pyodide/pyodide.js",
        "pyodide/pyodide.asm.mjs.js", "pyodide/pyodide.asm.wasm.js",
        "pyodide/python_stdlib.zip.js", "pyodide/pyodide-lock.json.js"}
    page = (out / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)">', page)
    assert scripts[0] == "pyodide/pyodide.js" and scripts[-1] == "boot.js"
    assert set(scripts) == {n for n in names if n.endswith(".js")}
    assert "<title>Green Channel</title>" in page and "<noscript>" in page
    assert "http" not in page  # nothing is asked of a network
    # Every Pyodide file arrives byte for byte.
    with tarfile.open(fake_tarball) as tar:
        for name in build.DATA:
            original = tar.extractfile(f"package/{name}").read()
            assert data(out, f"pyodide/{name}.js") == {name: original}
    # The story as compiled JSON, and the engine's files (never the terminal player).
    app = data(out, "story.js")
    story = load_compiled(app["story.json"].decode(), "story.json")
    assert story.content_hash == load_story(ROOT / "stories" / "green_channel").content_hash
    packed = zipfile.ZipFile(io.BytesIO(app["engine.zip"])).namelist()
    assert "game/export/browser.py" in packed and "game/web/pages.py" in packed
    assert not [n for n in packed if n.startswith(("game/ui/", "game/authoring/"))]
    assert "game/web/server.py" not in packed
    record = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert record["pyodide"] == pyo.VERSION and record["pyodide_integrity"] == pyo.INTEGRITY
    assert record["story_hash"] == story.content_hash
    assert all((out / n).stat().st_mode & 0o044 == 0o044 for n in names)  # a web server reads them


def test_an_export_is_written_over_but_nothing_else(tmp_path, fake_tarball):
    out = tmp_path / "site"
    build.export_story(ROOT / "stories" / "tutorial.yaml", out, fake_tarball)
    build.export_story(ROOT / "stories" / "tutorial.yaml", out, fake_tarball)  # again: fine
    other = tmp_path / "homework"
    other.mkdir()
    (other / "essay.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(build.ExportError, match="not empty and holds no Standing export"):
        build.export_story(ROOT / "stories" / "tutorial.yaml", other, fake_tarball)
    assert [p.name for p in other.iterdir()] == ["essay.txt"]
    with pytest.raises(build.ExportError, match="is a file"):
        build.export_story(ROOT / "stories" / "tutorial.yaml", other / "essay.txt", fake_tarball)


def test_without_pyodide_the_command_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("STANDING_PYODIDE", raising=False)
    out = tmp_path / "site"
    code, said, err = run(capsys, "export", "tutorial", "--out", str(out))
    assert code == 2 and err.count("\n") == 1
    assert f"Pyodide {pyo.VERSION} is not in" in err and "--download" in err
    assert "--pyodide PATH" in err and not out.exists()
    code, said, err = run(capsys, "export", "tutorial", "--out", str(out),
                          "--pyodide", str(tmp_path / "nowhere.tgz"))
    assert code == 2 and "nowhere.tgz: no such file" in err and err.count("\n") == 1


def test_the_cached_tarball_is_checked_too(tmp_path, monkeypatch, fake_tarball):
    monkeypatch.delenv("STANDING_PYODIDE", raising=False)
    cached = pyo.cache_dir() / pyo.TARBALL
    assert str(cached).startswith(str(tmp_path))  # the conftest's cache folder
    cached.parent.mkdir(parents=True)
    cached.write_bytes(fake_tarball.read_bytes())
    with pytest.raises(pyo.PyodideError, match="sha512 differs"):
        pyo.find()
    monkeypatch.setattr(pyo, "INTEGRITY", pyo.integrity(fake_tarball))
    assert pyo.find() == cached


def test_a_story_with_errors_is_not_exported(tmp_path, capsys, fake_tarball):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Bad\nstart: nowhere\nscenes: {}\n", encoding="utf-8")
    monkey = pyo.integrity(fake_tarball)
    pyo_integrity = pyo.INTEGRITY
    try:
        pyo.INTEGRITY = monkey
        code, said, err = run(capsys, "export", str(bad), "--out", str(tmp_path / "site"),
                              "--pyodide", str(fake_tarball))
    finally:
        pyo.INTEGRITY = pyo_integrity
    assert code == 2 and "bad.yaml:" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_a_damaged_tarball_is_one_line(tmp_path, monkeypatch):
    broken = tmp_path / "broken.tgz"
    broken.write_bytes(b"not a tarball")
    monkeypatch.setattr(pyo, "INTEGRITY", pyo.integrity(broken))
    with pytest.raises(pyo.PyodideError, match="cannot read the Pyodide tarball"):
        build.export_story(ROOT / "stories" / "tutorial.yaml", tmp_path / "site",
                           pyo.find(broken))


def test_fetch_keeps_only_the_pinned_file(tmp_path, fake_tarball):
    """The one downloader (Pyodide for the export, axe-core for the tests): written
    aside and renamed, and refused, leaving nothing, when its sha512 differs or it is
    larger than the limit (a file:// URL stands in for the registry)."""
    url = fake_tarball.resolve().as_uri()
    target = tmp_path / "cache" / "kept.tgz"
    pyo.fetch(url, target, pyo.integrity(fake_tarball))
    assert target.read_bytes() == fake_tarball.read_bytes()
    other = tmp_path / "cache" / "other.tgz"
    with pytest.raises(ValueError, match="sha512 differs"):
        pyo.fetch(url, other, "sha512-not-it")
    with pytest.raises(ValueError, match="larger than expected"):
        pyo.fetch(url, other, pyo.integrity(fake_tarball), limit=10)
    assert sorted(p.name for p in target.parent.iterdir()) == ["kept.tgz"]
    with pytest.raises(OSError):
        pyo.fetch((tmp_path / "absent.tgz").as_uri(), other, "sha512-x")


def test_a_link_planted_in_the_folder_is_never_written_through(tmp_path, fake_tarball):
    """The temporary file had a fixed name (.index.html.part): a link planted under that
    name in a shared web folder made the export overwrite whatever it pointed to."""
    out = tmp_path / "site"
    build.export_story(ROOT / "stories" / "tutorial.yaml", out, fake_tarball)
    victim = tmp_path / "victim.txt"
    victim.write_text("the teacher's own file", encoding="utf-8")
    for name in ("index.html", "export.json", "pyodide/pyodide.js"):
        (out / f"{Path(name).parent}/.{Path(name).name}.part").symlink_to(victim)
    (out / "boot.js").unlink()
    (out / "boot.js").symlink_to(victim)  # a link at the file itself is replaced, not followed
    build.export_story(ROOT / "stories" / "tutorial.yaml", out, fake_tarball)
    assert victim.read_text(encoding="utf-8") == "the teacher's own file"
    assert not (out / "boot.js").is_symlink() and (out / "boot.js").stat().st_size > 0
    leftovers = [p.name for p in out.rglob("*.part") if not p.is_symlink()]
    assert leftovers == []


def test_a_pyodide_folder_that_is_a_link_is_refused(tmp_path, fake_tarball):
    out = tmp_path / "site"
    build.export_story(ROOT / "stories" / "tutorial.yaml", out, fake_tarball)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import shutil

    shutil.rmtree(out / "pyodide")
    (out / "pyodide").symlink_to(elsewhere)
    with pytest.raises(build.ExportError, match="is a link or a file"):
        build.export_story(ROOT / "stories" / "tutorial.yaml", out, fake_tarball)
    assert list(elsewhere.iterdir()) == []


def test_a_pyodide_that_is_a_folder_or_far_too_big_is_said_so_without_reading_it(
        tmp_path, capsys):
    code, _, err = run(capsys, "export", "tutorial", "--out", str(tmp_path / "site"),
                       "--pyodide", str(tmp_path))
    assert code == 2 and f"{tmp_path}: not a file (give the" in err  # was "no such file"
    big = tmp_path / "big.tgz"
    with big.open("wb") as handle:  # sparse: nothing is written, and nothing must be read
        handle.truncate(pyo.LIMIT + 1)
    code, _, err = run(capsys, "export", "tutorial", "--out", str(tmp_path / "site"),
                       "--pyodide", str(big))
    assert code == 2 and "big.tgz: not the pinned Pyodide" in err and "far larger" in err


def test_a_hostile_tarball_is_read_by_name_never_extracted(tmp_path, monkeypatch):
    """Were the pin ever matched by a hostile tarball: '../' members and links reach nothing
    (members are read into memory by name, and a link in a needed name is refused)."""
    evil = tmp_path / "evil.tgz"
    with tarfile.open(evil, "w:gz") as tar:
        for name in pyo.FILES:
            if name == "pyodide.js":
                info = tarfile.TarInfo(f"package/{name}")
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tar.addfile(info)
                continue
            body = b"x"
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        body = b"owned"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    monkeypatch.setattr(pyo, "INTEGRITY", pyo.integrity(evil))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pyo.PyodideError, match="package/pyodide.js is not a regular file"):
        build.export_story(ROOT / "stories" / "tutorial.yaml", tmp_path / "site", pyo.find(evil))
    assert not list(tmp_path.parent.glob("escaped.txt")) and not (tmp_path / "site").exists()
