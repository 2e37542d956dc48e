"""Front ends do not import each other: class mode meets the classroom only through launch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_player_in_class_mode_never_imports_the_classroom() -> None:
    run("import sys\n"
        "import game.ui.classapp, game.ui.screens.join, game.ui.screens.waiting\n"
        "import game.ui.widgets.reveal, game.ui.screens.debrief\n"
        "bad = [m for m in sys.modules if m.startswith('game.classroom')]\n"
        "assert not bad, bad\n")


def test_the_dashboard_never_imports_the_classroom() -> None:
    """The dashboard (a Textual app in ui/) gets the class through launch's ClassDesk."""
    run("import sys\n"
        "import game.ui.dashboard, game.ui.classdesk\n"
        "bad = [m for m in sys.modules if m.startswith('game.classroom')]\n"
        "assert not bad, bad\n")


def test_the_classroom_desk_has_what_the_dashboard_reads(folder: Path) -> None:
    from class_helpers import lesson
    from game.classroom.desk import FolderDesk
    from game.ui.classdesk import ClassDesk

    wanted = {n for n in vars(ClassDesk) if not n.startswith("_")} | set(ClassDesk.__annotations__)
    desk = FolderDesk(folder, lesson())
    assert {n for n in wanted if not hasattr(desk, n)} == set()


def test_serving_and_seats_never_import_textual_or_the_player() -> None:
    run("import sys\n"
        "import game.classroom.serve, game.classroom.seat, game.classroom.live\n"
        "import game.classroom.pacing, game.classroom.lan\n"
        "bad = [m for m in sys.modules if m.startswith(('textual', 'game.ui'))]\n"
        "assert not bad, bad\n")


def test_the_pacing_file_needs_no_engine() -> None:
    """Reading and writing pacing.json takes the file helpers, not the engine's saves."""
    run("import sys\n"
        "import game.classroom.pacing\n"
        "bad = [m for m in sys.modules if m.startswith('game.engine')]\n"
        "assert not bad, bad\n")
