"""``import``: Twee 3 files become stories that load, with one warning per untranslatable passage."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from game.authoring.check import check_path
from game.authoring.schema import build_schema
from game.authoring.twee import (
    escape_braces,
    find_links,
    import_twee,
    macros_in,
    parse_twee,
    scene_id,
)
from game.cli import main
from game.engine.engine import Engine
from game.story.loader import load_story

FIXTURES = Path(__file__).parent / "fixtures" / "twee"
IMPORTABLE = sorted(p.name for p in FIXTURES.glob("*.twee")
                    if p.name not in ("data_only.twee", "no_passages.twee"))


def imported(tmp_path: Path, name: str) -> tuple[dict, list[str], Path]:
    """Import a fixture: (the YAML as data, the warning lines, the written path)."""
    source = tmp_path / name
    shutil.copy(FIXTURES / name, source)
    out, err = io.StringIO(), io.StringIO()
    assert import_twee(source, out, err=err) == 0
    target = source.with_suffix(".yaml")
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    return data, err.getvalue().splitlines(), target


def warnings_about(lines: list[str], code_words: str) -> list[str]:
    return [line for line in lines if code_words in line]


@pytest.mark.parametrize("name", IMPORTABLE)
def test_every_fixture_imports_to_a_story_that_passes_check(tmp_path: Path, name: str) -> None:
    _, _, target = imported(tmp_path, name)
    load_story(target)
    _, diagnostics = check_path(target)
    assert [str(d) for d in diagnostics if d.severity == "error"] == []
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(build_schema()).iter_errors(data)) == []


@pytest.mark.parametrize("name", IMPORTABLE)
def test_every_imported_story_plays_to_an_ending(tmp_path: Path, name: str) -> None:
    _, _, target = imported(tmp_path, name)
    engine = Engine(load_story(target), seed=1)
    for _ in range(30):
        if engine.ended:
            break
        engine.take(engine.view().open_choices[-1].id)
    assert engine.ended


def test_title_start_tags_metadata_and_the_four_link_forms(tmp_path: Path) -> None:
    data, warnings, target = imported(tmp_path, "basic.twee")
    assert warnings == []
    assert data["title"] == "The Night Bus"
    assert data["start"] == "bus_stop"  # from StoryData, not the first passage
    assert list(data["scenes"])[0] == "bus_stop"
    stop = data["scenes"]["bus_stop"]
    assert [(c["text"], c["goto"]) for c in stop["choices"]] == [
        ("fare", "fare"),                    # [[fare->Fare]] inline
        ("wait", "wait"),                    # [[wait]]
        ("Walk home instead", "walk_home"),  # [[Text|Target]]
        ("Show your pass", "fare"),          # [[Target<-Text]]
    ]
    # inline links keep their words; a line of links only becomes the choices
    assert stop["text"].endswith("Ask the driver about the fare or just wait.")
    assert "[[" not in stop["text"] and "instead" not in stop["text"]
    fare = data["scenes"]["fare"]
    assert fare["text"] == "The driver scans your pass. The light turns red."
    assert [c["goto"] for c in fare["choices"]] == ["argue", "home"]
    assert data["scenes"]["argue"]["ending"] == {"title": "Argue", "kind": "bad"}
    assert data["scenes"]["walk_home"]["ending"]["kind"] == "good"
    assert data["scenes"]["home"]["ending"]["kind"] == "mixed"  # no tag: mixed
    header = target.read_text(encoding="utf-8").splitlines()
    assert "#   Bus Stop -> bus_stop" in header
    assert "renamed" not in data


def test_escaped_names_and_scene_ids(tmp_path: Path) -> None:
    data, warnings, target = imported(tmp_path, "escapes.twee")
    assert warnings == []
    scenes = data["scenes"]
    assert list(scenes) == ["room_1", "a_curly_door", "back_slash", "p_1st_floor", "cafe",
                            "passage", "the_end", "the_end_2"]
    assert scenes["a_curly_door"]["ending"]["title"] == "A {{curly}} door"
    assert scenes["back_slash"]["ending"]["title"] == "Back\\slash"
    assert scenes["passage"]["ending"]["title"] == "日本"
    room = scenes["room_1"]
    assert ":: this line began with two colons" in room["text"]
    texts = [c["text"] for c in room["choices"]]
    assert texts[0] == "Open the {{curly}} door"
    # "The end" and "The end!" slug alike: the second gets its own id
    assert room["choices"][-1] == {"text": "The end!", "id": "the_end_2", "goto": "the_end_2"}
    assert load_story(target).start == "room_1"


def test_braces_in_text_are_literal_after_import(tmp_path: Path, capsys) -> None:
    _, _, target = imported(tmp_path, "escapes.twee")
    assert main(["run", str(target), "--choices", "1"]) == 0
    out = capsys.readouterr().out
    assert "Open the {curly} door" in out
    assert "A door with braces: {curly} and }{ and {{double}}." in out


def test_harlowe_sets_prints_and_conditions_are_translated(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, "harlowe.twee")
    macro_warnings = warnings_about(warnings, "story-format code")
    assert len(macro_warnings) == 1  # Train's (link-goto:); Start's code is all translated
    assert "(link-goto:)" in macro_warnings[0]
    # at the code itself (line 19, column 43), not the passage header (line 18)
    assert macro_warnings[0].startswith(f"{tmp_path / 'harlowe.twee'}:19:43: warning:")
    assert data["vars"] == {"score_var": 0, "name": ""}  # $score: score is a built-in name
    start = data["scenes"]["start"]
    assert start["do"] == [{"set": {"score_var": 1000}}, {"set": {"name": "'Li'"}}]
    assert start["text"][:3] == [
        "Your score is {score_var}.",
        {"if": "score_var > 900", "text": "You may board. {name}"},
        {"if": "not (score_var > 900)", "text": "You may not."},
    ]
    assert "{{\n  Collapsed whitespace.\n}}" in start["text"][3]
    assert data["scenes"]["train"]["do"] == [{"add": {"score_var": 10}}]


def test_sugarcube_init_setters_conditions_and_special_passages(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, "sugarcube.twee")
    assert list(data["scenes"]) == ["start", "bank", "home"]
    assert data["author"] == "Jane Teacher"  # from StoryAuthor
    skipped = warnings_about(warnings, "it is not a scene")
    assert [w.split("'")[1] for w in skipped] == [
        "StoryAuthor", "Story JavaScript", "Story Stylesheet"]
    assert data["vars"] == {"credit": 600, "applied": False}  # StoryInit's <<set>>
    start = data["scenes"]["start"]
    assert start["text"] == [{"if": "credit < 700", "text": "Your credit is low."},
                             {"if": "not (credit < 700)", "text": "Your credit is fine."}]
    assert start["choices"][0] == {"text": "Apply for a loan",
                                   "do": [{"set": {"applied": True}}], "goto": "bank"}
    assert data["scenes"]["bank"]["do"] == [{"add": {"credit": -50}}]
    assert data["scenes"]["home"]["text"] == "Home. {credit}"
    assert warnings_about(warnings, "story-format code") == []


def test_chapbook_inserts_modifiers_and_vars_section(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, "chapbook.twee")
    assert not [w for w in warnings if "passage 'Start'" in w]
    hall = next(w for w in warnings if "passage 'Hall'" in w and "story-format" in w)
    assert "{back link}, {embed passage}" in hall
    assert len(warnings_about(warnings, "the include of 'Footer' names no passage")) == 1
    start = data["scenes"]["start"]
    assert start["text"] == ["Hello {name}. Your strength is {strength}.",
                             {"if": "strength > 3", "text": "You feel strong."}]
    assert start["do"] == [{"set": {"strength": 5}}, {"set": {"name": "'Ana'"}}]


def test_no_story_data_missing_and_external_links(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, "no_data.twee")
    assert data["title"] == "No data"  # from the file name
    assert data["start"] == "introduction"
    assert len(warnings_about(warnings, "text before the first passage header")) == 1
    assert len(warnings_about(warnings, "metadata is not valid JSON")) == 1
    assert len(warnings_about(warnings, "starting at 'Introduction'")) == 1
    assert len(warnings_about(warnings, "'Nowhere' names no passage")) == 1
    assert len(warnings_about(warnings, "https://example.org/rules leaves the story")) == 1
    # each at its link's line, not the passage header's (3)
    assert warnings_about(warnings, "'Nowhere' names no passage")[0].startswith(
        f"{tmp_path / 'no_data.twee'}:6:1:")
    assert warnings_about(warnings, "leaves the story")[0].startswith(
        f"{tmp_path / 'no_data.twee'}:7:1:")
    intro = data["scenes"]["introduction"]
    assert [c["goto"] for c in intro["choices"]] == ["next"]
    assert "Leave" in intro["text"] and "Read the rules" in intro["text"]


def test_start_defaults_to_the_passage_called_start(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, "start_default.twee")
    assert warnings == []
    assert data["start"] == "start"
    assert list(data["scenes"]) == ["start", "other", "finish"]


@pytest.mark.parametrize("name, message", [
    ("data_only.twee", "data_only.twee:1:1: no story passages found"),
    ("no_passages.twee", "no_passages.twee:1:1: no passages found"),
])
def test_files_without_passages_are_refused(tmp_path: Path, capsys, name: str,
                                            message: str) -> None:
    shutil.copy(FIXTURES / name, tmp_path / name)
    assert main(["import", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 + err.count("warning:")
    assert message in err and "Traceback" not in err
    assert not (tmp_path / name).with_suffix(".yaml").exists()


def test_a_missing_file_is_one_line(tmp_path: Path, capsys) -> None:
    assert main(["import", str(tmp_path / "nope.twee")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.twee'}:1:1: no such file\n"


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "latin1.twee"
    path.write_bytes(":: Start\nCaf\xe9\n".encode("latin-1"))
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {path}:2:4: the file is not UTF-8 text; save it as UTF-8 in your editor\n"


def test_import_refuses_to_overwrite_unless_forced(tmp_path: Path, capsys) -> None:
    source = tmp_path / "basic.twee"
    shutil.copy(FIXTURES / "basic.twee", source)
    (tmp_path / "basic.yaml").write_text("mine", encoding="utf-8")
    assert main(["import", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err
    assert (tmp_path / "basic.yaml").read_text(encoding="utf-8") == "mine"
    assert main(["import", str(source), "--force"]) == 0
    load_story(tmp_path / "basic.yaml")


def test_import_to_stdout_and_to_a_chosen_file(tmp_path: Path, capsys) -> None:
    source = tmp_path / "basic.twee"
    shutil.copy(FIXTURES / "basic.twee", source)
    assert main(["import", str(source), "-o", "-"]) == 0
    printed = capsys.readouterr().out
    assert yaml.safe_load(printed)["title"] == "The Night Bus"
    assert main(["import", str(source), "--output", str(tmp_path / "bus.yaml")]) == 0
    assert load_story(tmp_path / "bus.yaml").id == "bus"


def test_import_never_replaces_its_own_input(tmp_path: Path, capsys) -> None:
    source = tmp_path / "story.yaml"
    shutil.copy(FIXTURES / "basic.twee", source)
    assert main(["import", str(source), "--force"]) == 2
    assert "is the file being imported" in capsys.readouterr().err
    assert source.read_text(encoding="utf-8").startswith(":: StoryTitle")


# -- the pieces ------------------------------------------------------------------------


@pytest.mark.parametrize("source, text, target", [
    ("[[Go]]", "Go", "Go"),
    ("[[Go on->Hall]]", "Go on", "Hall"),
    ("[[Hall<-Go on]]", "Go on", "Hall"),
    ("[[Go on|Hall]]", "Go on", "Hall"),
    ("[[a->b->c]]", "a->b", "c"),            # the rightmost -> divides
    ("[[c<-b<-a]]", "b<-a", "c"),            # the leftmost <- divides
    ("[[Go|Hall][$x to 1]]", "Go", "Hall"),  # a setter is not part of the target
])
def test_link_forms(source: str, text: str, target: str) -> None:
    (link,) = find_links(f"before {source} after")
    assert (link.text, link.target) == (text, target)
    assert link.setter == ("][" in source)


def test_headers_with_tags_metadata_and_escapes() -> None:
    source = (':: Plain\nA\n'
              ':: Tagged [a b\\]c] {"position":"1,2"}\nB\n'
              ':: Name with \\{braces\\} and \\\\ slash {"size":"1,1"}\nC\n'
              ':: \\ Spaced\\  [x]\nD\n'
              '::NoSpace\nE\n\n\n')
    passages, warnings = parse_twee(source, "f.twee")
    assert warnings == []
    assert [(p.name, p.tags, p.text, p.line) for p in passages] == [
        ("Plain", (), "A", 1),
        ("Tagged", ("a", "b]c"), "B", 3),
        ("Name with {braces} and \\ slash", (), "C", 5),
        (" Spaced ", ("x",), "D", 7),
        ("NoSpace", (), "E", 9),
    ]


def test_bad_headers_warn() -> None:
    passages, warnings = parse_twee(":: [tag]\nlost\n:: Open [a b\nX\n:: Odd junk\nY\n", "f.twee")
    assert [p.name for p in passages] == ["Open", "Odd junk"]
    assert [w.code for w in warnings] == ["twee-header", "twee-header"]


def test_duplicate_passages_keep_the_first(tmp_path: Path) -> None:
    path = tmp_path / "dup.twee"
    path.write_text(":: Start\nOne\n:: Start\nTwo\n", encoding="utf-8")
    err = io.StringIO()
    import_twee(path, io.StringIO(), err=err)
    assert "appears twice" in err.getvalue()
    assert yaml.safe_load(path.with_suffix(".yaml").read_text())["scenes"]["start"]["text"] == "One"


def test_scene_ids() -> None:
    taken: set[str] = set()
    assert [scene_id(n, taken) for n in
            ["Start", "start", "The Bus Stop!", "3 a.m.", "Über", "", "   ", "x" * 60]] == [
        "start", "start_2", "the_bus_stop", "p_3_a_m", "uber", "passage", "passage_2",
        "x" * 40]


def test_escape_braces() -> None:
    assert escape_braces("{a} }{ {{b}}") == "{{a}} }}{{ {{{{b}}}}"


def test_macros_follow_the_story_format() -> None:
    text = "(note: prose) <<set $x to 1>> {insert}"
    assert macros_in(text, "sugarcube") == ["<<set>>"]
    assert macros_in(text, "harlowe") == ["(note:)"]
    assert macros_in(text, "") == ["(note:)", "<<set>>", "{insert}"]


def test_yaml_awkward_values_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "awkward.twee"
    path.write_text(
        ":: StoryTitle\nyes\n"
        ":: Start\n- looks like a list: and a key\n  indented line   \n\ttab\n"
        "'quoted' \"double\" # not a comment\n"
        "[[null]]\n[[on->True]]\n"
        ":: null\n@at *star &amp\n"
        ":: True\n%percent\n", encoding="utf-8")
    import_twee(path, io.StringIO(), err=io.StringIO())
    story = load_story(path.with_suffix(".yaml"))
    assert story.title == "yes"
    assert set(story.scenes) == {"start", "null", "true"}
    assert [c.id for c in story.scenes["start"].choices] == ["null", "on"]


@pytest.mark.parametrize("story_format", ["Harlowe", "SugarCube"])
def test_twine_emphasis_becomes_markdown(tmp_path: Path, story_format: str) -> None:
    source = tmp_path / "marks.twee"
    source.write_text(
        ':: StoryTitle\nMarks\n\n'
        f':: StoryData\n{{"format": "{story_format}", "start": "Start"}}\n\n'
        ":: Start\nA ''bold'' move and //quiet// words, see https://example.org//x.\n"
        "(set: $x to ''kept'') <<set $y to ''kept''>>\n[[Go->End]]\n\n"
        ":: End\nThe ''end''.\n", encoding="utf-8")
    assert import_twee(source, io.StringIO(), err=io.StringIO()) == 0
    data = yaml.safe_load(source.with_suffix(".yaml").read_text(encoding="utf-8"))
    text = data["scenes"]["start"]["text"]
    assert text.startswith("A **bold** move and *quiet* words, see https://example.org//x.")
    assert "''kept''" in text  # a line with macros is left for the author
    story = load_story(source.with_suffix(".yaml"))
    engine = Engine(story)
    assert engine.view().paragraphs[0].startswith("A **bold** move")
    engine.take(engine.view().open_choices[0].id)
    assert engine.view().paragraphs == ("The **end**.",)


def test_emphasis_is_left_alone_in_markdown_formats() -> None:
    from game.authoring.twee import emphasis

    assert emphasis("''a'' //b//", "snowman") == "''a'' //b//"
    assert emphasis("''a'' //b//", "chapbook") == "''a'' //b//"
    assert emphasis("'' spaced '' and a//b", "harlowe") == "'' spaced '' and a//b"
