"""``variants:`` in the loader: the overlay's merge rules, and every bad overlay as one
located error at the variant."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.errors import StandingError, StoryErrors
from game.story.cache import load_story_cached
from game.story.loader import load_story

POINTS = """\
title: T
rating:
  start: 1000
  min: 0
  max: 2000
  tiers:
    - {id: A, label: Trusted, min: 1000}
    - {id: D, label: Dishonest, min: 0}
  sources: {cam: Street cameras}
  rules:
    jaywalking: {change: -150, label: Crossed against the light, source: cam}
  lists:
    debtors: Debtors' list
  services:
    rail: {requires: "tier >= 'A'", refusal: The gate stays shut.}
variants:
VARIANTS
scenes:
  street:
    text: A red light.
    choices:
      - {id: cross, text: Cross, goto: station, do: [{record: jaywalking}]}
      - {id: wait, text: Wait, goto: station}
  station:
    text: The station.
    choices:
      - {id: train, text: Take the train, service: rail, goto: home}
      - {id: walk, text: Walk, goto: home}
  home:
    text: Home.
    ending: {title: Home, kind: good}
"""


def write(tmp_path: Path, variants: str, base: str = POINTS) -> Path:
    path = tmp_path / "story.yaml"
    path.write_text(base.replace("VARIANTS", textwrap.indent(textwrap.dedent(variants), "  ")))
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(StoryErrors) as caught:
        load_story(path)
    return [str(e) for e in caught.value.errors]


def test_a_mapping_merges_key_by_key_and_anything_else_replaces(tmp_path):
    story = load_story(write(tmp_path, """\
        no_cameras:
          label: Without the street cameras
          rating:
            explain: true
            rules: {jaywalking: {change: 0}}
            tiers: [{id: A, min: 500}, {id: D, min: 0}]
        """))
    variant = story.variants["no_cameras"]
    rule = variant.rating.rules["jaywalking"]
    assert (rule.change, rule.label, rule.source) == (0, "Crossed against the light", "cam")
    assert variant.rating.explain is True and rule.explain is True  # the rating's explain reaches it
    assert [(t.id, t.label, t.min) for t in variant.rating.tiers] == [("A", "A", 500),
                                                                     ("D", "D", 0)]
    assert variant.rating.services["rail"].requires.source == "tier >= 'A'"
    assert variant.label == "Without the street cameras"
    assert (variant.location.line, variant.location.column) == (17, 3)
    # The story as written is untouched, and the scenes are shared.
    assert story.rating.rules["jaywalking"].change == -150 and story.rating.explain is False
    under = story.under("no_cameras")
    assert under.rating is variant.rating and under.scenes is story.scenes
    assert story.under("as_written") is story


def test_variants_keep_file_order(tmp_path):
    story = load_story(write(tmp_path, """\
        zeta: {label: Z, rating: {explain: true}}
        alpha: {label: A, rating: {show: hidden}}
        """))
    assert list(story.variants) == ["zeta", "alpha"]


@pytest.mark.parametrize("overlay, line, column, words", [
    ("rules: {jaywalk: {change: 0}}", 20, 15, "the rating has no rule 'jaywalk'"),
    ("lists: {debtor: Debtors}", 20, 15, "the rating has no list 'debtor'"),
    ("services: {train: {requires: 'true'}}", 20, 18, "the rating has no service 'train'"),
    ("rules: {jaywalking: {change: lots}}", 20, 36, "variant 'v': change should be a number"),
    ("services: {rail: {requires: \"tier >= 'Z'\"}}", 20, 44, "variant 'v': unknown tier 'Z'"),
    ("colour: red", 20, 7, "variant 'v': unknown key 'colour' in rating"),
    ("model: peer", 20, 7, "a variant cannot change the rating's model"),
    ("tiers: [{id: X, min: 0}]", 20, 7, "changes the tiers' ids or order"),
    ("show: loud", 20, 13, "variant 'v': show 'loud' is unknown"),
])
def test_a_bad_overlay_is_one_error_at_the_variant(tmp_path, overlay, line, column, words):
    found = errors_of(write(tmp_path, f"v:\n  label: V\n  rating:\n    {overlay}\n"))
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'story.yaml'}:{line}:{column}: "), found
    assert words in found[0]


def test_an_overlay_that_breaks_the_storys_own_values_points_at_the_variant(tmp_path):
    # min 1500 leaves the story's start (1000, line 3) outside min..max.
    found = errors_of(write(tmp_path, "v:\n  label: V\n  rating: {min: 1500}\n"))
    assert found == [f"{tmp_path / 'story.yaml'}:17:3: variant 'v' leaves an invalid rating: "
                     f"rating start (1000) is outside min..max "
                     f"(at {tmp_path / 'story.yaml'}:3:10)"]


@pytest.mark.parametrize("variants, words", [
    ("as_written: {label: X, rating: {explain: true}}", "'as_written' names the story as written"),
    ("Bad-Id: {label: X, rating: {explain: true}}", "not a valid variant id"),
    ("v: {rating: {explain: true}}", "variant 'v' needs 'label:'"),
    ("v: {label: X}", "variant 'v' needs 'rating:'"),
    ("v: {label: X, rating: true}", "variant 'v' rating should be a mapping"),
    ("v: {label: X, rating: {explain: true}, colour: red}", "unknown key 'colour' in variant 'v'"),
])
def test_the_variants_own_shape_is_checked(tmp_path, variants, words):
    found = errors_of(write(tmp_path, variants))
    assert len(found) == 1 and words in found[0], found


def test_variants_without_a_rating_is_an_error(tmp_path):
    base = "title: T\nvariants:\n  v: {label: V, rating: {explain: true}}\n" \
           "scenes:\n  a: {text: Hi, ending: {title: E, kind: good}}\n"
    path = tmp_path / "s.yaml"
    path.write_text(base)
    found = errors_of(path)
    assert found == [f"{path}:2:1: variants: change the rating, and the story has no rating:"]


def test_a_bad_story_rating_is_reported_once_not_again_per_variant(tmp_path):
    base = POINTS.replace("start: 1000", "start: 5000")
    found = errors_of(write(tmp_path, "v: {label: V, rating: {explain: true}}", base))
    assert len(found) == 1 and "rating start (5000) is outside min..max" in found[0]


PEER = """\
title: P
rating:
  model: peer
  start: 3.9
  weight: rater
  memory: 40
  tiers: [{id: radiant, min: 4.5}, {id: dim, min: 1}]
variants:
  equal:
    label: If every rating weighed the same
    rating: {weight: equal, memory: 5}
  start_ratings:
    label: bad
    rating: {bias: 2}
people:
  mei: {name: Mei, rating: 4}
scenes:
  a:
    text: Hi
    do: [{rated: {by: mei, stars: 1}}]
    ending: {title: E, kind: good}
"""


def test_peer_variants_change_weight_and_memory_and_refuse_a_risk_key(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PEER)
    found = errors_of(path)
    assert len(found) == 1 and "variant 'start_ratings': bias is for a risk rating" in found[0]
    path.write_text(PEER.replace("  start_ratings:\n    label: bad\n    rating: {bias: 2}\n", ""))
    rating = load_story(path).variants["equal"].rating
    assert (rating.weight, rating.memory, rating.model) == ("equal", 5, "peer")


RISK = """\
title: R
rating:
  model: risk
  bias: -3
  features:
    dual: {value: dual, weight: 2.0, label: Second nationality}
    late: {value: "recorded('late')", weight: 0.8}
  rules:
    late: {label: A form arrived late}
  tiers: [{id: high, min: 70}, {id: low, min: 0}]
variants:
  no_nationality:
    label: Without the nationality feature
    rating: {features: {dual: {weight: 0}}}
  new_feature:
    label: bad
    rating: {features: {income: {value: "1", weight: 1}}}
vars: {dual: true}
scenes:
  a: {text: Hi, ending: {title: E, kind: good}}
"""


def test_risk_variants_change_a_features_weight_but_cannot_add_a_feature(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(RISK)
    found = errors_of(path)
    assert len(found) == 1 and "the rating has no feature 'income'" in found[0]
    path.write_text(RISK[:RISK.index("  new_feature:")] + RISK[RISK.index("vars:"):])
    story = load_story(path)
    features = {f.id: f for f in story.variants["no_nationality"].rating.features}
    assert features["dual"].weight == 0 and features["dual"].label == "Second nationality"
    assert features["late"].weight == 0.8
    assert [f.weight for f in story.rating.features] == [2.0, 0.8]


def test_variants_survive_the_compiled_cache(tmp_path):
    path = write(tmp_path, """\
        strict:
          label: If the railway wanted more
          rating: {services: {rail: {requires: "tier >= 'A' and not listed('debtors')"}}}
        """)
    load_story_cached(path, tmp_path / "cache")
    story = load_story_cached(path, tmp_path / "cache")
    assert type(story.scenes).__name__ == "_LazyScenes"  # restored, not loaded again
    variant = story.variants["strict"]
    assert variant.label == "If the railway wanted more"
    assert variant.rating.services["rail"].requires.source == \
        "tier >= 'A' and not listed('debtors')"
    assert variant.location == load_story(path).variants["strict"].location


def test_lint_reads_the_variants_expressions(tmp_path):
    """A list only a variant's service checks is read: lint says nobody is put on it, not
    that it is never used."""
    from game.authoring.lint import lint_story

    path = write(tmp_path, "v: {label: V, rating: {services: {rail: {requires: "
                           "\"not listed('debtors')\"}}}}")
    said = [d.message for d in lint_story(load_story(path)) if d.code == "unused-list"]
    assert said == ["nobody is ever put on list 'debtors' (no `list: debtors`), so "
                    "listed('debtors') is always false"]
    path.write_text(path.read_text().replace("\"not listed('debtors')\"", "'true'"))
    said = [d.message for d in lint_story(load_story(path)) if d.code == "unused-list"]
    assert said and "is never used" in said[0]


def test_the_schema_knows_variants():
    import jsonschema
    import yaml

    from game.authoring.schema import build_schema

    validator = jsonschema.Draft7Validator(build_schema())
    good = yaml.safe_load(POINTS.replace("VARIANTS", "  v: {label: V, rating: {rules: "
                                                     "{jaywalking: {change: 0}}}}"))
    assert list(validator.iter_errors(good)) == []
    for bad in ("v: {label: V, rating: {model: peer}}", "v: {rating: {explain: true}}",
                "v: {label: V, rating: {explain: maybe}}"):
        doc = yaml.safe_load(POINTS.replace("VARIANTS", "  " + bad))
        assert list(validator.iter_errors(doc)), bad


# --- a careless author's overlay: never a traceback ------------------------------------------


@pytest.mark.parametrize("overlay, words", [
    ("{show: []}", "rating show should be text, not a list"),
    ("{show: {a: 1}}", "rating show should be text, not a mapping"),
    ("{weight: []}", "rating weight should be text, not a list"),
])
def test_a_rating_word_that_is_not_text_is_one_error_not_a_crash(tmp_path, overlay, words):
    """Read as None (its error said), the value was then looked up again and crashed."""
    found = errors_of(write(tmp_path, f"v: {{label: V, rating: {overlay}}}"))
    assert len(found) == 1 and words in found[0], found
    # The same mistake in the story's own rating.
    base = POINTS.replace("  start: 1000\n", f"  start: 1000\n  {overlay[1:-1]}\n")
    found = errors_of(write(tmp_path, "v: {label: V, rating: {explain: true}}", base))
    assert len(found) == 1 and words in found[0], found


def test_a_model_that_is_not_text_is_one_error_not_a_crash(tmp_path):
    base = POINTS.replace("  start: 1000\n", "  start: 1000\n  model: []\n")
    found = errors_of(write(tmp_path, "v: {label: V, rating: {explain: true}}", base))
    assert len(found) == 1 and "rating model should be text, not a list" in found[0], found


@pytest.mark.parametrize("rating, line, words", [
    # The models' own min (peer 1, risk 0) above the max written: min was never given.
    ("{model: peer, start: 3, max: 0}", 2, "rating min (1) is above max (0)"),
    ("{model: risk, max: -3, features: {f: {value: '1', weight: 1}}}", 2,
     "rating min (0) is above max (-3)"),
])
def test_min_above_max_with_min_left_to_the_model_points_at_max(tmp_path, rating, line, words):
    path = tmp_path / "s.yaml"
    path.write_text(f"title: T\nrating: {rating}\n"
                    "scenes:\n  a: {text: Hi, ending: {title: E, kind: good}}\n")
    found = errors_of(path)
    assert len(found) == 1 and words in found[0], found
    assert found[0].startswith(f"{path}:{line}:"), found


def test_a_missing_start_is_one_error_not_also_start_outside_min_max(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("title: T\nrating: {min: 10}\n"
                    "scenes:\n  a: {text: Hi, ending: {title: E, kind: good}}\n")
    assert errors_of(path) == [f"{path}:2:9: rating needs 'start:'"]


_KEYS = ("start", "min", "max", "explain", "show", "tiers", "rules", "lists", "services",
         "sources", "features", "name", "weight", "memory", "bias", "decimals", "jaywalking",
         "change", "label", "source", "requires", "refusal", "announce", "id", "dual", "late",
         "value", "rail", "debtors", "cam", "A", "D", "model", "<<", "colour")
_SCALARS = st.one_of(
    st.integers(-10**6, 10**6), st.floats(), st.booleans(), st.none(),
    st.sampled_from(["true", "tier >= 'A'", "listed('debtors')", "", "1e6", "[bold]x[/]",
                     "\x1b[2J", "score / 0", "{score}", "A", "D", "hidden", "stars", "tier",
                     "equal", "rater", "cam", "dual", "late", "-.inf", "0x10"]),
    st.text(max_size=6))
_TREE = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)),
    max_leaves=12)
_BASES = {
    "points": POINTS,
    "peer": PEER.replace("  start_ratings:\n    label: bad\n    rating: {bias: 2}\n", ""),
    "risk": RISK[:RISK.index("  new_feature:")] + RISK[RISK.index("vars:"):],
}


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=st.sampled_from(sorted(_BASES)),
       overlay=st.dictionaries(st.sampled_from(_KEYS), _TREE, min_size=1, max_size=4))
def test_any_overlay_loads_or_is_located_errors_and_then_plays(tmp_path, model, overlay):
    """Whatever a variant's rating holds: located errors, or a story whose variant survives
    the cache, replays a path and samples lives (a runtime error is the story's, said)."""
    import json

    from game.engine.city import sample_lives
    from game.engine.whatif import whatif
    from game.story.cache import dump_compiled, load_compiled

    base = _BASES[model]
    text = (base.replace("VARIANTS", "  v:\n    label: V\n    rating: " + json.dumps(overlay))
            if "VARIANTS" in base else base.replace(
                "variants:\n", "variants:\n  v:\n    label: V\n    rating: "
                + json.dumps(overlay) + "\n", 1))
    path = tmp_path / f"{model}.yaml"
    path.write_text(text)
    try:
        story = load_story(path)
    except StoryErrors as exc:
        assert all(e.location is not None and e.location.file == str(path)
                   for e in exc.errors), [str(e) for e in exc.errors]
        return
    assert "v" in load_compiled(dump_compiled(story), str(path)).variants
    try:
        sample_lives(story.under("v"), 5, 0)
    except StandingError:
        pass
    assert len(whatif(story, (), 0)) == 1 + len(story.variants)


def test_a_story_may_have_at_most_twelve_variants(tmp_path):
    """20,000 variants loaded, and `whatif` printed a table 200,000 characters wide
    after 10 s; each is a column of the report and a line of the debrief."""
    many = "".join(f"v{i}: {{label: V{i}, rating: {{rules: {{jaywalking: {{change: {-i}}}}}}}}}\n"
                   for i in range(13))
    found = errors_of(write(tmp_path, many))
    assert found == [f"{tmp_path / 'story.yaml'}:16:1: a story may have at most 12 variants, "
                     "not 13: each is a column of the what-if table and the class report, "
                     "and a line of the debrief; keep the ones that teach most"]
    assert len(load_story(write(tmp_path, "".join(many.splitlines(True)[:12]))).variants) == 12


@pytest.mark.parametrize("label", ['"' + "x" * 121 + '"', '"one\\ntwo"', '" "'])
def test_a_variants_label_is_one_short_line(tmp_path, label):
    found = errors_of(write(tmp_path, f"v: {{label: {label}, rating: {{explain: true}}}}"))
    assert len(found) == 1 and "variant 'v' label should be one line of 1 to 120" in found[0]


def test_a_folded_label_loses_its_final_newline(tmp_path):
    story = load_story(write(tmp_path, "v:\n  label: >\n    Without the\n    cameras\n"
                                       "  rating: {explain: true}\n"))
    assert story.variants["v"].label == "Without the cameras"


def test_the_schema_knows_the_variant_limits():
    import jsonschema
    import yaml

    from game.authoring.schema import build_schema

    validator = jsonschema.Draft7Validator(build_schema())
    for bad in ("\n".join(f"  v{i}: {{label: V, rating: {{explain: true}}}}" for i in range(13)),
                "  v: {label: '" + "x" * 121 + "', rating: {explain: true}}"):
        doc = yaml.safe_load(POINTS.replace("VARIANTS", bad))
        assert list(validator.iter_errors(doc)), bad[:40]
    doc = yaml.safe_load(POINTS.replace("VARIANTS", "  v: {label: 1984, rating: {explain: true}}"))
    assert list(validator.iter_errors(doc)) == []
