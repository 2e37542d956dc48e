"""No text from a story or a record becomes markup in the report (HTML or Markdown)."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from class_helpers import lesson, play_session
from game.classroom.lines import SCHEMA
from game.classroom.render import md, to_html, to_markdown, write_report
from game.classroom.report import build_report
from game.classroom.report_html import CSP, Bar, _table
from game.classroom.sessions import read_class

PAYLOAD = '<span class="bar"><img src=x onerror=alert(1)><script>alert(2)</script>'
"""What a hostile story author or student writes where text is expected."""

# Tags a report may hold: its own, and those of matplotlib's inline SVG charts.
ALLOWED = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "ol", "li",
    "nav", "a", "section", "code", "strong", "table", "caption", "thead", "tbody", "tr", "th",
    "td", "span", "div", "figure",
    "svg", "defs", "g", "path", "use", "clippath", "rect", "metadata", "rdf:rdf", "cc:work",
    "dc:type", "dc:date", "dc:format", "dc:creator", "dc:title", "cc:agent",
}


class Tags(HTMLParser):
    """Every start tag in a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def live_markup(html: str) -> list[str]:
    """What in a page could run or fetch: unknown tags, event handlers, outside links."""
    parser = Tags()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag not in ALLOWED:
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or (name.endswith("href") and not (value or "").startswith("#")):
                found.append(f"{tag} {name}={value}")
    return found


def assert_inert(html: str, markdown: str) -> None:
    assert live_markup(html) == []
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    # Markdown passes raw HTML through: no `<` may open a tag, comment or autolink.
    assert not re.search(r"<[A-Za-z/!?]", markdown)


def hostile_lines(codename: str) -> list[dict]:
    """A session whose every text field holds the payload."""
    header = {"type": "joined", "format": "standing-record", "schema": SCHEMA,
              "codename": PAYLOAD, "class": PAYLOAD, "story": "evil", "story_title": PAYLOAD,
              "story_version": PAYLOAD, "content_hash": PAYLOAD}
    ledger = {"type": "ledger", "step": 1, "day": 0, "scene": PAYLOAD, "subject": PAYLOAD,
              "label": PAYLOAD, "asked": -1, "applied": -1, "score": 9, "source": PAYLOAD,
              "source_label": PAYLOAD, "explained": False, "note": PAYLOAD, "mistake": True}
    return [
        header,
        {"type": "chapter", "step": 0, "scene": PAYLOAD, "chapter": PAYLOAD},
        {"type": "choice", "step": 1, "scene": PAYLOAD, "choice": PAYLOAD, "text": PAYLOAD,
         "tags": [PAYLOAD]},
        {**ledger, "kind": "rule"}, {**ledger, "kind": "list"}, {**ledger, "kind": "rated"},
        {"type": "poll", "step": 1, "poll": PAYLOAD, "scene": PAYLOAD, "option": 0,
         "text": PAYLOAD},
        {"type": "ended", "step": 1, "scene": PAYLOAD, "title": PAYLOAD, "kind": PAYLOAD,
         "score": 9, "tier": PAYLOAD, "tier_label": PAYLOAD, "lists": [PAYLOAD]},
    ]


def write_class(folder: Path, players: int = 4) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(players):
        lines = [json.dumps({"seq": seq, **line}) for seq, line in
                 enumerate(hostile_lines(f"p{i}"))]
        (folder / f"p{i}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_records_full_of_markup_make_an_inert_report(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "7b")
    report = build_report(read_class(folder), None, "evil", per_player=True, show_small=True)
    html, markdown = to_html(report), to_markdown(report)
    assert_inert(html, markdown)
    # The text is all there, shown as text.
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("&lt;span class=&quot;bar&quot;&gt;") > 10


def test_the_report_command_writes_inert_files(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "7b")
    for name in ("r.html", "r.md"):
        write_report(folder, tmp_path / name, [], per_player=True)
    assert_inert((tmp_path / "r.html").read_text(), (tmp_path / "r.md").read_text())


def _poison(value: object, payload: str = PAYLOAD) -> object:
    """The same value with every piece of text replaced by the payload."""
    if isinstance(value, str):
        return payload
    if isinstance(value, tuple):
        return tuple(_poison(v, payload) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{
            f.name: _poison(getattr(value, f.name), payload) for f in dataclasses.fields(value)
            if f.init})
    return value


def test_every_text_field_of_the_report_is_escaped(tmp_path: Path) -> None:
    """Whatever field a future section reads, its text is escaped in both formats."""
    folder = tmp_path / "7b"
    folder.mkdir()
    for name, bill, street in (("ant", "late", "cross"), ("bee", "borrow", "help"),
                               ("cat", "late", None)):
        play_session(folder, name, bill=bill, street=street)
    report = _poison(build_report(read_class(folder), lesson(), "lesson", per_player=True,
                                  show_small=True))
    assert report.players[0].codename == PAYLOAD
    assert_inert(to_html(report), to_markdown(report))


def test_a_cell_is_markup_only_by_its_type() -> None:
    looks_like_a_bar = '<span class="bar"><span style="width:50%"></span></span>'
    table = _table(["a", "b"], [[looks_like_a_bar, Bar(50)]])
    assert table.count('<td class="bar">') == 1
    assert "&lt;span class=&quot;bar&quot;&gt;" in table
    assert _table(["a"], [[Bar(250)]]).count("width:100%") == 1  # a bar never overflows
    with pytest.raises(TypeError):
        _table(["a"], [[3]])  # a number is formatted to text first, by its section


def test_markdown_escaping_keeps_plain_text_readable() -> None:
    assert md("<3") == "<3"
    assert md("a | b") == "a \\| b"
    assert md("<img src=x>") == "&lt;img src=x>"
    assert md("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert md("&lt;b&gt;") == "&amp;lt;b&amp;gt;"
    assert md("one\ntwo") == "one two"


# -- the CSV report: no formulas ---------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "+SUM(A1:A2)", "-2+3",
            "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_cells_are_decided_by_type() -> None:
    from game.classroom.render import csv_cell

    for text in FORMULAS:
        assert csv_cell(text) == "'" + text
    assert csv_cell(-20) == -20 and csv_cell(-2.5) == -2.5 and csv_cell(0) == 0
    assert csv_cell("-20") == "'-20"  # text that looks like a number is still text
    assert csv_cell("Paid a bill late") == "Paid a bill late"
    assert csv_cell(float("nan")) == "" and csv_cell(None) == ""
    with pytest.raises(TypeError):
        csv_cell([1])


def test_no_csv_cell_from_a_story_or_record_is_a_formula(tmp_path: Path) -> None:
    import csv
    import io

    from game.classroom.render import to_csv

    folder = tmp_path / "7b"
    folder.mkdir()
    for name, bill, street in (("ant", "late", "cross"), ("bee", "borrow", "help"),
                               ("cat", "late", None)):
        play_session(folder, name, bill=bill, street=street)
    report = build_report(read_class(folder), lesson(), "lesson", per_player=True,
                          show_small=True)
    for formula in FORMULAS:
        text = to_csv(_poison(report, formula))
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                # a leading minus only on a real number
                assert not cell.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?", cell), cell
    # Real negative numbers stay numbers: the lesson's rules take points away.
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert any(row[0] == "rule" and "total -" in row[3] for row in rows)
    score = {row[1]: row[3] for row in rows if row[0] == "player" and row[2] == "score"}
    assert score.pop("cat") == ""  # cat has not finished: no final score
    assert score and all(re.fullmatch(r"-?\d+(\.\d+)?", cell) for cell in score.values())


def test_a_story_full_of_markup_played_by_a_class_makes_an_inert_report(tmp_path: Path) -> None:
    """The issue's case: a story whose choice, ending, labels and poll option hold markup."""
    from class_helpers import LESSON
    from game.classroom.records import RecordWriter
    from game.engine.engine import Engine
    from game.story.loader import load_story

    quoted = PAYLOAD.replace('"', '\\"')
    source = LESSON.read_text()
    for plain in ("text: Pay it late", "title: The week ends", "label: Paid a bill late",
                  "debtors: Debtors' list", "bank: Credit record"):
        key = plain.split(":")[0]
        source = source.replace(plain, f'{key}: "{quoted}"')
    source = source.replace("options: [Yes, Sometimes, No]", f'options: ["{quoted}", B, C]')
    story_path = tmp_path / "evil.yaml"
    story_path.write_text(source)
    story = load_story(story_path)
    folder = tmp_path / "7b"
    for name in ("ant", "bee", "cat"):
        engine = Engine(story, seed=1)
        writer = RecordWriter.create(folder, name, "7b")
        writer.attach(engine)
        engine.answer_poll(0)
        engine.proceed()
        engine.answer_poll(1)
        engine.take("late")
        engine.take("cross")
        engine.answer_poll(0)
        writer.close()
    for per_player in (False, True):
        report = build_report(read_class(folder), story, "lesson", per_player=per_player)
        html = to_html(report)
        assert_inert(html, to_markdown(report))
        assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 6
