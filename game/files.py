"""Files written so that a crash never leaves half of one: the bottom layer.

Saves, settings, the story cache and the class folder's files all write
through ``write_atomic``; it lives here, below ``story`` and ``engine``, so
that every layer can reach it without importing upward.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str, durable: bool = True) -> None:
    """Write a file so that a crash leaves either the old or the new content.

    ``durable=False`` skips the fsyncs, for files whose loss costs only time (the
    compiled story cache): the rename still means a reader never sees half a
    file from a running writer, and whatever a crash leaves is read as a miss.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if not durable:
        return
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
