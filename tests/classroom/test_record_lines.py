"""Every record line is checked against the schema: a bad one is skipped and counted,
never a crash of the report or the dashboard; files and lines are read with bounds."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from class_helpers import lesson, play_session
from game.classroom import lines
from game.ui.dashboard import counts_text, decisions_text
from game.classroom.lines import MAX_FILE, MAX_LINE, BadLine, parse, size_text
from game.classroom.live import class_choices, live_numbers
from game.classroom.render import to_csv, to_html, to_markdown
from game.classroom.report import build_report
from game.classroom.sessions import read_class, read_session
from game.safetext import clean, is_clean


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> Path:
    """Four finished sessions of the lesson."""
    folder = tmp_path_factory.mktemp("played") / "7b"
    folder.mkdir()
    for name, bill, street, after in (("ant", "late", "cross", 2), ("bee", "late", "help", 0),
                                      ("cat", "borrow", "cross", 1), ("dog", "borrow", "wait", 2)):
        play_session(folder, name, bill=bill, street=street, after=after, predict=1)
    return folder


def copy_of(played: Path, where: Path) -> Path:
    folder = where / "7b"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(played, folder)
    return folder


def valid_lines(played: Path) -> list[dict]:
    return [json.loads(line) for line in (played / "ant.jsonl").read_text().splitlines()]


def everything_works(folder: Path, html: bool = True) -> None:
    """The report in every format and the dashboard's numbers, for this folder."""
    records = read_class(folder)
    for story in (lesson(), None):
        report = build_report(records, story, "lesson", per_player=True)
        to_markdown(report)
        to_csv(report)
        if html and story is not None:
            to_html(report)
        numbers = live_numbers(records, story, "lesson")
        decisions_text(numbers)
        counts_text(numbers.report.endings, numbers.report.hidden, "none")
    class_choices(records, lesson())


def append(folder: Path, line: str) -> None:
    with (folder / "ant.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


# -- what the issue found ----------------------------------------------------------------

BAD = {
    "a list where text is expected": {"type": "choice", "step": 3, "scene": ["bill"],
                                      "choice": "late", "text": "x", "tags": []},
    "text as a list": {"type": "choice", "step": 3, "scene": "bill", "choice": "late",
                       "text": ["x"], "tags": []},
    "a tag that is a dict": {"type": "choice", "step": 3, "scene": "bill", "choice": "late",
                             "text": "x", "tags": [{"a": 1}]},
    "a dict ledger label": {"type": "ledger", "step": 3, "day": 0, "scene": "bill",
                            "kind": "rule", "subject": "late", "label": {"x": 1}, "asked": 1,
                            "applied": 1, "score": 1, "source": None, "source_label": None,
                            "explained": True},
    "a list ledger score": {"type": "ledger", "step": 3, "day": 0, "scene": "bill",
                            "kind": "rule", "subject": "late", "label": "x", "asked": 1,
                            "applied": 1, "score": [1], "source": None, "source_label": None,
                            "explained": True},
    "an unknown ledger kind": {"type": "ledger", "step": 3, "day": 0, "scene": "bill",
                               "kind": "hack", "subject": "late", "label": "x", "asked": 1,
                               "applied": 1, "score": 1, "source": None,
                               "source_label": None, "explained": True},
    "option 999999": {"type": "poll", "step": 9, "poll": "fair", "scene": "after",
                      "option": 999999, "text": "x"},
    "a negative option": {"type": "poll", "step": 9, "poll": "fair", "scene": "after",
                          "option": -1, "text": "x"},
    "a step that is true": {"type": "chapter", "step": True, "scene": "x", "chapter": "x"},
    "an undo to a float": {"type": "undo", "to": 1.5},
    "an ending score of 1e308": {"type": "ended", "step": 9, "scene": "after", "title": "T",
                                 "kind": "good", "score": 1e308, "tier": None,
                                 "tier_label": None, "lists": []},
    "an ending title that is a number": {"type": "ended", "step": 9, "scene": "after",
                                         "title": 5, "kind": "good", "score": 1, "tier": None,
                                         "tier_label": None, "lists": []},
    "lists that are text": {"type": "ended", "step": 9, "scene": "after", "title": "T",
                            "kind": "good", "score": 1, "tier": None, "tier_label": None,
                            "lists": "debtors"},
}
RAW_BAD = {
    "NaN": '{"seq":90,"type":"ended","step":9,"scene":"after","title":"T","kind":"good",'
           '"score":NaN,"tier":null,"tier_label":null,"lists":[]}',
    "Infinity": '{"seq":90,"type":"ledger","step":3,"day":0,"scene":"bill","kind":"rule",'
                '"subject":"late","label":"x","asked":1,"applied":Infinity,"score":1,'
                '"source":null,"source_label":null,"explained":true}',
    "1e400": '{"seq":90,"type":"ended","step":9,"scene":"after","title":"T","kind":"good",'
             '"score":1e400,"tier":null,"tier_label":null,"lists":[]}',
    "a 5,000-digit number": '{"seq":90,"type":"undo","to":' + "9" * 5000 + "}",
    "a huge whole number": '{"seq":90,"type":"undo","to":' + "9" * 40 + "}",
    "deep nesting": '{"seq":90,"type":"choice","tags":' + "[" * 100_000 + "]" * 100_000 + "}",
    "not an object": "[1, 2, 3]",
    "no seq": '{"type":"undo","to":1}',
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_line_is_skipped_and_counted(name: str, played: Path, tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    append(folder, json.dumps({"seq": 90, **BAD[name]}))
    with pytest.raises(BadLine):
        parse(json.dumps({"seq": 90, **BAD[name]}))
    records = read_class(folder)
    assert records.skipped_lines == 1 and len(records.sessions) == 4
    everything_works(folder, html=name.startswith(("an ending", "option")))


@pytest.mark.parametrize("name", sorted(RAW_BAD))
def test_a_line_of_bad_json_numbers_is_skipped(name: str, played: Path, tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    append(folder, RAW_BAD[name])
    with pytest.raises(BadLine):
        parse(RAW_BAD[name])
    assert read_class(folder).skipped_lines == 1
    everything_works(folder, html=name in ("NaN", "1e400"))


def test_a_poll_option_the_story_does_not_have_is_left_out(played: Path, tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    # Valid for the schema (a record does not know the story), not an option of "fair".
    append(folder, json.dumps({"seq": 90, "type": "poll", "step": 9, "poll": "fair",
                               "scene": "after", "option": 7, "text": "x"}))
    report = build_report(read_class(folder), lesson(), "lesson")
    (after,) = [a for p in report.polls for a in p.asks if a.scene == "after"]
    # ant's earlier answer stands; the one naming no option is not counted in n
    assert len(after.options) == 3 and sum(o.count for o in after.options) == after.n == 4
    everything_works(folder)


def test_mathtext_in_an_ending_title_is_only_text(played: Path, tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    for name in ("ant", "bee", "cat"):
        with (folder / f"{name}.jsonl").open("a") as handle:
            handle.write(json.dumps({"seq": 90, "type": "ended", "step": 9, "scene": "odd",
                                     "title": r"$\foo{$ and $x^2$", "kind": "bad",
                                     "score": 3, "tier": None, "tier_label": r"$\bar{$",
                                     "lists": []}) + "\n")
    html = to_html(build_report(read_class(folder), None, "lesson"))
    assert r"$\foo{$ and $x^2$" in html


def test_every_line_the_writer_writes_is_valid(played: Path) -> None:
    for path in played.glob("*.jsonl"):
        for raw in path.read_bytes().splitlines():
            parse(raw)  # raises BadLine if the writer and the schema disagree


# -- any line at all ---------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["<script>", "=1+1", "$\\foo{$", "**a **b", "\x1b[2J"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


@st.composite
def appended_lines(draw, base: list[dict]) -> str:
    """A line that is any JSON, or a valid line with one field changed to anything."""
    if draw(st.booleans()):
        value = draw(json_values)
    else:
        value = dict(draw(st.sampled_from(base)))
        key = draw(st.sampled_from(sorted(value) + ["extra"]))
        value[key] = draw(json_values)
    return json.dumps(value, allow_nan=True)


_BASE: list[dict] = []


@pytest.fixture
def base(played: Path) -> list[dict]:
    if not _BASE:
        _BASE.extend(valid_lines(played))
    return _BASE


def _property(played: Path, tmp_path: Path, base: list[dict], examples: int, html: bool):
    folder = copy_of(played, tmp_path)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(appended_lines(base), min_size=1, max_size=3))
    def check(extra: list[str]) -> None:
        target = folder / "ant.jsonl"
        original = target.read_bytes()
        try:
            append(folder, "\n".join(extra))
            everything_works(folder, html=html)
        finally:
            target.write_bytes(original)

    check()


def test_any_appended_line_leaves_report_and_dashboard_working(played: Path, tmp_path: Path,
                                                               base: list[dict]) -> None:
    _property(played, tmp_path, base, 150, html=False)


def test_any_appended_line_leaves_the_html_report_working(played: Path, tmp_path: Path,
                                                          base: list[dict]) -> None:
    _property(played, tmp_path, base, 6, html=True)  # matplotlib's charts take a while


# -- bounds ------------------------------------------------------------------------------


def test_an_over_long_line_is_skipped_without_being_held(played: Path, tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    append(folder, '{"seq": 90, "type": "undo", "to": 0, "pad": "' + "x" * (3 * MAX_LINE) + '"}')
    append(folder, json.dumps({"seq": 91, "type": "undo", "to": 2}))
    pieces = list(lines.raw_lines(folder / "ant.jsonl"))
    assert pieces.count(None) == 1  # read past in bounded pieces, never as one line
    assert all(len(raw) <= MAX_LINE for raw in pieces if raw is not None)
    session, skipped, why = read_session(folder / "ant.jsonl")
    assert why is None and skipped == 1
    assert len(session.choices) == 1  # the over-long undo (to 0) was skipped, the next read


def test_a_file_over_the_cap_is_not_read(played: Path, tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    with (folder / "huge.jsonl").open("wb") as handle:
        handle.truncate(MAX_FILE + 1)
    records = read_class(folder)
    assert len(records.sessions) == 4
    assert "huge.jsonl: is 20.1 MB; record files may be at most 20 MB" in records.unreadable


def test_sizes_round_up_so_over_the_limit_never_reads_equal() -> None:
    mb = 1024 * 1024
    assert size_text(20 * mb) == "20.0 MB"
    assert size_text(20 * mb + 1) == "20.1 MB"
    assert size_text(200 * mb) == "200.0 MB"
    assert size_text(1) == "0.1 MB"


def test_numbers_past_the_cap_are_refused() -> None:
    line = {"seq": 0, "type": "ended", "step": 1, "scene": "a", "title": "t", "kind": "good",
            "tier": None, "tier_label": None, "lists": []}
    assert parse(json.dumps({**line, "score": -2**53})).score == -2**53
    for bad in (2**53 + 2, -1e300, math.inf):
        with pytest.raises(BadLine):
            parse(json.dumps({**line, "score": bad}, allow_nan=True))


def test_without_the_story_a_poll_lists_only_the_options_picked(played: Path,
                                                                tmp_path: Path) -> None:
    folder = copy_of(played, tmp_path)
    append(folder, json.dumps({"seq": 90, "type": "poll", "step": 9, "poll": "fair",
                               "scene": "after", "option": 999, "text": "x"}))
    report = build_report(read_class(folder), None, "lesson")
    fair = next(p for p in report.polls if p.id == "fair")
    keys = [o.key for o in fair.asks[0].options]
    assert keys == [o.key for o in fair.asks[-1].options]  # the same rows at each asking
    assert "999" in keys and len(keys) <= 4  # not a thousand empty rows


# -- one line format: what the writer encodes, the reader parses back ------------------------

texts = st.text(max_size=40).map(clean)
"""What the writer writes: text from the engine, whose story text the loader cleaned."""
opt_texts = st.none() | texts
steps = st.integers(0, lines.MAX_STEP)
numbers = (st.integers(-2**53, 2**53)
           | st.floats(-lines.MAX_NUMBER, lines.MAX_NUMBER, allow_nan=False))
seeds = st.none() | st.integers(lines.SEED_RANGE.start, lines.SEED_RANGE.stop - 1)
any_line = st.one_of(
    st.builds(lines.Header, st.sampled_from(["joined", "resumed"]), texts, opt_texts, texts,
              opt_texts, opt_texts, opt_texts, st.just(lines.SCHEMA),
              st.sampled_from([None, "bundled", "other"]), st.none(), seeds),
    st.builds(lines.Header, st.just("resumed"), texts, opt_texts, texts, opt_texts, opt_texts,
              opt_texts, st.just(lines.SCHEMA), st.none(), steps, seeds),
    st.builds(lines.ChapterLine, steps, texts, texts),
    st.builds(lines.ChoiceRecord, steps, texts, texts, opt_texts, st.lists(texts).map(tuple)),
    st.builds(lines.PollRecord, steps, texts, texts, st.integers(0, lines.MAX_OPTIONS - 1),
              opt_texts),
    st.builds(lines.Undo, steps),
    st.builds(lines.EndingRecord, steps, texts.filter(bool), texts.filter(bool), texts,
              st.none() | numbers, opt_texts, opt_texts, st.lists(texts).map(tuple)),
    st.builds(lines.LedgerEntry, step=steps, day=steps, scene=texts,
              kind=st.sampled_from(sorted(lines.LEDGER_KINDS)), subject=texts, label=texts,
              asked=numbers, applied=numbers, score=numbers, source=opt_texts,
              source_label=opt_texts, explained=st.booleans(), note=opt_texts,
              mistake=st.booleans()),
)


@settings(max_examples=300, deadline=None, database=None)
@given(any_line, st.integers(0, 2**40))
def test_every_line_round_trips(line, seq: int) -> None:
    raw = json.dumps({"seq": seq, **lines.encode(line)}, ensure_ascii=False)
    assert parse(raw.encode("utf-8")) == line

def test_a_risk_models_ledger_line_round_trips_with_its_features() -> None:
    """Issue 15: a ``model`` entry (risk) is a valid record line, features and all."""
    import json as _json
    from pathlib import Path as _Path

    from game.classroom.lines import encode, parse
    from game.engine.engine import Engine
    from game.story.loader import load_story

    fixture = _Path(__file__).parents[1] / "engine" / "fixtures" / "risk.yaml"
    engine = Engine(load_story(fixture))
    engine.choose(1)
    entry = engine.ledger[-1]
    assert entry.kind == "model" and entry.moved
    assert parse(_json.dumps({"seq": 1, **encode(entry)})) == entry


# -- text from a record reaches terminals, reports and charts: it is read clean -------------

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e"


def test_escape_sequences_in_a_record_never_reach_a_report(played: Path, tmp_path: Path) -> None:
    """A hand-edited record (codename, choice text, tags, ending, ledger label) with a
    screen clear, a window title, a C1 CSI and a bidi override: every report format and the
    dashboard's text get none of it (`cat report.md` would have cleared the teacher's screen)."""
    folder = copy_of(played, tmp_path)
    header = dict(valid_lines(played)[0], codename="eve" + ESCAPES, story_title="T" + ESCAPES)
    rows = [header,
            {"seq": 1, "type": "choice", "step": 1, "scene": "bill", "choice": "late",
             "text": "Pay" + ESCAPES, "tags": ["t" + ESCAPES]},
            {"seq": 2, "type": "ledger", "step": 1, "day": 0, "scene": "bill", "kind": "rule",
             "subject": "late", "label": "Late" + ESCAPES, "asked": -5, "applied": -5,
             "score": 95, "source": "s" + ESCAPES, "source_label": "S" + ESCAPES,
             "explained": True, "note": "n" + ESCAPES},
            {"seq": 3, "type": "ended", "step": 2, "scene": "after", "title": "End" + ESCAPES,
             "kind": "good" + ESCAPES, "score": 95, "tier": "A" + ESCAPES,
             "tier_label": "Top" + ESCAPES, "lists": ["debtors" + ESCAPES]}]
    (folder / "eve.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    records = read_class(folder)
    eve = next(s for s in records.sessions if s.codename.startswith("eve"))
    assert eve.codename == "eve"  # the window title went with its escape
    for text in (eve.codename, eve.choices[0].text, *eve.choices[0].tags, eve.ledger[0].label,
                 eve.ending.title, eve.ending.tier_label, *eve.ending.lists):
        assert is_clean(text) and "\x1b" not in text, repr(text)
    for story in (lesson(), None):
        report = build_report(records, story, "lesson", per_player=True, show_small=True)
        outputs = [to_markdown(report), to_csv(report)]
        if story is not None:
            outputs.append(to_html(report))
        for out in outputs:
            assert "eve" in out
            assert is_clean(out.replace("\t", " ")) and "\x1b" not in out
