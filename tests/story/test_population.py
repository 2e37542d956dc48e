"""`population:` in a story: read, checked at FILE:LINE:COL, cached, in the schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from game.authoring.schema import build_schema
from game.errors import StoryErrors
from game.story.cache import load_story_cached
from game.story.loader import load_story
from game.story.model import Population

ROOT = Path(__file__).resolve().parents[2]
STORY = """title: T
population: {POP}
scenes:
  a:
    text: Hi.
    ending: {title: End, kind: good}
"""


def write(tmp_path: Path, pop: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(STORY.replace("{POP}", pop), encoding="utf-8")
    return path


def test_a_population_is_read(tmp_path: Path) -> None:
    story = load_story(write(tmp_path, "{count: 21_700_000, label: Beijing residents}"))
    assert story.population == Population(21_700_000, "Beijing residents")
    assert load_story(write(tmp_path, "{count: 21700000.0, label: x}")).population.count == \
        21_700_000


@pytest.mark.parametrize("pop, says", [
    ("{count: 0, label: x}", "2:21: population count should be a whole number of people"),
    ("{count: 1.5, label: x}", "2:21: population count should be a whole number"),
    ("{count: 20000000000, label: x}", "2:21: population count should be a whole number"),
    ("{count: lots, label: x}", "2:21: population count should be a number, not text"),
    ("{count: true, label: x}", "2:21: population count should be a number"),
    ("{count: 3}", "2:13: population needs 'label:'"),
    ("{label: x}", "2:13: population needs 'count:'"),
    ("{count: 3, label: x, city: y}", "2:34: unknown key 'city' in population"),
    ("[3, x]", "2:13: population should be a mapping"),
    ("{count: 3, label: ' '}", "2:31: population label should say who they are"),
])
def test_a_bad_population_is_an_error_at_its_place(tmp_path: Path, pop: str, says: str) -> None:
    path = write(tmp_path, pop)
    with pytest.raises(StoryErrors) as caught:
        load_story(path)
    errors = [str(e) for e in caught.value.errors]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:{says}"), errors


@pytest.mark.parametrize("count, says", [
    # What an author writes for 21.7 million, and YAML reads as text: the error says how.
    ("2.17e7", "not text (YAML reads 2.17e7 as text: write 2.17e+7, with a dot and a sign"),
    ("1e6", "not text (YAML reads 1e6 as text: write 1.0e+6, with a dot"),
    ("'1e6'", "not text (YAML reads 1e6 as text: write 1.0e+6 without quotes"),
    ('"21,700,000"', "not text (YAML reads 21,700,000 as text: write it without commas, "
                     "21700000"),
    ("'12'", "not text (the quotes make 12 text: write it without them)"),
    # Read as numbers, but none a story can hold: not "should be a number, not a number".
    (".nan", "should be a finite number of at most 15 digits, not .nan"),
    ("-.inf", "should be a finite number of at most 15 digits, not -.inf"),
    ("9" * 40, "should be a finite number of at most 15 digits, not 99999999999999999999..."),
])
def test_a_count_yaml_does_not_read_as_a_number_says_how_to_write_it(
        tmp_path: Path, count: str, says: str) -> None:
    path = write(tmp_path, f"{{count: {count}, label: x}}")
    with pytest.raises(StoryErrors) as caught:
        load_story(path)
    errors = [str(e) for e in caught.value.errors]
    assert len(errors) == 1 and errors[0].startswith(f"{path}:2:21: population count "), errors
    assert says in errors[0], errors


def test_the_cache_keeps_the_population(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANDING_CACHE_DIR", str(tmp_path / "cache"))
    path = write(tmp_path, "{count: 740000, label: Rongcheng residents}")
    first = load_story_cached(path)
    assert any((tmp_path / "cache").rglob("*")), "the first load wrote the cache"
    again = load_story_cached(path)  # from the cache
    assert first.population == again.population == Population(740_000, "Rongcheng residents")


def test_the_schema_accepts_and_refuses_as_the_loader_does() -> None:
    validator = jsonschema.Draft7Validator(build_schema())
    base = {"title": "T", "scenes": {"a": {"text": "x", "ending": {"title": "E", "kind": "good"}}}}
    assert not list(validator.iter_errors({**base, "population": {"count": 5, "label": "x"}}))
    for bad in ({"count": 0, "label": "x"}, {"count": 5}, {"count": 5, "label": "x", "y": 1},
                {"count": 1.5, "label": "x"}):
        assert list(validator.iter_errors({**base, "population": bad})), bad


def test_the_bundled_city_stories_have_beijing() -> None:
    for name in ("green_channel", "good_citizen.yaml", "the_operator"):
        story = load_story(ROOT / "stories" / name)
        assert story.population == Population(21_700_000, "Beijing residents")
