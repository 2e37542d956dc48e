"""Fast tests of the terminal player's pure parts: notices, reflow, stars, the chart."""

from __future__ import annotations

from game.engine import events as ev
from game.engine.engine import Engine
from game.engine.history import decisions, replay
from game.ui.notices import notices
from game.ui.text import reflow, story_text
from game.ui.widgets.chart import bars
from game.ui.widgets.hud import Hud, stars
from ui_helpers import STORY, load, written_story


def test_hidden_reasons_stay_hidden_and_explained_ones_show() -> None:
    engine = Engine(load(), seed=1)
    jaywalk = notices(engine.story, engine.choose(1))
    assert [n.text for n in jaywalk if n.kind == "score"] == ["Civic Score -30"]
    assert any(n.kind == "phone" and n.toast == "Phone" for n in jaywalk)
    volunteer = notices(engine.story, engine.choose(2))
    assert [n.text for n in volunteer if n.kind == "score"] == ["Civic Score +5 (Volunteer work)"]


def test_show_hidden_shows_no_score_changes(tmp_path) -> None:
    from game.story.loader import load_story

    story = load_story(written_story(tmp_path, {"show: number": "show: hidden"}))
    engine = Engine(story, seed=1)
    found = notices(story, engine.choose(1))
    assert not [n for n in found if n.kind in ("score", "tier")]
    assert [n.kind for n in found] == ["phone"]


def test_a_rating_received_is_one_notice_with_its_change() -> None:
    from dataclasses import replace

    entry = ev.LedgerEntry(1, 1, "s", "rated", "mum", "Mum", 4, -0.17, 3.8, None, None, False)
    story = load()
    story = replace(story, rating=replace(story.rating, decimals=2))  # a score kept at 0.01
    found = notices(story, [ev.ScoreChanged(3.97, 3.8, entry),
                            ev.RatedByPerson("mum", "Mum", 4, entry)])
    assert [n.text for n in found] == ["Someone rated you 4 stars. Civic Score -0.17."]
    assert round(found[0].amount, 6) == -0.17 and found[0].toast == "Rating"
    swapped = notices(story, [ev.RatedByPerson("mum", "Mum", 4, entry),
                              ev.ScoreChanged(3.97, 3.8, entry)])
    assert swapped == found


def test_hud_flash_sums_many_changes_and_nets_the_tier() -> None:
    engine = Engine(load(), seed=1)
    found = notices(engine.story, engine.choose(1))
    assert Hud.flash_lines(found) == ["-30", "Tier: Trustworthy → Adequate"]
    many = found * 3
    assert Hud.flash_lines(many)[0] == "-90 from 3 changes"


def test_reflow_joins_lines_and_keeps_paragraphs_and_lists() -> None:
    text = "One line\nand the next.\n\n*Second* para.\n\nA list:\n- one\n- two\n"
    assert reflow(text) == ["One line and the next.", "*Second* para.", "A list:\n- one\n- two"]


def test_story_text_never_interprets_markup() -> None:
    content = story_text("[@click=app.quit]Click[/] **bold** [link=https://x]y[/link]")
    assert content.plain == "[@click=app.quit]Click[/] bold [link=https://x]y[/link]"
    assert [span.style for span in content.spans if span.style] == ["bold"]


def test_stars_for_peer_and_points_ranges() -> None:
    story = load()
    assert stars(975, story.rating) == "★★★★☆"  # 0..1300 scaled to five
    peer = story.rating.__class__(**{**{f: getattr(story.rating, f) for f in
                                        story.rating.__dataclass_fields__}, "min": 1, "max": 5})
    assert stars(3.9, peer) == "★★★★☆"
    assert stars(1, peer) == "★☆☆☆☆"


def test_chart_bars_fit_and_mark_the_lowest_value() -> None:
    rows = bars([1000, 970, 950], width=20, height=3)
    assert len(rows) == 3
    assert len(rows[-1].replace(" ", "")) == 9  # every bar shows in the bottom row
    assert bars(list(range(100)), width=10, height=2)[0].count("█") <= 10


def test_replay_and_decisions_leave_out_continues() -> None:
    engine = Engine(load(STORY), seed=1)
    engine.choose(2)
    engine.proceed()
    engine.choose(2)
    moments = replay(engine)
    picks = decisions(moments)
    assert [(d.step, d.text) for d in picks] == [(1, "Wait for the green light"),
                                                (3, "Volunteer at the community centre")]


def test_the_app_hides_what_is_loaded_from_the_collector_once(monkeypatch) -> None:
    import game.ui.app as app_module
    from ui_helpers import make_app

    frozen = []
    monkeypatch.setattr(app_module, "_frozen", False)
    monkeypatch.setattr(app_module.gc, "freeze", lambda: frozen.append(True))
    make_app()
    make_app()  # the tests build many apps in one process: frozen once only
    assert frozen == [True]
