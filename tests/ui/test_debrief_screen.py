"""Pilot tests of the debrief: the revealed ledger, the counts, play again, go back."""

from __future__ import annotations

from textual.widgets import Static

from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.decisions import DecisionPicker
from game.ui.screens.play import PlayScreen
from ui_helpers import make_app


def shown(screen, selector: str) -> str:
    """The plain text of a Static on the screen."""
    return str(screen.query_one(selector, Static).render())


async def to_debrief(pilot) -> DebriefScreen:
    """Jaywalk, skip the loan payment, go home, open the debrief."""
    await pilot.press("1", "3", "1", "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DebriefScreen)
    return screen


async def test_debrief_reveals_the_whole_ledger_and_who_reported_you() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await to_debrief(pilot)
        ledger = shown(screen, "#ledger")
        # The hidden reasons and sources, revealed, and marked as never told.
        assert "-30  Crossed against the light — reported by Traffic cameras" in ledger
        assert "you were not told" in ledger
        assert "-20  Late repayment — reported by Credit record" in ledger
        assert "Put on the list: Dishonest debtors" in ledger
        assert "Traffic cameras: once (-30)" in shown(screen, "#by-source")
        assert "Late repayment: once (-20)" in shown(screen, "#by-rule")
        assert "Who decided that crossing the road" in shown(screen, "#questions")
        assert "Home at last" in shown(screen, "#ending")
        # The kind (good/mixed/bad) is for the teacher, never shown to the player.
        assert not any(k in shown(screen, "#ending") for k in ("mixed", "good", "bad"))
        assert screen.query_one("#chart").history == [1000, 970, 950, 950]


async def test_debrief_opens_with_what_mattered_and_marks_only_what_was_untold() -> None:
    """Issue 13, item 11: the biggest moves, the rules never shown and the lists come
    before the ledger; "you were not told" never marks an announced listing."""
    app = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await to_debrief(pilot)
        mattered = shown(screen, "#mattered")
        assert mattered.splitlines() == [
            "The biggest moves of your Civic Score",
            "  Day 1  -30  Crossed against the light — reported by Traffic cameras",
            "  Day 1  -20  Late repayment — reported by Credit record",
            "Rules you were never shown: Crossed against the light, Late repayment",
            "Lists you were put on: Dishonest debtors",
        ]
        order = [w.id for w in screen.query("#mattered, #ledger, #by-source")]
        assert order == ["mattered", "ledger", "by-source"]
        ledger = shown(screen, "#ledger").splitlines()
        listing = next(line for line in ledger if "Dishonest debtors" in line)
        assert "you were not told" not in listing  # the story announced it
        assert all("you were not told" in line for line in ledger if "reported by" in line)


async def test_reflect_questions_of_the_choices_taken() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.press("2", "enter", "2", "1", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        reflections = shown(screen, "#reflections")
        assert "Volunteer at the community centre" in reflections
        assert "for the points?" in reflections


async def test_play_again_starts_from_the_beginning() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await to_debrief(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.engine.step == 0
        assert app.screen.engine.state.score == 1000


async def test_go_back_to_a_decision_and_take_the_other_path() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await to_debrief(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, DecisionPicker)
        await pilot.press("up", "enter")  # the second decision: skip the loan payment
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen)
        assert play.engine.step == 1 and play.engine.state.scene == "office"
        await pilot.press("2")  # volunteer instead
        assert play.engine.state.scene == "tuesday"
        assert not play.engine.state.lists


async def test_escape_goes_back_to_the_ending() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await to_debrief(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.engine.ended


async def test_a_risk_debrief_lays_the_model_open() -> None:
    """Issue 15: each feature, its weight, the player's value and contribution, the
    features never shown marked, and what would have changed the result."""
    from pathlib import Path

    risk = Path(__file__).parents[1] / "engine" / "fixtures" / "risk.yaml"
    app = make_app(risk)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.press("1", "3")
        await pilot.pause()
        # The HUD shows the risk score by its show (number): the score after the step.
        assert pilot.app.screen.query_one("#hud-score").value == "69"
        for _ in range(3):
            if isinstance(pilot.app.screen, DebriefScreen):
                break
            await pilot.press("enter")
            await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DebriefScreen)
        model = shown(screen, "#model")
        assert "Second nationality: weight 2 × your value 1 = +2  [never shown to you]" in model
        assert "Forms late: weight 0.8 × your value 1 = +0.8  [never shown to you]" in model
        assert "What would have changed your result:" in model


STOPPED = """\
title: Full stops
id: full_stops
scenes:
  start:
    text: A choice that is a sentence.
    choices:
      - text: Keep your hand down. Tea is waiting.
        reflect: Was that fair?
        goto: out
  out:
    ending: {title: Home, kind: good}
    text: Home.
"""


async def test_a_choice_ending_in_a_full_stop_gets_no_second_one(tmp_path) -> None:
    """“Keep your hand down. Tomato egg is waiting.”. read wrong (plain mode had it right)."""
    path = tmp_path / "full_stops.yaml"
    path.write_text(STOPPED, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.press("1", "enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DebriefScreen)
        said = shown(screen, "#reflections")
    assert "You chose “Keep your hand down. Tea is waiting.” Was that fair?" in said


async def test_the_debrief_has_a_what_if_panel() -> None:
    """Issue 17: the player's own path under each of the story's variants, one line each."""
    from pathlib import Path

    variants = Path(__file__).parents[1] / "fixtures" / "variants.yaml"
    app = make_app(variants)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        for key in ("1", "enter", "2", "2", "enter"):
            if isinstance(pilot.app.screen, DebriefScreen):
                break
            await pilot.press(key)
            await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DebriefScreen)
        panel = shown(screen, "#whatif")
        assert panel.splitlines()[1].startswith(
            "Without the street cameras: 1000 instead of 850, tier Trusted (not Dishonest)")
        assert "If the railway refused debtors: nothing changes for your path" in panel
