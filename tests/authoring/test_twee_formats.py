"""Five kinds of Twine story, written for these tests, each imported, checked, linted and played.

link-only (with HTML), Chapbook (vars sections, [if] sections), Harlowe ((set:),
(if:) hooks, (display:)), SugarCube as a Tweego project folder (StoryInit,
conditional links, setter links, <<include>>), Snowman (<% %>). The import must
keep every condition that decides what the player may do, or say at the link's
line that it could not.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from game.authoring.check import check_path
from game.authoring.twee import import_twee
from game.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = FIXTURES / "twee_formats"
PROJECT = FIXTURES / "twee_project"

# (source, choices that play to an ending, the ending reached)
PLAYS = [
    (FORMATS / "link_only.twee", "1,2", "leave"),
    (FORMATS / "chapbook_vars.twee", "1,1,1", "seat"),
    (FORMATS / "harlowe_set_display.twee", "1,1,1", "ending"),
    (PROJECT, "1,1,2", "archive"),
    (FORMATS / "snowman.twee", "1,1,1", "market"),
]


def imported(tmp_path: Path, source: Path) -> tuple[dict, list[str], Path]:
    target = tmp_path / (source.stem + ".yaml")
    out, err = io.StringIO(), io.StringIO()
    assert import_twee(source, out, target, err=err) == 0
    return yaml.safe_load(target.read_text(encoding="utf-8")), err.getvalue().splitlines(), target


@pytest.mark.parametrize(("source", "choices", "ending"), PLAYS, ids=[p[0].stem for p in PLAYS])
def test_import_check_strict_lint_and_play(tmp_path: Path, capsys, source: Path, choices: str,
                                           ending: str) -> None:
    target = tmp_path / "story.yaml"
    assert main(["import", str(source), "-o", str(target)]) == 0
    capsys.readouterr()
    assert main(["check", "--strict", str(target)]) == 0, capsys.readouterr().out
    _count, diagnostics = check_path(target)
    assert diagnostics == []  # no errors, no lint warnings
    capsys.readouterr()
    assert main(["run", str(target), "--choices", choices, "--json"]) == 0
    played = json.loads(capsys.readouterr().out)
    assert played["ending"] == ending, played


def test_link_only_html_comments_and_continue(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, FORMATS / "link_only.twee")
    desk = data["scenes"]["desk"]
    assert "TODO" not in desk["text"] and "Old desk" not in desk["text"]  # comment stripped
    assert "old_desk" not in data["scenes"]  # a link in a comment is no link
    assert desk["text"] == ("The librarian looks at your card, then at a screen you cannot "
                            "see.\n\n\"Your reading score is low,\" she says. *Low?*")
    assert desk["choices"][1] == {"text": "Continue", "id": "to_shelves", "goto": "shelves"}
    assert "* * *" in data["scenes"]["why"]["text"]
    assert data["scenes"]["home"]["text"] == "You read it twice. **Nobody** scores that."
    assert data["scenes"]["leave"]["text"] == "You leave without a book. The door clicks shut."
    (html,) = warnings
    assert html.endswith("HTML <span> removed (the text inside is kept)")
    assert "link_only.twee:35:1:" in html


def test_chapbook_vars_and_if_sections(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, FORMATS / "chapbook_vars.twee")
    assert warnings == []
    assert data["vars"] == {"fare": 0, "has_pass": False, "rider": ""}
    assert data["scenes"]["kiosk"]["do"] == [{"set": {"has_pass": True}}, {"set": {"fare": 1}}]
    bus = data["scenes"]["bus"]
    assert [(c["text"], c.get("if")) for c in bus["choices"]] == [
        ("Sit down", "has_pass"), ("Pay the fare", "not (has_pass)"),
        ("Step back down", "not (has_pass)")]
    assert bus["text"][-1] == "The bus smells of rain."  # after [continue]: always shown


def test_harlowe_set_display_and_an_untranslatable_condition(tmp_path: Path) -> None:
    data, warnings, target = imported(tmp_path, FORMATS / "harlowe_set_display.twee")
    assert data["vars"] == {"stars": 4, "reported": False}  # from the startup passage
    assert "status_bar" not in data["scenes"]  # (display:)ed: inlined, not an ending
    phone = data["scenes"]["phone"]["text"]
    assert {"if": "stars >= 5", "text": "**Top neighbour** badge shown."} in phone
    assert data["scenes"]["report"]["do"] == [{"set": {"reported": True}},
                                              {"add": {"stars": 1}}]
    post = data["scenes"]["post"]
    assert [(c["text"], c.get("if")) for c in post["choices"]] == [
        ("Delete the report", "reported == true"),
        ("Close the app", "not (reported == true)"),
        ("Claim the badge", None)]
    (warning,) = warnings
    # at the link's line (32), not the passage header (27)
    assert warning.startswith(f"{FORMATS / 'harlowe_set_display.twee'}:32:1: warning:")
    assert "'Ending' is inside a condition that could not be translated" in warning
    assert "$stars contains 5" in warning
    assert "#   $stars -> stars" in target.read_text(encoding="utf-8")


def test_sugarcube_project_folder(tmp_path: Path, capsys) -> None:
    data, warnings, _ = imported(tmp_path, PROJECT)
    assert data["title"] == "The Housing Office"
    assert data["vars"] == {"has_key": False, "trust": 2}  # StoryInit in init.tw
    assert list(data["scenes"]) == ["gate", "desk", "archive", "office"]  # Notice is inlined
    gate = data["scenes"]["gate"]
    assert [(c["text"], c.get("if")) for c in gate["choices"]] == [
        ("Go to the desk", None), ("Open the side door", "has_key == true"),
        ("Walk in", "trust >= 3")]
    assert {"if": "trust < 3", "text": "**Closed to you today.**"} in gate["text"]
    desk = data["scenes"]["desk"]
    assert desk["choices"][0]["do"] == [{"set": {"has_key": True}}]
    assert desk["choices"][1]["do"] == [{"add": {"trust": 1}}]
    (warning,) = warnings
    assert warning.startswith(f"{PROJECT / 'passages' / 'desk.twee'}:5:1: warning:")
    assert "$visitedRecords.length > 0" in warning
    assert main(["import", str(PROJECT), "-o", "-"]) == 0
    assert "# Imported from twee_project/ (story format: SugarCube)" in capsys.readouterr().out


def test_a_folder_import_writes_beside_the_folder(tmp_path: Path, capsys) -> None:
    project = tmp_path / "office"
    (project / "more").mkdir(parents=True)
    (project / "a.twee").write_text(":: Start\nHi [[Next]]\n", encoding="utf-8")
    (project / "more" / "b.tw").write_text(":: Next\nBye\n", encoding="utf-8")
    (project / "notes.txt").write_text(":: Not a passage\n", encoding="utf-8")
    assert main(["import", str(project)]) == 0
    data = yaml.safe_load((tmp_path / "office.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "Office" and list(data["scenes"]) == ["start", "next"]
    empty = tmp_path / "empty"
    empty.mkdir()
    capsys.readouterr()
    assert main(["import", str(empty)]) == 2
    assert "no .twee or .tw files in this folder" in capsys.readouterr().err


def test_snowman_code(tmp_path: Path) -> None:
    data, warnings, _ = imported(tmp_path, FORMATS / "snowman.twee")
    assert data["vars"] == {"coffee": False, "points": 0}
    street = data["scenes"]["street"]
    assert street["do"] == [{"if": "coffee", "do": [{"add": {"points": 2}}]}]
    assert [(c["text"], c.get("if")) for c in street["choices"]] == [
        ("Say hello", "coffee"), ("Hurry on", "not (coffee)"), ("Wave at the camera", None)]
    assert data["scenes"]["market"]["text"] == "At the market the screen shows {points} points."
    (warning,) = warnings
    assert ":23:1: warning:" in warning and "window.setup && setup.cameras" in warning


@pytest.mark.parametrize(("twee", "condition"), [
    ("<<if $key is true>>[[Exit]]<</if>>", "key == true"),
    ("<<if not $key>>[[Exit]]<</if>>", "not key"),
    ("<<if $n gt 2 and $n lte 5>>[[Exit]]<</if>>", "n > 2 and n <= 5"),
    ("<<if $name eq \"Li\">>[[Exit]]<</if>>", "name == 'Li'"),
    ("<<if $n>>[[Exit]]<</if>>", "(n != 0)"),
    ("<<if $a>>x<<elseif $n is 1>>[[Exit]]<</if>>", "not (a) and (n == 1)"),
])
def test_sugarcube_conditions(tmp_path: Path, twee: str, condition: str) -> None:
    source = tmp_path / "s.twee"
    source.write_text(
        ':: StoryData\n{"format": "SugarCube"}\n\n:: StoryInit\n'
        '<<set $key to false>><<set $n to 0>><<set $name to "Ana">><<set $a to false>>\n\n'
        f":: Start\nA room.\n{twee}\n[[Stay->Start]]\n\n:: Exit\nOut.\n", encoding="utf-8")
    data, warnings, _ = imported(tmp_path, source)
    assert data["scenes"]["start"]["choices"][0]["if"] == condition
    assert [w for w in warnings if "could not be translated" in w] == []


@pytest.mark.parametrize("condition", [
    "$list.includes('key')", "_temp", "visited('Hall')", "$a is $b + random(1, 2)",
    "def $x", "$n gt", "previous() is 'Hall'",
])
def test_untranslatable_sugarcube_conditions_warn_at_the_link(tmp_path: Path,
                                                             condition: str) -> None:
    source = tmp_path / "s.twee"
    source.write_text(':: StoryData\n{"format": "SugarCube"}\n\n:: Start\nA room.\n\n'
                      f"<<if {condition}>>\n[[Exit]]\n<</if>>\n\n:: Exit\nOut.\n",
                      encoding="utf-8")
    data, warnings, _ = imported(tmp_path, source)
    (warning,) = [w for w in warnings if "could not be translated" in w]
    assert warning.startswith(f"{source}:8:1: warning:")
    assert "if" not in data["scenes"]["start"]["choices"][0]


def test_an_include_of_itself_is_warned_and_kept(tmp_path: Path) -> None:
    source = tmp_path / "s.twee"
    source.write_text(':: StoryData\n{"format": "SugarCube"}\n\n:: Start\nA room.\n'
                      '<<include "Loop">>\n[[Out]]\n\n:: Loop\nAgain <<include "Loop">>\n\n'
                      ":: Out\nOut.\n", encoding="utf-8")
    data, warnings, _ = imported(tmp_path, source)
    (warning,) = [w for w in warnings if "the include of" in w]
    assert "the include of 'Loop' includes itself" in warning
    assert warning.startswith(f"{source}:10:1:")  # in the Loop passage, where it is written
    assert "loop" not in data["scenes"]
    assert data["scenes"]["start"]["text"].startswith("A room.\nAgain")


PIECES = ["<<if $a is true>>", "<<elseif $n gt 2>>", "<<else>>", "<</if>>",
          "<<set $a to true>>", "<<set $n += 1>>", "(if: $a)[", "]", "(else:)[",
          "(set: $n to it + 1)", '(display: "B")', '<<include "B">>', "[[B]]", "[[Go->C]]",
          "[[X|C][$a to false]]", "<% if (s.a) { %>", "<% } else { %>", "<% } %>",
          "<% s.n = 2 %>", "<%= s.n %>", "[if a]\n", "[else]\n", "[continue]\n", "a: 1\n--\n",
          "{a}", "$n", "<br>", "<hr/>", "<!-- [[Z]] -->", "<span>", "text ", "\n", "{", "}",
          "'", '"', ":", "[[", "<<", "(", ")"]


def test_any_mix_of_twine_code_imports_to_a_story_that_loads(tmp_path: Path) -> None:
    """Unbalanced, nested and broken code never crashes the import or breaks the story."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from game.authoring.twee import convert, parse_twee, to_yaml
    from game.story.loader import load_story

    body = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(["SugarCube", "Harlowe", "Snowman", "Chapbook", ""]),
           body, body, body, body)
    def one(story_format: str, init: str, start: str, b: str, c: str) -> None:
        source = (f':: StoryData\n{{"format": "{story_format}"}}\n\n:: StoryInit\n{init}\n\n'
                  f":: Start\n{start}\n\n:: B\n{b}\n\n:: C\n{c}\n")
        passages, warnings = parse_twee(source, "f.twee")
        result = convert(passages, "f.twee", "T", warnings)
        path = tmp_path / "s.yaml"
        path.write_text(to_yaml(result, "f.twee"), encoding="utf-8")
        load_story(path)

    one()
