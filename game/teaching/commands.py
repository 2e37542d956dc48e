"""The pack's commands: ``handouts``, ``handouts --sync-guides`` and ``gamebook``.

Each takes what the CLI parsed and a ``load`` function giving a story by id or path,
writes its files, and reports in one line per file. A bad argument, a missing data
file or an unwritable folder is a one-line error (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TextIO

from game.story.model import Story
from game.teaching import guides
from game.teaching.data import data_folder, load_story_data, load_unit_data
from game.teaching.gamebook import write_gamebook
from game.teaching.handouts import (
    Written, bundled, write_story_handouts, write_unit_handouts,
)
from game.teaching.html import Document
from game.teaching.pdf import PdfError, find_chromium, page_count, print_pdf
from game.teaching.words import PathLength, path_length

UNIT = "unit"
"""The target naming the unit rather than a story."""


class OutputError(PdfError):
    """A file could not be written."""


def _pdfs(document: Document, html: Path, pdf: str, chromium: str | None,
          out: TextIO, err: TextIO) -> None:
    """Print the A4 and US Letter PDFs beside ``html`` when asked or when Chromium is here."""
    if pdf == "no":
        return
    program = find_chromium(chromium)
    if program is None:
        if pdf == "yes":
            raise PdfError("--pdf yes: no Chromium found (install chromium, or give "
                           "--chromium PATH); the HTML prints from any browser")
        print("no Chromium found: HTML only (print it from a browser; A4 or US Letter)",
              file=err)
        return
    for paper in ("a4", "letter"):
        target = html.with_name(f"{html.stem}-{paper}.pdf")
        print_pdf(program, document, paper, target)
        print(f"wrote {target} ({page_count(target)} pages, "
              f"{'A4' if paper == 'a4' else 'US Letter'})", file=out)


def run_handouts(target: str, folder: Path, load: Callable[[str], Story], pdf: str,
                 chromium: str | None, out: TextIO, err: TextIO) -> int:
    """Write the handouts of a story (or of the unit, ``target == "unit"``) in ``folder``."""
    try:
        if target == UNIT:
            written: Written = write_unit_handouts(load, folder)
        else:
            written = write_story_handouts(load(target), folder)
    except OSError as exc:
        raise OutputError(f"{exc.filename or folder}: cannot write ({exc.strerror})") from None
    print(f"wrote {written.path} ({written.what}; prints on A4 or US Letter)", file=out)
    _pdfs(written.document, written.path, pdf, chromium, out, err)
    return 0


def run_gamebook(story: Story, target: Path, seed: int, pdf: str, chromium: str | None,
                 out: TextIO, err: TextIO) -> int:
    """Write the paper gamebook of ``story``; warn about what paper does differently."""
    if target.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"--out {target}: the gamebook is written as HTML (FILE.html); "
                          "the PDFs are written beside it")
    try:
        book = write_gamebook(story, target, seed)
    except OSError as exc:
        raise OutputError(f"{exc.filename or target}: cannot write ({exc.strerror})") from None
    for warning in book.warnings:
        print(f"warning: on paper: {warning}", file=err)
    print(f"wrote {target} ({len(book.numbers)} sections, seed {seed})", file=out)
    _pdfs(book.document, target, pdf, chromium, out, err)
    return 0


def sync_guides(load: Callable[[str], Story], folder: Path | None = None,
                guides_folder: Path | None = None, runs: int = 200,
                present: Callable[[str], bool] = bundled) -> list[guides.Sync]:
    """Every guide with its generated blocks rewritten from the data (not yet saved).

    A story the unit names but ``present`` says this copy lacks has no guide to sync, and
    the unit's timings say so on its row instead of a number.
    """
    folder = folder or data_folder()
    guides_folder = guides_folder or folder.parent
    unit = load_unit_data(folder)
    syncs = []
    timings: dict[str, tuple[Story, PathLength]] = {}
    for story_id in unit.stories:
        if not present(story_id):
            continue
        data = load_story_data(story_id, folder)
        syncs.append(guides.regenerate(guides_folder / f"{story_id}.md",
                                       guides.story_blocks(data, unit)))
        story = load(story_id)
        timings[story_id] = (story, path_length(story, runs))
    syncs.append(guides.regenerate(guides_folder / "unit.md", {
        "unit-lessons": lambda: guides.unit_lessons(unit, timings),
        "unit-comparison": lambda: guides.unit_comparison(unit),
        "unit-teaching": lambda: guides.unit_teaching(unit, timings),
        "unit-care": lambda: guides.unit_care(unit)}))
    return syncs


def missing_stories(present: Callable[[str], bool] = bundled) -> list[str]:
    """The stories the unit names that this copy of Standing does not bundle."""
    return [story_id for story_id in load_unit_data().stories if not present(story_id)]


def run_sync(load: Callable[[str], Story], check: bool, out: TextIO,
             prog: str = "python -m game") -> int:
    """Rewrite the guides' generated blocks; with ``check``, only say which differ (exit 1)."""
    changed = [s for s in sync_guides(load) if s.changed]
    for story_id in missing_stories():
        print(f"note: the unit names '{story_id}', which this copy of Standing does not "
              "bundle: its guide is not synced and its timings are left out", file=out)
    for sync in changed:
        if check:
            print(f"{sync.path}: differs from its teaching data (run: {prog} "
                  "handouts --sync-guides)", file=out)
        else:
            try:
                sync.path.write_text(sync.new, encoding="utf-8")
            except OSError as exc:
                raise OutputError(f"{sync.path}: cannot write ({exc.strerror})") from None
            print(f"updated {sync.path}", file=out)
    if not changed:
        print("the guides match their teaching data", file=out)
    return 1 if (check and changed) else 0
