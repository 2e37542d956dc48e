"""Pilot tests of the title screen, Continue, the record, help, saves and settings."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList, Static

from game.ui.app import StandingApp
from game.ui.screens.ask import AskDialog
from game.ui.screens.help import HelpScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.record import RecordScreen
from game.ui.screens.saves import SavesScreen
from game.ui.screens.settings import SettingsScreen
from game.ui.screens.title import TitleScreen
from game.ui.settings import HIGH_CONTRAST, Settings, load_settings
from ui_helpers import make_app, title_app


async def ready(pilot) -> None:
    """Let the title screen read its stories."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def about(screen) -> str:
    """The story details beside the picker."""
    return str(screen.query_one("#about", Static).render())


async def test_title_lists_stories_with_details_and_broken_ones() -> None:
    app = title_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, TitleScreen)
        prompts = [str(o.prompt) for o in screen.query_one(OptionList).options]
        assert "The Crossing" in prompts
        assert any("does not load" in p for p in prompts)
        index = prompts.index("The Crossing")
        screen.query_one(OptionList).highlighted = index
        await pilot.pause()
        text = about(screen)
        assert "Two days under a points programme" in text
        assert "about 5 minutes" in text and "language: en" in text
        assert "Content notes: surveillance" in text


async def test_title_plays_a_story_then_continue_resumes_it() -> None:
    app = title_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        picker = app.screen.query_one(OptionList)
        picker.highlighted = [str(o.prompt) for o in picker.options].index("The Crossing")
        await pilot.press("enter")
        await ready(pilot)
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("1", "3")
        await ready(pilot)
        await pilot.press("escape")  # back to the title, saved
        await ready(pilot)
        assert isinstance(app.screen, TitleScreen)
        assert "Continue" in str(app.screen.query_one(OptionList).options[0].prompt)
        await pilot.press("c")
        await ready(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.engine.step == 2


async def test_title_asks_before_starting_over_a_game_in_progress() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await app.workers.wait_for_complete()
    app = title_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        picker = app.screen.query_one(OptionList)
        picker.highlighted = [str(o.prompt) for o in picker.options].index("The Crossing")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        await pilot.press("right", "enter")  # Start over
        await ready(pilot)
        assert isinstance(app.screen, PlayScreen) and app.screen.engine.step == 0


async def test_record_shows_only_what_the_system_explains() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1", "2", "r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordScreen)
        text = "\n".join(str(w.render()) for w in screen.query(Static))
        assert "-30  reason not disclosed" in text
        assert "Crossed against the light" not in text
        assert "+5  Volunteer work — reported by Neighbourhood committee" in text
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen)


async def test_help_lists_the_keys() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        for key in ("ctrl+z", "1 … 9", "Escape", "my record"):
            assert key in text
        await pilot.press("escape")
        assert isinstance(app.screen, PlayScreen)


async def test_save_to_a_slot_and_load_it_back() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("1", "s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SavesScreen)
        await pilot.press(*"before", "enter")
        await app.workers.wait_for_complete()
        saved = json.loads(app.screen.saver.store.file("before").read_text())
        assert len(saved["path"]) == 1
        play = app.screen
        await pilot.press("3")
        assert play.engine.step == 2
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        slots = app.screen.query_one(OptionList)
        slots.highlighted = [o.id for o in slots.options].index("slot-before")
        await pilot.click("#load")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.engine.step == 1 and app.screen.engine.state.scene == "office"


async def test_settings_pick_the_high_contrast_theme_and_keep_it(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    app = make_app(settings_path=path)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        themes = screen.query_one(OptionList)
        themes.highlighted = [o.id for o in themes.options].index(HIGH_CONTRAST)
        await pilot.click("#reduced-motion")
        await pilot.click("#save")
        await app.workers.wait_for_complete()
        assert app.theme == HIGH_CONTRAST
        assert load_settings(path) == Settings(theme=HIGH_CONTRAST, reduced_motion=True)


async def test_no_color_never_uses_ansi_themes(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(settings=Settings(theme="ansi-dark"))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("t")
        await pilot.pause()
        offered = [o.id for o in app.screen.query_one(OptionList).options]
        assert HIGH_CONTRAST in offered
        assert not any(name.startswith("ansi-") for name in offered)


async def test_quit_from_the_keyboard_returns_zero() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_small_terminal_and_resize() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert not app.screen.has_class("-narrow")
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        await pilot.press("1")
        assert app.screen.engine.step == 1
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert not app.screen.has_class("-narrow")


def test_app_is_built_by_constructor_injection() -> None:
    app = StandingApp(folders=[])
    assert app.engine is None and app.folders == []


async def test_continue_counts_one_step_in_the_singular() -> None:
    """"Green Channel: 1 steps taken." read wrong after the first choice."""
    app = title_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        picker = app.screen.query_one(OptionList)
        picker.highlighted = [str(o.prompt) for o in picker.options].index("The Crossing")
        await pilot.press("enter")
        await ready(pilot)
        await pilot.press("1")
        await ready(pilot)
        await pilot.press("escape")
        await ready(pilot)
        assert isinstance(app.screen, TitleScreen)
        app.screen.query_one(OptionList).highlighted = 1
        app.screen.query_one(OptionList).highlighted = 0  # Continue
        await pilot.pause()
        assert "The Crossing: 1 step taken." in about(app.screen)


def test_a_save_slot_is_described_without_the_scene_id() -> None:
    """The Save/Load list said "1 steps, at 'app_intro'": a scene id is the author's
    word, never shown to the player (the debrief and record keep to labels too)."""
    from game.engine.saves import SlotInfo
    from game.ui.screens.saves import describe_slot

    one = describe_slot(SlotInfo("autosave", Path("a.json"), "app_intro", 1000, 1,
                                 "2026-12-04T14:29:00"))
    assert one == "autosave: 1 step, score 1000, saved 2026-12-04 14:29"
    many = describe_slot(SlotInfo("monday", Path("m.json"), "rate_dee", 3.9, 7, None))
    assert many == "monday: 7 steps, score 3.9" and "rate_dee" not in many


def test_a_save_slot_shows_the_score_only_as_the_story_does() -> None:
    """A hidden score (a risk model nobody is shown) was printed in the Save/Load list;
    the number is formatted as the HUD formats it (its decimals)."""
    from dataclasses import replace

    from game.engine.saves import SlotInfo
    from game.story.loader import load_story
    from game.ui.screens.saves import describe_slot

    from ui_helpers import STORY

    rating = load_story(STORY).rating
    info = SlotInfo("autosave", Path("a.json"), "letter", 73.456, 4, None)
    hidden = replace(rating, name="Risk score", show="hidden")
    assert describe_slot(info, hidden) == "autosave: 4 steps"
    tier = replace(rating, name="Grade", show="tier")
    assert describe_slot(info, tier) == "autosave: 4 steps"
    glow = replace(rating, name="Glow", show="stars", decimals=2)
    assert describe_slot(info, glow) == "autosave: 4 steps, Glow 73.46"
    points = replace(rating, name="Civic Score", show="number", decimals=0)
    assert describe_slot(SlotInfo("a", Path("a"), None, 1106.0, 1, None), points) \
        == "a: 1 step, Civic Score 1106"


async def test_opening_the_record_or_help_clears_the_toasts_over_it() -> None:
    """At 80x24 the step's toasts ("Pip rated you 5 stars…", "Locked…") were drawn over
    My record's lines; they are kept in the transcript, so the dialog clears them."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1", "2")
        await pilot.pause()
        for key, kind in (("r", RecordScreen), ("question_mark", HelpScreen)):
            app.notify("A toast over the dialog", markup=False, timeout=30)
            await pilot.pause()
            assert len(app._notifications) > 0
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)
            assert len(app._notifications) == 0
            await pilot.press("escape")
            await pilot.pause()
