"""Where ``export`` gets Pyodide: the pinned npm tarball, its sha512 checked.

Looked for in this order: ``--pyodide PATH`` (the tarball ``npm pack
pyodide@VERSION`` writes), ``$STANDING_PYODIDE``, then the user cache folder
(``platformdirs``' cache dir for ``standing``/``pyodide``). With ``--download``
a missing tarball is fetched from the npm registry into that cache. Whatever its
source, a tarball is used only when its sha512 is the pinned one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tarfile
import urllib.request
from pathlib import Path

from game.errors import StandingError

VERSION = "314.0.8"
"""The Pyodide release the export ships (Python 3.14; the npm package ``pyodide``)."""
INTEGRITY = ("sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YH"
             "SVUpHsoarLQ==")
"""The npm registry's ``dist.integrity`` of that release's tarball."""
TARBALL = f"pyodide-{VERSION}.tgz"
URL = f"https://registry.npmjs.org/pyodide/-/{TARBALL}"
FILES = ("pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
         "pyodide-lock.json", "package.json")
"""What the export takes from the tarball (its ``package/`` folder)."""
LIMIT = 64 * 1024 * 1024
"""No file of the tarball is read past this size."""


class PyodideError(StandingError):
    """Pyodide cannot be had: the one-line reason and what to do."""


def cache_dir() -> Path:
    """The user cache folder where the pinned tarball is kept."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("standing", appauthor=False)) / "pyodide"


def integrity(path: Path) -> str:
    """A file's npm-style integrity string (``sha512-`` and base64)."""
    digest = hashlib.sha512()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def find(explicit: Path | None = None, download: bool = False) -> Path:
    """The pinned tarball, checked; PyodideError saying how to get it when there is none."""
    given = explicit or (Path(os.environ["STANDING_PYODIDE"])
                         if os.environ.get("STANDING_PYODIDE") else None)
    if given is not None:
        if not given.is_file():
            what = "no such file" if not given.exists() else "not a file"
            raise PyodideError(f"{given}: {what} (give the {TARBALL} that "
                               f"'npm pack pyodide@{VERSION}' writes)")
        _check(given)
        return given
    cached = cache_dir() / TARBALL
    if cached.is_file():
        _check(cached)
        return cached
    if not download:
        raise PyodideError(
            f"Pyodide {VERSION} is not in {cached.parent}: run with --download to fetch it "
            f"from the npm registry (6.5 MB), or give --pyodide PATH to a copy of {TARBALL} "
            f"('npm pack pyodide@{VERSION}' makes one)")
    return _download(cached)


def _check(path: Path) -> None:
    if path.stat().st_size > LIMIT:  # not read whole to learn that: the tarball is 6.5 MB
        raise PyodideError(f"{path}: not the pinned Pyodide {VERSION} (it is far larger): "
                           f"use the tarball of 'npm pack pyodide@{VERSION}'")
    found = integrity(path)
    if found != INTEGRITY:
        raise PyodideError(f"{path}: not the pinned Pyodide {VERSION} (its sha512 differs): "
                           f"use the tarball of 'npm pack pyodide@{VERSION}'")


def fetch(url: str, target: Path, expected: str, limit: int = LIMIT) -> None:
    """Download ``url`` to ``target`` (written aside, then renamed into place) and keep it
    only when its npm-style integrity is ``expected``: OSError when it cannot be had,
    ValueError when it is larger than ``limit`` or not the pinned file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, part.open("wb") as out:
            while block := response.read(1 << 20):
                out.write(block)
                if out.tell() > limit:
                    raise ValueError(f"{url}: larger than expected; not used")
        if integrity(part) != expected:
            raise ValueError(f"{url}: its sha512 differs from the pinned one; not used")
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


def _download(target: Path) -> Path:
    try:
        fetch(URL, target, INTEGRITY)
    except ValueError as exc:
        raise PyodideError(f"{exc}: give --pyodide PATH to a copy of {TARBALL}") from None
    except OSError as exc:
        raise PyodideError(f"cannot download Pyodide {VERSION} from {URL} ({exc}): give "
                           f"--pyodide PATH to a copy of {TARBALL}") from None
    return target


def unpack(path: Path) -> dict[str, bytes]:
    """The files the export ships, read from the (checked) tarball."""
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for name in FILES:
                member = tar.getmember(f"package/{name}")
                if not member.isfile() or member.size > LIMIT:
                    raise PyodideError(f"{path}: package/{name} is not a regular file")
                handle = tar.extractfile(member)
                assert handle is not None
                out[name] = handle.read()
    except (OSError, KeyError, tarfile.TarError) as exc:
        raise PyodideError(f"{path}: cannot read the Pyodide tarball ({exc})") from None
    return out
