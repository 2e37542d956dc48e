"""Pilot tests of the play screen: keyboard play, the HUD, locked choices, toasts, undo."""

from __future__ import annotations

import json

from textual.widgets import Digits, Static
from textual.widgets._toast import Toast

from game.ui.screens.debrief import DebriefScreen
from game.ui.widgets.chart import Spark
from game.ui.screens.play import PlayScreen
from game.ui.settings import Settings
from game.ui.widgets.choices import ChoiceList
from game.ui.widgets.hud import Hud
from game.ui.widgets.transcript import Transcript
from ui_helpers import make_app, written_story


def text_of(screen, selector: str) -> str:
    """The plain text a Static shows."""
    return str(screen.query_one(selector, Static).render())


def transcript_text(screen) -> str:
    """Everything in the story pane, as plain text."""
    return "\n".join(str(w.render()) for w in screen.query_one(Transcript).query(Static))


def toasts(app) -> list[str]:
    """The text of the toasts on screen."""
    return [str(t.render()) for t in app.screen.query(Toast)]


async def test_keyboard_to_an_ending_and_the_debrief() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        engine = app.screen.engine
        await pilot.press("2")           # wait for the green light
        assert engine.state.scene == "late"
        await pilot.press("enter")       # Continue
        assert engine.state.scene == "office"
        await pilot.press("down", "enter")  # arrows + Enter: volunteer
        assert engine.state.scene == "tuesday"
        await pilot.press("1", "enter")  # go home, then open the debrief
        assert engine.ended
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)


async def test_hud_shows_score_tier_closed_services_and_a_flash() -> None:
    app = make_app(settings=Settings(reduced_motion=False))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = app.screen
        hud = screen.query_one(Hud)
        assert str(hud.query_one(Digits).value) == "1000"
        assert text_of(hud, "#hud-tier") == "Tier Trustworthy"  # labels only (issue 13, item 10)
        await pilot.press("1")  # run across the road: -30, reason not explained
        assert hud.query_one(Digits).value == "970"
        assert text_of(hud, "#hud-tier") == "Tier Adequate"
        flash = text_of(hud, "#hud-flash").splitlines()
        assert flash == ["-30", "Tier: Trustworthy → Adequate"]  # no hidden reason
        assert "High-speed rail" in text_of(hud, "#hud-closed")
        assert hud.query_one(Spark).data[-3:] == [1000, 1000, 970]
        await pilot.press("2")  # volunteer: +5, explained
        assert text_of(hud, "#hud-flash") == "+5 Volunteer work"


async def test_flash_blinks_only_with_motion() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        hud = app.screen.query_one(Hud)
        hud.reduced_motion = False
        await pilot.press("1")
        assert hud.query_one("#hud-flash").has_class("-flash")
        hud.reduced_motion = True
        await pilot.press("u", "1")
        assert not hud.query_one("#hud-flash").has_class("-flash")


async def test_locked_choice_is_shown_with_reason_and_gap_and_refused() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        screen = app.screen
        choices = screen.query_one(ChoiceList)
        prompt = str(choices.get_option_at_index(0).prompt)
        assert "locked:" in prompt and "Ticket refused" in prompt
        assert "needs tier" not in prompt  # the author's refusal replaces the generated reason
        step = screen.engine.step
        await pilot.press("1")  # the locked train ticket
        await pilot.pause()
        assert screen.engine.step == step
        assert any("Ticket refused" in t for t in toasts(app))
        choices.highlighted = 0
        await pilot.press("enter")  # Enter on it refuses too
        assert screen.engine.step == step


async def test_phone_notification_and_listing_are_toasts() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert any(t.startswith("Phone\nTraffic camera") for t in toasts(app))
        await pilot.press("3")  # skip the loan payment: listed
        await pilot.pause()
        assert any("put on the list: Dishonest debtors" in t for t in toasts(app))
        assert "Dishonest debtors" in text_of(app.screen.query_one(Hud), "#hud-lists")


async def test_undo_with_u_and_ctrl_z_any_number_of_steps() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = app.screen
        await pilot.press("2", "enter", "2")
        assert screen.engine.step == 3
        await pilot.press("u")
        assert screen.engine.state.scene == "office"
        await pilot.press("ctrl+z", "ctrl+z")
        assert screen.engine.step == 0
        assert "You chose" not in transcript_text(screen)
        await pilot.press("u")  # nothing left: says so, no crash
        assert screen.engine.step == 0


async def test_transcript_keeps_earlier_scenes_and_markup_shows_literally() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        text = transcript_text(app.screen)
        assert "Your phone wakes you at six." in text
        assert "You chose: Wait for the green light" in text
        assert "[@click=app.quit]Click[/] and [link=https://x]y[/link]" in text
        assert app.is_running


async def test_resumed_game_rebuilds_the_transcript() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2", "enter", "2")
        await app.workers.wait_for_complete()
    again = make_app(resumed="Resumed.")
    store = again.store
    loaded = store.load()
    assert loaded is not None
    again.engine = loaded[0]
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        assert again.screen.engine.state.scene == "tuesday"
        assert "Wait for the green light" in transcript_text(again.screen)


async def test_autosave_after_every_step_and_quit_saves() -> None:
    app = make_app()
    autosave = app.store.file("autosave")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        await app.workers.wait_for_complete()
        saved = json.loads(autosave.read_text())
        assert len(saved["path"]) == 1
        await pilot.press("3", "q")
    saved = json.loads(autosave.read_text())
    assert len(saved["path"]) == 2


async def test_story_runtime_error_is_one_line_and_play_goes_on(tmp_path) -> None:
    path = written_story(tmp_path, {
        "          - record: volunteering\n":
            "          - record: volunteering\n          - set: {n: 1 // (score - score)}\n",
        "\nscenes:": "\nvars:\n  n: 0\n\nscenes:",
    }, name="broken_at_runtime")
    app = make_app(path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1", "2")  # the volunteering choice divides by zero
        await pilot.pause()
        screen = app.screen
        assert app.is_running and isinstance(screen, PlayScreen)
        assert screen.engine.state.scene == "office"
        errors = [str(w.render()) for w in screen.query(".error")]
        assert len(errors) == 1 and errors[0].startswith("Story error:")
        assert "\n" not in errors[0]
        await pilot.press("3")  # another choice still works
        assert screen.engine.state.scene == "tuesday"


async def test_hud_modes_stars_tier_hidden(tmp_path) -> None:
    for show, visible, gone in (
        ("stars", ["#hud-stars", "#hud-tier"], ["#hud-score"]),
        ("tier", ["#hud-tier"], ["#hud-score", "#hud-stars", "#hud-spark"]),
        ("hidden", [], ["#hud-score", "#hud-stars", "#hud-spark", "#hud-tier", "#hud-name"]),
    ):
        path = written_story(tmp_path, {"show: number": f"show: {show}"}, name=f"show_{show}")
        app = make_app(path)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.press("1")
            hud = app.screen.query_one(Hud)
            for selector in visible:
                assert not hud.query_one(selector).has_class("-gone"), (show, selector)
            for selector in gone:
                assert hud.query_one(selector).has_class("-gone"), (show, selector)
            flash = text_of(hud, "#hud-flash")
            if show == "hidden":
                assert "-30" not in flash and "970" not in transcript_text(app.screen)
            if show == "stars":
                assert text_of(hud, "#hud-stars").startswith("★")


async def test_a_poll_is_asked_once_and_answered_without_effect(tmp_path) -> None:
    path = written_story(tmp_path, {
        "  office:\n    text:":
            "  office:\n    poll:\n      id: fair\n      question: Is the score fair?\n"
            "      options: [Yes, No]\n    text:",
    }, name="with_poll")
    app = make_app(path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        from game.ui.screens.poll import PollDialog

        assert isinstance(app.screen, PollDialog)
        await pilot.press("2")
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen)
        assert play.engine.poll_answer() == 1
        assert play.engine.state.score == 1000
        await pilot.press("2")  # the choices work as before
        assert play.engine.state.scene == "tuesday"
