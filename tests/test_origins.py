"""Web origins (game/origins.py): the one key both class servers compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.origins import origin_key

GAME = Path(__file__).resolve().parents[1] / "game"


@pytest.mark.parametrize("url, key", [
    ("http://10.0.0.9:8000", ("http", "10.0.0.9", 8000)),
    ("http://10.0.0.9:8000/play?x=1", ("http", "10.0.0.9", 8000)),
    ("  HTTP://Class.School.Example  ", ("http", "class.school.example", 80)),
    ("https://class.school.example", ("https", "class.school.example", 443)),
    ("https://class.school.example:443", ("https", "class.school.example", 443)),
    ("http://[::1]:8000", ("http", "::1", 8000)),
])
def test_an_http_origin_becomes_scheme_host_and_port(url, key):
    assert origin_key(url) == key


@pytest.mark.parametrize("url", [
    None, "", "null", "ftp://host", "file:///etc/passwd", "http://", "http://:80",
    "http://host:99999", "http://host:port", "javascript:alert(1)", "http://[::1",
])
def test_anything_else_has_no_key(url):
    assert origin_key(url) is None


def test_both_servers_use_this_one():
    """The classroom's terminal server and the web reader compare the same keys (no copy)."""
    from game.classroom import bounds, server
    from game.web import server as web_server

    assert bounds.origin_key is server.origin_key is web_server.origin_key is origin_key
    copies = [str(p.relative_to(GAME)) for p in GAME.rglob("*.py")
              if "def origin_key(" in p.read_text(encoding="utf-8")]
    assert copies == ["origins.py"]
