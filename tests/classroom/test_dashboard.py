"""Pilot tests of the class dashboard: live numbers, pacing and reveal controls."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from class_helpers import LESSON, lesson, play_session
from game.classroom.desk import FolderDesk, find_class_story
from game.launch import run_dashboard
from game.ui.dashboard import DashboardApp
from game.classroom.pacing import Pacing, read_pacing, write_pacing
from game.classroom.records import RecordError


def rendered(app) -> str:
    """Everything on the screen, as text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def shown(app, selector: str) -> str:
    """The widget's text, its unbreakable spaces read as spaces."""
    return str(app.query_one(selector, Static).render()).replace("\xa0", " ")


async def until(pilot, condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the dashboard never got there")


async def test_the_dashboard_shows_the_class_as_it_plays(folder) -> None:
    for name in ("amber-otter", "bold-crane", "calm-deer"):
        play_session(folder, name)
    play_session(folder, "dusty-eagle", bill=None)
    app = DashboardApp(FolderDesk(folder, lesson()), poll_seconds=0.1)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        assert "4 players: 1 playing, 3 at an ending" in shown(app, "#head")
        chapters = app.query_one(OptionList)
        assert "1. Monday   <3 here" in str(chapters.get_option_at_index(0).prompt)
        decisions = shown(app, "#decisions")
        assert "A bill arrives the day before payday." in decisions
        assert "Pay it late  ████████████████████████ 100 % (3)" in decisions
        assert "The week ends  ██████████████████ 75 % (3)" in shown(app, "#endings")
        assert "Debtors' list  ██████████████████ 75 % (3)" in shown(app, "#listings")
        play_session(folder, "eager-fox", bill="borrow", street=None)  # the class plays on
        await until(pilot, lambda: "5 players" in shown(app, "#head"))
        assert "n = 4" in shown(app, "#decisions")


async def test_hold_next_and_release_write_the_control_file(folder) -> None:
    app = DashboardApp(FolderDesk(folder, lesson()), poll_seconds=0.1)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        from game.ui.widgets.keyline import KeyLine

        keys = ["Hold", "Open next", "Release", "Reveal", "Small counts", "Quit", "Scroll"]
        # (the priority key, Scroll, comes first or last as the focus settles)
        await until(pilot, lambda: sorted(k[2] for k in app.query_one(KeyLine).keys)
                    == sorted(keys))
        await pilot.press("down", "h")  # hold before Tuesday (chapter 2)
        await until(pilot, lambda: read_pacing(folder).limit == 1)
        await until(pilot, lambda: "Held after “Monday”" in shown(app, "#pacing"))
        assert "■ held" in str(app.query_one(OptionList).get_option_at_index(1).prompt)
        await pilot.press("up", "h")  # hold before the first chapter
        await until(pilot, lambda: read_pacing(folder).limit == 0)
        await pilot.press("n")  # open Monday
        await until(pilot, lambda: read_pacing(folder).limit == 1)
        await pilot.press("n")  # open Tuesday: nothing more is held
        await until(pilot, lambda: read_pacing(folder).limit is None)
        await pilot.press("up", "h", "r")
        await until(pilot, lambda: read_pacing(folder) == Pacing())


async def test_reveal_and_small_counts_are_toggled_for_the_class(folder) -> None:
    play_session(folder, "amber-otter")
    write_pacing(folder, Pacing(limit=1, story="lesson"))
    app = DashboardApp(FolderDesk(folder, lesson()), poll_seconds=0.1)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        assert "<3" in shown(app, "#decisions")
        await pilot.press("v")
        await until(pilot, lambda: read_pacing(folder).reveal)
        await pilot.press("s")
        await until(pilot, lambda: read_pacing(folder).show_small)
        await until(pilot, lambda: "100 % (1)" in shown(app, "#decisions"))
        assert read_pacing(folder) == Pacing(limit=1, reveal=True, show_small=True,
                                             story="lesson")  # the rest is kept
        assert "Reveal ON" in shown(app, "#pacing")


def test_the_story_is_found_as_served_or_as_played(folder, tmp_path) -> None:
    write_pacing(folder, Pacing(story="lesson", story_path=str(LESSON)))
    assert find_class_story(folder, None, []).id == "lesson"
    write_pacing(folder, Pacing())
    play_session(folder, "amber-otter")
    assert find_class_story(folder, None, [LESSON.parent]).id == "lesson"
    with pytest.raises(RecordError, match="give it with --story"):
        find_class_story(folder, None, [tmp_path])
    assert find_class_story(folder, LESSON, []).id == "lesson"


def test_a_class_that_does_not_exist_is_one_line(tmp_path) -> None:
    with pytest.raises(RecordError, match="there is no class 9z .* class serve STORY --class 9z"):
        run_dashboard("9z", tmp_path, None, [])


class LateDesk(FolderDesk):
    """A folder desk whose reads can be held after reading the controls, as a slow
    disk holds them: the read then answers with controls older than a later write."""

    def __init__(self, folder, story) -> None:
        super().__init__(folder, story)
        import threading

        self.hold = threading.Event()
        self.held = threading.Event()
        self.gate = threading.Event()

    def look(self):
        numbers, pacing = super().look()
        if self.hold.is_set():
            self.hold.clear()
            self.held.set()
            self.gate.wait(5)
        return numbers, pacing


async def test_a_late_read_does_not_undo_the_teachers_last_control(folder) -> None:
    """Reveal, then small counts: a read begun before the reveal was written, answering
    after it, must not make the next key write the reveal back off."""
    play_session(folder, "amber-otter")
    write_pacing(folder, Pacing(limit=1, story="lesson"))
    desk = LateDesk(folder, lesson())
    app = DashboardApp(desk, poll_seconds=60)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        desk.hold.set()
        app.look()  # reads the controls (no reveal yet), then waits
        await until(pilot, desk.held.is_set)
        await pilot.press("v")
        await until(pilot, lambda: read_pacing(folder).reveal)
        desk.gate.set()  # the late read answers with the old controls
        await pilot.pause(0.2)
        await pilot.press("s")
        await until(pilot, lambda: read_pacing(folder).show_small)
        assert read_pacing(folder) == Pacing(limit=1, reveal=True, show_small=True,
                                             story="lesson")
        await until(pilot, lambda: "Reveal ON" in shown(app, "#pacing"))


async def test_a_read_that_answers_after_the_dashboard_closed_is_dropped(folder) -> None:
    """Under load a read thread could answer after the app had closed: NoMatches('#head')."""
    play_session(folder, "amber-otter")
    desk = FolderDesk(folder, lesson())
    app = DashboardApp(desk, poll_seconds=60)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        numbers, pacing = desk.look()
    app.show_numbers(numbers, pacing)  # late: nothing to draw on, nothing raised


async def test_at_80_by_24_every_key_is_named_and_the_numbers_page_down(folder) -> None:
    """A projector at 80x24: the key line had room for the keys alone ("h n r v s q"),
    and the endings, lists and city below the decisions could not be reached by key."""
    from game.ui.widgets.keyline import KeyLine

    for name in ("amber-otter", "bold-crane", "calm-deer", "dusty-eagle"):
        play_session(folder, name)
    app = DashboardApp(FolderDesk(folder, lesson()), poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        line = app.query_one(KeyLine)
        await until(pilot, lambda: "Scroll" in [k[2] for k in line.keys])
        await pilot.pause()
        assert "Hold" in str(line.render()) and "Small counts" in str(line.render())
        numbers = app.query_one("#dash-right")
        assert numbers.max_scroll_y > 0 and numbers.scroll_y == 0
        await pilot.press("pagedown")  # the chapter list has the focus
        await until(pilot, lambda: numbers.scroll_y > 0)
        assert app.query_one(OptionList).highlighted == 0  # the chapter stayed put
        await pilot.press("pageup")
        await until(pilot, lambda: numbers.scroll_y == 0)


async def test_at_80_columns_a_bar_is_never_split_from_its_share(folder) -> None:
    """At 80 columns a long option wrapped "38 %" above "(3)" (or "67" above "% (4)"):
    a label and its bar that do not fit on a line put the bar on a line of its own."""
    import re

    for name in ("amber-otter", "bold-crane", "calm-deer", "dusty-eagle"):
        play_session(folder, name)
    app = DashboardApp(FolderDesk(folder, lesson()), poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        share = r"\d+ % \(\d+\)"

        def whole(selector: str) -> bool:
            """Every share on one line with its number, and no bar ending a line."""
            widget = app.query_one(selector, Static)
            lines = [s.text for s in widget.render_lines(widget.region.reset_offset)]
            drawn = "\n".join(line.rstrip() for line in lines) + "\n"
            wanted = len(re.findall(share, shown(app, selector)))
            return (wanted > 0 and len(re.findall(share, drawn)) == wanted
                    and "█\n" not in drawn)

        for columns in range(70, 111):  # every width a projector might have
            await pilot.resize_terminal(columns, 24)
            await until(pilot, lambda: whole("#decisions") and whole("#endings"), 2.0)
        assert "Help the old man with his shopping" in shown(app, "#decisions")


def test_a_label_too_long_for_the_line_puts_its_bar_below() -> None:
    from game.ui.dashboard import labelled
    from textual.content import Content

    one = Content.assemble(*labelled("Wait", 1, 4, False, 40, "  "))
    assert "\n" not in str(one)
    two = str(Content.assemble(*labelled("Help the old man with his shopping", 3, 4, False,
                                         40, "  ")))
    head, below = two.split("\n")
    assert head == "  Help the old man with his shopping"
    assert below.endswith(" 75 % (3)") and len(below) <= 40


def test_held_and_closed_chapters_stay_in_a_column() -> None:
    """"  closed4. Thursday" ran the mark into the chapter's number."""
    from game.ui.dashboard import chapter_prompt

    pacing = Pacing(limit=1, story="lesson")
    lines = [str(chapter_prompt(n, t, 0, pacing, False)) for n, t in ((1, "Mon"), (2, "Tue"),
                                                                      (3, "Wed"))]
    assert [line.index(f"{n}. ") for n, line in zip((1, 2, 3), lines)] == [8, 8, 8]
    assert lines[1].startswith("■ held ") and lines[2].startswith("closed ")


async def test_one_player_and_the_city_line_before_it_has_numbers(folder) -> None:
    from game.ui.dashboard import city_waiting

    play_session(folder, "amber-otter")
    app = DashboardApp(FolderDesk(folder, lesson()), poll_seconds=0.1)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.numbers is not None)
        assert "1 player: 0 playing, 1 at an ending" in shown(app, "#head")
        assert lesson().population is None  # nothing to scale: no section saying so
        assert not app.query("#city") and "Scaled to the city" not in rendered(app)
    from game.story.loader import load_story
    from game.cli import resolve_story

    green = load_story(resolve_story("green_channel", []))
    assert green.population is not None
    assert city_waiting(green) == "Shown once 3 players have made a choice (s shows it sooner)."


async def test_a_key_before_the_first_read_does_not_blank_the_classs_controls(folder) -> None:
    """A dashboard restarted mid-lesson: a key pressed while it was still reading wrote
    blank controls over the class's (the reveal went off, the served story was lost)."""
    play_session(folder, "amber-otter")
    before = Pacing(limit=None, reveal=True, story="lesson", story_path="/stories/lesson")
    write_pacing(folder, before)
    desk = LateDesk(folder, lesson())
    desk.hold.set()  # the first read waits at the gate
    app = DashboardApp(desk, poll_seconds=60)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, desk.held.is_set)
        await pilot.press("r", "v", "s")
        await pilot.pause(0.2)
        assert read_pacing(folder) == before
        desk.gate.set()
        await until(pilot, lambda: app.numbers is not None)
        await pilot.press("s")  # once read, a key builds on the class's controls
        await until(pilot, lambda: read_pacing(folder).show_small)
        assert read_pacing(folder).reveal and read_pacing(folder).story_path == "/stories/lesson"
