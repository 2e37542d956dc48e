"""Everything fits 80x24: help scrolls under a close hint that stays, settings say their
state in words, toasts keep off what the HUD shows, locked reasons hang under their text,
Escape under ``play STORY`` opens the title screen, "go back" takes number keys."""

from __future__ import annotations

from textual.app import App
from textual.widgets import OptionList, Static
from textual.widgets._toast import Toast, ToastRack

from game.engine.history import Decision
from game.ui.screens.decisions import DecisionPicker
from game.ui.screens.help import HelpScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.settings import SettingsScreen, StateBox
from game.ui.screens.title import TitleScreen
from game.ui.settings import Settings
from game.ui.widgets.choices import ChoiceList
from game.ui.widgets.hud import Hud
from ui_helpers import make_app, written_story


def inside(widget, screen_region) -> bool:
    """Whether ``widget`` is drawn wholly on the screen."""
    region = widget.region
    return region.height > 0 and screen_region.contains_region(region)


async def test_help_keeps_its_close_hint_and_every_key_reachable() -> None:
    for size in ((80, 24), (100, 32)):
        app = make_app()
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HelpScreen)
            whole = screen.region
            assert inside(screen.query_one("#help-close"), whole), size
            assert "Escape" in str(screen.query_one("#help-close", Static).render())
            keys = screen.query_one("#help-keys")
            assert keys.has_focus
            await pilot.press("end")
            await pilot.pause()
            last = screen.query(".help-row").last()
            assert "quit" in str(last.query(Static).last().render())
            assert keys.region.contains_region(last.region), size  # scrolled into view
            assert inside(screen.query_one("#help-close"), whole), size


async def test_help_names_the_reading_keys() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query(".help-key"))
        for key in ("Space  Enter", "PgUp PgDn", "Home  End", "▼ more", "1 … 9"):
            assert key in text


async def test_a_wrapped_description_hangs_beside_its_key() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        rows = app.screen.query(".help-row")
        assert len(rows) > 15
        for row in rows:
            key, what = row.query(Static)
            assert what.region.x == key.region.right  # a column of its own


async def test_settings_motion_line_fits_and_its_box_is_empty_when_off() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        box = screen.query_one(StateBox)
        rendered = str(box.render())
        assert "Reduced motion: off" in rendered and "X" not in rendered
        assert box.region.right <= screen.query_one(".dialog").content_region.right
        assert len(box.render().plain) <= box.region.width  # nothing clipped
        await pilot.click("#reduced-motion")
        await pilot.pause()
        rendered = str(box.render())
        assert "Reduced motion: on" in rendered and "X" in rendered
        buttons = screen.query_one("#save")
        assert inside(buttons, screen.region)


async def test_escape_under_play_story_opens_the_title_with_the_game_saved() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        stories = app.screen.query_one("#stories", OptionList)
        prompts = [str(stories.get_option_at_index(i).prompt)
                   for i in range(stories.option_count)]
        assert any("Continue: The Crossing" in p for p in prompts)
        await pilot.press("c")  # and back into the same game
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.engine.step == 1


async def test_escape_in_a_class_recorded_game_stays() -> None:
    followed = []
    app = make_app(on_engine=followed.append)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_toasts_keep_below_what_the_hud_shows(tmp_path) -> None:
    more = "".join(f"    s{n}: {{label: Service {n}, requires: tier >= 'A'}}\n" for n in range(4))
    path = written_story(tmp_path, {"  services:\n": "  services:\n" + more}, "services")
    for size in ((80, 24), (120, 40)):
        app = make_app(path)
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.press("1")  # five services closed, and the phone buzzes
            await pilot.pause()
            await pilot.pause()
            screen = app.screen
            hud = screen.query_one(Hud)
            closed = hud.query_one("#hud-closed")
            assert "Service 3" in str(closed.render())
            shown = [t for t in screen.query_one(ToastRack).query(Toast) if t.region.height]
            for toast in shown:
                assert not toast.region.overlaps(closed.region), size
            if size == (120, 40):
                assert shown  # room enough: the phone still buzzes


async def test_locked_reason_lines_hang_under_the_choice_text() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("1")
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        lines = str(choices.get_option_at_index(0).prompt).splitlines()
        assert len(lines) >= 3  # the reason wraps at this width
        assert lines[0].startswith("1. locked:")
        for line in lines[1:]:
            assert line.startswith("   ") and not line.startswith("    ")
        assert max(len(line) for line in lines) <= choices.scrollable_content_region.width


class PickerApp(App[None]):
    """A bare app showing the decision picker, to count on the number it returns."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.result: int | None | str = "open"

    def on_mount(self) -> None:
        picks = [Decision(n, f"Decision {n}", ()) for n in range(1, self.count + 1)]
        self.push_screen(DecisionPicker(picks), self._done)

    def _done(self, step: int | None) -> None:
        self.result = step


async def test_go_back_to_a_decision_by_its_number() -> None:
    app = PickerApp(3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.result == 1  # the moment before decision 2


async def test_two_digit_decision_numbers_wait_for_the_second_digit() -> None:
    app = PickerApp(12)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.result == "open"  # 1, 10, 11 or 12
        assert app.screen.query_one(OptionList).highlighted == 0
        await pilot.press("2")
        await pilot.pause()
        assert app.result == 11
    app = PickerApp(12)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "enter")  # Enter takes the one typed so far
        await pilot.pause()
        assert app.result == 0
    app = PickerApp(12)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")  # no decision 70: taken at once
        await pilot.pause()
        assert app.result == 6


async def test_scrollbars_use_the_themes_primary_on_its_panel() -> None:
    from textual.color import Color

    from game.ui.settings import HIGH_CONTRAST
    from game.ui.widgets.transcript import Transcript

    for theme in ("textual-dark", HIGH_CONTRAST):
        app = make_app(settings=Settings(theme=theme))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            colours = app.theme_variables
            for widget in (app.screen.query_one(Transcript), app.screen.query_one(ChoiceList)):
                assert widget.styles.scrollbar_color == Color.parse(colours["primary"]), theme
                assert widget.styles.scrollbar_background == Color.parse(colours["panel"])


async def test_toasts_make_way_when_the_hud_grows_after_they_are_shown(tmp_path) -> None:
    """A toast placed while the HUD is short is refitted when the HUD grows later
    (a list shown after the toast was placed must not sit under it)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = app.screen
        screen.notify("one\ntwo", title="Phone", timeout=600)
        await pilot.pause()
        await pilot.pause()
        rack = screen.query_one(ToastRack)
        assert [t for t in rack.query(Toast) if t.region.height]  # room for it now
        hud = screen.query_one(Hud)
        hud._put("#hud-lists", "Listed:", [f"List {n}" for n in range(8)])
        await pilot.pause()
        await pilot.pause()
        lists = hud.query_one("#hud-lists")
        assert lists.region.height >= 9
        shown = [t for t in rack.query(Toast) if t.region.height]
        for toast in shown:
            assert not toast.region.overlaps(lists.region)
