"""The text boundary: nothing from a story, a record or a file name sends an escape
code, a C1 control or a bidirectional override to a terminal.

``tests/fixtures/hostile.yaml`` carries ESC[2J, OSC 52, OSC 8, OSC 0, C1 CSI and
bidi overrides in every kind of text; each path that prints it is run here (the
terminal player and the picker in ``tests/ui/test_hostile_text.py``, the dashboard
in ``tests/classroom/test_dashboard_text.py``).
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game import cli
from game.safetext import clean, is_clean, one_line

ROOT = Path(__file__).resolve().parent
HOSTILE = ROOT / "fixtures" / "hostile.yaml"
HOSTILE_BAD = ROOT / "fixtures" / "hostile_bad.yaml"

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What must never reach a terminal (written independently of game.safetext)."""


def assert_safe(text: str) -> None:
    """No escape, C0 (but tab and newline), C1, bidi control or lone surrogate."""
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} at {found.start()}: {text[max(0, found.start() - 40):found.end() + 40]!r}"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STANDING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def main(monkeypatch, capsys, args: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


# -- the function ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("before \x1b[2J\x1b[31mred\x1b[0m after", "before red after"),        # CSI, whole
    ("a\x1b]52;c;aGk=\x07b", "ab"),                                       # OSC 52, BEL
    ("a\x1b]0;title\x1b\\b", "ab"),                                       # OSC 0, ST
    ("a\x1b]8;;http://evil.invalid\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 link
    ("a\x1bPq#0\x1b\\b", "ab"),                                           # DCS
    ("a\x9b2Jb", "ab"),                                                   # C1 CSI
    ("a\x9d0;t\x07b", "ab"),                                              # C1 OSC
    ("a\x85b\x7fc", "abc"),                                               # C1, DEL
    ("a\u202eb\u202ac\u2066d\u2069e", "abcde"),                           # bidi controls
    ("a\ud800b", "ab"),                                                   # lone surrogate
    ("a\rb\x00c\x08d", "abcd"),                                           # C0
    ("tab\tand\nnewline", "tab\tand\nnewline"),                           # kept
    ("שלום\u200f, مرحبا\u061c, x\u200ey", "שלום\u200f, مرحبا\u061c, x\u200ey"),  # marks kept
    ("👩\u200d💻 café 中文", "👩\u200d💻 café 中文"),                          # ZWJ kept
])
def test_clean(text: str, expected: str) -> None:
    assert clean(text) == expected
    assert is_clean(expected) and is_clean(text) == (text == expected)


def test_one_line_also_flattens_lines() -> None:
    assert one_line("a\nb\tc\x1b[2J") == "a b c"


@pytest.mark.parametrize(("text", "kwargs", "expected"), [
    ("zoë\x1b]0;owned\x07 \n\n 中文\u2028x\ty", {}, "zoë 中文 x y"),  # letters of every script stay
    ("  two   spaces\r\n", {}, "two spaces"),
    (ValueError("bad \x1b]52;c;aGk=\x07 thing"), {}, "bad thing"),        # any object, str()-ed
    ("abcdefghij", {"limit": 5}, "abcd…"),
    ("abcd efghij", {"limit": 6}, "abcd…"),                              # no space before the mark
    ("abcdefghij", {"limit": 10}, "abcdefghij"),
    ("zoë 中文", {"encoding": "latin-1"}, "zoë ??"),                      # an HTTP header
    ("zoë 中文", {"encoding": "ascii"}, "zo? ??"),
    ("zoë abcdefghij", {"limit": 8, "encoding": "ascii"}, "zo? a..."),   # "…" said in ASCII
    ("zoë", {"encoding": "no-such-codec"}, "zo?"),
    ("abc", {"limit": 0}, ""),
])
def test_one_line_is_the_line_both_class_servers_log(text, kwargs, expected) -> None:
    """One function for the teacher's terminal, in the terminal-in-a-browser server and
    the web reader (each had its own: one turned every letter outside ASCII into "?")."""
    assert one_line(text, **kwargs) == expected


@given(st.text(), st.integers(min_value=0, max_value=40),
       st.sampled_from([None, "utf-8", "latin-1", "ascii", "cp1252"]))
def test_one_line_is_one_clean_line_within_its_limit(text: str, limit: int,
                                                     encoding: str | None) -> None:
    line = one_line(text, limit, encoding=encoding)
    assert_safe(line)
    assert len(line) <= limit and len(line.splitlines()) <= 1 and "\t" not in line
    if encoding is not None:
        line.encode(encoding)  # never raises
    assert one_line(line, limit, encoding=encoding) == line


@given(st.text())
def test_clean_leaves_nothing_unsafe_and_is_idempotent(text: str) -> None:
    cleaned = clean(text)
    assert_safe(cleaned)
    assert clean(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_clean_keeps_text_without_controls(text: str) -> None:
    bidi = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
    assert clean(text) == bidi.sub("", text)


# -- the loader: cleaned at load time, check says where -----------------------------------


def test_every_story_text_is_clean_after_loading() -> None:
    from game.story.loader import load_story

    story = load_story(HOSTILE)
    assert story.title == "Hostile Title"
    assert story.summary == "A summary link here"
    assert story.author == "Mallory"
    scene = story.scenes["start"]
    assert scene.chapter == "Day One"
    assert scene.text[0].text.source == "Hello {name}. Story text end"
    assert scene.choices[0].text.source == "Comply now"
    assert story.rating.name == "Score"
    assert [t.label for t in story.rating.tiers] == ["Top", "Low"]
    assert story.scenes["end"].ending.title.source == "The end"
    assert story.debrief == ("Who watched you?",)
    assert story.vars["name"] == "Eve"


def test_check_warns_at_each_value_that_held_control_characters(monkeypatch, capsys) -> None:
    code, out, err = main(monkeypatch, capsys, ["check", str(HOSTILE)])
    assert_safe(out + err)
    warned = [line for line in out.splitlines() if "control characters removed" in line]
    text = HOSTILE.read_text(encoding="utf-8").splitlines()
    places = {(n, line.index('"') + 1) for n, line in enumerate(text, 1)
              if not line.startswith("#")
              and ("\\e" in line or "\\x" in line or "\\u20" in line)}
    found = set()
    for line in warned:
        file, row, column, _rest = line.split(":", 3)
        assert file == str(HOSTILE)
        found.add((int(row), int(column)))
    # Every line holding an escape is warned at its value (the value may start at a
    # key's quote or at the first of several quoted values on the line).
    assert {row for row, _ in found} == {row for row, _ in places}
    assert (6, 8) in found  # title: "Hostile ..." at its opening quote
    assert code == 0 and "24 warnings" in out


def test_check_json_names_the_warning_code(monkeypatch, capsys) -> None:
    code, out, _ = main(monkeypatch, capsys, ["check", "--format", "json", str(HOSTILE)])
    doc = json.loads(out)
    codes = {d["code"] for d in doc["diagnostics"]}
    assert "control-characters" in codes and code == 0


def test_check_strict_fails_on_the_warning(monkeypatch, capsys) -> None:
    code, _, _ = main(monkeypatch, capsys, ["check", "--strict", str(HOSTILE)])
    assert code == 1


# -- every printing path ------------------------------------------------------------------


def test_run_prints_nothing_unsafe(monkeypatch, capsys) -> None:
    code, out, err = main(monkeypatch, capsys, ["run", str(HOSTILE), "--choices", "1,2"])
    assert code == 0, err
    assert_safe(out + err)
    assert "Hello Eve. Story text end" in out and "Phone buzz" in out
    assert "The end" in out and "Who watched you?" in out
    assert "Bad deed" in out and "Watchlist" in out


def test_run_json_prints_nothing_unsafe(monkeypatch, capsys) -> None:
    code, out, err = main(monkeypatch, capsys, ["run", str(HOSTILE), "--choices", "1,2",
                                                "--json"])
    assert code == 0, err
    assert_safe(out + err)


def test_a_locked_choice_error_quotes_the_story_cleanly(monkeypatch, capsys) -> None:
    code, out, err = main(monkeypatch, capsys, ["run", str(HOSTILE), "--choices", "1,1"])
    assert code == 2
    assert_safe(out + err)
    assert "is locked: Refused by rail" in err


def test_errors_quoting_bad_names_are_clean(monkeypatch, capsys) -> None:
    for command in (["check", str(HOSTILE_BAD)], ["run", str(HOSTILE_BAD)],
                    ["play", "--plain", str(HOSTILE_BAD)]):
        code, out, err = main(monkeypatch, capsys, command)
        assert code == 2, command
        assert_safe(out + err)
        assert "'Start Here' is not a valid id in scenes" in out + err
        assert "start names no scene: 'Start Here'" in out + err
        assert "'nowhere'" in out + err


def test_plain_play_prints_nothing_unsafe(monkeypatch, capsys) -> None:
    code, out, err = main(monkeypatch, capsys, ["play", "--plain", "--new", str(HOSTILE)],
                          stdin="1\n1\n2\n")
    assert code == 0, err
    assert_safe(out + err)
    assert "Hostile Title" in out and "Hello Eve. Story text end" in out
    assert "Refused by rail" in out and "THE END: The end" in out


def test_plain_picker_and_list_print_nothing_unsafe(monkeypatch, capsys, tmp_path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "hostile.yaml").write_text(HOSTILE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken\x1b]0;x\x07\u202e.yaml").write_text(
        HOSTILE_BAD.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = main(monkeypatch, capsys, ["--stories", str(folder), "list"])
    assert code == 0
    assert_safe(out + err)
    assert "hostile: Hostile Title" in out and "A summary link here" in out
    assert "broken.yaml: does not load" in out
    code, out, err = main(monkeypatch, capsys, ["--stories", str(folder), "--plain"],
                          stdin="q\n")
    assert code == 0
    assert_safe(out + err)
    assert "Hostile Title" in out


def test_a_title_with_line_breaks_stays_on_its_line(monkeypatch, capsys, tmp_path) -> None:
    """``clean`` keeps newlines: a title or label with one forged a line of ``list``, of the
    picker and of the city table (a fake story, a fake row)."""
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "forged.yaml").write_text(
        'title: "Forged\\nfake: Not A Story (en)\\u2028end"\nid: forged\n'
        'population: {count: 100, label: "people\\nEndings:"}\n'
        "scenes:\n  start:\n    text: Hi.\n"
        '    ending: {title: "Out\\n  Fake   99.9 %", kind: good}\n', encoding="utf-8")
    code, out, err = main(monkeypatch, capsys, ["--stories", str(folder), "list"])
    assert code == 0 and "forged: Forged fake: Not A Story (en) end (en)" in out.splitlines()
    assert not [line for line in out.splitlines() if line.startswith("fake")]
    code, out, err = main(monkeypatch, capsys, ["--stories", str(folder), "--plain"],
                          stdin="q\n")
    forged = [line for line in out.splitlines() if "Forged" in line]
    assert len(forged) == 1 and forged[0].endswith(". Forged fake: Not A Story (en) end")
    assert not [line for line in out.splitlines() if line.startswith("fake")]
    code, out, err = main(monkeypatch, capsys, ["city", str(folder / "forged.yaml"), "--runs",
                                                "10", "--jobs", "1"])
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Forged fake: Not A Story (en) end (forged): 10 sampled lives")
    assert lines[1] == "scaled to 100 people Endings:"
    assert [line for line in lines if "Fake" in line] == [
        "  Out Fake 99.9 %  100.0 % (72.2–100.0)  ~         100 (72–100)"]


def test_a_file_name_with_escapes_is_quoted_cleanly_by_check(monkeypatch, capsys,
                                                              tmp_path) -> None:
    path = tmp_path / "evil\x1b[2J\u202e.yaml"
    path.write_text(HOSTILE.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = main(monkeypatch, capsys, ["check", str(path)])
    assert_safe(out + err)
    assert "evil.yaml:6:8: warning: control characters removed" in out


def test_a_runtime_error_names_the_scene_cleanly(monkeypatch, capsys, tmp_path) -> None:
    path = tmp_path / "fails.yaml"
    path.write_text('title: Fails\nvars: {n: 0}\nscenes:\n'
                    '  "s\\e[2Jtart":\n    text: "x {1 / n} \\e]0;t\\a"\n'
                    '    ending: {title: E, kind: good}\n', encoding="utf-8")
    code, out, err = main(monkeypatch, capsys, ["run", str(path)])
    assert code == 2
    assert_safe(out + err)
    assert "division by zero" in err and "in scene 'start'" in err


def test_serve_banner_prints_nothing_unsafe(monkeypatch, tmp_path) -> None:
    from game.classroom import serve

    class Server:
        def serve(self) -> None:
            pass

    monkeypatch.setattr(serve, "make_server", lambda *args, **kwargs: Server())
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    records = tmp_path / "records\x1b]52;c;aGk=\x07\u202e"
    out = io.StringIO()
    assert serve.run_serve(HOSTILE, None, records, "127.0.0.1", 8765, None, out) == 0
    banner = out.getvalue()
    assert_safe(banner)
    assert "Standing is serving “Hostile Title” to class hostile." in banner
    assert "records" in banner


def test_serve_records_warning_prints_nothing_unsafe(monkeypatch, tmp_path) -> None:
    from game.classroom import serve

    folder = tmp_path / "class\x1b[2J\u202e"
    monkeypatch.setattr(serve, "records_problem", lambda folder: "disk full\x1b]0;x\x07")
    out = io.StringIO()
    serve.RecordsWatch(folder, out).check()
    assert_safe(out.getvalue())
    assert "cannot write class records" in out.getvalue()


def test_report_messages_print_nothing_unsafe(tmp_path) -> None:
    from game.classroom.render import run_report

    sys.path.insert(0, str(ROOT / "classroom"))
    try:
        from class_helpers import FIXTURES, play_session
    finally:
        sys.path.remove(str(ROOT / "classroom"))
    folder = tmp_path / "9b"
    folder.mkdir()
    play_session(folder, "ROBIN-OWL")
    say = io.StringIO()
    out = tmp_path / "report\x1b]0;x\x07\u202e.md"
    assert run_report(folder, out, [FIXTURES], None, say) == 0
    assert_safe(say.getvalue())
    assert "Wrote" in say.getvalue() and "report.md" in say.getvalue()


def test_raw_bidi_characters_and_crlf_files_are_cleaned_too(tmp_path) -> None:
    from game.story.loader import load_story

    warnings: list = []
    raw = tmp_path / "raw.yaml"  # raw characters, not escapes, and Windows line ends
    raw.write_bytes(("title: Raw \u202eeliF\r\nscenes:\r\n  start:\r\n"
                     "    text: \"a\\e[2Jb\"\r\n    ending: {title: E, kind: good}\r\n")
                    .encode("utf-8"))
    story = load_story(raw, warnings=warnings)
    assert story.title == "Raw eliF" and story.scenes["start"].text[0].text.source == "ab"
    assert sorted(str(w.location) for w in warnings) == [f"{raw}:1:8", f"{raw}:4:11"]
    plain = tmp_path / "plain.yaml"  # Windows line ends alone are not control characters
    plain.write_bytes(b"title: Fine\r\nscenes:\r\n  start:\r\n    text: \"a\\tb\"\r\n"
                      b"    ending: {title: E, kind: good}\r\n")
    warnings.clear()
    assert load_story(plain, warnings=warnings).scenes["start"].text[0].text.source == "a\tb"
    assert warnings == []
