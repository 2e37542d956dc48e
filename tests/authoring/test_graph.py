"""``graph``: Mermaid and DOT text, SVG through Graphviz, and escaping untrusted text."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest

from game.authoring import graph
from game.authoring.graph import chapters, dot_text, mermaid_text, to_dot, to_mermaid
from game.cli import main
from game.story.loader import load_story

ROOT = Path(__file__).parent.parent.parent
CONTRACT = ROOT / "tests" / "fixtures" / "contract_example.yaml"
HOSTILE = Path(__file__).parent / "fixtures" / "graph_hostile.yaml"
HAS_DOT = shutil.which("dot") is not None


@pytest.fixture(scope="module")
def contract():
    return load_story(CONTRACT)


@pytest.fixture(scope="module")
def hostile():
    return load_story(HOSTILE)


def test_mermaid_draws_scenes_choices_endings_and_chapters(contract) -> None:
    text = to_mermaid(contract)
    assert text.startswith("flowchart TD\n")
    assert '  subgraph ch0["Monday"]' in text
    assert '    s_alarm["alarm"]' in text
    assert '    s_home(["home: Home for the weekend (good)"])' in text
    assert '  s_alarm -->|"Run across the road to catch the bus"| s_office' in text
    assert "  s_late --> s_office" in text  # a goto: no label
    assert '  s_office -.->|"Buy a train ticket home for the weekend"| s_home' in text
    assert "  class s_home good" in text and "  class s_weekend_end mixed" in text
    assert "classDef bad fill:" in text


def test_dot_draws_the_same(contract) -> None:
    text = to_dot(contract)
    assert text.startswith('digraph "contract_example" {')
    assert "subgraph cluster_0 {" in text and 'label="Monday"' in text
    assert '"office" -> "home" [label="Buy a train ticket home for the weekend", style=dashed];' in text
    assert '"alarm" -> "late" [label="Wait for the green light"];' in text
    assert '"late" -> "office";' in text
    assert re.search(r'"home" \[label="home\\nHome for the weekend \(good\)", shape=doubleoctagon, '
                     r'fillcolor="#c8e6c9"', text)
    assert text.count("{") == text.count("}")


def test_chapters_follow_file_order(hostile) -> None:
    groups = chapters(hostile)
    assert [title for title, _ in groups] == [None, 'Part "one" ]}', "Part two"]
    assert groups[0][1] == ["end"]


def test_untrusted_text_cannot_break_out_of_mermaid(hostile) -> None:
    text = to_mermaid(hostile)
    for line in text.splitlines()[1:]:
        # Every quoted label holds no quote, bracket, pipe, backtick, brace or newline.
        for label in re.findall(r'"([^"]*)"', line):
            assert not set(label) & set('"[]{}()|`<>\n') - set("()"), line
        assert line.count('"') % 2 == 0, line
    assert "s_end" in text  # the keyword 'end' is never a bare node id
    assert "#34;" in text and "#124;" in text and "#96;" in text
    assert "#60;b#62;x#60;/b#62;" in text


def test_untrusted_text_cannot_break_out_of_dot(hostile) -> None:
    text = to_dot(hostile)
    for line in text.splitlines():
        stripped = re.sub(r'\\\\|\\"', "", line)  # drop escaped pairs
        assert stripped.count('"') % 2 == 0, line
    assert '\\\\n' in text  # a backslash-n in a story stays text, never a newline
    assert dot_text('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c d'
    assert mermaid_text('a "b" | c') == "a #34;b#34; #124; c"


def test_long_labels_are_cut(hostile) -> None:
    text = to_mermaid(hostile)
    assert "…" not in text or "#8230;" in text
    longest = max(len(x) for x in re.findall(r'\|"([^"]*)"\|', text))
    assert longest < 200


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot_text(contract, hostile) -> None:
    for story in (contract, hostile):
        done = subprocess.run(["dot", "-Tsvg"], input=to_dot(story), capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "<svg" in done.stdout


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz is not installed")
def test_svg_format_writes_a_file(tmp_path, capsys) -> None:
    out = tmp_path / "story.svg"
    assert main(["graph", str(CONTRACT), "--format", "svg", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "wrote" in capsys.readouterr().out


def test_svg_without_graphviz_is_one_clear_line(monkeypatch, capsys) -> None:
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert main(["graph", str(CONTRACT), "--format", "svg"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "install Graphviz" in err and "--format dot" in err


def test_cli_prints_mermaid_by_default(capsys) -> None:
    assert main(["graph", str(CONTRACT)]) == 0
    assert capsys.readouterr().out.startswith("flowchart TD")
    assert main(["graph", str(CONTRACT), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph")


def test_a_broken_story_is_reported_not_drawn(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nscenes:\n  a:\n    goto: nowhere\n", encoding="utf-8")
    assert main(["graph", str(bad)]) == 2
    assert "bad.yaml:4:11" in capsys.readouterr().err


def test_run_graph_output(tmp_path) -> None:
    target = tmp_path / "g.mmd"
    out = StringIO()
    assert graph.run_graph(CONTRACT, out, "mermaid", target) == 0
    assert target.read_text(encoding="utf-8").startswith("flowchart TD")
