"""The HTML builder escapes every value; emphasis is built from spans; the SVG from numbers."""

from __future__ import annotations

from web_helpers import story

from game.web.html import Markup, esc, paragraphs, tag
from game.web.html import story as story_html
from game.web.svg import chart, sparkline


def test_text_and_attributes_are_escaped_and_control_characters_removed() -> None:
    made = tag("p", "<b>\x1b[31m & \"q\"", title='"><script>', data_x="a\x00b")
    assert made == ('<p title="&quot;&gt;&lt;script&gt;" data-x="ab">'
                    "&lt;b&gt; &amp; &quot;q&quot;</p>")  # the whole escape sequence goes
    assert esc(Markup("<em>kept</em>")) == "<em>kept</em>"
    assert tag("input", name="n", value=3, disabled=True, hidden=None) == \
        '<input name="n" value="3" disabled>'


def test_emphasis_becomes_em_and_strong_and_nothing_else_is_markup() -> None:
    assert story_html("*a **b** c* <i>x</i>") == \
        "<em>a </em><strong><em>b</em></strong><em> c</em> &lt;i&gt;x&lt;/i&gt;"
    assert paragraphs("one\ntwo\n\nthree") == "<p>one\ntwo</p><p>three</p>"


def test_the_charts_are_numbers_with_an_escaped_label() -> None:
    rating = story().rating
    spark = sparkline([100, 40, 50], rating, "<Score>")
    assert "&lt;Score&gt; over the last 2 steps: from 100 to 50" in spark
    assert "<Score>" not in spark
    drawn = chart((100, 40, 50), rating, "Civic Score")
    assert 'points="44.0,10.0 314.0,170.0 584.0,143.3"' in drawn
    assert sparkline([], rating, "x") == "" and chart((), rating, "x") == ""


def test_the_debrief_lays_a_risk_model_open() -> None:
    """The web debrief shows a computed score's model, as plain mode and the terminal do."""
    from pathlib import Path

    from game.engine.debrief import build_debrief, model_lines
    from game.engine.engine import Engine
    from game.story.loader import load_story
    from game.web.debrief import debrief_page

    story = load_story(Path(__file__).parents[1] / "engine" / "fixtures" / "risk.yaml")
    engine = Engine(story, seed=0)
    while not engine.ended:
        view = engine.view()
        if view.continues:
            engine.proceed()
        else:
            engine.take(view.open_choices[0].id)
    report = build_debrief(engine)
    assert report.model is not None
    page = debrief_page(engine, None, classroom=False)
    assert "was worked out</h2>" in page
    first = model_lines(report.model, report.rating)[1]
    assert first.split(":")[0] in page


def test_the_debrief_adds_no_second_full_stop_after_a_choice_that_has_one(tmp_path) -> None:
    """“Keep your hand down. Tea is waiting.”. read wrong; plain mode had it right."""
    from game.engine.engine import Engine
    from game.story.loader import load_story
    from game.web.debrief import debrief_page

    path = tmp_path / "stops.yaml"
    path.write_text(
        "title: Stops\nid: stops\nscenes:\n  start:\n    text: Go.\n    choices:\n"
        "      - text: Keep your hand down. Tea is waiting.\n        reflect: Was that fair?\n"
        "        goto: out\n      - text: Go home\n        reflect: And that?\n        goto: out\n"
        "  out:\n    ending: {title: Home, kind: good}\n    text: Home.\n", encoding="utf-8")
    for number, said in ((1, "Tea is waiting.” Was that fair?"), (2, "Go home”. And that?")):
        engine = Engine(load_story(path), seed=1)
        engine.choose(number)
        assert said in debrief_page(engine, None, False)


def test_a_log_line_carries_no_escape_code_to_the_teachers_terminal() -> None:
    """A browser's words quoted in a log line are cleaned by the shared cleaner."""
    from game.safetext import one_line

    line = one_line("bad form from \x1b]0;owned\x07\x1b[2Jbob\nsecond line")
    assert "\x1b" not in line and "\n" not in line and "bob second line" in line


def test_the_debrief_has_a_what_if_panel_with_labels_escaped(tmp_path) -> None:
    """Issue 17: the web reader's debrief shows the same What-if lines, as text."""
    from pathlib import Path

    from game.engine.engine import Engine
    from game.story.loader import load_story
    from game.web.debrief import debrief_page

    source = (Path(__file__).parents[1] / "fixtures" / "variants.yaml").read_text()
    path = tmp_path / "v.yaml"
    path.write_text(source.replace("label: If the railway refused debtors",
                                   "label: \"<b>If</b> the railway refused debtors\""))
    engine = Engine(load_story(path), seed=0)
    for cid in ("wait", "continue", "borrow", "walk"):
        engine.take(cid)
    page = debrief_page(engine, None, classroom=False)
    assert "<h2>What if: your own choices under another system</h2>" in page
    assert ("<li><strong>Without the street cameras: </strong>nothing changes for your path "
            "(same score, same doors)</li>") in page
    assert "<strong>&lt;b&gt;If&lt;/b&gt; the railway refused debtors: </strong>" in page
    assert "<b>If</b>" not in page
