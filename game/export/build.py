"""``python -m game export STORY --out DIR``: a folder that plays the story in any browser.

The folder holds ``index.html``, the web reader's stylesheet, ``boot.js``,
Pyodide's loader (``pyodide/pyodide.js``) and, as base64 in ``<script>``
files, the rest of Pyodide, the engine's Python files (a zip) and the story
as compiled JSON: a page opened from ``file://`` may load scripts beside it
but not fetch() them. ``export.json`` records what went in (Pyodide's
version and integrity, the story's hash, Standing's version).
"""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import game
from game.errors import StandingError
from game.export import pyodide as pyo
from game.story.cache import dump_compiled, load_compiled, load_story
from game.story.catalog import source_kind
from game.web.html import esc

PACKAGE = Path(game.__file__).resolve().parent
STATIC = Path(__file__).resolve().parent / "static"
READER_CSS = PACKAGE / "web" / "static" / "reader.css"
SHIPPED = ("__init__.py", "errors.py", "safetext.py", "files.py", "story", "engine", "web",
           "classroom", "export")
"""The parts of ``game`` the browser imports (not the terminal player, the CLI or authoring)."""
LEFT_OUT = ("server.py",)
"""Files of those parts the browser never imports (the aiohttp server)."""
MARK = "standing-export"
"""``export.json``'s format: an --out folder holding one may be written over."""
DATA = ("pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


class ExportError(StandingError):
    """An export that cannot be written (the folder, the story)."""


@dataclass(frozen=True, slots=True)
class Exported:
    """What ``export`` wrote."""

    folder: Path
    files: dict[str, int]
    """Each file's size in bytes, by its path in the folder."""

    @property
    def size(self) -> int:
        """The folder's size in bytes."""
        return sum(self.files.values())


def engine_zip() -> bytes:
    """The engine's Python files, as a zip Pyodide unpacks (deterministic: no dates)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in SHIPPED:
            path = PACKAGE / part
            files = [path] if path.is_file() else sorted(path.rglob("*.py"))
            for file in files:
                if file.name in LEFT_OUT:
                    continue
                name = "game/" + file.relative_to(PACKAGE).as_posix()
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, file.read_bytes())
    return buffer.getvalue()


def data_script(name: str, body: bytes) -> str:
    """A classic script that hands ``body`` to boot.js under ``name``."""
    encoded = base64.b64encode(body).decode("ascii")
    return (f"(window.STANDING_DATA = window.STANDING_DATA || {{}})[{json.dumps(name)}] = "
            f'"{encoded}";\n')


def index_html(title: str, scripts: list[str]) -> str:
    """The page: the story's title, a loading line, and the scripts in order."""
    tags = "\n".join(f'<script src="{esc(s)}"></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{esc(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="reader.css">
</head>
<body>
<header><h1 class="story-title">{esc(title)}</h1></header>
<div class="layout solo"><main id="main" tabindex="-1">
<p id="status" role="status">Loading the story…</p>
<noscript><p>This story runs in your browser with JavaScript: turn JavaScript on
for this page, or ask your teacher for the classroom link.</p></noscript>
</main></div>
{tags}
<script src="boot.js"></script>
</body>
</html>
"""


def check_out(out: Path) -> None:
    """Refuse an --out that is a file, or a folder with other things than an export in it,
    or whose ``pyodide`` folder is a link (the export would write wherever it points)."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: is a file; give a folder for the export")
    inner = out / "pyodide"
    if inner.is_symlink() or (inner.exists() and not inner.is_dir()):
        raise ExportError(f"{inner}: is a link or a file, not the export's own folder: "
                          "remove it, or give a new or empty folder")
    if out.is_dir() and any(out.iterdir()):
        try:
            mark = json.loads((out / "export.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            mark = None
        if not isinstance(mark, dict) or mark.get("format") != MARK:
            raise ExportError(f"{out}: folder is not empty and holds no Standing export: "
                              "give a new or empty folder")


def export_story(story_path: Path, out: Path, tarball: Path) -> Exported:
    """Write the export of ``story_path`` into ``out`` with Pyodide from ``tarball``."""
    check_out(out)
    story = load_story(story_path)
    compiled = dump_compiled(story)
    # The browser has no YAML to fall back on: every scene must build from the JSON now.
    again = load_compiled(compiled, str(story_path))
    for sid in again.scenes:
        again.scenes[sid]
    parts = pyo.unpack(tarball)
    files: dict[str, bytes] = {
        "pyodide/pyodide.js": parts["pyodide.js"],
        "reader.css": READER_CSS.read_bytes(),
        "boot.js": (STATIC / "boot.js").read_bytes(),
    }
    scripts = ["pyodide/pyodide.js"]
    for name in DATA:
        path = f"pyodide/{name}.js"
        files[path] = data_script(name, parts[name]).encode("ascii")
        scripts.append(path)
    app = (data_script("engine.zip", engine_zip())
           + data_script("story.json", compiled.encode("utf-8"))
           # The game is kept under the story's id: a new export of an edited story finds it
           # (and replays what still fits, as a save does).
           + f"window.STANDING_STORY_ID = {json.dumps(story.id)};\n"
           + f"window.STANDING_SOURCE = {json.dumps(source_kind(story))};\n")
    files["story.js"] = app.encode("ascii")
    scripts.append("story.js")
    files["index.html"] = index_html(story.title, scripts).encode("utf-8")
    record = {"format": MARK, "standing": game.__version__, "story": story.id,
              "story_title": story.title, "story_hash": story.content_hash,
              "pyodide": pyo.VERSION, "pyodide_integrity": pyo.INTEGRITY,
              "pyodide_license": "MPL-2.0 (https://github.com/pyodide/pyodide)"}
    files["export.json"] = (json.dumps(record, indent=2) + "\n").encode("utf-8")
    try:
        (out / "pyodide").mkdir(parents=True, exist_ok=True)
        for name, body in files.items():
            _write(out / name, body)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export ({exc.strerror or exc})") from None
    return Exported(out, {name: len(body) for name, body in files.items()})


def _write(path: Path, body: bytes) -> None:
    """Write a file whole or not at all (an export opened meanwhile never sees half of it).

    The temporary file is made new (``mkstemp``: a random name, created exclusively), never
    opened by a fixed name: the folder may be shared (a school's web folder), and a link
    planted there as ``.index.html.part`` would have had the export write through it, over
    any file the teacher can write. ``os.replace`` then replaces a link at ``path`` itself,
    never what it points to.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            # mkstemp made it 0600: a school's web server must be able to read it.
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o644)
        if not hasattr(os, "fchmod"):  # Windows before Python 3.13: by name, our own file
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_export(story_path: Path, out: Path, pyodide: Path | None, download: bool,
               stdout: TextIO) -> int:
    """The ``export`` command: write the folder, say what it holds and how to open it."""
    tarball = pyo.find(pyodide, download)
    done = export_story(story_path, out, tarball)
    mib = done.size / (1024 * 1024)
    print(f"Exported to {out}: {len(done.files)} files, {mib:.1f} MiB "
          f"(Pyodide {pyo.VERSION}). Open {out / 'index.html'} in a browser, or put the "
          "folder on a school website.", file=stdout)
    return 0
