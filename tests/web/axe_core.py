"""axe-core, pinned, for the suite's accessibility check of the web reader.

The npm tarball of ``VERSION`` is taken from ``$STANDING_AXE`` (a path to it, as
``.ci/run`` gives), else from the user cache, else downloaded from the npm
registry into that cache; its sha512 must match ``INTEGRITY`` (npm's
``dist.integrity``), or it is refused.
"""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from game.export.pyodide import fetch, integrity

VERSION = "4.14.1"
INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFoo"
             "JpZe37OgudVGtQ==")
TARBALL = f"axe-core-{VERSION}.tgz"
URL = f"https://registry.npmjs.org/axe-core/-/{TARBALL}"


def _cache() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("standing", appauthor=False)) / "axe-core" / TARBALL


def tarball() -> Path:
    """The pinned tarball, checked (downloaded into the cache when missing)."""
    given = os.environ.get("STANDING_AXE")
    path = Path(given) if given else _cache()
    if not path.is_file():
        if given:
            raise AssertionError(f"STANDING_AXE={given}: no such file")
        try:
            fetch(URL, path, INTEGRITY)
        except (OSError, ValueError) as exc:
            raise AssertionError(f"cannot download axe-core {VERSION} from {URL} ({exc}): "
                                 f"set STANDING_AXE to the tarball of "
                                 f"'npm pack axe-core@{VERSION}'") from None
    if integrity(path) != INTEGRITY:
        raise AssertionError(f"{path}: not axe-core {VERSION} (its sha512 differs)")
    return path


def axe_source() -> str:
    """The text of ``axe.min.js`` from the pinned tarball."""
    data = tarball().read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")
