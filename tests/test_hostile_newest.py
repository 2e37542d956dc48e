"""The newest inputs as an attacker writes them: a story whose variant labels and population
carry terminal escapes, Textual markup and HTML, through every output that shows them (the
whatif table and JSON, the city table, SVG and HTML, the class report's "Under other
systems"). Nothing escapes as markup, nothing reaches a terminal as an escape."""

from __future__ import annotations

import json
import xml.dom.minidom
from html.parser import HTMLParser
from pathlib import Path

import pytest

from game.cli import main
from game.safetext import is_clean

ROOT = Path(__file__).resolve().parent
EVIL = "[bold red]X[/] \\e[2J\\e]0;owned\\a<script>alert(1)</script>&amp;]]>"
STORY = ROOT / "fixtures" / "variants.yaml"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    text = STORY.read_text(encoding="utf-8").replace(
        "variants:\n",
        f'population: {{count: 5000, label: "{EVIL} residents"}}\nvariants:\n'
        f'  evil:\n    label: "{EVIL}"\n    rating: {{explain: true}}\n', 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


class Tags(HTMLParser):
    """Every start tag in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)


def test_whatif_prints_the_label_as_text(capsys, hostile: Path) -> None:
    code, out, err = cli(capsys, "whatif", hostile, "--choices", "cross,borrow,walk")
    assert code == 0 and err == "" and is_clean(out)
    # Variants are named by their labels (ids only with --ids), printed as text.
    assert "[bold red]X[/] <script>alert(1)</script>&amp;]]>: same score" in out
    code, out, _ = cli(capsys, "whatif", hostile, "--choices", "cross,borrow,walk", "--json")
    labels = [v["label"] for v in json.loads(out)["variants"]]
    assert "[bold red]X[/] <script>alert(1)</script>&amp;]]>" in labels


def test_city_table_svg_and_html_hold_the_label_as_text(capsys, tmp_path: Path,
                                                        hostile: Path) -> None:
    code, out, _ = cli(capsys, "city", hostile, "--runs", 200, "--variant", "evil",
                       "--jobs", 1, "--out", tmp_path / "c.svg")
    assert code == 0 and is_clean(out)
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    document = xml.dom.minidom.parseString(svg)  # well-formed: the label broke nothing out
    assert not document.getElementsByTagName("script")
    assert "&lt;script&gt;" in svg and is_clean(svg)
    assert cli(capsys, "city", hostile, "--runs", 200, "--jobs", 1,
               "--out", tmp_path / "c.html")[0] == 0
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    tags = Tags()
    tags.feed(page)
    assert "script" not in tags.tags and is_clean(page)


def test_the_class_report_under_other_systems_holds_the_label_as_text(
        capsys, tmp_path: Path, hostile: Path) -> None:
    from game.classroom.records import mark_class_folder
    from game.story.loader import load_story
    from tests.classroom.class_helpers import record_paths

    folder = tmp_path / "records" / "7h"
    mark_class_folder(folder)
    record_paths(folder, load_story(hostile), {"ann": ("cross", "continue", "borrow", "walk"),
                                              "ben": ("wait", "continue", "save", "train"),
                                              "cy": ("cross", "continue", "save", "walk")})
    for suffix in ("html", "md", "csv"):
        out = tmp_path / f"report.{suffix}"
        code, said, err = cli(capsys, "report", folder, "--story", hostile, "--out", out)
        assert code == 0, err
        text = out.read_text(encoding="utf-8")
        assert is_clean(text.replace("\t", " ")), suffix
        if suffix == "html":
            tags = Tags()
            tags.feed(text)
            assert "script" not in tags.tags
            assert "[bold red]X[/] &lt;script&gt;alert(1)&lt;/script&gt;" in text
