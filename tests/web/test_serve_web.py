"""``class serve`` serves the web reader by default; ``--terminal`` keeps textual-serve."""

from __future__ import annotations

import io
from pathlib import Path

from web_helpers import STORY

from game import cli
from game.classroom import serve
from game.classroom.serve import run_serve


def test_serve_hands_the_web_reader_the_class_folder_seats_and_origins(tmp_path: Path,
                                                                        monkeypatch) -> None:
    served: list = []

    def web(story, folder, host, port, origins, seats, out, on_start):
        served.append((story.id, folder, host, port, origins, seats, on_start))

    monkeypatch.setattr(serve, "make_server", lambda *a: (_ for _ in ()).throw(AssertionError))
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.4.2")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    out = io.StringIO()
    assert run_serve(STORY, "7b", tmp_path, None, 8123, None, out, 12, web=web) == 0
    ((story_id, folder, host, port, origins, seats, on_start),) = served
    assert (story_id, folder, host, port, seats) == ("reader", tmp_path / "7b",
                                                     "192.168.4.2", 8123, 12)
    assert ("http", "192.168.4.2", 8123) in origins and ("http", "evil.example", 8123) \
        not in origins
    assert on_start is not None  # the records watch runs with the server
    assert "Give the class this address:  http://192.168.4.2:8123" in out.getvalue()


def test_the_cli_picks_the_web_reader_unless_asked_for_the_terminal(monkeypatch) -> None:
    calls: list = []

    def fake_run_serve(*args, web=None, prog=None):
        calls.append(web)
        return 0

    monkeypatch.setattr(serve, "run_serve", fake_run_serve)
    assert cli.main(["class", "serve", str(STORY)]) == 0
    assert cli.main(["class", "serve", str(STORY), "--terminal"]) == 0
    from game.launch import serve_web

    assert calls == [serve_web, None]


def test_a_title_with_line_breaks_and_escapes_is_one_line_in_the_banner(tmp_path: Path,
                                                                         monkeypatch) -> None:
    """A story title is the story's author's: it must not forge a line of the teacher's
    terminal (nor set its title); its letters stay."""
    story = tmp_path / "evil.yaml"
    story.write_text('title: "Évil\\nServing stopped.\\u2028\\e]0;owned\\a 中"\nid: evil\n'
                     "scenes:\n  start:\n    text: Hi.\n    ending: {title: End, kind: good}\n",
                     encoding="utf-8")
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.4.2")
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    out = io.StringIO()
    assert run_serve(story, "7b", tmp_path, None, 8123, None, out, 12,
                     web=lambda *args: None) == 0
    first = out.getvalue().splitlines()[0]
    assert first == "Standing is serving “Évil Serving stopped. 中” to class 7b."
