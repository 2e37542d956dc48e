"""Pilot tests of class mode: joining, the resume code, waiting for the class, the reveal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from game.classroom.pacing import Pacing, write_pacing
from game.classroom.records import RecordWriter
from game.classroom.seat import ClassSeat
from game.engine.engine import Engine
from game.ui import classapp
from game.ui.classapp import ClassApp
from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.join import JoinScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.waiting import WaitingScreen
from game.ui.widgets.reveal import RevealPanel
from ui_helpers import load, make_app


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The class folder of class 7b."""
    return tmp_path / "classes" / "7b"


@pytest.fixture(autouse=True)
def quick_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read the teacher's controls ten times a second, so tests wait little."""
    monkeypatch.setattr(classapp, "PACING_SECONDS", 0.1)


def class_app(folder: Path) -> tuple[ClassApp, ClassSeat]:
    story = load()
    seat = ClassSeat(story, folder, seed=7)
    return ClassApp(seat, story), seat


async def until(pilot, condition, seconds: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds (workers read files)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")


async def join(pilot, codename: str | None = None, code: str = "") -> None:
    """Fill in the join screen and press Enter."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, JoinScreen)
                and not app.screen.query_one("#codename", Input).disabled)
    if codename is not None:
        app.screen.query_one("#codename", Input).value = codename
    app.screen.query_one("#resume-code", Input).value = code
    app.screen.query_one("#codename", Input).focus()
    await pilot.press("enter")


async def test_a_new_player_joins_under_the_offered_codename(folder: Path) -> None:
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await join(pilot)
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        notice = str(app.screen_stack[-1].query_one("#bar", Static).render())
        assert f"{seat.codename} (resume code {seat.resume_code})" in notice
        assert (folder / f"{seat.codename}.jsonl").exists()
    seat.leave()


async def test_the_notice_names_what_is_recorded_and_the_resume_code(folder: Path) -> None:
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, JoinScreen)
                    and app.screen.offered_code)
        text = str(app.screen.query_one("#join-notice", Static).render())
        assert "never your name" in text
        assert f"Your resume code is {app.screen.offered_code}" in text


async def test_a_taken_codename_is_refused_on_screen(folder: Path) -> None:
    other = ClassSeat(load(), folder, seed=1)
    other.join("amber-otter", "", "k7pm")
    other.leave()
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await join(pilot, "amber-otter")
        await until(pilot, lambda: "already taken" in str(
            app.screen.query_one("#join-error", Static).render()))
        assert isinstance(app.screen, JoinScreen)
        await join(pilot, "amber-otter", "k7pm")  # it was theirs after all
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
    seat.leave()


async def test_coming_back_with_the_resume_code_continues_the_game(folder: Path) -> None:
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await join(pilot, "amber-otter")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        code = seat.resume_code
        await pilot.press("1")  # run for the bus: now at the office
        await pilot.pause()
        app.screen.save_now()
    seat.leave()  # the browser closed
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await join(pilot, "amber-otter", code.upper())
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert app.screen.engine.state.scene == "office"
        assert "amber-otter" in str(app.screen.query_one("#bar", Static).render())
    seat.leave()


async def test_a_held_chapter_shows_the_waiting_screen_until_released(folder: Path) -> None:
    folder.mkdir(parents=True)
    write_pacing(folder, Pacing(limit=1))
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await join(pilot)
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        await pilot.press("1", "3")  # the office, then Tuesday: chapter 2 is held
        await until(pilot, lambda: isinstance(app.screen, WaitingScreen))
        assert "Waiting for the class" in str(app.screen.query_one("#waiting-title",
                                                                   Static).render())
        await pilot.press("1", "escape")  # keys do not get past the wait
        assert isinstance(app.screen, WaitingScreen)
        write_pacing(folder, Pacing(limit=2))
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert app.screen.engine.state.scene == "tuesday"
    seat.leave()


async def test_a_hold_before_the_first_chapter_holds_players_as_they_join(folder: Path) -> None:
    folder.mkdir(parents=True)
    write_pacing(folder, Pacing(limit=0))
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 40)) as pilot:
        await join(pilot)
        await until(pilot, lambda: isinstance(app.screen, WaitingScreen))
        write_pacing(folder, Pacing())
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
    seat.leave()


def classmate(folder: Path, name: str, first: int, office: int) -> None:
    """Another student's finished session, recorded in the class folder."""
    engine = Engine(load(), seed=7)
    writer = RecordWriter.create(folder, name, "7b")
    writer.attach(engine)
    engine.choose(first)
    if engine.view().continues:
        engine.proceed()
    engine.choose(office)
    engine.choose(1)
    writer.close()


async def test_the_debrief_reveals_how_the_class_chose(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in ("bold-crane", "calm-deer", "dusty-eagle"):
        classmate(folder, name, 1, 3)
    classmate(folder, "early-finch", 2, 2)
    app, seat = class_app(folder)
    async with app.run_test(size=(100, 60)) as pilot:
        await join(pilot, "amber-otter")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        await pilot.press("1", "3", "1", "enter")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen))
        panel = app.screen.query_one("#reveal", RevealPanel)
        assert "Your teacher will show here" in str(panel.render())
        write_pacing(folder, Pacing(reveal=True))
        panel._look()
        await until(pilot, lambda: panel.revealed)
        text = str(panel.render())
        assert "Your phone wakes you at six" in text and "(n = 5)" in text
        assert "▶ Run across the road to catch the bus" in text and "80 % (4)  ← you" in text
        assert "Wait for the green light  fewer than 3" in text  # one classmate: hidden
        assert "Skip the loan payment" in text and "← you" in text
    seat.leave()


async def test_loading_a_save_tells_the_app_so_class_records_follow() -> None:
    followed: list[Engine] = []
    app = make_app(on_engine=followed.append)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1")
        screen = app.screen
        screen.save_now()
        loaded, _ = screen.saver.store.load()
        screen.replace_engine(loaded)
        await pilot.pause()
        assert followed == [loaded]
