"""Numbers the player can trust: a shown number never contradicts a comparison (issue 13,
item 7), and one formatter per quantity (item 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import format as fmt
from game.engine.engine import Engine
from game.engine.state import kept
from game.errors import StandingError
from game.story.expressions import shown_against
from game.story.loader import load_story

PEER = """\
title: Threshold
rating:
  name: Glow
  model: peer
  start: 3.9
  show: stars
  tiers:
    - {id: radiant, label: Radiant, min: 4.5}
    - {id: dim, label: Dim, min: 1}
  services:
    mic:
      label: The microphone
      requires: score >= 4.5
people:
  felix: {name: Felix, rating: 4.86}
scenes:
  a:
    text: "You are {score}."
    choices:
      - {text: Speak, service: mic, goto: b}
  b:
    ending: {title: Spoke, kind: good}
    text: Done.
"""


def peer_story(tmp_path: Path, extra: str = ""):
    path = tmp_path / "peer.yaml"
    path.write_text(PEER.replace("  show: stars\n", f"  show: stars\n{extra}"), "utf-8")
    return load_story(path)


@settings(max_examples=300, deadline=None)
@given(score=st.floats(1, 5, allow_nan=False), limit=st.integers(100, 500),
       decimals=st.sampled_from([0, 1, 2]))
def test_a_kept_score_reads_as_it_compares(score: float, limit: int, decimals: int) -> None:
    """The score kept at its decimals passes a threshold exactly when its shown text does."""
    threshold = limit / 100
    value = kept(score, decimals)
    shown = float(fmt.number(value, decimals))
    assert shown == value
    for test in (lambda x: x >= threshold, lambda x: x > threshold, lambda x: x < threshold):
        assert test(value) == test(shown)


@settings(max_examples=300, deadline=None)
@given(value=st.floats(-1000, 1000, allow_nan=False), limit=st.integers(-100000, 100000),
       op=st.sampled_from([">=", ">", "<=", "<"]))
def test_a_number_beside_a_comparison_it_fails_never_reads_as_passing(value, limit, op):
    """Where a lock says "you have X", X never satisfies the comparison it fails."""
    bound = limit / 100
    fails = not {">=": value >= bound, ">": value > bound, "<=": value <= bound,
                 "<": value < bound}[op]
    if not fails:
        return
    text = float(shown_against(value, op, bound))
    assert not {">=": text >= bound, ">": text > bound, "<=": text <= bound,
                "<": text < bound}[op]


def test_half_a_star_at_4_49997_is_4_5_and_may_speak(tmp_path) -> None:
    """The issue's case: a score that would show 4.5 is 4.5 for every rule."""
    story = peer_story(tmp_path)
    assert story.rating.decimals == 2
    eng = Engine(story)
    eng.state.set_score(4.49997)
    assert eng.state.score == 4.5 and eng.state.tier_id == "radiant"
    assert eng.state.can("mic")
    eng.state.set_score(4.494)
    assert eng.state.score == 4.49 and not eng.state.can("mic")
    eng._view = eng._now = None
    view = eng.view()
    speak = view.choices[0]
    assert speak.locked == "The microphone is closed to you."
    assert speak.gaps == ("needs Glow 4.5 or more, you have 4.49",)
    assert view.paragraphs == ("You are 4.49.",)


def test_decimals_is_checked_and_defaults_by_model(tmp_path) -> None:
    assert peer_story(tmp_path, "  decimals: 1\n").rating.decimals == 1
    with pytest.raises(StandingError, match=r"peer.yaml:\d+:\d+: .*decimals should be 0, 1 or 2"):
        peer_story(tmp_path, "  decimals: 3\n")
    points = tmp_path / "points.yaml"
    points.write_text("title: P\nrating: {start: 1000, rules: {r: {change: -10}}}\n"
                      "scenes:\n  a:\n    ending: {title: E, kind: good}\n    text: x\n", "utf-8")
    assert load_story(points).rating.decimals == 0
    points.write_text(points.read_text("utf-8").replace("-10", "-2.5"), "utf-8")
    assert load_story(points).rating.decimals == 1


def test_one_formatter_per_quantity() -> None:
    assert [fmt.number(v) for v in (5, 5.0, 4.5, 4.499, -0.0001, 3.14159)] == [
        "5", "5", "4.5", "4.5", "0", "3.14"]
    assert [fmt.change(v) for v in (5, -10, 0, 0.004, -0.001, 0.17)] == [
        "+5", "-10", "0", "+<0.01", "-<0.01", "+0.17"]
    assert fmt.change(0.3, None) == "+0.3"
    assert [fmt.stars(v) for v in (1, 1.0, 4, 4.5)] == ["1 star", "1 star", "4 stars",
                                                         "4.5 stars"]
    assert fmt.var(5400, "thousands") == "5,400" and fmt.var(1106.5, "thousands") == "1,106.5"
    assert fmt.var(-12000, "thousands") == "-12,000" and fmt.var("x", "thousands") == "x"


def test_bundled_stories_show_scores_at_their_precision() -> None:
    """No bundled story shows a score with more decimals than its rating keeps."""
    root = Path(__file__).resolve().parents[2] / "stories"
    for name in ("half_a_star.yaml", "tutorial.yaml", "good_citizen.yaml"):
        story = load_story(root / name)
        eng = Engine(story, seed=4)
        while not eng.ended:
            view = eng.view()
            if view.score is not None:
                text = fmt.score(view.score, story.rating)
                decimals = len(text.partition(".")[2])
                assert decimals <= story.rating.decimals, (name, text)
                assert float(text) == view.score
            options = [c for c in view.choices if c.locked is None]
            eng.take(options[-1].id if options else "continue")
        assert not re.search(r"\d\.\d{3,}", " ".join(eng.view().paragraphs))


MONEY = """\
title: Money
vars:
  money: {value: 5400, format: thousands}
  plain: 5400
scenes:
  a:
    text: "You have {money} yuan ({plain} in the old notes, {money + 1} after the coin)."
    choices:
      - text: Buy the flat
        requires: money >= 10000
        goto: b
      - {text: Walk on, goto: b}
  b:
    ending: {title: E, kind: good}
    text: x
"""


def test_a_var_with_format_reads_the_same_in_text_and_in_locks(tmp_path) -> None:
    path = tmp_path / "money.yaml"
    path.write_text(MONEY, "utf-8")
    story = load_story(path)
    assert dict(story.var_formats) == {"money": "thousands"} and story.vars["money"] == 5400
    view = Engine(story).view()
    assert view.paragraphs == ("You have 5,400 yuan (5400 in the old notes, 5401 after the "
                               "coin).",)
    assert view.choices[0].gaps == ("needs money 10,000 or more, you have 5,400",)


def test_a_var_format_is_checked(tmp_path) -> None:
    path = tmp_path / "money.yaml"
    path.write_text(MONEY.replace("format: thousands", "format: thousand"), "utf-8")
    with pytest.raises(StandingError, match=r"money.yaml:3:\d+: format 'thousand' is unknown; "
                                            r"use one of plain, thousands; did you mean"):
        load_story(path)


def test_a_change_cut_to_nothing_reads_unchanged(tmp_path) -> None:
    """Never "Glow 0." (issue 13, item 8): a rating or rule that moves nothing says so."""
    from game.engine import events as ev
    from game.engine.notices import notices

    story = peer_story(tmp_path)
    entry = ev.LedgerEntry(1, 1, "a", "rated", "felix", "Felix", 4, 0, 3.9, None, None, False)
    said = notices(story, [ev.ScoreChanged(3.9, 3.9, entry),
                           ev.RatedByPerson("felix", "Felix", 4, entry)])
    assert [n.text for n in said] == ["Felix rated you 4 stars. Glow unchanged."]
    rule = ev.LedgerEntry(1, 1, "a", "rule", "r", "Rule", 1, 0, 5, None, None, True)
    assert [n.text for n in notices(story, [ev.ScoreChanged(5, 5, rule)])] == [
        "Glow unchanged (Rule)"]
