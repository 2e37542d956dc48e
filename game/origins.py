"""Web origins: what a browser says it came from, as a key both class servers compare.

``class serve`` answers browsers twice: the terminal-in-a-browser server
(``game.classroom.server``) accepts a websocket only from a page it gave out,
and the web reader (``game.web.server``) accepts a form only so. Both compare
(scheme, host, port) keys made here, so the two cannot read an origin
differently. Importable from every layer (like ``game.safetext``): it imports
nothing of ours.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["Origin", "origin_key"]

Origin = tuple[str, str, int]
"""(scheme, host in lower case, port): ``("http", "10.0.0.9", 8000)``."""


def origin_key(url: str | None) -> Origin | None:
    """(scheme, host, port) of a web origin or URL, or None when it is not an http(s) one
    (nothing given, another scheme, no host, or a port that is not a number)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)
