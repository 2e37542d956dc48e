"""Every printed page is offline and inert: no script, no request, story text escaped."""

from __future__ import annotations

import pytest

from game.story.loader import load_story
from game.teaching.data import load_story_data, load_unit_data
from game.teaching.gamebook import build_gamebook
from game.teaching.handouts import story_handouts, write_unit_handouts
from game.teaching.html import ALLOWED_TAGS, h
from teaching_helpers import STORIES, TAUGHT, Tree, story

FORBIDDEN = {"script", "link", "img", "iframe", "object", "embed", "base", "form", "audio",
             "video", "source", "svg", "frame", "input", "button"}


def assert_offline(html: str) -> Tree:
    tree = Tree(html)
    tags = {tag for tag, _ in tree.tags}
    assert not tags & FORBIDDEN, tags & FORBIDDEN
    assert tags <= ALLOWED_TAGS
    for tag, attrs in tree.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "style", "action", "formaction", "background")
            if name == "href":
                assert value.startswith("#"), value
    for css in tree.styles:
        assert "url(" not in css and "@import" not in css
    csp = [a["content"] for t, a in tree.tags
           if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    assert "default-src 'none'" in csp[0] and "script-src 'none'" in csp[0]
    return tree


@pytest.mark.parametrize("story_id", TAUGHT)
def test_story_handouts_are_offline(story_id):
    document = story_handouts(story(story_id), load_story_data(story_id), load_unit_data())
    for paper in (None, "a4", "letter"):
        assert_offline(document.html(paper))


def test_unit_handouts_are_offline(load, tmp_path):
    written = write_unit_handouts(load, tmp_path, runs=5)
    assert_offline(written.path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("story_id", tuple(STORIES))
def test_gamebooks_are_offline(story_id):
    assert_offline(build_gamebook(story(story_id)).document.html())


HOSTILE = """\
title: "<b>Bad</b> title"
start: a
scenes:
  a:
    text: "<script>alert(1)</script> and <img src=x onerror=alert(2)> and **bold**"
    choices:
      - text: "Go <a href='http://example.com/x'>on</a>"
        goto: b
  b:
    text: "</section><style>body{{background:url(http://example.com/t)}}</style>"
    ending: {title: "</p><script>x()</script>", kind: good}
"""


def test_story_text_is_escaped_never_markup(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    html = build_gamebook(load_story(path)).document.html()
    tree = assert_offline(html)
    text = "".join(tree.text)
    assert "<script>alert(1)</script>" in text
    assert "<a href='http://example.com/x'>on</a>" in text
    assert "url(http://example.com/t)" in text  # as text, not as style
    assert "&lt;script&gt;" in html
    # The story's emphasis is the engine's spans, made into elements by us.
    assert "<strong>bold</strong>" in html


def test_the_builder_refuses_what_the_pack_never_writes():
    for tag in ("script", "img", "iframe", "link"):
        with pytest.raises(ValueError):
            h(tag)
    with pytest.raises(ValueError):
        h("a", href="http://example.com")
    with pytest.raises(ValueError):
        h("div", onclick="x()")
