"""The web reader is a front end: it imports the engine and the story, never Textual,
the terminal player or the classroom (the CLI wires the class seat in)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_web_reader_imports_no_other_front_end() -> None:
    code = ("import sys, game.web.server, game.web.debrief; "
            "print(sorted(m for m in sys.modules if m.startswith(('textual', 'game.ui', "
            "'game.classroom', 'game.plain', 'game.authoring'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


async def test_every_form_answers_with_a_redirect(tmp_path: Path) -> None:
    from aiohttp.test_utils import TestClient, TestServer
    from web_helpers import story

    from game.web.server import WebReader

    async with TestClient(TestServer(WebReader(story(), seats=2, seed=1).app())) as client:
        await client.get("/")
        origin = str(client.make_url("/")).rstrip("/")
        for path, data in (("/poll", {"option": "0"}), ("/choose", {"n": "1"}),
                           ("/continue", {}), ("/undo", {}), ("/again", {}),
                           ("/rewind", {"step": "0"})):
            response = await client.post(path, data=data, headers={"Origin": origin},
                                         allow_redirects=False)
            assert response.status == 303 and response.headers["Location"] == "/#now", path
