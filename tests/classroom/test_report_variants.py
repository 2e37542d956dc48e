"""The class report and the dashboard under each variant: every finished path replayed."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.classroom.records import RecordWriter
from game.classroom.render import to_csv, to_markdown
from game.classroom.report import build_report
from game.classroom.report_html import to_html
from game.classroom.sessions import read_class
from game.engine.engine import Engine
from game.story.loader import load_story
from class_helpers import record_paths

VARIANTS = Path(__file__).parents[1] / "fixtures" / "variants.yaml"
PATHS = {  # codename: the choices (bank goes on by itself)
    "ada": ("cross", "borrow", "walk"),
    "bo": ("cross", "save", "walk"),
    "cy": ("cross", "borrow", "walk"),
    "di": ("wait", "borrow", "train"),
    "ed": ("wait", "borrow", "train"),
    "fu": ("wait", "borrow", "train"),
    "gu": ("wait", "save", "train"),
}


@pytest.fixture(scope="module")
def story():
    return load_story(VARIANTS)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, story) -> Path:
    folder = tmp_path_factory.mktemp("records") / "9c"
    folder.mkdir()
    record_paths(folder, story, PATHS, proceed=True)
    unfinished = Engine(story, seed=1)  # left after one choice: not replayed
    writer = RecordWriter.create(folder, "hal", folder.name)
    writer.attach(unfinished)
    unfinished.take("cross")
    writer.close()
    return folder


def test_each_variant_gets_a_column_computed_by_replaying_the_paths(folder, story):
    report = build_report(read_class(folder), story, "vt", show_small=True)
    columns = {c.id: c for c in report.variants}
    assert list(columns) == ["as_written", "open_book", "no_cameras", "strict_rail"]
    written = columns["as_written"]
    assert (written.n, written.listed, written.refused, written.broke) == (7, 5, 3, 0)
    assert [(e.key, e.count) for e in written.endings] == [("home", 7)]
    assert [(t.key, t.count) for t in written.tiers] == [("A", 4), ("D", 3)]
    # Without the cameras nobody loses points, so nobody is refused the train.
    cameras = columns["no_cameras"]
    assert (cameras.refused, [(t.key, t.count) for t in cameras.tiers]) == (0, [("A", 7), ("D", 0)])
    # A railway that refuses debtors breaks the three paths that borrowed and took the train.
    strict = columns["strict_rail"]
    assert (strict.broke, strict.refused, strict.endings[0].count) == (3, 6, 4)


def test_the_markdown_html_and_csv_show_the_variants_beside_the_story(folder, story):
    report = build_report(read_class(folder), story, "vt", show_small=True)
    text = to_markdown(report)
    assert "## Under other systems" in text
    assert ("As written: 5 of 7 on a list at the end; If every rule were announced: 5; "
            "Without the street cameras: 5; If the railway refused debtors: 5.") in text
    assert ("| Refused a service at least once | 3 (43 %) | 3 (43 %) | 0 (0 %) | 6 (86 %) |"
            in text)
    assert "| Path breaks (a choice closed) | 0 (0 %) | 0 (0 %) | 0 (0 %) | 3 (43 %) |" in text
    page = to_html(report)
    assert '<section id="variants"><h2>Under other systems</h2>' in page
    assert "<th>Without the street cameras</th>" in page or \
        '<th class="num">Without the street cameras</th>' in page
    csv = to_csv(report)
    assert '"variant","strict_rail","broke","path breaks (a choice closed)",3,7,0.429' in csv
    assert '"variant","strict_rail","refused:rail","The train",6,7,0.857' in csv
    # Each variant's id is said in words once, as the other formats head its column.
    assert '"variant","strict_rail","label","If the railway refused debtors","","",""' in csv
    assert '"variant","as_written","label","As written","","",""' in csv
    assert [(c.key, c.count) for c in report.variants[2].services] == [("rail", 0)]


def test_small_counts_stay_hidden_under_variants(folder, story):
    report = build_report(read_class(folder), story, "vt")
    text = to_markdown(report)
    assert "| Path breaks (a choice closed) | 0 (0 %) | 0 (0 %) | 0 (0 %) | 3 (43 %) |" in text
    from game.classroom.formatting import variant_cell

    assert (variant_cell(report, 2, 7), variant_cell(report, 0, 7)) == ("<3", "0 (0 %)")


def test_a_story_without_variants_has_no_section(tmp_path):
    from class_helpers import lesson, play_session

    folder = tmp_path / "7b"
    folder.mkdir()
    play_session(folder, "ada")
    report = build_report(read_class(folder), lesson(), "lesson")
    assert report.variants == ()
    assert "Under other systems" not in to_markdown(report)


async def test_the_dashboard_shows_each_variant_beside_the_story(folder, story) -> None:
    from textual.widgets import Static

    from game.classroom.desk import FolderDesk
    from game.ui.dashboard import DashboardApp

    # One read only (no timer): the test ends while no read is in flight.
    app = DashboardApp(FolderDesk(folder, story), poll_seconds=3600)
    async with app.run_test(size=(140, 60)) as pilot:
        lines: list[str] = []
        for _ in range(600):  # the first read runs in a thread: wait for it to be drawn
            lines = str(app.query_one("#variants", Static).render()).splitlines()
            if lines:
                break
            await pilot.pause(0.05)
    assert lines == [
        "As written: 5 of 7 on a list, 3 refused a service",
        "If every rule were announced: 5 of 7 on a list, 3 refused a service",
        "Without the street cameras: 5 of 7 on a list, 0 refused a service",
        "If the railway refused debtors: 5 of 7 on a list, 6 refused a service, 3 paths break",
    ]
